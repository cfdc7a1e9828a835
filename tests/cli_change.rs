//! `change-pin` and `check` on the demo card: exit codes, JSON, what reached the card.

#[path = "support/demo.rs"]
mod demo;

use serde_json::Value;

use demo::{keys, says, Demo};

fn run(demo: &Demo, args: &[&str], stdin: &str) -> (i32, Value) {
    let mut all = args.to_vec();
    all.push("--json");
    let output = demo.cmd(&all).write_stdin(stdin).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    (
        output.status.code().unwrap(),
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}")),
    )
}

fn change(demo: &Demo, kind: &str, stdin: &str) -> (i32, Value) {
    run(demo, &["change-pin", "--pin", kind, "--pin-stdin"], stdin)
}

#[test]
fn change_pin_changes_it_and_the_new_one_verifies() {
    let demo = Demo::new();
    let (code, json) = change(&demo, "auth", "1234\n4321\n");
    assert_eq!(code, 0, "{json}");
    assert_eq!(keys(&json), ["pin", "reader", "result", "tries_left"]);
    assert_eq!(json["result"], "changed");
    assert_eq!(json["tries_left"], 3);
    let log = demo.log_lines();
    assert_eq!(
        log[log.len() - 3..],
        [
            "0020008004******** -> 9000",
            "0024018004******** -> 9000",
            "] Unpower"
        ]
    );
    let (code, json) = run(&demo, &["verify", "--pin-stdin"], "4321\n");
    assert_eq!((code, &json["result"]), (0, &Value::from("verified")));
    let (code, json) = run(&demo, &["verify", "--pin-stdin"], "1234\n");
    assert_eq!((code, &json["result"]), (3, &Value::from("wrong-pin")));
}

#[test]
fn usage_errors_send_no_pin() {
    for (kind, stdin) in [
        ("auth", "1234\n1234\n"),
        ("sign", "abc123\nABC123\n"),
        ("auth", "1234\n12345\n"),
        ("auth", "12a4\n4321\n"),
        ("auth", "1234\n"),
    ] {
        let demo = Demo::new();
        let (code, json) = change(&demo, kind, stdin);
        assert_eq!(code, 2, "{stdin:?}: {json}");
        assert!(
            ["usage", "malformed-pin"].contains(&json["error"]["code"].as_str().unwrap()),
            "{json}"
        );
        // At most the counter read: no VERIFY with data, no CHANGE.
        let log = demo.log_lines();
        assert!(
            log.iter()
                .all(|l| !l.starts_with("002000800") && !l.starts_with("0024")),
            "{stdin:?}: {log:?}"
        );
    }
}

#[test]
fn change_pin_wrong_current_and_refusal() {
    let demo = Demo::new();
    let (code, json) = change(&demo, "card-info", "0000\n1111\n");
    assert_eq!(code, 3, "{json}");
    assert_eq!(json["result"], "wrong-pin");
    assert_eq!(json["tries_left"], 2);
    let (code, json) = change(&demo, "card-info", "0000\n1111\n");
    assert_eq!((code, json["tries_left"].as_u64()), (3, Some(1)));
    let before = demo.log_lines().len();
    let (code, json) = change(&demo, "card-info", "5678\n1111\n");
    assert_eq!(code, 4, "{json}");
    assert_eq!(json["result"], "refused");
    assert_eq!(json["reason"], "last-try");
    // Only the counter read (SELECT JPKI, SELECT card-info, SELECT EF, counter): nothing was
    // asked or sent.
    assert_eq!(demo.log_lines().len() - before, 6, "{:?}", demo.log_lines());
}

#[test]
fn check_passes_on_a_fresh_demo_card() {
    let demo = Demo::new();
    let (code, json) = run(&demo, &["check", "--pin-stdin"], "1234\n");
    assert_eq!(code, 0, "{json}");
    assert_eq!(keys(&json), ["passed", "reader", "steps"]);
    assert_eq!(json["passed"], true);
    let steps: Vec<(&str, &str)> = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["step"].as_str().unwrap(), s["result"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("card", "passed"),
            ("pin-counter", "passed"),
            ("certificate-validity", "passed"),
            ("certificate-issuer", "passed"),
            ("pin-and-key", "passed"),
            ("revocation", "not-checked"),
        ]
    );
    let log = demo.log_lines();
    assert!(log.iter().any(|l| l.starts_with("802A008033")), "{log:?}");
}

