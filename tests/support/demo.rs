//! The demo card for the CLI tests: `mynapin --demo` in English, with its state file and APDU log
//! in a temporary directory of its own.

// Each test binary includes this module and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub struct Demo {
    dir: tempfile::TempDir,
}

impl Demo {
    pub fn new() -> Self {
        Demo {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The temporary directory, for files a test writes next to the state.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn state(&self) -> PathBuf {
        self.dir.path().join("state.json")
    }

    pub fn apdu_log(&self) -> PathBuf {
        self.dir.path().join("apdus.log")
    }

    /// `mynapin --demo ARGS` on this demo card.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("mynapin"));
        english(&mut cmd)
            .env("MYNAPIN_DEMO_STATE", self.state())
            .env("MYNAPIN_DEMO_APDU_LOG", self.apdu_log())
            .arg("--demo")
            .args(args);
        Command::from_std(cmd)
    }

    /// The APDU log's lines; none before the first command.
    pub fn log_lines(&self) -> Vec<String> {
        std::fs::read_to_string(self.apdu_log())
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

/// Makes `cmd` speak English whatever the caller's locale, without traces on stderr.
pub fn english(cmd: &mut std::process::Command) -> &mut std::process::Command {
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env_remove("RUST_LOG")
}

/// The keys of a JSON object, sorted.
pub fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    keys
}

/// `text` without any white space: mynapin wraps its text to 80 columns (at a space, or between
/// Japanese characters), so a test that looks for a sentence compares both without it.
pub fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `text` says `phrase`, wherever its lines were broken.
pub fn says(text: &str, phrase: &str) -> bool {
    squeezed(text).contains(&squeezed(phrase))
}
