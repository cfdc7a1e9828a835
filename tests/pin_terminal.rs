//! The PIN typed on a terminal (issue 16 items 3 and 4): `verify` with stdin a pseudo-terminal,
//! with and without `--pin-stdin`. The terminal must not echo the PIN, and the prompt must read it
//! from the terminal on stdin. Unix only: the test drives a pty from its master side.
#![cfg(unix)]

#[path = "support/demo.rs"]
mod demo;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::pty::openpty;
use nix::sys::termios::{tcgetattr, LocalFlags};

use demo::{english, says, Demo};

/// Longest a test waits for mynapin to turn the terminal's echo off before typing anyway (then
/// the assertion on the echo decides).
const ECHO_OFF_WAIT: Duration = Duration::from_secs(10);

/// Runs `mynapin --demo verify ARGS --json` on a new pty, types `typed` and Enter once the
/// terminal's echo is off (or after [`ECHO_OFF_WAIT`]), and returns what the terminal showed,
/// mynapin's stdout and stderr, and its exit code.
fn verify_on_a_terminal(demo: &Demo, args: &[&str], typed: &str) -> (String, String, String, i32) {
    // Any prompt: the first line is typed as soon as the echo is off.
    type_at_the_prompt(demo, args, "", &[typed])
}

#[test]
fn pin_stdin_on_a_terminal_is_read_without_echo() {
    for pin in ["1234", "9999"] {
        let demo = Demo::new();
        let (shown, stdout, stderr, code) =
            verify_on_a_terminal(&demo, &["--pin", "auth", "--pin-stdin"], pin);
        assert!(
            !shown.contains(pin),
            "the terminal showed the PIN: {shown:?}"
        );
        assert!(!stderr.contains(pin), "{stderr}");
        let expected = if pin == "1234" {
            (0, "verified")
        } else {
            (3, "wrong-pin")
        };
        assert_eq!(code, expected.0, "{stdout} {stderr}");
        assert!(stdout.contains(expected.1), "{stdout}");
    }
}

#[test]
fn the_hidden_prompt_reads_the_terminal_on_stdin_without_echo() {
    let demo = Demo::new();
    // A signature password longer than 8 characters, lower case: upper-cased.
    let (shown, stdout, stderr, code) = verify_on_a_terminal(&demo, &["--pin", "sign"], "abc123");
    assert!(!shown.to_uppercase().contains("ABC123"), "{shown:?}");
    assert!(!stderr.to_uppercase().contains("ABC123"), "{stderr}");
    assert_eq!(code, 0, "{stdout} {stderr}");
    assert!(stdout.contains("verified"), "{stdout}");
    let demo = Demo::new();
    let (shown, stdout, stderr, code) =
        verify_on_a_terminal(&demo, &["--pin", "sign"], "WRONGPASSWORD123");
    assert!(!shown.contains("WRONGPASSWORD123"), "{shown:?}");
    assert_eq!(code, 3, "{stdout} {stderr}");
}

