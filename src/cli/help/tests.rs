use clap::CommandFactory;

use super::{arg_key, arg_text, ja, localized, JA};
use crate::cli::Cli;
use crate::i18n::Lang;

/// Every key of the command tree (commands, options, positionals) and whether it has a text.
/// The `help` command's own list of commands is clap's, and never shown.
fn keys(command: &clap::Command, path: &str, out: &mut Vec<(String, bool)>) {
    out.push((path.to_string(), ja(path).is_some()));
    for arg in command.get_arguments() {
        out.push((arg_key(arg, path), arg_text(arg, path).is_some()));
    }
    for sub in command.get_subcommands() {
        if path == "help" {
            continue;
        }
        let sub_path = if path.is_empty() {
            sub.get_name().to_string()
        } else {
            format!("{path} {}", sub.get_name())
        };
        keys(sub, &sub_path, out);
    }
}

fn all_keys() -> Vec<(String, bool)> {
    let mut command = Cli::command();
    command.build();
    let mut out = Vec::new();
    keys(&command, "", &mut out);
    out
}

#[test]
fn every_command_and_option_has_its_japanese_help() {
    let missing: Vec<String> = all_keys()
        .into_iter()
        .filter(|(_, has_text)| !has_text)
        .map(|(key, _)| key)
        .collect();
    assert!(missing.is_empty(), "add to help::JA: {missing:?}");
}

#[test]
fn the_table_has_no_text_for_what_does_not_exist() {
    let keys = all_keys();
    let stale: Vec<&str> = JA
        .iter()
        .map(|(key, _)| *key)
        .filter(|key| !key.ends_with("after-help") && !keys.iter().any(|(k, _)| k == key))
        .collect();
    assert!(stale.is_empty(), "no such command or option: {stale:?}");
}

fn help(args: &[&str], lang: Lang) -> String {
    let error = localized(Cli::command(), lang)
        .try_get_matches_from(args)
        .unwrap_err();
    assert_eq!(error.kind(), clap::error::ErrorKind::DisplayHelp);
    error.render().to_string()
}

#[test]
fn help_is_japanese_through_and_through() {
    for args in [
        &["mynapin", "--help"][..],
        &["mynapin", "status", "--help"],
        &["mynapin", "verify", "-h"],
        &["mynapin", "cert", "--help"],
        &["mynapin", "help", "status"],
    ] {
        let text = help(args, Lang::Ja);
        for english in [
            "Usage:",
            "Options:",
            "Commands:",
            "Print help",
            "default:",
            "possible values",
        ] {
            assert!(
                !text.contains(english),
                "{args:?} says {english:?}:\n{text}"
            );
        }
        assert!(text.contains("使い方:"), "{text}");
    }
    let status = help(&["mynapin", "status", "--help"], Lang::Ja);
    assert!(status.contains("各暗証番号の残り回数"), "{status}");
    assert!(
        status.contains("auth、sign、card-info、all のいずれか"),
        "{status}"
    );
    assert!(status.contains("［既定: all］"), "{status}");
    let english = help(&["mynapin", "status", "--help"], Lang::En);
    assert!(
        english.contains("Show how many tries each PIN has left"),
        "{english}"
    );
}

#[test]
fn commands_do_not_advertise_global_options_they_do_not_use() {
    let reset = help(&["mynapin", "reset-demo", "--help"], Lang::En);
    assert!(!reset.contains("--reader"), "{reset}");
    assert!(reset.contains("--json"), "{reset}");
    let completions = help(&["mynapin", "completions", "--help"], Lang::En);
    assert!(!completions.contains("--demo"), "{completions}");
    let status = help(&["mynapin", "status", "--help"], Lang::En);
    assert!(
        status.contains("--reader") && status.contains("--demo"),
        "{status}"
    );
}
