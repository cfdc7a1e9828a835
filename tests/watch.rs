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
