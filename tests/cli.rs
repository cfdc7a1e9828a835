//! The command line against the demo card: exit codes, both languages, the JSON contract,
//! `--pin-stdin`, the walk from 3 tries to the refusal, and that no argument takes a PIN.

#[path = "support/demo.rs"]
mod demo;

use assert_cmd::Command;
use serde_json::Value;

use demo::{keys, says, Demo};

impl Demo {
    fn verify(&self, pin_kind: &str, pin: &str, json: bool) -> (i32, String) {
        let mut args = vec!["verify", "--pin", pin_kind, "--pin-stdin"];
        if json {
            args.push("--json");
        }
        let output = self
            .cmd(&args)
            .write_stdin(format!("{pin}\n"))
            .output()
            .unwrap();
        (
            output.status.code().unwrap(),
            String::from_utf8(output.stdout).unwrap(),
        )
    }

    fn verify_json(&self, pin_kind: &str, pin: &str) -> (i32, Value) {
        let (code, stdout) = self.verify(pin_kind, pin, true);
        (
            code,
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}")),
        )
    }

    fn status_json(&self) -> Value {
        let output = self.cmd(&["status", "--json"]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        serde_json::from_slice(&output.stdout).unwrap()
    }

    fn tries(&self, pin: &str) -> Value {
        let status = self.status_json();
        status["pins"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["pin"] == pin)
            .unwrap()["tries_left"]
            .clone()
    }

    fn set_tries(&self, pin: &str, tries: u8) {
        // Start from a saved state, then change the one counter.
        self.cmd(&["reset-demo"]).assert().success();
        let mut state: Value =
            serde_json::from_str(&std::fs::read_to_string(self.state()).unwrap()).unwrap();
        let key = pin.replace('-', "_");
        state[key.as_str()]["tries_left"] = tries.into();
        std::fs::write(self.state(), serde_json::to_string(&state).unwrap()).unwrap();
    }
}

