//! `mynapin watch --json` and `--wait` on the real stack: a virtual card inserted, read, removed and
//! inserted again while `watch` runs as a child process; Ctrl-C; the service missing; waiting for a
//! card. Every step has a time-out. Also measures the latency from starting the virtual card to
//! the `status` line (printed; docs/watch.md keeps the figures).

use std::io::{BufRead, BufReader};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use mynapin::card_model::CardState;
use serde_json::Value;

use super::support::{e2e, mynapin, run_cmd, VirtualCard, SLOT0, SLOT1};

/// pcscd sees a new card within ~400 ms; reading it takes milliseconds.
const EVENT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long `watch` may take to exit after SIGINT.
const EXIT_TIMEOUT: Duration = Duration::from_secs(5);

/// After a removal, pcscd must see the slot empty before the next card connects (the stack doc's
/// trap: a card that comes back sooner can take the slot over unseen).
const SLOT_REST: Duration = Duration::from_millis(600);

const MYNA_ATR: &str = "3be000ff8131fe4514";

/// A `mynapin watch` child process and the lines it printed, read by a thread so that every wait
/// can time out.
struct Watch {
    child: Child,
    lines: Receiver<(Instant, String)>,
    seen: Vec<String>,
}

impl Watch {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Watch {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("mynapin"));
        cmd.args(args)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8")
            .env_remove("RUST_LOG")
            .env_remove("PCSCLITE_CSOCK_NAME")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            cmd.env(name, value);
        }
        let mut child = cmd.spawn().expect("mynapin watch starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send((Instant::now(), line)).is_err() {
                    break;
                }
            }
        });
        Watch {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The next line, parsed; fails after `EVENT_TIMEOUT`.
    fn next(&mut self) -> (Instant, Value) {
        match self.lines.recv_timeout(EVENT_TIMEOUT) {
            Ok((at, line)) => {
                let json: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|error| panic!("not one JSON object ({error}): {line:?}"));
                self.seen.push(line);
                (at, json)
            }
            Err(RecvTimeoutError::Timeout) => panic!(
                "no line from watch within {EVENT_TIMEOUT:?}; so far: {:#?}",
                self.seen
            ),
            Err(RecvTimeoutError::Disconnected) => {
                panic!("watch closed its output; so far: {:#?}", self.seen)
            }
        }
    }

    /// The next line, which must be event `name` (in `reader`, if given).
    fn expect(&mut self, name: &str, reader: Option<&str>) -> (Instant, Value) {
        let (at, json) = self.next();
        assert_eq!(json["event"], name, "{json}; so far: {:#?}", self.seen);
        if let Some(reader) = reader {
            assert_eq!(json["reader"], reader, "{json}");
        }
        let timestamp = json["timestamp"].as_str().unwrap_or_default();
        assert!(
            timestamp.len() == 24 && timestamp.ends_with('Z') && timestamp.as_bytes()[10] == b'T',
            "{json}"
        );
        (at, json)
    }

    /// Sends SIGINT (Ctrl-C) and waits for the exit; fails after `EXIT_TIMEOUT`.
    fn interrupt(&mut self) -> ExitStatus {
        let sent = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                start.elapsed() < EXIT_TIMEOUT,
                "watch did not exit within {EXIT_TIMEOUT:?} of SIGINT"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tries(status: &Value) -> Vec<(String, u64)> {
    status["pins"]
        .as_array()
        .unwrap_or_else(|| panic!("no pins: {status}"))
        .iter()
        .map(|pin| {
            (
                pin["pin"].as_str().unwrap_or_default().to_string(),
                pin["tries_left"].as_u64().unwrap_or(99),
            )
        })
        .collect()
}

/// The card's APDU log holds only read-only commands: no VERIFY with data.
fn assert_nothing_presented(card: &VirtualCard) {
    for line in card.log() {
        assert!(
            !line.starts_with("00200080") || line.starts_with("00200080 ->"),
            "watch presented a PIN: {line}"
        );
    }
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn watch_reports_insertion_status_removal_and_reinsertion_then_exits_0_on_ctrl_c() {
    let _serial = e2e();
    let mut state = CardState::demo();
    state.auth.tries_left = 2;
    state.sign.tries_left = 4;

    let mut watch = Watch::start(&["watch", "--json"], &[]);
    // What is there at the start: vpcd's two readers, empty.
    watch.expect("reader-added", Some(SLOT0.reader));
    watch.expect("reader-added", Some(SLOT1.reader));

    let mut to_inserted = Vec::new();
    let mut to_status = Vec::new();
    for round in 0..5 {
        let started = Instant::now();
        let mut card = VirtualCard::start(SLOT0, &state, &[]);
        let (seen, inserted) = watch.expect("card-inserted", Some(SLOT0.reader));
        to_inserted.push(seen - started);
        assert_eq!(inserted["atr"], MYNA_ATR, "{inserted}");
        let (seen, status) = watch.expect("status", Some(SLOT0.reader));
        to_status.push(seen - started);
        assert_eq!(status["card"]["type"], "my-number-card", "{status}");
        assert_eq!(status["card"]["atr"], MYNA_ATR, "{status}");
        assert_eq!(
            tries(&status),
            [
                ("auth".to_string(), 2),
                ("sign".to_string(), 4),
                ("card-info".to_string(), 3)
            ],
            "round {round}: {status}"
        );
        assert!(status.get("error").is_none(), "{status}");

        card.kill();
        watch.expect("card-removed", Some(SLOT0.reader));
        // Watching spends nothing.
        assert_eq!(card.state(), state);
        assert_nothing_presented(&card);
        std::thread::sleep(SLOT_REST);
    }

    let exit = watch.interrupt();
    assert_eq!(exit.code(), Some(0), "{exit:?}");
    // Nothing after the last removal: no error line, no stray event.
    assert!(watch.lines.try_recv().is_err(), "{:#?}", watch.seen);

    for (what, mut latencies) in [("card-inserted", to_inserted), ("status", to_status)] {
        latencies.sort();
        eprintln!(
            "watch: virtual card started → {what} line: median {:?}, min {:?}, max {:?} ({} runs)",
            latencies[latencies.len() / 2],
            latencies[0],
            latencies[latencies.len() - 1],
            latencies.len()
        );
    }
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn watch_reports_a_card_without_jpki_as_a_status_error() {
    let _serial = e2e();
    let mut watch = Watch::start(&["watch", "--json"], &[]);
    watch.expect("reader-added", Some(SLOT0.reader));
    watch.expect("reader-added", Some(SLOT1.reader));
    let _card = VirtualCard::start(SLOT1, &CardState::demo(), &["--fault", "sw=00A404:6A82"]);
    watch.expect("card-inserted", Some(SLOT1.reader));
    let (_, status) = watch.expect("status", Some(SLOT1.reader));
    assert_eq!(status["error"]["code"], "not-my-number-card", "{status}");
    assert!(status.get("pins").is_none(), "{status}");
    assert_eq!(watch.interrupt().code(), Some(0));
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn watch_without_the_service_says_so_once_and_still_exits_0_on_ctrl_c() {
    let _serial = e2e();
    let mut watch = Watch::start(
        &["watch", "--json"],
        &[("PCSCLITE_CSOCK_NAME", "/nonexistent")],
    );
    watch.expect("service-stopped", None);
    // It retries every 500 ms without saying it again.
    std::thread::sleep(Duration::from_millis(1200));
    assert!(watch.lines.try_recv().is_err(), "{:#?}", watch.seen);
    assert_eq!(watch.interrupt().code(), Some(0));
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn status_wait_returns_when_the_card_comes() {
    let _serial = e2e();
    let mut state = CardState::demo();
    state.card_info.tries_left = 2;
    let waiting = std::thread::spawn(|| {
        run_cmd(
            mynapin(&["status", "--wait", "--timeout", "10", "--json"]),
            None,
        )
    });
    std::thread::sleep(Duration::from_millis(800));
    let _card = VirtualCard::start(SLOT1, &state, &[]);
    let result = waiting.join().expect("the waiting thread");
    assert_eq!(result.code, 0, "{result:?}");
    let status = result.json();
    assert_eq!(status["reader"], SLOT1.reader);
    assert_eq!(tries(&status)[2], ("card-info".to_string(), 2), "{status}");
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn verify_wait_verifies_the_card_that_comes() {
    let _serial = e2e();
    let waiting = std::thread::spawn(|| {
        run_cmd(
            mynapin(&[
                "verify",
                "--wait",
                "--timeout",
                "10",
                "--pin-stdin",
                "--json",
            ]),
            Some("1234\n"),
        )
    });
    std::thread::sleep(Duration::from_millis(800));
    let card = VirtualCard::start(SLOT0, &CardState::demo(), &[]);
    let result = waiting.join().expect("the waiting thread");
    assert_eq!(result.code, 0, "{result:?}");
    assert_eq!(result.json()["result"], "verified", "{result:?}");
    assert_eq!(card.state(), CardState::demo());
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn status_wait_times_out_as_no_card_and_ctrl_c_is_cancelled() {
    let _serial = e2e();
    let started = Instant::now();
    let result = run_cmd(
        mynapin(&["status", "--wait", "--timeout", "1", "--json"]),
        None,
    );
    let waited = started.elapsed();
    assert_eq!(result.code, 6, "{result:?}");
    assert_eq!(result.json()["error"]["code"], "no-card", "{result:?}");
    assert!(
        waited >= Duration::from_secs(1) && waited < Duration::from_secs(4),
        "{waited:?}"
    );

    let mut waiting = Watch::start(&["--reader", "1", "status", "--wait", "--json"], &[]);
    std::thread::sleep(Duration::from_millis(500));
    let exit = waiting.interrupt();
    assert_eq!(exit.code(), Some(1), "{exit:?}");
    let mut output = String::new();
    while let Ok((_, line)) = waiting.lines.recv_timeout(Duration::from_secs(1)) {
        output.push_str(&line);
    }
    let json: Value =
        serde_json::from_str(&output).unwrap_or_else(|error| panic!("{error}: {output}"));
    assert_eq!(json["error"]["code"], "cancelled", "{json}");
}
