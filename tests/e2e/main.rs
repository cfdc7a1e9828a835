//! End to end on the real PC/SC stack: the built `mynapin` against pcscd + vsmartcard-vpcd + our
//! virtual card (`mynapin virtual-card`), with the card's APDU log checked byte for byte, and
//! OpenSC as an independent client. Every test is `#[ignore]`d, so plain `cargo test` reports
//! them as ignored; `scripts/e2e` starts pcscd and runs them with `--ignored`. See docs/testing.md.

mod support;
mod watch;

mod change;
mod hardening;

use mynapin::card_model::CardState;
use mynapin::jpki::PinKind;
use serde_json::Value;

use support::{e2e, mynapin, run, run_cmd, says, Run, VirtualCard, SLOT0, SLOT1};

const SELECT_JPKI: &str = "00A4040C0AD392F000260100000001 -> 9000";
const SELECT_TOKEN_INFO: &str = "00A4020C020006 -> 9000";
const READ_TOKEN_INFO: &str =
    "00B0000020 -> 4A504B494150494343544F4B454E3220202020202020202020202020202020209000";
const SELECT_AUTH_PIN: &str = "00A4020C020018 -> 9000";
const SELECT_SIGN_PIN: &str = "00A4020C02001B -> 9000";
const SELECT_CARD_INFO: &str = "00A4040C0AD3921000310001010408 -> 9000";
const SELECT_CARD_INFO_PIN: &str = "00A4020C020011 -> 9000";

/// APDUs `mynapin readers` sends to identify a card (and so `VirtualCard::insert`): fault
/// numbers count them.
const IDENTIFY_APDUS: usize = 3;

/// Fault numbers count every APDU since the card started: check that only the identification
/// by `mynapin readers` came before.
fn assert_identified_once(card: &VirtualCard) {
    let log = card.log();
    let apdus: Vec<&String> = log.iter().filter(|line| line.contains("->")).collect();
    assert_eq!(
        apdus,
        [SELECT_JPKI, SELECT_TOKEN_INFO, READ_TOKEN_INFO],
        "{log:#?}"
    );
}

/// The empty VERIFY and the counter it reports.
fn counter(tries: u8) -> String {
    format!("00200080 -> 63C{tries:X}")
}

/// A VERIFY with a 4-digit PIN (masked in the log) and its answer.
fn verify_4(answer: &str) -> String {
    format!("0020008004******** -> {answer}")
}

/// `status` reads the auth certificate's first 256 bytes for its expiry (2 APDUs).
fn read_auth_certificate_head() -> Vec<String> {
    let head = &CardState::demo().certificates.auth[..256];
    vec![
        "00A4020C02000A -> 9000".to_string(),
        format!("00B0000000 -> {}9000", hex::encode_upper(head)),
    ]
}

/// What a card that gives at most `chunk` bytes per answer logs for `command` answering `data`
/// then 9000: `61xx` after each piece, and GET RESPONSE for the rest.
fn chunked(command: &str, data: &[u8], chunk: usize) -> Vec<String> {
    let sw_more = |left: usize| format!("61{:02X}", left.min(256) % 256);
    let mut lines = Vec::new();
    let mut sent = 0;
    let mut request = command.to_string();
    while sent < data.len() || lines.is_empty() {
        let piece = &data[sent..(sent + chunk).min(data.len())];
        sent += piece.len();
        let left = data.len() - sent;
        let sw = if left == 0 {
            "9000".to_string()
        } else {
            sw_more(left)
        };
        lines.push(format!("{request} -> {}{sw}", hex::encode_upper(piece)));
        request = format!("00C00000{:02X}", left.min(256) % 256);
    }
    lines
}

fn lines(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|line| line.to_string()).collect()
}

/// The demo state with every PIN at `tries` (the signature password's maximum is 5).
fn state_with(tries: u8) -> CardState {
    let mut state = CardState::demo();
    for kind in PinKind::ALL {
        state.pin_mut(kind).tries_left = tries;
    }
    state
}

fn state_with_auth(tries: u8) -> CardState {
    let mut state = CardState::demo();
    state.auth.tries_left = tries;
    state
}

/// The `pins` entry of a `status --json` document.
fn pin<'a>(status: &'a Value, name: &str) -> &'a Value {
    status["pins"]
        .as_array()
        .and_then(|pins| pins.iter().find(|pin| pin["pin"] == name))
        .unwrap_or_else(|| panic!("no {name} in {status}"))
}

