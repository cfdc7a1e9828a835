//! `watch` and `--wait` at the command line, without PC/SC: option checks and the demo card.
//! The event state machine and the JSON lines are unit-tested in `src/reader/watch/tracker.rs`
//! and `src/cli/watch.rs`; the real thing through pcscd is in `tests/e2e/watch.rs`.

use assert_cmd::Command;
use serde_json::Value;

fn mynapin(demo_state: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("mynapin").unwrap();
    cmd.env("MYNAPIN_DEMO_STATE", demo_state)
        .env_remove("MYNAPIN_DEMO_APDU_LOG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env_remove("RUST_LOG");
    cmd
}

fn json_error(output: &std::process::Output) -> Value {
    serde_json::from_slice::<Value>(&output.stdout).unwrap()["error"].clone()
}

#[test]
fn watch_refuses_the_demo_card_and_a_reader_choice() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    for args in [
        &["--demo", "watch", "--json"][..],
        &["--reader", "0", "watch", "--json"][..],
    ] {
        let output = mynapin(&state).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(json_error(&output)["code"], "usage", "{args:?}");
    }
}

#[test]
fn timeout_needs_wait_and_a_number_of_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    for args in [
        &["status", "--timeout", "3"][..],
        &["status", "--wait", "--timeout", "-1"][..],
        &["verify", "--wait", "--timeout", "soon", "--pin-stdin"][..],
    ] {
        let output = mynapin(&state).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn wait_with_the_demo_card_returns_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let output = mynapin(&state)
        .args(["--demo", "status", "--wait", "--timeout", "0", "--json"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let status: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(status["pins"][0]["tries_left"], 3);

    let output = mynapin(&state)
        .args(["--demo", "verify", "--wait", "--pin-stdin", "--json"])
        .write_stdin("1234\n")
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let verify: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(verify["result"], "verified");
}

/// Ctrl-C typed on the terminal: the terminal echoes "^C" where the cursor is, and `watch` ends
/// that line, so the shell's prompt starts on a line of its own (issue 26 item 8). Whether or not
/// pcscd runs here, `watch` waits for Ctrl-C. Unix only: the test types on a pty.
#[cfg(unix)]
#[test]
fn ctrl_c_on_the_terminal_ends_watch_on_a_line_of_its_own() {
    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    let pty = nix::pty::openpty(None, None).expect("a pty");
    let master = std::fs::File::from(pty.master);
    let slave = std::fs::File::from(pty.slave);
    let mut cmd = std::process::Command::new("setsid");
    cmd.args(["--wait", "--ctty"])
        .arg(assert_cmd::cargo::cargo_bin("mynapin"))
        .arg("watch")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env_remove("RUST_LOG")
        .stdin(slave.try_clone().unwrap())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave);
    let mut child = cmd.spawn().expect("mynapin starts");
    drop(cmd);
    let shown = Arc::new(Mutex::new(Vec::new()));
    {
        let shown = Arc::clone(&shown);
        let mut master = master.try_clone().unwrap();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 256];
            while let Ok(n @ 1..) = master.read(&mut buffer) {
                shown.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        });
    }
    let text = || String::from_utf8_lossy(&shown.lock().unwrap()).into_owned();
    let start = Instant::now();
    while !text().contains("Press Ctrl-C to stop.") {
        assert!(start.elapsed() < Duration::from_secs(20), "{:?}", text());
        std::thread::sleep(Duration::from_millis(20));
    }
    // Give it a moment to start watching, then type Ctrl-C.
    std::thread::sleep(Duration::from_millis(300));
    (&master).write_all(b"\x03").unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{:?}", text());
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "{:?}", text());
    std::thread::sleep(Duration::from_millis(200));
    let shown = text();
    assert!(shown.ends_with("^C\r\n"), "{shown:?}");
}