#[test]
fn status_json_has_the_documented_shape() {
    let demo = Demo::new();
    let status = demo.status_json();
    assert_eq!(keys(&status), ["card", "certificate", "pins", "reader"]);
    assert_eq!(status["reader"], "mynapin demo card");
    assert_eq!(status["card"]["type"], "my-number-card");
    assert_eq!(status["card"]["token_label"], "JPKIAPICCTOKEN2");
    assert_eq!(status["card"]["atr"], "3be000ff8131fe4514");
    let pins = status["pins"].as_array().unwrap();
    let summary: Vec<(String, u64, u64, String)> = pins
        .iter()
        .map(|p| {
            assert_eq!(keys(p), ["max_tries", "pin", "state", "tries_left"]);
            (
                p["pin"].as_str().unwrap().to_string(),
                p["tries_left"].as_u64().unwrap(),
                p["max_tries"].as_u64().unwrap(),
                p["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("auth".to_string(), 3, 3, "ok".to_string()),
            ("sign".to_string(), 5, 5, "ok".to_string()),
            ("card-info".to_string(), 3, 3, "ok".to_string()),
        ]
    );
}

#[test]
fn status_text_in_english_and_japanese() {
    let demo = Demo::new();
    let english = demo
        .cmd(&["status"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let english = String::from_utf8(english).unwrap();
    assert!(english.contains("Reader:   mynapin demo card"), "{english}");
    assert!(
        english.contains("My Number card (JPKIAPICCTOKEN2)"),
        "{english}"
    );
    assert!(
        english
            .lines()
            .any(|l| l.starts_with("auth") && l.ends_with("3 of 3 tries left")),
        "{english}"
    );
    assert!(
        english
            .lines()
            .any(|l| l.starts_with("sign") && l.ends_with("5 of 5 tries left")),
        "{english}"
    );

    let japanese = demo
        .cmd(&["status", "--lang", "ja"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let japanese = String::from_utf8(japanese).unwrap();
    assert!(japanese.contains("マイナンバーカード"), "{japanese}");
    assert!(
        japanese.contains("利用者証明用電子証明書の暗証番号"),
        "{japanese}"
    );
    assert!(
        japanese
            .lines()
            .any(|l| l.starts_with("auth") && l.ends_with("残り3回（最大3回）")),
        "{japanese}"
    );

    // LANG=ja_JP.UTF-8 picks Japanese when --lang is not given.
    let from_env = demo
        .cmd(&["status"])
        .env("LANG", "ja_JP.UTF-8")
        .output()
        .unwrap();
    assert!(String::from_utf8(from_env.stdout)
        .unwrap()
        .contains("マイナンバーカード"));
}

#[test]
fn status_reads_counters_without_spending_a_try() {
    let demo = Demo::new();
    demo.status_json();
    demo.status_json();
    let lines = demo.log_lines();
    assert!(
        lines.iter().all(|l| !l.starts_with("0020008004")),
        "no VERIFY with data: {lines:?}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("00200080 ")).count(),
        6
    );
    assert_eq!(demo.tries("auth"), 3);
}

#[test]
fn the_demo_walk_from_three_tries_to_the_refusal() {
    let demo = Demo::new();
    let (code, json) = demo.verify_json("auth", "0000");
    assert_eq!(
        (code, json["result"].clone(), json["tries_left"].clone()),
        (3, "wrong-pin".into(), 2.into())
    );
    assert_eq!(keys(&json), ["pin", "reader", "result", "tries_left"]);
    let (code, json) = demo.verify_json("auth", "1111");
    assert_eq!(
        (code, json["result"].clone(), json["tries_left"].clone()),
        (3, "wrong-pin".into(), 1.into())
    );
    assert_eq!(demo.tries("auth"), 1);
    std::fs::remove_file(demo.apdu_log()).unwrap();

    // One try left: refused before the PIN is read, and no VERIFY with data reaches the card.
    let (code, json) = demo.verify_json("auth", "1234");
    assert_eq!(code, 4);
    assert_eq!(json["result"], "refused");
    assert_eq!(json["reason"], "last-try");
    assert_eq!(json["tries_left"], 1);
    assert_eq!(
        demo.log_lines(),
        [
            "[",
            "00A4040C0AD392F000260100000001 -> 9000",
            "00A4020C020018 -> 9000",
            "00200080 -> 63C1",
            "] Leave"
        ]
    );
    assert_eq!(demo.tries("auth"), 1);

    let (code, text) = demo.verify("auth", "1234", false);
    assert_eq!(code, 4);
    assert!(text.contains("Only one try is left"), "{text}");
    assert!(text.contains("city office"), "{text}");

    demo.cmd(&["reset-demo"]).assert().success();
    assert_eq!(demo.tries("auth"), 3);
}

#[test]
fn right_pin_is_verified_and_restores_the_counter() {
    let demo = Demo::new();
    assert_eq!(demo.verify_json("auth", "0000").0, 3);
    std::fs::remove_file(demo.apdu_log()).unwrap();
    let (code, json) = demo.verify_json("auth", "1234");
    assert_eq!(
        (code, json["result"].clone(), json["tries_left"].clone()),
        (0, "verified".into(), 3.into())
    );
    assert_eq!(
        demo.log_lines(),
        [
            "[",
            "00A4040C0AD392F000260100000001 -> 9000",
            "00A4020C020018 -> 9000",
            "00200080 -> 63C2",
            "] Leave",
            "[",
            "00A4040C0AD392F000260100000001 -> 9000",
            "00A4020C020018 -> 9000",
            "00200080 -> 63C2",
            "0020008004******** -> 9000",
            "] Unpower",
        ]
    );
    for (kind, pin, max) in [("sign", "abc123", 5), ("card-info", "5678", 3)] {
        let (code, json) = demo.verify_json(kind, pin);
        assert_eq!(
            (code, json["result"].clone(), json["tries_left"].clone()),
            (0, "verified".into(), max.into())
        );
    }
}

#[test]
fn blocked_pin_exits_5_without_asking() {
    let demo = Demo::new();
    demo.set_tries("card-info", 0);
    let (code, json) = demo.verify_json("card-info", "5678");
    assert_eq!(
        (code, json["result"].clone(), json["tries_left"].clone()),
        (5, "blocked".into(), 0.into())
    );
    let status = demo.status_json();
    assert_eq!(status["pins"][2]["state"], "blocked");
    assert_eq!(status["pins"][2]["sw"], "63C0");
}

#[test]
fn last_wrong_try_of_the_signature_password_is_never_sent() {
    let demo = Demo::new();
    demo.set_tries("sign", 2);
    let (code, json) = demo.verify_json("sign", "WRONG1");
    assert_eq!((code, json["tries_left"].clone()), (3, 1.into()));
    let (code, json) = demo.verify_json("sign", "WRONG1");
    assert_eq!((code, json["result"].clone()), (4, "refused".into()));
    assert_eq!(demo.tries("sign"), 1);
}

#[test]
fn malformed_pins_exit_2_and_nothing_follows() {
    let demo = Demo::new();
    for (kind, pin) in [
        ("auth", "123"),
        ("auth", "12345"),
        ("auth", "abcd"),
        ("card-info", ""),
        ("sign", "AB12"),
        ("sign", "ABC-123"),
        // Issue 16 item 2: the signature password mixes letters and digits.
        ("sign", "123456"),
        ("sign", "abcdef"),
        ("sign", "ABCDEFGHIJKLMNOP"),
    ] {
        let _ = std::fs::remove_file(demo.apdu_log());
        let output = demo
            .cmd(&["verify", "--pin", kind, "--pin-stdin"])
            .write_stdin(format!("{pin}\n"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{kind} {pin:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(says(&stderr, "Nothing was sent"), "{stderr}");
        assert!(
            pin.is_empty() || !stderr.contains(pin),
            "the PIN is not echoed: {stderr}"
        );
        let lines = demo.log_lines();
        assert!(
            lines.iter().all(|l| !l.starts_with("002000800")),
            "{lines:?}"
        );
        assert_eq!(
            lines.last().map(String::as_str),
            Some("] Leave"),
            "only the counter read: {lines:?}"
        );
    }
    assert_eq!(demo.tries("auth"), 3);
    assert_eq!(demo.tries("sign"), 5);
}

#[test]
fn stdin_that_is_not_a_pin_line_exits_2() {
    let demo = Demo::new();
    let endless_line = vec![b'1'; 1 << 20];
    for input in [&b"\xff\xfe12\n"[..], &endless_line, b"", b"\n"] {
        let output = demo
            .cmd(&["verify", "--pin-stdin", "--json"])
            .write_stdin(input.to_vec())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(json["error"]["code"], "malformed-pin");
    }
    assert_eq!(demo.tries("auth"), 3);
}

#[test]
fn without_a_terminal_or_pin_stdin_nothing_is_sent() {
    let demo = Demo::new();
    let output = demo
        .cmd(&["verify", "--json"])
        .write_stdin("1234\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["error"]["code"], "no-terminal");
    assert!(json["error"]["message"]
        .as_str()
        .unwrap()
        .contains("--pin-stdin"));
    assert!(demo.log_lines().is_empty());
}

#[test]
fn no_argument_takes_a_pin() {
    let demo = Demo::new();
    for args in [
        &["verify", "1234"][..],
        &["verify", "--pin", "1234"],
        &["verify", "--pin-stdin=1234"],
        &["status", "1234"],
    ] {
        let output = demo.cmd(args).write_stdin("").output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
    // No option takes a free value that could be a PIN: src/cli/layout_tests.rs reads the clap
    // definition itself.
}

// Unix only: Windows arguments are UTF-16 and cannot carry these bytes.
#[cfg(unix)]
#[test]
fn arguments_that_are_not_utf8_are_a_usage_error_not_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let demo = Demo::new();
    let output = demo
        .cmd(&["status"])
        .arg(std::ffi::OsStr::from_bytes(b"\xff\xfe"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let output = demo
        .cmd(&["--json", "--reader"])
        .arg(std::ffi::OsStr::from_bytes(b"\xff"))
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["error"]["code"], "usage");
}

#[test]
fn usage_errors_exit_2_and_json_errors_have_the_documented_shape() {
    let demo = Demo::new();
    let output = demo
        .cmd(&["status", "--pin", "everything", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(keys(&json), ["error"]);
    assert_eq!(keys(&json["error"]), ["code", "message"]);
    assert_eq!(json["error"]["code"], "usage");
}

#[test]
fn a_corrupt_demo_state_exits_1_with_a_clear_error() {
    let demo = Demo::new();
    std::fs::write(demo.state(), "not json").unwrap();
    let output = demo.cmd(&["status", "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["error"]["code"], "demo-state");
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs pcsc-lite, which PCSCLITE_CSOCK_NAME points at no pcscd; Windows' and macOS' PC/SC cannot be pointed away (Wine's winscard is a stub); the Windows and macOS answers are unit-tested in src/reader/error.rs"
)]
fn no_pcsc_service_exits_6() {
    let mut cmd = Command::cargo_bin("mynapin").unwrap();
    // libpcsclite finds pcscd through this socket; pointing it nowhere is "service not running".
    cmd.env(
        "PCSCLITE_CSOCK_NAME",
        "/nonexistent/mynapin-test/pcscd.comm",
    )
    .env("LANG", "C")
    .args(["status", "--json"]);
    let output = cmd.output().unwrap();
    assert_eq!(output.status.code(), Some(6), "{output:?}");
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["error"]["code"], "no-service");
}

#[test]
fn readers_on_the_demo_card() {
    let demo = Demo::new();
    let output = demo.cmd(&["readers", "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"readers": [{"index": 0, "name": "mynapin demo card", "card_present": true,
            "atr": "3be000ff8131fe4514", "card_type": "my-number-card"}]})
    );
}

#[test]
fn help_shows_the_demo_pins_and_completions_work() {
    let demo = Demo::new();
    let help = demo.cmd(&["--help"]).output().unwrap();
    assert!(String::from_utf8(help.stdout)
        .unwrap()
        .contains("auth 1234, sign ABC123, card-info 5678"));
    let completions = demo.cmd(&["completions", "bash"]).output().unwrap();
    assert_eq!(completions.status.code(), Some(0));
    assert!(String::from_utf8(completions.stdout)
        .unwrap()
        .contains("mynapin"));
}

#[test]
fn the_pin_appears_nowhere_in_the_output_even_with_the_full_trace() {
    let demo = Demo::new();
    for (kind, pin) in [
        ("auth", "8642"),
        ("sign", "QZX987"),
        ("card-info", "7531"),
        ("auth", "1234"),
        ("sign", "ABC123"),
    ] {
        for verbosity in ["-vv", "-v"] {
            let output = demo
                .cmd(&["verify", "--pin", kind, "--pin-stdin", verbosity])
                .env("RUST_LOG", "trace")
                .write_stdin(format!("{pin}\n"))
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains("00 20 00 80"), "the trace is on: {stderr}");
            let hex_pin = hex::encode_upper(pin);
            for text in [&stdout, &stderr] {
                let upper = text.to_uppercase();
                assert!(!upper.contains(pin), "{kind} PIN in the output: {text}");
                assert!(
                    !upper.replace(' ', "").contains(&hex_pin),
                    "{kind} PIN as hex in the output: {text}"
                );
            }
        }
        demo.cmd(&["reset-demo"]).assert().success();
    }
}

#[test]
fn read_only_commands_leave_the_demo_state_file_alone() {
    let demo = Demo::new();
    demo.cmd(&["status"]).assert().success();
    assert!(!demo.state().exists(), "status wrote the state file");
    demo.cmd(&["reset-demo"]).assert().success();
    let before = std::fs::metadata(demo.state()).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    for args in [&["status"][..], &["readers"], &["cert"]] {
        demo.cmd(args).assert().success();
    }
    assert_eq!(
        std::fs::metadata(demo.state()).unwrap().modified().unwrap(),
        before
    );
    // A wrong PIN changes a counter: that is saved.
    demo.cmd(&["verify", "--pin-stdin"])
        .write_stdin("0000\n")
        .assert()
        .code(3);
    assert_eq!(demo.tries("auth"), 2);
}

/// Issue 16 item 8: each PIN kind's own next steps, in the refusal at one try left and when
/// blocked, in JSON and in both languages.
#[test]
fn each_pin_kind_gives_its_own_next_steps_at_one_try_left_and_blocked() {
    let demo = Demo::new();
    for (kind, steps, en, ja) in [
        (
            "auth",
            vec!["convenience-store-with-sign-password", "city-office"],
            "signature password",
            "署名用電子証明書のパスワード",
        ),
        (
            "sign",
            vec!["convenience-store-with-auth-pin", "city-office"],
            "user-authentication PIN",
            "利用者証明用電子証明書の暗証番号",
        ),
        (
            "card-info",
            vec!["city-office"],
            "city office",
            "市区町村の窓口",
        ),
    ] {
        for tries in [1, 0] {
            demo.set_tries(kind, tries);
            let (code, json) = demo.verify_json(kind, "");
            assert_eq!(
                code,
                if tries == 1 { 4 } else { 5 },
                "{kind} {tries}: {json}"
            );
            let got: Vec<&str> = json["next_steps"]
                .as_array()
                .unwrap_or_else(|| panic!("{kind} {tries}: {json}"))
                .iter()
                .map(|step| step.as_str().unwrap())
                .collect();
            assert_eq!(got, steps, "{kind} {tries}");
            for (lang, words) in [("en", en), ("ja", ja)] {
                let output = demo
                    .cmd(&["--lang", lang, "verify", "--pin", kind, "--pin-stdin"])
                    .write_stdin("\n")
                    .output()
                    .unwrap();
                let text = String::from_utf8(output.stdout).unwrap();
                assert!(says(&text, words), "{kind} {tries} {lang}: {text}");
                if kind == "card-info" {
                    assert!(
                        !text.contains("コンビニ") && !text.contains("convenience"),
                        "{text}"
                    );
                } else {
                    assert!(
                        says(&text, "コンビニ") || says(&text, "convenience store"),
                        "{text}"
                    );
                }
            }
        }
    }
}