fn assert_error(result: &Run, exit_code: i32, code: &str) -> String {
    assert_eq!(result.code, exit_code, "{result:?}");
    let json = result.json();
    assert_eq!(json["error"]["code"], code, "{result:?}");
    json["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no message: {result:?}"))
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// readers

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn readers_lists_both_virtual_readers_with_the_one_card() {
    let _serial = e2e();
    let _card = VirtualCard::insert(SLOT0, &CardState::demo(), &[]);

    let json = run(&["readers", "--json"], None);
    assert_eq!(json.code, 0, "{json:?}");
    assert_eq!(
        json.json(),
        serde_json::json!({ "readers": [
            {
                "index": 0,
                "name": "Virtual PCD 00 00",
                "card_present": true,
                "atr": "3be000ff8131fe4514",
                "card_type": "my-number-card"
            },
            {
                "index": 1,
                "name": "Virtual PCD 00 01",
                "card_present": false,
                "atr": null,
                "card_type": null
            }
        ]})
    );

    let text = run(&["readers"], None);
    assert_eq!(text.code, 0, "{text:?}");
    let rows: Vec<&str> = text.stdout.lines().map(str::trim_end).collect();
    assert_eq!(
        rows,
        [
            "0  Virtual PCD 00 00             My Number card        ATR 3be000ff8131fe4514",
            "1  Virtual PCD 00 01             (empty)",
        ]
    );
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn readers_names_a_card_without_jpki_other() {
    let _serial = e2e();
    // Every SELECT by name answers 6A82: a smart card, but not a My Number card.
    let card = VirtualCard::start(SLOT1, &CardState::demo(), &["--fault", "sw=00A404:6A82"]);
    let start = std::time::Instant::now();
    let reader = loop {
        let readers = support::readers();
        if readers[1]["card_present"] == true {
            break readers[1].clone();
        }
        assert!(start.elapsed().as_secs() < 5, "{}", card.stderr());
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(reader["card_type"], "other", "{reader}");
    let status = run(&["status", "--json"], None);
    assert_error(&status, 7, "not-my-number-card");
}

// ---------------------------------------------------------------------------------------------
// status

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn status_reports_every_pin_at_3_2_1_and_0_tries() {
    let _serial = e2e();
    for tries in [3u8, 2, 1, 0] {
        let state = state_with(tries);
        let card = VirtualCard::insert(SLOT0, &state, &[]);
        let mark = card.log().len();

        let result = run(&["status", "--json"], None);
        assert_eq!(result.code, 0, "{result:?}");
        let status = result.json();
        assert_eq!(status["reader"], "Virtual PCD 00 00");
        assert_eq!(
            status["card"],
            serde_json::json!({
                "type": "my-number-card",
                "token_label": "JPKIAPICCTOKEN2",
                "atr": "3be000ff8131fe4514"
            })
        );
        let expected_state = match tries {
            0 => "blocked",
            1 => "last-try",
            _ => "ok",
        };
        for (name, max) in [("auth", 3), ("sign", 5), ("card-info", 3)] {
            let pin = pin(&status, name);
            assert_eq!(pin["tries_left"], tries, "{name} at {tries}: {pin}");
            assert_eq!(pin["max_tries"], max, "{name}: {pin}");
            assert_eq!(pin["state"], expected_state, "{name} at {tries}: {pin}");
            if tries == 0 {
                assert_eq!(pin["sw"], "63C0", "{name}: {pin}");
            } else {
                assert!(pin.get("sw").is_none(), "{name}: {pin}");
            }
        }
        card.settle();
        assert_eq!(
            card.log_since(mark),
            [
                lines(&["power-on", SELECT_JPKI, SELECT_TOKEN_INFO, READ_TOKEN_INFO]),
                read_auth_certificate_head(),
                lines(&[
                    SELECT_AUTH_PIN,
                    &counter(tries),
                    SELECT_SIGN_PIN,
                    &counter(tries),
                    SELECT_CARD_INFO,
                    SELECT_CARD_INFO_PIN,
                    &counter(tries),
                    "power-off",
                ]),
            ]
            .concat(),
            "status at {tries}"
        );

        let text = run(&["status"], None);
        assert_eq!(text.code, 0, "{text:?}");
        let rows: Vec<&str> = text.stdout.lines().collect();
        assert_eq!(rows[0].trim_end(), "Reader:   Virtual PCD 00 00");
        assert_eq!(
            rows[1].trim_end(),
            "Card:     My Number card (JPKIAPICCTOKEN2)"
        );
        // The PIN lines; at one try left or blocked, what to do under each, indented.
        let pin_rows: Vec<&&str> = rows[2..]
            .iter()
            .filter(|row| !row.starts_with(' '))
            .collect();
        for (row, (name, max)) in pin_rows
            .iter()
            .zip([("auth", 3), ("sign", 5), ("card-info", 3)])
        {
            assert!(row.starts_with(name), "{row}");
            let counter = match tries {
                0 => "blocked (63C0)".to_string(),
                n => format!("{n} of {max} tries left"),
            };
            assert!(
                row.ends_with(&counter),
                "{row:?} should end with {counter:?}"
            );
        }
        let advice = rows
            .iter()
            .filter(|row| row.starts_with("           "))
            .count();
        assert_eq!(advice > 0, tries <= 1, "{text:?}");
        assert!(rows.iter().all(|row| row.chars().count() <= 80), "{text:?}");
        // Days left depend on today.
        let cert = rows.last().unwrap();
        assert!(
            cert.starts_with("Cert:     user-authentication certificate valid until 2031-05-31, ")
                && cert.ends_with(" days left"),
            "{text:?}"
        );
        assert_eq!(pin_rows.len(), 4, "{text:?}");
        // Reading counters spends nothing.
        assert_eq!(card.state(), state);
    }
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn status_reads_a_chunked_answer_and_an_odd_counter_status() {
    let _serial = e2e();
    // Answers of at most 12 bytes (the rest through 61xx and GET RESPONSE, which pcscd passes
    // through as they are), and the auth PIN's empty VERIFY answering 6983 (blocked).
    let card = VirtualCard::insert(
        SLOT0,
        &CardState::demo(),
        &["--fault", "chunk=12", "--fault", "sw=00200080:6983"],
    );
    let mark = card.log().len();
    let result = run(&["status", "--pin", "auth", "--json"], None);
    assert_eq!(result.code, 0, "{result:?}");
    let status = result.json();
    assert_eq!(status["card"]["token_label"], "JPKIAPICCTOKEN2");
    let auth = pin(&status, "auth");
    assert_eq!(auth["state"], "blocked", "{auth}");
    assert_eq!(auth["sw"], "6983", "{auth}");
    card.settle();
    assert_eq!(
        card.log_since(mark),
        [
            lines(&[
                "power-on",
                SELECT_JPKI,
                SELECT_TOKEN_INFO,
                "00B0000020 -> 4A504B494150494343544F4B6114",
                "00C0000014 -> 454E322020202020202020206108",
                "00C0000008 -> 20202020202020209000",
                "00A4020C02000A -> 9000",
            ]),
            chunked(
                "00B0000000",
                &CardState::demo().certificates.auth[..256],
                12
            ),
            lines(&[SELECT_AUTH_PIN, "00200080 -> 6983", "power-off"]),
        ]
        .concat()
    );
}

// ---------------------------------------------------------------------------------------------
// verify

/// The APDUs of `verify` up to the counter check: the read before the prompt (one transaction)
/// and, when a PIN is sent, the guarded transaction's reading again.
fn read_counter_lines(select_pin: &str, tries: u8) -> Vec<String> {
    lines(&[SELECT_JPKI, select_pin, &counter(tries)])
}

fn verify(pin_kind: &str, pin: &str) -> Run {
    run(
        &["verify", "--pin", pin_kind, "--pin-stdin", "--json"],
        Some(&format!("{pin}\n")),
    )
}

fn assert_verify(result: &Run, exit_code: i32, outcome: &str, tries_left: Value) {
    assert_eq!(result.code, exit_code, "{result:?}");
    let json = result.json();
    assert_eq!(json["reader"], "Virtual PCD 00 00", "{result:?}");
    assert_eq!(json["result"], outcome, "{result:?}");
    assert_eq!(json["tries_left"], tries_left, "{result:?}");
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn verify_right_pin_restores_the_counter_and_unpowers_the_card() {
    let _serial = e2e();
    let card = VirtualCard::insert(SLOT0, &state_with_auth(2), &[]);
    let mark = card.log().len();
    let result = verify("auth", "1234");
    assert_verify(&result, 0, "verified", 3.into());
    card.settle();
    let mut expected = lines(&["power-on"]);
    expected.extend(read_counter_lines(SELECT_AUTH_PIN, 2));
    expected.extend(read_counter_lines(SELECT_AUTH_PIN, 2));
    expected.extend(lines(&[
        &verify_4("9000"),
        // SCardEndTransaction(UNPOWER): pcscd powers the card down and up again at once ...
        "power-off",
        "power-on",
        // ... then down when idle.
        "power-off",
    ]));
    assert_eq!(card.log_since(mark), expected);
    assert_eq!(card.state().auth.tries_left, 3);
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn verify_right_signature_password() {
    let _serial = e2e();
    let mut state = CardState::demo();
    state.sign.tries_left = 4;
    let card = VirtualCard::insert(SLOT0, &state, &[]);
    let mark = card.log().len();
    let result = verify("sign", "ABC123");
    assert_verify(&result, 0, "verified", 5.into());
    card.settle();
    let mut expected = lines(&["power-on"]);
    expected.extend(read_counter_lines(SELECT_SIGN_PIN, 4));
    expected.extend(read_counter_lines(SELECT_SIGN_PIN, 4));
    expected.extend(lines(&[
        "0020008006************ -> 9000",
        "power-off",
        "power-on",
        "power-off",
    ]));
    assert_eq!(card.log_since(mark), expected);
    assert_eq!(card.state().sign.tries_left, 5);
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn no_verified_state_outlives_verify_even_on_a_card_that_keeps_it_across_resets() {
    let _serial = e2e();
    let card = VirtualCard::insert(
        SLOT0,
        &CardState::demo(),
        &["--fault", "verified-survives-reset"],
    );
    let mark = card.log().len();
    let result = verify("sign", "ABC123");
    assert_verify(&result, 0, "verified", 5.into());

    // Another program then tries to read the signature certificate, which needs the signature
    // password verified in this power cycle: 6982.
    let context = pcsc::Context::establish(pcsc::Scope::User).expect("pcscd");
    let reader = std::ffi::CString::new(SLOT0.reader).unwrap();
    let other = context
        .connect(&reader, pcsc::ShareMode::Shared, pcsc::Protocols::ANY)
        .expect("a shared connection");
    let mut buffer = [0u8; 300];
    for (command, answer) in [
        (&hex("00A4040C0AD392F000260100000001")[..], "9000"),
        (&hex("00A4020C020001"), "9000"),
        (&hex("00B0000004"), "6982"),
    ] {
        let response = other.transmit(command, &mut buffer).expect("transmit");
        assert_eq!(hex_upper(response), answer);
    }
    other
        .disconnect(pcsc::Disposition::LeaveCard)
        .map_err(|(_, error)| error)
        .expect("disconnect");
    // The power cycle that cleared it is mynapin's (pcscd's idle power-down did not come
    // in between).
    let mut expected = lines(&["power-on"]);
    expected.extend(read_counter_lines(SELECT_SIGN_PIN, 5));
    expected.extend(read_counter_lines(SELECT_SIGN_PIN, 5));
    expected.extend(lines(&[
        "0020008006************ -> 9000",
        "power-off",
        "power-on",
        SELECT_JPKI,
        "00A4020C020001 -> 9000",
        "00B0000004 -> 6982",
    ]));
    assert_eq!(card.log_since(mark), expected);
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn verify_wrong_pin_spends_one_try() {
    let _serial = e2e();
    let card = VirtualCard::insert(SLOT0, &CardState::demo(), &[]);
    let mark = card.log().len();
    let result = verify("auth", "9999");
    assert_verify(&result, 3, "wrong-pin", 2.into());
    card.settle();
    let mut expected = lines(&["power-on"]);
    expected.extend(read_counter_lines(SELECT_AUTH_PIN, 3));
    expected.extend(read_counter_lines(SELECT_AUTH_PIN, 3));
    expected.extend(lines(&[
        &verify_4("63C2"),
        "power-off",
        "power-on",
        "power-off",
    ]));
    assert_eq!(card.log_since(mark), expected);
    assert_eq!(card.state().auth.tries_left, 2);

    // In text, the card-info PIN (its own application) the same way.
    let mark = card.log().len();
    let text = run(
        &["verify", "--pin", "card-info", "--pin-stdin"],
        Some("0000\n"),
    );
    assert_eq!(text.code, 3, "{text:?}");
    assert!(
        says(&text.stdout, "Wrong PIN. 2 of 3 tries left."),
        "{text:?}"
    );
    card.settle();
    // Each read selects JPKI first (the card is identified by it), then the card-info AP.
    let card_info_counter = || {
        let mut read = read_counter_lines(SELECT_CARD_INFO_PIN, 3);
        read.insert(1, SELECT_CARD_INFO.to_string());
        read
    };
    let mut expected = lines(&["power-on"]);
    expected.extend(card_info_counter());
    expected.extend(card_info_counter());
    expected.extend(lines(&[
        &verify_4("63C2"),
        "power-off",
        "power-on",
        "power-off",
    ]));
    assert_eq!(card.log_since(mark), expected);
    assert_eq!(card.state().card_info.tries_left, 2);
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn verify_refuses_at_one_try_without_sending_the_pin() {
    let _serial = e2e();
    let card = VirtualCard::insert(SLOT0, &state_with_auth(1), &[]);
    let mark = card.log().len();
    let result = verify("auth", "9999");
    assert_verify(&result, 4, "refused", 1.into());
    assert_eq!(result.json()["reason"], "last-try");
    card.settle();
    let mut expected = lines(&["power-on"]);
    expected.extend(read_counter_lines(SELECT_AUTH_PIN, 1));
    expected.push("power-off".into());
    assert_eq!(card.log_since(mark), expected);
    assert_eq!(card.state().auth.tries_left, 1);
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn verify_refuses_a_blocked_pin() {
    let _serial = e2e();
    let card = VirtualCard::insert(SLOT0, &state_with_auth(0), &[]);
    let mark = card.log().len();
    let result = verify("auth", "1234");
    assert_verify(&result, 5, "blocked", 0.into());
    card.settle();
    let mut expected = lines(&["power-on"]);
    expected.extend(read_counter_lines(SELECT_AUTH_PIN, 0));
    expected.push("power-off".into());
    assert_eq!(card.log_since(mark), expected);
    // The right PIN was not sent: it would have been answered 6984 and changed nothing, but
    // the log above is the proof.
    assert_eq!(card.state().auth.tries_left, 0);
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn verify_refuses_when_the_empty_verify_answers_9000() {
    let _serial = e2e();
    let card = VirtualCard::insert(SLOT0, &CardState::demo(), &["--fault", "empty-verify-9000"]);
    let mark = card.log().len();
    let result = verify("auth", "1234");
    assert_verify(&result, 4, "refused", Value::Null);
    assert_eq!(result.json()["reason"], "counter-unknown");
    card.settle();
    assert_eq!(
        card.log_since(mark),
        lines(&[
            "power-on",
            SELECT_JPKI,
            SELECT_AUTH_PIN,
            "00200080 -> 9000",
            "power-off"
        ])
    );
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn verify_with_the_card_removed_mid_verify_is_unknown_and_never_resent() {
    let _serial = e2e();
    // The VERIFY with the PIN is the 10th APDU: 3 to identify, 3 to read the counter before the
    // prompt, 3 to read it again in the guarded transaction, then the VERIFY. It runs (the
    // wrong PIN spends a try) and the card leaves before answering.
    let verify_number = IDENTIFY_APDUS + 3 + 3 + 1;
    let fault = format!("remove-after={verify_number}");
    let mut card = VirtualCard::insert(SLOT0, &CardState::demo(), &["--fault", &fault]);
    assert_identified_once(&card);
    let mark = card.log().len();

    let result = verify("auth", "9999");
    assert_verify(&result, 1, "unknown", Value::Null);
    assert!(card.wait_exit().success(), "{}", card.stderr());
    let mut expected = lines(&["power-on"]);
    expected.extend(read_counter_lines(SELECT_AUTH_PIN, 3));
    expected.extend(read_counter_lines(SELECT_AUTH_PIN, 3));
    expected.extend(lines(&[&verify_4("(none)"), "removed"]));
    assert_eq!(card.log_since(mark), expected);
    let verifies = card
        .log()
        .iter()
        .filter(|line| line.starts_with("0020008004"))
        .count();
    assert_eq!(verifies, 1, "exactly one VERIFY with the PIN");
    // The try was spent: that is why the result must be "unknown", not an error to retry.
    assert_eq!(card.state().auth.tries_left, 2);

    drop(card);

    // The text says so too, and points to `status`.
    let mut text_card = VirtualCard::insert(SLOT0, &CardState::demo(), &["--fault", &fault]);
    assert_identified_once(&text_card);
    let text = run(&["verify", "--pin", "auth", "--pin-stdin"], Some("9999\n"));
    assert_eq!(text.code, 1, "{text:?}");
    assert!(
        says(&text.stdout, "The PIN was sent, but its result is unknown"),
        "{text:?}"
    );
    assert!(says(&text.stdout, "mynapin status"), "{text:?}");
    text_card.wait_exit();
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn a_card_reinserted_after_an_unknown_verify_shows_the_spent_try() {
    let _serial = e2e();
    let fault = format!("remove-after={}", IDENTIFY_APDUS + 3 + 3 + 1);
    let card = VirtualCard::insert(
        SLOT0,
        &CardState::demo(),
        &["--fault", &fault, "--reinsert"],
    );
    assert_identified_once(&card);
    let result = verify("auth", "9999");
    assert_verify(&result, 1, "unknown", Value::Null);
    card.wait_present();
    let status = run(&["status", "--pin", "auth", "--json"], None);
    assert_eq!(status.code, 0, "{status:?}");
    assert_eq!(pin(&status.json(), "auth")["tries_left"], 2);
    let verifies = card
        .log()
        .iter()
        .filter(|line| line.starts_with("0020008004"))
        .count();
    assert_eq!(verifies, 1, "{:#?}", card.log());
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn a_verify_the_card_never_answers_waits_and_is_unknown_once_the_card_is_gone() {
    let _serial = e2e();
    let fault = format!("hang-at={}", IDENTIFY_APDUS + 3 + 3 + 1);
    let mut card = VirtualCard::insert(SLOT0, &CardState::demo(), &["--fault", &fault]);
    assert_identified_once(&card);
    let mark = card.log().len();
    let verify = std::thread::spawn(|| verify("auth", "1234"));
    // PC/SC has no time-out: mynapin waits as long as the card is in the reader.
    card.wait_for_line(|line| line == verify_4("(none)"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        !verify.is_finished(),
        "mynapin gave up on a card still in the reader"
    );
    card.kill();
    let result = verify.join().expect("the verify thread");
    assert_verify(&result, 1, "unknown", Value::Null);
    let mut expected = lines(&["power-on"]);
    expected.extend(read_counter_lines(SELECT_AUTH_PIN, 3));
    expected.extend(read_counter_lines(SELECT_AUTH_PIN, 3));
    expected.push(verify_4("(none)"));
    assert_eq!(card.log_since(mark), expected);
}

// ---------------------------------------------------------------------------------------------
// PC/SC errors

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn no_pcscd_is_no_service() {
    let _serial = e2e();
    for args in [
        &["status", "--json"][..],
        &["readers", "--json"],
        &["verify", "--pin-stdin", "--json"],
    ] {
        let mut cmd = mynapin(args);
        cmd.env("PCSCLITE_CSOCK_NAME", "/nonexistent");
        let result = run_cmd(cmd, Some("1234\n"));
        let message = assert_error(&result, 6, "no-service");
        assert!(message.contains("pcscd"), "{message}");
    }
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn no_card_is_exit_6() {
    let _serial = e2e();
    let message = assert_error(&run(&["status", "--json"], None), 6, "no-card");
    assert!(message.starts_with("No card in any reader."), "{message}");
    let message = assert_error(
        &run(&["verify", "--pin-stdin", "--json"], Some("1234\n")),
        6,
        "no-card",
    );
    assert!(message.starts_with("No card in any reader."), "{message}");
    let message = assert_error(
        &run(&["--reader", "1", "status", "--json"], None),
        6,
        "no-card",
    );
    assert!(
        message.starts_with("No card in reader \"Virtual PCD 00 01\"."),
        "{message}"
    );
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn a_card_removed_during_status_is_card_removed() {
    let _serial = e2e();
    // Removed after the status's second APDU (SELECT EF 0006), before it answers.
    let fault = format!("remove-after={}", IDENTIFY_APDUS + 2);
    let mut card = VirtualCard::insert(SLOT0, &CardState::demo(), &["--fault", &fault]);
    assert_identified_once(&card);
    let mark = card.log().len();
    let result = run(&["status", "--json"], None);
    // vpcd reports a card that left mid-command as an empty answer (no SW1 SW2).
    let message = assert_error(&result, 6, "card-removed");
    assert!(message.contains("cut short"), "{message}");
    card.wait_exit();
    assert_eq!(
        card.log_since(mark),
        lines(&[
            "power-on",
            SELECT_JPKI,
            "00A4020C020006 -> (none)",
            "removed"
        ])
    );
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn a_reader_held_exclusively_by_another_program_is_reader_busy() {
    let _serial = e2e();
    let card = VirtualCard::insert(SLOT0, &CardState::demo(), &[]);
    // This test process is the other program: it connects exclusively through the pcsc crate.
    let context = pcsc::Context::establish(pcsc::Scope::User).expect("pcscd");
    let reader = std::ffi::CString::new(SLOT0.reader).unwrap();
    let holder = context
        .connect(&reader, pcsc::ShareMode::Exclusive, pcsc::Protocols::ANY)
        .expect("an exclusive connection");

    let mark = card.log().len();
    for args in [
        &["status", "--json"][..],
        &["verify", "--pin-stdin", "--json"],
    ] {
        let result = run(args, Some("1234\n"));
        let message = assert_error(&result, 1, "reader-busy");
        assert_eq!(
            message,
            "Another program is using reader \"Virtual PCD 00 00\" (for example the JPKI user software, JPKI利用者ソフト, or a web browser). Close it and try again."
        );
    }
    let text = run(&["status"], None);
    assert_eq!(text.code, 1, "{text:?}");
    assert!(
        says(&text.stderr, "Another program is using reader"),
        "{text:?}"
    );
    // Nothing reached the card while it was held.
    assert!(
        card.log_since(mark).iter().all(|line| !line.contains("->")),
        "{:#?}",
        card.log_since(mark)
    );

    holder
        .disconnect(pcsc::Disposition::LeaveCard)
        .map_err(|(_, error)| error)
        .expect("disconnect");
    let free = run(&["status", "--json"], None);
    assert_eq!(free.code, 0, "released, the reader works again: {free:?}");
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn the_one_card_among_two_readers_is_chosen_and_reader_choices_work() {
    let _serial = e2e();
    let _card = VirtualCard::insert(SLOT1, &state_with_auth(2), &[]);
    for choice in [
        None,
        Some("1"),
        Some("pcd 00 01"),
        Some("Virtual PCD 00 01"),
    ] {
        let mut args = vec!["status", "--pin", "auth", "--json"];
        if let Some(choice) = choice {
            args.extend(["--reader", choice]);
        }
        let result = run(&args, None);
        assert_eq!(result.code, 0, "{choice:?}: {result:?}");
        let status = result.json();
        assert_eq!(status["reader"], "Virtual PCD 00 01", "{choice:?}");
        // From the listing without a choice, from the connected card with one.
        assert_eq!(status["card"]["atr"], "3be000ff8131fe4514", "{choice:?}");
        assert_eq!(pin(&status, "auth")["tries_left"], 2, "{choice:?}");
    }
    let message = assert_error(
        &run(&["--reader", "0", "status", "--json"], None),
        6,
        "no-card",
    );
    assert!(message.contains("\"Virtual PCD 00 00\""), "{message}");
    let message = assert_error(
        &run(&["--reader", "virtual", "status", "--json"], None),
        1,
        "ambiguous-reader",
    );
    assert!(
        message.contains("\"Virtual PCD 00 00\", \"Virtual PCD 00 01\""),
        "{message}"
    );
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn two_cards_need_a_reader_choice() {
    let _serial = e2e();
    let _first = VirtualCard::insert(SLOT0, &state_with_auth(3), &[]);
    let _second = VirtualCard::insert(SLOT1, &state_with_auth(2), &[]);
    let message = assert_error(&run(&["status", "--json"], None), 1, "several-cards");
    assert!(
        message.contains("\"Virtual PCD 00 00\", \"Virtual PCD 00 01\""),
        "{message}"
    );
    assert!(message.contains("--reader"), "{message}");
    for (choice, tries) in [("0", 3), ("1", 2)] {
        let result = run(
            &["--reader", choice, "status", "--pin", "auth", "--json"],
            None,
        );
        assert_eq!(result.code, 0, "{result:?}");
        assert_eq!(pin(&result.json(), "auth")["tries_left"], tries, "{choice}");
    }
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn an_unknown_reader_lists_the_readers() {
    let _serial = e2e();
    let _card = VirtualCard::insert(SLOT0, &CardState::demo(), &[]);
    let message = assert_error(
        &run(&["--reader", "nope", "status", "--json"], None),
        1,
        "unknown-reader",
    );
    assert_eq!(
        message,
        "No reader matches \"nope\". Connected readers: 0: \"Virtual PCD 00 00\", 1: \"Virtual PCD 00 01\". Choose one by its name, part of its name, or its number in this list. Give it to --reader; `mynapin readers` shows the numbers."
    );
    let text = run(&["--reader", "7", "status"], None);
    assert_eq!(text.code, 1, "{text:?}");
    assert!(
        says(
            &text.stderr,
            "0: \"Virtual PCD 00 00\", 1: \"Virtual PCD 00 01\""
        ),
        "{text:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// OpenSC

/// "Tries left" of each PIN `pkcs15-tool --list-pins` shows, by its label.
fn opensc_tries(output: &str) -> Vec<(String, u8)> {
    let mut pins = Vec::new();
    let mut label = None;
    for line in output.lines() {
        if let Some(rest) = line.strip_prefix("PIN [") {
            label = rest.strip_suffix(']').map(str::to_string);
        } else if let Some(tries) = line.trim().strip_prefix("Tries left") {
            let tries = tries.trim_start_matches([' ', ':', '\t']).trim();
            pins.push((
                label.take().expect("a PIN label before Tries left"),
                tries.parse().expect("a number of tries"),
            ));
        }
    }
    pins
}

fn opensc(program: &str, args: &[&str]) -> Run {
    let mut cmd = assert_cmd::Command::new(program);
    cmd.args(args).timeout(support::COMMAND_TIMEOUT);
    run_cmd(cmd, None)
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn opensc_agrees_with_status_on_both_jpki_pins() {
    let _serial = e2e();
    for tries in [3u8, 2, 1] {
        let mut state = CardState::demo();
        state.auth.tries_left = tries;
        state.sign.tries_left = tries;
        let card = VirtualCard::insert(SLOT0, &state, &[]);

        let name = opensc("opensc-tool", &["-n"]);
        assert_eq!(name.code, 0, "{name:?}");
        assert_eq!(name.stdout.trim(), "jpki", "{name:?}");

        let mark = card.log().len();
        let listed = opensc("pkcs15-tool", &["--list-pins"]);
        assert_eq!(listed.code, 0, "{listed:?}");
        let pins = opensc_tries(&listed.stdout);
        assert_eq!(
            pins,
            [
                ("User Authentication PIN".to_string(), tries),
                ("Digital Signature PIN".to_string(), tries)
            ],
            "{listed:?}"
        );

        let result = run(&["status", "--json"], None);
        assert_eq!(result.code, 0, "{result:?}");
        let status = result.json();
        assert_eq!(pin(&status, "auth")["tries_left"], pins[0].1);
        assert_eq!(pin(&status, "sign")["tries_left"], pins[1].1);

        // OpenSC's probes for other card types never got 9000 before it selected JPKI, and it
        // read the counters with the empty VERIFY only.
        let log = card.log_since(mark);
        let jpki = log
            .iter()
            .position(|line| line == SELECT_JPKI)
            .unwrap_or_else(|| panic!("{log:#?}"));
        for line in log[..jpki].iter().filter(|line| line.contains("->")) {
            assert!(
                line.ends_with("-> 6A82") || line.ends_with("-> 6D00"),
                "a probe answered other than 6A82/6D00: {line}"
            );
        }
        assert!(log.iter().all(|line| !line.starts_with("0020008004")));
        assert_eq!(card.state(), state, "OpenSC spent no try");
    }
}

// ---------------------------------------------------------------------------------------------
// certificates

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn cert_reads_the_auth_certificate_in_256_byte_chunks_and_writes_its_exact_bytes() {
    let _serial = e2e();
    let state = CardState::demo();
    let der = state.certificates.auth.clone();
    let card = VirtualCard::insert(SLOT0, &state, &[]);
    let mark = card.log().len();

    let result = run(&["cert", "--json"], None);
    assert_eq!(result.code, 0, "{result:?}");
    let json = result.json();
    assert_eq!(json["certificate"]["length"], der.len());
    assert_eq!(json["certificate"]["not_after"], "2031-05-31T14:59:59Z");
    assert_eq!(json["certificate"]["serial"], "1234567890ABCDEF");
    card.settle();

    // 1226 bytes: SELECT JPKI, SELECT EF 000A, then ceil(1226 / 256) = 5 READ BINARY.
    let mut expected = lines(&["power-on", SELECT_JPKI, "00A4020C02000A -> 9000"]);
    for (index, chunk) in der.chunks(256).enumerate() {
        let le = if chunk.len() == 256 { 0 } else { chunk.len() };
        expected.push(format!(
            "00B0{:04X}{le:02X} -> {}9000",
            index * 256,
            hex_upper(chunk)
        ));
    }
    expected.push("power-off".into());
    assert_eq!(card.log_since(mark), expected);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("auth.der");
    let result = run(
        &["cert", "--format", "der", "--out", out.to_str().unwrap()],
        None,
    );
    assert_eq!(result.code, 0, "{result:?}");
    assert_eq!(
        std::fs::read(&out).unwrap(),
        der,
        "the exact bytes read from the card"
    );
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn status_shows_the_certificate_expiry_through_pcscd() {
    let _serial = e2e();
    let _card = VirtualCard::insert(SLOT0, &CardState::demo(), &[]);
    let result = run(&["status", "--pin", "auth", "--json"], None);
    assert_eq!(result.code, 0, "{result:?}");
    let certificate = &result.json()["certificate"];
    assert_eq!(certificate["not_after"], "2031-05-31T14:59:59Z");
    assert_eq!(certificate["state"], "valid");
    assert!(certificate["days_left"].as_i64().unwrap() > 0);
}
