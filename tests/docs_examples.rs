//! The docs' examples are the program's output, byte for byte: every fenced `console` block in
//! README.md and docs/*.md whose commands use the demo card (`mynapin --demo`) is run, in a fresh
//! home directory, and what it prints must be exactly what the block shows. Blocks for a real
//! reader (no `--demo`) are not run.
//!
//! Two things change from run to run and are normalized on both sides: the days a certificate has
//! left (`"days_left": N`, `N days left`), and the temporary home directory, shown as `/home/me`.

#![cfg(unix)]

#[path = "support/demo.rs"]
mod demo;

use std::path::Path;

/// One `$ command` and the lines after it.
struct Example {
    command: String,
    expected: String,
}

/// The `console` blocks of a Markdown text whose first command uses the demo card.
fn demo_blocks(markdown: &str) -> Vec<Vec<Example>> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "```console" {
            continue;
        }
        let mut block: Vec<Example> = Vec::new();
        for line in lines.by_ref() {
            if line.trim() == "```" {
                break;
            }
            match line.strip_prefix("$ ") {
                Some(command) => block.push(Example {
                    command: command.to_string(),
                    expected: String::new(),
                }),
                None => {
                    let example = block.last_mut().expect("a console block starts with `$ `");
                    example.expected.push_str(line);
                    example.expected.push('\n');
                }
            }
        }
        if block
            .first()
            .is_some_and(|example| example.command.contains("mynapin --demo"))
        {
            for example in &block {
                assert!(
                    example.command.contains("mynapin --demo"),
                    "a demo block runs only demo commands: {}",
                    example.command
                );
            }
            blocks.push(block);
        }
    }
    blocks
}

fn normalize(text: &str, home: &Path) -> String {
    let text = text.replace(home.to_str().unwrap(), "/home/me");
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let line = match line.find("\"days_left\": ") {
            Some(at) => {
                let start = at + "\"days_left\": ".len();
                let end = start
                    + line[start..]
                        .find(|c: char| !c.is_ascii_digit())
                        .unwrap_or(line.len() - start);
                format!("{}N{}", &line[..start], &line[end..])
            }
            None => line.to_string(),
        };
        out.push_str(&days_left_in_text(&line));
    }
    out
}

/// "1645 days left" → "N days left".
fn days_left_in_text(line: &str) -> String {
    let Some(at) = line.find(" days left") else {
        return line.to_string();
    };
    let start = line[..at]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    format!("{}N{}", &line[..start], &line[at..])
}

fn check_file(path: &Path) -> usize {
    let markdown = std::fs::read_to_string(path).unwrap();
    let binary = assert_cmd::cargo::cargo_bin("mynapin");
    let bin_dir = binary.parent().unwrap();
    let blocks = demo_blocks(&markdown);
    for block in &blocks {
        // A fresh home: a fresh demo card in ~/.cache/mynapin, kept through the block.
        let home = tempfile::tempdir().unwrap();
        for example in block {
            let mut cmd = std::process::Command::new("sh");
            demo::english(&mut cmd)
                .arg("-c")
                .arg(format!("{{ {}\n}} 2>&1", example.command))
                .env("HOME", home.path())
                .env("XDG_CACHE_HOME", home.path().join(".cache"))
                .env_remove("MYNAPIN_DEMO_STATE")
                .env_remove("MYNAPIN_DEMO_APDU_LOG")
                .env(
                    "PATH",
                    format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap()),
                );
            let output = cmd.output().unwrap();
            let actual = normalize(&String::from_utf8(output.stdout).unwrap(), home.path());
            let expected = normalize(&example.expected, home.path());
            assert_eq!(
                expected,
                actual,
                "{}: `$ {}` prints otherwise",
                path.display(),
                example.command
            );
        }
    }
    blocks.len()
}

#[test]
fn the_docs_demo_examples_are_the_real_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = check_file(&root.join("README.md"));
    assert!(readme >= 1, "README.md has no demo example");
    let mut docs = 0;
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "md") {
            docs += check_file(&path);
        }
    }
    assert!(docs >= 1, "docs/ has no demo example");
    eprintln!("checked {readme} README block(s) and {docs} docs block(s)");
}

#[test]
fn normalization_keeps_everything_but_the_day_count() {
    let home = Path::new("/tmp/x");
    assert_eq!(
        normalize(
            "  \"days_left\": 1645,\nvalid until 2031-05-31, 1645 days left\n/tmp/x/.cache\n",
            home
        ),
        "  \"days_left\": N,\nvalid until 2031-05-31, N days left\n/home/me/.cache\n"
    );
}