/// Runs `mynapin --demo verify --json ARGS` on a pty that is its controlling terminal (util-linux
/// `setsid --ctty`, so the prompt goes to that terminal as it does for a person) and types `lines`
/// one by one, each once the prompt (ending in `prompt_end`) has been shown for it, with the echo
/// off. Returns what the terminal showed, stdout, stderr and the exit code.
fn type_at_the_prompt(
    demo: &Demo,
    args: &[&str],
    prompt_end: &str,
    lines: &[&str],
) -> (String, String, String, i32) {
    use std::sync::{Arc, Mutex};
    let pty = openpty(None, None).expect("a pty");
    let master = std::fs::File::from(pty.master);
    let slave = std::fs::File::from(pty.slave);
    let mut cmd = Command::new("setsid");
    cmd.args(["--wait", "--ctty"])
        .arg(assert_cmd::cargo::cargo_bin("mynapin"));
    english(&mut cmd)
        .env("MYNAPIN_DEMO_STATE", demo.state())
        .env("MYNAPIN_DEMO_APDU_LOG", demo.apdu_log())
        .args(["--demo", "verify", "--json"])
        .args(args)
        .stdin(Stdio::from(slave.try_clone().expect("dup")))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("mynapin starts");
    drop(cmd);
    let shown = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let shown = Arc::clone(&shown);
        let mut master = master.try_clone().expect("dup");
        std::thread::spawn(move || {
            let mut buffer = [0u8; 256];
            while let Ok(n @ 1..) = master.read(&mut buffer) {
                shown.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        })
    };
    let mut master = master;
    for (index, line) in lines.iter().enumerate() {
        let start = Instant::now();
        loop {
            let text = String::from_utf8_lossy(&shown.lock().unwrap()).into_owned();
            let prompted = text.matches(prompt_end).count() > index;
            let echo_off = !tcgetattr(&slave)
                .expect("tcgetattr")
                .local_flags
                .contains(LocalFlags::ECHO);
            if (prompted && echo_off)
                || start.elapsed() > ECHO_OFF_WAIT
                || child.try_wait().expect("try_wait").is_some()
            {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        master
            .write_all(format!("{line}\n").as_bytes())
            .expect("typed");
    }
    drop(slave);
    let output = child.wait_with_output().expect("mynapin ends");
    drop(master);
    reader.join().expect("the reader ends");
    let shown = String::from_utf8_lossy(&shown.lock().unwrap()).into_owned();
    (
        shown,
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().expect("an exit code"),
    )
}

/// VERIFY commands with data that reached the demo card.
fn verifies_sent(demo: &Demo) -> usize {
    demo.log_lines()
        .iter()
        .filter(|line| line.starts_with("0020008004"))
        .count()
}

#[test]
fn a_malformed_pin_at_the_prompt_is_asked_for_again_saying_what_is_wrong() {
    let demo = Demo::new();
    let (shown, stdout, stderr, code) = type_at_the_prompt(
        &demo,
        &[],
        "not shown as you type): ",
        &["１２３４", "1234"],
    );
    assert_eq!(code, 0, "{shown:?} {stdout} {stderr}");
    assert!(stdout.contains("verified"), "{stdout}");
    assert!(shown.contains("full-width"), "{shown:?}");
    assert!(shown.contains("Type it again."), "{shown:?}");
    assert_eq!(
        shown.matches("not shown as you type): ").count(),
        2,
        "{shown:?}"
    );
    assert!(
        !shown.contains("1234") && !shown.contains("１２３４"),
        "{shown:?}"
    );
    assert_eq!(verifies_sent(&demo), 1);

    let demo = Demo::new();
    let (shown, stdout, _, code) = type_at_the_prompt(
        &demo,
        &["--lang", "ja"],
        "入力は表示されません）: ",
        &["12 4", "1234"],
    );
    assert_eq!(code, 0, "{shown:?} {stdout}");
    assert!(shown.contains("空白が含まれています"), "{shown:?}");
    assert!(shown.contains("もう一度入力してください"), "{shown:?}");
}

#[test]
fn three_malformed_entries_end_with_exit_2_and_nothing_sent() {
    let demo = Demo::new();
    let (shown, stdout, stderr, code) =
        type_at_the_prompt(&demo, &[], "not shown as you type): ", &["", "12a4", "123"]);
    assert_eq!(code, 2, "{shown:?} {stdout} {stderr}");
    assert_eq!(
        shown.matches("not shown as you type): ").count(),
        3,
        "{shown:?}"
    );
    assert!(says(&shown, "nothing was typed"), "{shown:?}");
    assert!(says(&shown, "characters other than digits"), "{shown:?}");
    let error: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!(error["error"]["code"], "malformed-pin");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(message.contains("too short"), "{message}");
    assert!(
        message.ends_with("Run the command again with a PIN of that form."),
        "{message}"
    );
    assert_eq!(verifies_sent(&demo), 0);
    // The counter was read before the prompt, and nothing spent.
    assert_eq!(
        demo.cmd(&["status", "--json"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(0)
    );
    let status: serde_json::Value =
        serde_json::from_slice(&demo.cmd(&["status", "--json"]).output().unwrap().stdout).unwrap();
    assert_eq!(status["pins"][0]["tries_left"], 3);
}

#[test]
fn with_stdout_a_pipe_the_counter_shows_on_the_terminal_before_the_prompt() {
    // stdout is a pipe here (carrying the JSON document): the count must still reach the person.
    let demo = Demo::new();
    let (shown, stdout, stderr, code) =
        type_at_the_prompt(&demo, &[], "not shown as you type): ", &["1234"]);
    assert_eq!(code, 0, "{shown:?} {stdout} {stderr}");
    let counter = shown
        .find("user-authentication PIN: 3 of 3 tries left")
        .expect("the counter on the terminal");
    let prompt = shown
        .find("user-authentication PIN (4 digits; not shown as you type): ")
        .expect("the prompt");
    assert!(counter < prompt, "{shown:?}");
}
