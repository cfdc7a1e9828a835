//! The command line as a person meets it (issue 19): files never clobbered, usage errors that name
//! what was wrong, Japanese help, `--reader` with `--demo`, and the docs' examples against real
//! output.

#[path = "support/demo.rs"]
mod demo;

use std::fs;

use demo::{says, squeezed, Demo};

fn run(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let output = cmd.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

// ---- item 1: files mynapin writes -------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_symlinked_state_file_is_followed_and_stays_a_symlink() {
    let demo = Demo::new();
    let real = demo.dir().join("real.json");
    fs::write(&real, "").unwrap();
    std::os::unix::fs::symlink(&real, demo.state()).unwrap();
    let (code, _, stderr) = run(&mut demo.cmd(&["reset-demo"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(fs::symlink_metadata(demo.state())
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::read_to_string(&real)
        .unwrap()
        .contains("JPKIAPICCTOKEN2"));
}

#[cfg(unix)]
#[test]
fn a_fifo_as_state_file_is_refused_and_left_as_it_was() {
    use std::os::unix::fs::FileTypeExt;
    let demo = Demo::new();
    let status = std::process::Command::new("mkfifo")
        .arg(demo.state())
        .status()
        .unwrap();
    assert!(status.success());
    for args in [
        &["reset-demo"][..],
        &["status"],
        &["--lang", "ja", "reset-demo"],
    ] {
        let (code, _, stderr) = run(&mut demo.cmd(args));
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(stderr.contains("FIFO"), "{stderr}");
        assert!(fs::symlink_metadata(demo.state())
            .unwrap()
            .file_type()
            .is_fifo());
    }
    let (_, stderr) = {
        let (code, _, stderr) = run(&mut demo.cmd(&["--lang", "ja", "reset-demo"]));
        (code, stderr)
    };
    assert!(says(&stderr, "通常のファイルではありません"), "{stderr}");
}

#[test]
fn a_directory_as_state_file_or_cert_out_is_refused_and_left() {
    let demo = Demo::new();
    fs::create_dir(demo.state()).unwrap();
    let (code, _, stderr) = run(&mut demo.cmd(&["reset-demo", "--json"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(demo.state().is_dir());
    let demo = Demo::new();
    let out = demo.dir().join("out");
    fs::create_dir(&out).unwrap();
    let (code, stdout, _) = run(&mut demo.cmd(&[
        "cert",
        "--format",
        "pem",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert_eq!(code, 1);
    let error: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(error["error"]["code"], "not-a-file", "{stdout}");
    assert!(out.is_dir());
}

#[cfg(unix)]
#[test]
fn cert_out_through_a_symlink_writes_the_target() {
    let demo = Demo::new();
    let real = demo.dir().join("real.pem");
    fs::write(&real, "old").unwrap();
    let link = demo.dir().join("link.pem");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let (code, _, stderr) =
        run(&mut demo.cmd(&["cert", "--format", "pem", "--out", link.to_str().unwrap()]));
    assert_eq!(code, 0, "{stderr}");
    assert!(fs::read_to_string(&real)
        .unwrap()
        .starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

/// A try spent on the demo card that cannot be saved is an error the user sees, with the result.
#[cfg(unix)]
#[test]
fn a_failed_save_after_verify_is_an_error_not_a_log_line() {
    let demo = Demo::new();
    // A symbolic link to nothing: the card loads fresh, the save is refused.
    std::os::unix::fs::symlink(demo.dir().join("nothing"), demo.state()).unwrap();
    let (code, stdout, stderr) = run(demo
        .cmd(&["verify", "--pin", "auth", "--pin-stdin"])
        .write_stdin("0000\n"));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("Wrong PIN. 2 of 3 tries left."), "{stdout}");
    assert!(says(&stderr, "could not record it"), "{stderr}");
    assert!(stderr.contains("symbolic link to nothing"), "{stderr}");
    assert!(!stderr.contains("WARN"), "{stderr}");
    let (code, stdout, _) = run(demo
        .cmd(&["verify", "--pin", "auth", "--pin-stdin", "--json"])
        .write_stdin("0000\n"));
    assert_eq!(code, 1);
    let error: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(error["error"]["code"], "demo-not-saved");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("Wrong PIN."), "{message}");
}

/// A PIN changed on the demo card that cannot be saved is an error the user sees, with the result.
#[cfg(unix)]
#[test]
fn a_failed_save_after_change_pin_is_an_error_not_a_log_line() {
    let demo = Demo::new();
    std::os::unix::fs::symlink(demo.dir().join("nothing"), demo.state()).unwrap();
    let (code, stdout, stderr) = run(demo
        .cmd(&["change-pin", "--pin", "auth", "--pin-stdin"])
        .write_stdin("1234\n4321\n"));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("has been changed"), "{stdout}");
    assert!(says(&stderr, "could not record it"), "{stderr}");
    assert!(!stderr.contains("WARN"), "{stderr}");
    let (code, stdout, _) = run(demo
        .cmd(&["change-pin", "--pin", "auth", "--pin-stdin", "--json"])
        .write_stdin("1234\n4321\n"));
    assert_eq!(code, 1);
    let error: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(error["error"]["code"], "demo-not-saved");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(message.contains("has been changed"), "{message}");
}

/// Needs root (mknod). `scripts/e2e` runs it; or `cargo test --test cli_ux -- --ignored`.
#[cfg(unix)]
#[test]
#[ignore = "needs root to make a device node with mknod (scripts/e2e runs it)"]
fn a_device_node_as_state_file_is_refused_and_left() {
    use std::os::unix::fs::FileTypeExt;
    let demo = Demo::new();
    let status = std::process::Command::new("mknod")
        .arg(demo.state())
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    assert!(status.success(), "mknod failed: run this test as root");
    let (code, _, stderr) = run(&mut demo.cmd(&["reset-demo"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("a device"), "{stderr}");
    assert!(fs::symlink_metadata(demo.state())
        .unwrap()
        .file_type()
        .is_char_device());
}

// ---- items 2 and 3: usage errors and help in the user's language ------------------------------

#[test]
fn help_and_clap_errors_follow_the_language_also_in_json() {
    let demo = Demo::new();
    let (code, stdout, _) = run(demo.cmd(&["status", "--help"]).env("LANG", "ja_JP.UTF-8"));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("使い方:") && stdout.contains("各暗証番号の残り回数"),
        "{stdout}"
    );
    let (code, stdout, _) = run(&mut demo.cmd(&["--lang", "JA", "--help"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("コマンド:"), "{stdout}");
    let (code, stdout, _) =
        run(&mut demo.cmd(&["--json", "--lang", "ja", "status", "--timeout", "3"]));
    assert_eq!(code, 2);
    let error: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(error["error"]["code"], "usage");
    assert_eq!(
        error["error"]["message"],
        "指定したオプションには --wait も必要です。`mynapin status --help` を参照してください。"
    );
    let (code, _, stderr) = run(demo.cmd(&["stauts"]).env("LC_ALL", "ja_JP.UTF-8"));
    assert_eq!(code, 2);
    assert_eq!(
        squeezed(&stderr),
        squeezed("mynapin: `stauts` というコマンドはありません。`status` のことですか？`mynapin --help` を参照してください。")
    );
}

// ---- item 7: --reader and --demo --------------------------------------------------------------

#[test]
fn the_demo_reader_is_chosen_by_its_index_or_name_and_nothing_else() {
    let demo = Demo::new();
    let (code, stdout, _) = run(&mut demo.cmd(&["readers"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("0"), "{stdout}");
    for reader in ["0", "mynapin demo card", "DEMO"] {
        let (code, _, stderr) = run(&mut demo.cmd(&["-r", reader, "status"]));
        assert_eq!(code, 0, "-r {reader}: {stderr}");
    }
    let (code, stdout, _) = run(&mut demo.cmd(&["-r", "1", "--json", "status"]));
    assert_eq!(code, 1, "{stdout}");
    let error: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(error["error"]["code"], "unknown-reader");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("0: \"mynapin demo card\""),
        "{stdout}"
    );
}

#[test]
fn global_options_a_command_does_not_use_are_refused() {
    let demo = Demo::new();
    let (code, _, stderr) = run(&mut demo.cmd(&["-r", "0", "reset-demo"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--reader does nothing for `reset-demo`"),
        "{stderr}"
    );
    assert!(!demo.state().exists(), "reset-demo ran anyway");
    let (code, _, stderr) = run(&mut demo.cmd(&["virtual-card", "--vpcd", "127.0.0.1:1"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--demo does nothing for `virtual-card`"),
        "{stderr}"
    );
}

#[test]
fn demo_watch_gives_a_next_step() {
    let demo = Demo::new();
    let (code, _, stderr) = run(&mut demo.cmd(&["watch"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("mynapin --demo status"), "{stderr}");
}

// ---- item 8: Ctrl-C during verify --json ------------------------------------------------------

/// Starts `verify --json --pin-stdin` with stdin held open and no PIN, waits until its Ctrl-C
/// handler is in place (a debug line on stderr), then sends SIGINT.
#[cfg(unix)]
#[test]
fn ctrl_c_during_verify_json_prints_one_json_document_and_exits_130() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let demo = Demo::new();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("mynapin"));
    demo::english(&mut cmd)
        .env("MYNAPIN_DEMO_STATE", demo.state())
        .env("RUST_LOG", "mynapin::cli::interrupt=debug")
        .args(["--demo", "verify", "--json", "--pin-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let stdin = child.stdin.take().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("Ctrl-C handler installed") {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "no handler line");
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(output.status.code(), Some(130));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document["error"]["code"], "interrupted", "{stdout}");
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("nothing was sent"),
        "{stdout}"
    );
}

#[test]
fn virtual_card_says_where_it_connects_and_that_it_waits() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    // A port nobody listens on (bound, then freed): the card keeps waiting.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("mynapin"));
    demo::english(&mut cmd)
        .args(["virtual-card", "--vpcd", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // One message, wrapped to 80 columns.
    let mut message = String::new();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    while !message.contains("stop)") && stderr.read_line(&mut message).unwrap() > 0 {}
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        squeezed(&message),
        squeezed(&format!("mynapin virtual-card: connecting to vpcd at 127.0.0.1:{port}; waiting until it answers (pcscd with vsmartcard-vpcd must be running; Ctrl-C to stop)"))
    );
    assert!(message.lines().all(|line| line.len() <= 80), "{message}");
}

// ---- item 9: man page, DER never on a terminal ------------------------------------------------

#[test]
fn the_man_page_is_one_page_with_every_command_and_option() {
    let demo = Demo::new();
    for lang in ["en", "ja"] {
        let (code, page, _) = run(&mut demo.cmd(&["--lang", lang, "man"]));
        assert_eq!(code, 0);
        assert!(page.contains(".TH mynapin 1"), "{page}");
        // Characters beyond ASCII are roff escapes: troff reads it in any input encoding.
        assert!(page.is_ascii(), "{lang}");
        // No other page named (no mynapin-status(1) and the like).
        assert!(!page.contains("(1)"), "{lang}: names another page");
        // Every command, and the options of each (roff writes a hyphen as \-).
        for word in [
            "mynapin readers",
            "mynapin status",
            "mynapin verify",
            "mynapin change\\-pin",
            "mynapin check",
            "mynapin cert",
            "mynapin watch",
            "mynapin reset\\-demo",
            "mynapin virtual\\-card",
            "mynapin completions",
            "mynapin man",
            "\\-\\-pin\\-stdin",
            "\\-\\-wait",
            "\\-\\-timeout",
            "\\-\\-which",
            "\\-\\-format",
            "\\-\\-out",
            "\\-\\-vpcd",
            "\\-\\-fault",
            "\\-\\-reinsert",
            "\\-\\-reader",
            "\\-\\-lang",
            "MYNAPIN_CARD_TIMEOUT",
        ] {
            assert!(page.contains(word), "{lang}: no {word} in the man page");
        }
        // It renders without a single troff warning (`man` runs the same troff).
        let Ok(mut groff) = std::process::Command::new("groff")
            .args(["-ww", "-man", "-Tutf8", "-P-cbou"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
        else {
            eprintln!(
                "SKIPPED: groff is not installed (Debian: groff-base); the page was not rendered"
            );
            continue;
        };
        std::io::Write::write_all(&mut groff.stdin.take().unwrap(), page.as_bytes()).unwrap();
        let rendered = groff.wait_with_output().unwrap();
        let warnings = String::from_utf8_lossy(&rendered.stderr);
        assert!(warnings.is_empty(), "{lang}: {warnings}");
        let text = String::from_utf8_lossy(&rendered.stdout);
        let expected = if lang == "ja" {
            "各暗証番号の残り回数"
        } else {
            "Show how many tries each PIN has left"
        };
        assert!(text.contains(expected), "{text}");
    }
    // `man` is in the help.
    let (_, help, _) = run(&mut demo.cmd(&["--help"]));
    assert!(
        help.lines()
            .any(|line| line.trim_start().starts_with("man ")),
        "{help}"
    );
}

/// `--version` says which build a report is about: the version, the git commit scripts/package
/// records (or that none was) and the target.
#[test]
fn version_names_the_version_the_commit_and_the_target() {
    let (code, line, _) = run(assert_cmd::Command::cargo_bin("mynapin")
        .unwrap()
        .arg("--version"));
    assert_eq!(code, 0);
    let commit = match option_env!("MYNAPIN_COMMIT") {
        Some(commit) if !commit.is_empty() => format!("commit {commit}"),
        _ => "commit not recorded".to_string(),
    };
    let prefix = format!("mynapin {} ({commit}, ", env!("CARGO_PKG_VERSION"));
    let target = line
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(")\n"))
        .unwrap_or_else(|| panic!("not `{prefix}<target>)`: {line:?}"));
    // Rust names macOS targets `…-apple-darwin`.
    let os = if cfg!(target_os = "macos") {
        "apple"
    } else {
        std::env::consts::OS
    };
    assert!(
        target.starts_with(std::env::consts::ARCH) && target.contains(os),
        "{target} is not this machine's target"
    );
}

/// Runs `mynapin --demo cert --format der` with stdout on a terminal (a pseudo-terminal that
/// util-linux `script` makes).
#[cfg(target_os = "linux")]
#[test]
fn der_is_never_written_to_a_terminal() {
    let demo = Demo::new();
    let binary = assert_cmd::cargo::cargo_bin("mynapin");
    let command = format!(
        "{} --demo cert --format der; echo exit=$?",
        binary.display()
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("MYNAPIN_DEMO_STATE", demo.state())
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .output()
        .expect("util-linux script");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("DER is binary and is not written to a terminal"),
        "{text}"
    );
    assert!(text.contains("exit=2"), "{text}");
    // Piped, it is written as before.
    let output = demo.cmd(&["cert", "--format", "der"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(output.stdout[0], 0x30, "DER starts with a SEQUENCE");
}

// ---- item 10: the corrupt-state error names the command that fixes it -------------------------

#[test]
fn a_corrupt_demo_state_names_reset_demo_and_reset_demo_fixes_it() {
    let demo = Demo::new();
    fs::write(demo.state(), "{").unwrap();
    for (lang, expected) in [
        ("en", "`mynapin --demo reset-demo` does that for you."),
        ("ja", "`mynapin --demo reset-demo` でもやり直せます。"),
    ] {
        let (code, _, stderr) = run(&mut demo.cmd(&["--lang", lang, "status"]));
        assert_eq!(code, 1);
        assert!(says(&stderr, expected), "{stderr}");
    }
    let (code, _, _) = run(&mut demo.cmd(&["reset-demo"]));
    assert_eq!(code, 0);
    let (code, _, _) = run(&mut demo.cmd(&["status"]));
    assert_eq!(code, 0);
}

#[cfg(unix)]
#[test]
fn virtual_card_refuses_a_fifo_as_state_and_a_directory_as_log() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("state.json");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let mut cmd = assert_cmd::Command::cargo_bin("mynapin").unwrap();
    let (code, _, stderr) = run(cmd.env("LANG", "C.UTF-8").env_remove("LC_ALL").args([
        "virtual-card",
        "--vpcd",
        "127.0.0.1:1",
        "--state",
        fifo.to_str().unwrap(),
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("a named pipe (FIFO)"), "{stderr}");
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    let mut cmd = assert_cmd::Command::cargo_bin("mynapin").unwrap();
    let (code, _, stderr) = run(cmd.env("LANG", "C.UTF-8").env_remove("LC_ALL").args([
        "virtual-card",
        "--vpcd",
        "127.0.0.1:1",
        "--log",
        dir.path().to_str().unwrap(),
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("is a directory, not a regular file"),
        "{stderr}"
    );
}

// ---- item 6: 80 columns; item 4: malformed PINs from a pipe ----------------------------------

/// Terminal columns of `line`: East Asian wide characters take two.
fn columns(line: &str) -> usize {
    line.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

#[test]
fn status_lines_fit_an_80_column_terminal_in_both_languages() {
    use mynapin::card_model::CardState;
    // Every counter state: all tries, one try left, blocked.
    let demo = Demo::new();
    let mut state = CardState::demo();
    state.sign.tries_left = 1;
    state.card_info.tries_left = 0;
    state.save(&demo.state()).unwrap();
    for lang in ["en", "ja"] {
        let (code, stdout, stderr) = run(&mut demo.cmd(&["--lang", lang, "status"]));
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.lines().count() >= 7, "{stdout}");
        for line in stdout.lines() {
            assert!(
                columns(line) <= 80,
                "{lang}: {} columns: {line}",
                columns(line)
            );
        }
        // The advice under a PIN at one try left is per PIN: the password is not the clinic's.
        let sign_advice = if lang == "en" {
            "e-Tax"
        } else {
            "JPKI利用者ソフト"
        };
        assert!(stdout.contains(sign_advice), "{stdout}");
    }
}

#[test]
fn a_malformed_pin_from_a_pipe_says_run_again_and_what_is_wrong() {
    let demo = Demo::new();
    for (lang, input, problem, next) in [
        ("en", "１２３４\n", "full-width", "Run the command again"),
        (
            "ja",
            "１２３４\n",
            "半角で入力してください",
            "もう一度実行してください",
        ),
        ("en", "\n", "nothing was typed", "Run the command again"),
    ] {
        let (code, _, stderr) = run(demo
            .cmd(&["--lang", lang, "verify", "--pin-stdin"])
            .write_stdin(input));
        assert_eq!(code, 2, "{stderr}");
        assert!(says(&stderr, problem) && says(&stderr, next), "{stderr}");
        assert!(
            !stderr.contains("Type it again") && !stderr.contains("もう一度入力"),
            "{stderr}"
        );
        assert!(!stderr.contains("１２３４"), "{stderr}");
    }
    assert!(demo
        .log_lines()
        .iter()
        .all(|l| !l.starts_with("0020008004")));
}

#[test]
fn status_json_gives_each_pin_its_next_steps_at_one_try_left_or_blocked() {
    use mynapin::card_model::CardState;
    let demo = Demo::new();
    let mut state = CardState::demo();
    state.sign.tries_left = 1;
    state.card_info.tries_left = 0;
    state.save(&demo.state()).unwrap();
    let (code, stdout, stderr) = run(&mut demo.cmd(&["status", "--json"]));
    assert_eq!(code, 0, "{stderr}");
    let status: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let pins = status["pins"].as_array().unwrap();
    assert!(pins[0].get("next_steps").is_none(), "{stdout}");
    assert_eq!(
        pins[1]["next_steps"],
        serde_json::json!(["convenience-store-with-auth-pin", "city-office"])
    );
    assert_eq!(pins[2]["next_steps"], serde_json::json!(["city-office"]));
}

// ---- issue 26 item 5: one date style for people, one for machines ------------------------------

#[test]
fn dates_are_nengappi_for_people_in_japanese_and_rfc3339_in_json() {
    let demo = Demo::new();
    for args in [
        &["--lang", "ja", "status"][..],
        &["--lang", "ja", "check", "--pin-stdin"],
        &["--lang", "ja", "cert"],
    ] {
        let output = demo.cmd(args).write_stdin("1234\n").output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(says(&text, "2031年5月31日"), "{args:?}: {text}");
        assert!(!text.contains("2031-05-31"), "{args:?}: {text}");
    }
    for args in [&["--json", "status"][..], &["--json", "cert"]] {
        let output = demo.cmd(args).output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            json["certificate"]["not_after"], "2031-05-31T14:59:59Z",
            "{json}"
        );
        assert_eq!(
            json["certificate"]["not_before"], "2026-06-01T00:00:00Z",
            "{json}"
        );
    }
}

// ---- issue 26 item 3: `mynapin help --help` --------------------------------------------------

#[test]
fn help_help_shows_the_help() {
    let demo = Demo::new();
    for (args, expected) in [
        (&["help", "--help"][..], "Usage: mynapin"),
        (&["help", "-h"], "Usage: mynapin"),
        (&["help", "status", "--help"], "Usage: mynapin status"),
        (&["--lang", "ja", "help", "--help"], "使い方: mynapin"),
    ] {
        let (code, stdout, stderr) = run(&mut demo.cmd(args));
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(stdout.contains(expected), "{args:?}: {stdout}");
    }
}