#[test]
fn check_fails_with_the_pin_codes_and_never_asks_at_one_try() {
    let demo = Demo::new();
    let (code, json) = run(&demo, &["check", "--pin-stdin"], "0000\n");
    assert_eq!(code, 3, "{json}");
    assert_eq!(json["steps"][4]["reason"], "wrong-pin");
    let (code, _) = run(&demo, &["check", "--pin-stdin"], "0000\n");
    assert_eq!(code, 3);
    let (code, json) = run(&demo, &["check", "--pin-stdin"], "1234\n");
    assert_eq!(code, 4, "{json}");
    assert_eq!(json["steps"][1]["reason"], "last-try");
    assert_eq!(json["steps"][4]["result"], "not-checked");
    assert!(
        demo.log_lines()
            .iter()
            .filter(|l| l.starts_with("002000800"))
            .count()
            == 2
    );
}

#[test]
fn check_fails_on_an_expired_certificate_in_the_state_file() {
    let demo = Demo::new();
    demo.cmd(&["reset-demo"]).assert().success();
    let mut state: Value =
        serde_json::from_str(&std::fs::read_to_string(demo.state()).unwrap()).unwrap();
    state["certificates"]["auth"] =
        hex::encode_upper(include_bytes!("fixtures/expired.der")).into();
    std::fs::write(demo.state(), state.to_string()).unwrap();
    let (code, json) = run(&demo, &["check", "--pin-stdin"], "1234\n");
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["passed"], false);
    assert_eq!(json["steps"][2]["reason"], "expired");
    assert_eq!(json["steps"][3]["result"], "passed");
    assert_eq!(json["steps"][4]["result"], "passed");
}

#[test]
fn text_output_in_both_languages() {
    let demo = Demo::new();
    let output = demo
        .cmd(&["check", "--pin-stdin"])
        .write_stdin("1234\n")
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("[passed]      PIN and signature with the card's key"),
        "{text}"
    );
    assert!(text.contains("[not checked] revocation status"), "{text}");
    let output = demo
        .cmd(&["--lang", "ja", "change-pin", "--pin-stdin"])
        .write_stdin("1234\n4321\n")
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("を変更しました"), "{text}");
}

#[test]
fn no_argument_takes_a_pin_for_change_pin_or_check() {
    let demo = Demo::new();
    for args in [
        &["change-pin", "1234"][..],
        &["change-pin", "1234", "4321"],
        &["change-pin", "--pin", "1234"],
        &["change-pin", "--pin-stdin=1234"],
        &["check", "1234"],
        &["check", "--pin", "auth"],
    ] {
        let output = demo.cmd(args).write_stdin("").output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
    assert!(demo.log_lines().is_empty(), "{:?}", demo.log_lines());
}

#[test]
fn neither_pin_appears_in_the_output_even_with_the_full_trace() {
    let demo = Demo::new();
    for (kind, current, new) in [
        ("auth", "1234", "8642"),
        ("sign", "ABC123", "QZX987"),
        ("card-info", "5678", "7531"),
    ] {
        let output = demo
            .cmd(&["change-pin", "--pin", kind, "--pin-stdin", "-vv"])
            .env("RUST_LOG", "trace")
            .write_stdin(format!("{current}\n{new}\n"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("00 24 01 80"), "the trace is on: {stderr}");
        for pin in [current, new] {
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
    }
}

#[test]
fn the_pin_is_masked_in_the_trace_of_check() {
    // check's trace holds certificates and a signature in hex, where any 4 digits may appear
    // by chance: look at the VERIFY lines themselves.
    let demo = Demo::new();
    let output = demo
        .cmd(&["check", "--pin-stdin", "-vv"])
        .env("RUST_LOG", "trace")
        .write_stdin("1234\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let verifies: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("00 20 00 80 04"))
        .collect();
    assert!(!verifies.is_empty(), "the trace is on: {stderr}");
    for line in verifies {
        assert!(line.contains("00 20 00 80 04 ** ** ** **"), "{line}");
        assert!(!line.contains("31 32 33 34"), "{line}");
    }
}

// ---- issue 26 item 6: what change-pin says when the input is not what it needs ----------------

#[test]
fn pin_stdin_without_the_new_pin_line_names_the_missing_line() {
    let demo = Demo::new();
    for (lang, stdin, expected) in [
        (
            "en",
            "1234\n",
            "No new PIN was given: with --pin-stdin, mynapin reads two lines",
        ),
        ("en", "1234", "the second is missing or empty"),
        ("en", "1234\n\n", "the second is missing or empty"),
        (
            "ja",
            "1234\n",
            "新しい暗証番号がありません。--pin-stdin では2行",
        ),
    ] {
        let output = demo
            .cmd(&["--lang", lang, "change-pin", "--pin-stdin"])
            .write_stdin(stdin)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(says(&stderr, expected), "{stdin:?}: {stderr}");
        assert!(!stderr.contains("nothing was typed"), "{stderr}");
    }
    // Nothing reached the card: not even a VERIFY of the current PIN.
    assert!(
        demo.log_lines()
            .iter()
            .all(|line| !line.starts_with("00200080") || line.starts_with("00200080 ->")),
        "{:?}",
        demo.log_lines()
    );
}
