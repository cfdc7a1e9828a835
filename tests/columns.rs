//! Every text mynapin writes fits an 80-column terminal (or a narrower one, given by `COLUMNS`),
//! in English and Japanese: every `--help`, and what the commands print in the states a person
//! meets (counters at one try left and blocked, refusals, wrong PINs, the checklist, errors).
//! Widths are measured as a terminal shows them: East Asian wide characters take two columns.

#[path = "support/demo.rs"]
mod demo;

use std::process::Output;

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use demo::Demo;

const LANGS: [&str; 2] = ["en", "ja"];

/// Every line of `text` within `columns`; `what` names the run.
fn assert_fits(text: &str, columns: usize, what: &str) {
    for line in text.lines() {
        assert!(
            line.width() <= columns,
            "{what}: {} columns > {columns}:\n{line}\n--- in:\n{text}",
            line.width()
        );
    }
}

fn assert_output_fits(output: &Output, columns: usize, what: &str) {
    assert_fits(&String::from_utf8_lossy(&output.stdout), columns, what);
    assert_fits(&String::from_utf8_lossy(&output.stderr), columns, what);
}

fn commands(demo: &Demo) -> Vec<String> {
    let output = demo.cmd(&["completions", "bash"]).output().unwrap();
    assert!(output.status.success());
    // The commands, from the definition itself (the bash completion lists them).
    let mut commands: Vec<String> = [
        "readers",
        "status",
        "verify",
        "change-pin",
        "check",
        "cert",
        "watch",
        "reset-demo",
        "virtual-card",
        "completions",
        "man",
        "help",
    ]
    .map(String::from)
    .to_vec();
    let script = String::from_utf8(output.stdout).unwrap();
    commands.retain(|command| script.contains(command.as_str()));
    assert!(commands.len() >= 11, "{commands:?}");
    commands
}

#[test]
fn every_help_fits_80_columns_in_both_languages() {
    let demo = Demo::new();
    let mut runs: Vec<Vec<String>> = vec![
        vec!["--help".into()],
        vec!["-h".into()],
        vec!["help".into()],
        vec!["help".into(), "--help".into()],
        vec![],
    ];
    for command in commands(&demo) {
        runs.push(vec![command.clone(), "--help".into()]);
        runs.push(vec![command.clone(), "-h".into()]);
        runs.push(vec!["help".into(), command]);
    }
    for lang in LANGS {
        for args in &runs {
            let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("mynapin"));
            demo::english(&mut cmd).args(["--lang", lang]).args(args);
            let output = cmd.output().unwrap();
            let what = format!("mynapin --lang {lang} {}", args.join(" "));
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            assert!(
                args.is_empty() || text.lines().count() > 3,
                "{what}: no help?\n{text}"
            );
            assert_output_fits(&output, 80, &what);
        }
    }
}

#[test]
fn mynapin_alone_shows_the_help_within_80_columns() {
    for lang in ["C.UTF-8", "ja_JP.UTF-8"] {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("mynapin"));
        demo::english(&mut cmd).env("LANG", lang);
        let output = cmd.output().unwrap();
        let help = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(help.lines().count() > 10, "{lang}: {help}");
        assert_output_fits(&output, 80, lang);
    }
}

#[test]
fn the_help_fits_a_narrower_terminal() {
    let demo = Demo::new();
    for lang in LANGS {
        for args in [
            &["--help"][..],
            &["status", "--help"],
            &["virtual-card", "--help"],
        ] {
            let output = demo
                .cmd(&[&["--lang", lang][..], args].concat())
                .env("COLUMNS", "50")
                .output()
                .unwrap();
            assert_output_fits(&output, 50, &format!("COLUMNS=50 {lang} {args:?}"));
        }
    }
}

/// Sets a PIN's tries left in the demo card's state.
fn set_tries(demo: &Demo, pin: &str, tries: u8) {
    demo.cmd(&["reset-demo"]).assert().success();
    let mut state: Value =
        serde_json::from_str(&std::fs::read_to_string(demo.state()).unwrap()).unwrap();
    state[pin.replace('-', "_").as_str()]["tries_left"] = tries.into();
    std::fs::write(demo.state(), serde_json::to_string(&state).unwrap()).unwrap();
}

/// Runs `args` with `stdin` and checks every line it wrote.
fn run_fits(demo: &Demo, args: &[&str], stdin: &str, columns: usize) -> Output {
    let output = demo
        .cmd(args)
        .env("COLUMNS", columns.to_string())
        .write_stdin(stdin)
        .output()
        .unwrap();
    assert_output_fits(
        &output,
        columns,
        &format!("COLUMNS={columns} {args:?} <<< {stdin:?}"),
    );
    output
}

#[test]
fn what_the_commands_say_fits_80_columns_and_narrower_in_both_languages() {
    let demo = Demo::new();
    for columns in [80, 40] {
        for lang in LANGS {
            let with = |args: &[&'static str]| -> Vec<&'static str> {
                [&["--lang", lang][..], args].concat()
            };
            demo.cmd(&["reset-demo"]).assert().success();
            run_fits(&demo, &with(&["reset-demo"]), "", columns);
            run_fits(&demo, &with(&["status"]), "", columns);
            run_fits(&demo, &with(&["readers"]), "", columns);
            run_fits(&demo, &with(&["cert"]), "", columns);
            run_fits(&demo, &with(&["check", "--pin-stdin"]), "1234\n", columns);
            run_fits(&demo, &with(&["check", "--pin-stdin"]), "9999\n", columns);
            for kind in ["auth", "sign", "card-info"] {
                let wrong = if kind == "sign" { "ZZZ999\n" } else { "9999\n" };
                let verify = with(&["verify", "--pin", kind, "--pin-stdin"]);
                set_tries(&demo, kind, 2);
                let output = run_fits(&demo, &verify, wrong, columns);
                assert_eq!(output.status.code(), Some(3), "{output:?}");
                // One try left: the status advice, the refusal.
                run_fits(&demo, &with(&["status"]), "", columns);
                run_fits(&demo, &with(&["check", "--pin-stdin"]), "1234\n", columns);
                let output = run_fits(&demo, &verify, wrong, columns);
                assert_eq!(output.status.code(), Some(4), "{output:?}");
                set_tries(&demo, kind, 0);
                run_fits(&demo, &with(&["status"]), "", columns);
                run_fits(&demo, &verify, wrong, columns);
                // Malformed, and the usage errors.
                demo.cmd(&["reset-demo"]).assert().success();
                run_fits(&demo, &verify, "12\n", columns);
                let change = with(&["change-pin", "--pin", kind, "--pin-stdin"]);
                run_fits(&demo, &change, wrong, columns);
                run_fits(&demo, &change, "", columns);
            }
            run_fits(&demo, &with(&["readers", "foo"]), "", columns);
            run_fits(&demo, &with(&["stauts"]), "", columns);
            run_fits(&demo, &with(&["status", "--pin", "1234"]), "", columns);
            run_fits(&demo, &with(&["watch"]), "", columns);
            run_fits(&demo, &with(&["-r", "0", "reset-demo"]), "", columns);
        }
    }
}
