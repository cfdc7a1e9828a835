//! Certificates against the card model: the exact READ BINARY sequence, the bytes, every kind of
//! bad data, the 2 extra APDUs of `status`, the expiry states; then the CLI on the demo card.

#[path = "support/demo.rs"]
mod demo;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use apdu::{StatusWord, TransportError};
use mynapin::card_model::{CardModel, CardState, LogEntry, Removal, StatusOverride};
use mynapin::jpki::{
    read_certificate, read_status, CertificateError, CertificateFile, ExpiryState, JpkiError,
    PinKind, MAX_CERTIFICATE_READS,
};
use serde_json::Value;

use demo::{keys, says, Demo};

const AUTH: &[u8] = include_bytes!("fixtures/auth.der");
const AUTH_CA: &[u8] = include_bytes!("fixtures/auth-ca.der");
const SIGN_CA: &[u8] = include_bytes!("fixtures/sign-ca.der");
const SMALL: &[u8] = include_bytes!("fixtures/small.der");
const EXACT512: &[u8] = include_bytes!("fixtures/exact512.der");
const EXPIRED: &[u8] = include_bytes!("fixtures/expired.der");

const SELECT_JPKI: &str = "00A4040C0AD392F000260100000001";
const SELECT_AUTH: &str = "00A4020C02000A";

fn card_with_auth(der: &[u8]) -> CardModel {
    let mut card = CardModel::new(CardState::demo());
    card.state_mut().certificates.auth = der.to_vec();
    card
}

fn commands(card: &CardModel) -> Vec<String> {
    card.commands().iter().map(hex::encode_upper).collect()
}

/// The answers' status words, in order.
fn status_words(card: &CardModel) -> Vec<String> {
    card.log()
        .iter()
        .filter_map(|entry| match entry {
            LogEntry::Command {
                response: Some(response),
                ..
            } => Some(hex::encode_upper(&response[response.len() - 2..])),
            _ => None,
        })
        .collect()
}

fn transactions(card: &CardModel) -> Vec<String> {
    card.log()
        .iter()
        .filter_map(|entry| match entry {
            LogEntry::TransactionBegin => Some("begin".to_string()),
            LogEntry::TransactionEnd(end) => Some(format!("end {end:?}")),
            _ => None,
        })
        .collect()
}

fn read_binaries(card: &CardModel) -> Vec<String> {
    commands(card)
        .into_iter()
        .filter(|c| c.starts_with("00B0"))
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// 2026-11-28T00:00:00Z.
fn nov_28_2026() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_824_000)
}

#[test]
fn a_certificate_of_l_bytes_takes_ceil_l_over_256_reads() {
    let cases: [(&[u8], &[&str]); 4] = [
        (SMALL, &["00B0000000"]),
        (EXACT512, &["00B0000000", "00B0010000"]),
        (
            EXPIRED,
            // 809 = 3 × 256 + 41 (0x29).
            &["00B0000000", "00B0010000", "00B0020000", "00B0030029"],
        ),
        (
            AUTH,
            // 1226 = 4 × 256 + 202 (0xCA).
            &[
                "00B0000000",
                "00B0010000",
                "00B0020000",
                "00B0030000",
                "00B00400CA",
            ],
        ),
    ];
    for (fixture, reads) in cases {
        let mut card = card_with_auth(fixture);
        let certificate = read_certificate(&mut card, CertificateFile::Auth).unwrap();
        assert_eq!(certificate.der, fixture, "{} bytes", fixture.len());
        let mut expected = strings(&[SELECT_JPKI, SELECT_AUTH]);
        expected.extend(strings(reads));
        assert_eq!(commands(&card), expected);
        assert_eq!(commands(&card).len(), 2 + fixture.len().div_ceil(256));
        assert!(status_words(&card).iter().all(|sw| sw == "9000"));
        assert_eq!(transactions(&card), ["begin", "end Leave"]);
    }
}

#[test]
fn each_file_is_selected_by_its_ef() {
    for (file, ef, fixture) in [
        (CertificateFile::Auth, "000A", AUTH),
        (CertificateFile::AuthCa, "000B", AUTH_CA),
        (CertificateFile::SignCa, "0002", SIGN_CA),
    ] {
        let mut card = CardModel::new(CardState::demo());
        let certificate = read_certificate(&mut card, file).unwrap();
        assert_eq!(certificate.der, fixture);
        assert_eq!(certificate.file, file);
        assert_eq!(commands(&card)[1], format!("00A4020C02{ef}"));
    }
}

#[test]
fn the_fields_are_parsed() {
    let mut card = CardModel::new(CardState::demo());
    let info = read_certificate(&mut card, CertificateFile::Auth)
        .unwrap()
        .info;
    assert_eq!(
        info.subject,
        "CN=mynapin test user authentication,O=mynapin test,C=JP"
    );
    assert_eq!(
        info.issuer,
        "CN=mynapin test JPKI user authentication CA,O=mynapin test,C=JP"
    );
    assert_eq!(info.serial, "1234567890ABCDEF");
    assert_eq!(info.validity.not_before.to_string(), "2026-06-01T00:00:00Z");
    assert_eq!(info.validity.not_after.to_string(), "2031-05-31T14:59:59Z");
    assert_eq!(info.validity.days_left(nov_28_2026()), 1645);
}

#[test]
fn padding_after_the_certificate_is_not_read() {
    // A real EF may be larger than its certificate: the header decides, not the file.
    let mut padded = EXACT512.to_vec();
    padded.extend([0xFF; 300]);
    let mut card = card_with_auth(&padded);
    assert_eq!(
        read_certificate(&mut card, CertificateFile::Auth)
            .unwrap()
            .der,
        EXACT512
    );
    assert_eq!(read_binaries(&card), ["00B0000000", "00B0010000"]);
    let mut small_padded = SMALL.to_vec();
    small_padded.extend([0x00; 100]);
    let mut card = card_with_auth(&small_padded);
    assert_eq!(
        read_certificate(&mut card, CertificateFile::Auth)
            .unwrap()
            .der,
        SMALL
    );
    assert_eq!(read_binaries(&card), ["00B0000000"]);
}

#[test]
fn a_header_that_is_not_a_der_sequence_stops_after_one_read() {
    let mut set = AUTH.to_vec();
    set[0] = 0x31;
    let mut non_minimal = vec![0x30, 0x81, 0x7F];
    non_minimal.extend([0x00; 0x7F]);
    let mut indefinite = vec![0x30, 0x80];
    indefinite.extend(&AUTH[4..]);
    for bytes in [set, non_minimal, indefinite] {
        let mut card = card_with_auth(&bytes);
        match read_certificate(&mut card, CertificateFile::Auth) {
            Err(CertificateError::NotACertificate { start, file }) => {
                assert_eq!(file, CertificateFile::Auth);
                assert_eq!(start, bytes[..4]);
            }
            other => panic!("{:02X?}: {other:?}", &bytes[..4]),
        }
        assert_eq!(read_binaries(&card), ["00B0000000"]);
    }
}

#[test]
fn a_length_beyond_the_file_ends_at_6b00() {
    let mut card = card_with_auth(&AUTH[..512]);
    match read_certificate(&mut card, CertificateFile::Auth) {
        Err(CertificateError::BeyondEndOfFile {
            offset: 512,
            total: 1226,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        read_binaries(&card),
        ["00B0000000", "00B0010000", "00B0020000"]
    );
    assert_eq!(status_words(&card).last().unwrap(), "6B00");
}

#[test]
fn a_card_answering_fewer_bytes_than_asked_is_read_on_from_where_it_stopped() {
    // Issue 16 item 5: a card or reader that answers Le 00 with fewer than 256 bytes, before the
    // end, as other tools accept: advance by what came.
    for cap in [200u16, 255, 100, 8] {
        let mut card = card_with_auth(AUTH);
        card.faults_mut().read_binary_cap = Some(cap);
        let cert = read_certificate(&mut card, CertificateFile::Auth)
            .unwrap_or_else(|error| panic!("cap {cap}: {error:?}"));
        assert_eq!(cert.der, AUTH, "cap {cap}");
        let cap = usize::from(cap);
        // Offsets advance by exactly the bytes returned; the last read asks for the remainder.
        let mut expected = Vec::new();
        let mut offset = 0;
        while offset < AUTH.len() {
            let asked = if offset == 0 {
                256
            } else {
                (AUTH.len() - offset).min(256)
            };
            expected.push(format!("00B0{offset:04X}{:02X}", asked % 256));
            offset += asked.min(cap);
        }
        assert_eq!(read_binaries(&card), expected, "cap {cap}");
    }
}

#[test]
fn an_empty_answer_before_the_end_is_a_short_read() {
    let mut card = card_with_auth(AUTH);
    card.faults_mut().read_binary_cap = Some(0);
    match read_certificate(&mut card, CertificateFile::Auth) {
        Err(CertificateError::ShortRead {
            offset: 0,
            asked: 256,
            got: 0,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(read_binaries(&card), ["00B0000000"]);
}

#[test]
fn a_card_answering_a_byte_at_a_time_is_stopped_by_the_read_budget() {
    let mut card = card_with_auth(AUTH);
    card.faults_mut().read_binary_cap = Some(1);
    match read_certificate(&mut card, CertificateFile::Auth) {
        Err(CertificateError::TooManyReads {
            reads: MAX_CERTIFICATE_READS,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(read_binaries(&card).len(), MAX_CERTIFICATE_READS);
}

#[test]
fn a_file_that_ends_before_the_announced_length_is_beyond_its_end() {
    // The file ends 88 bytes into the third chunk: the read at 600 answers 6B00.
    let mut card = card_with_auth(&AUTH[..600]);
    match read_certificate(&mut card, CertificateFile::Auth) {
        Err(CertificateError::BeyondEndOfFile {
            offset: 600,
            total: 1226,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        read_binaries(&card),
        ["00B0000000", "00B0010000", "00B0020000", "00B0025800"]
    );
    // The file ends inside the first chunk although the header wants more.
    let mut card = card_with_auth(&AUTH[..200]);
    match read_certificate(&mut card, CertificateFile::Auth) {
        Err(CertificateError::BeyondEndOfFile {
            offset: 200,
            total: 1226,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(read_binaries(&card), ["00B0000000", "00B000C800"]);
}

#[test]
fn bytes_that_are_not_x509_are_refused() {
    // A well-formed DER SEQUENCE of 260 bytes that is no certificate: read in full, then refused.
    let mut garbage = vec![0x30, 0x82, 0x01, 0x00];
    garbage.extend([0x05; 0x100]);
    let mut card = card_with_auth(&garbage);
    assert!(matches!(
        read_certificate(&mut card, CertificateFile::Auth),
        Err(CertificateError::NotX509 { .. })
    ));
    assert_eq!(read_binaries(&card), ["00B0000000", "00B0010004"]);
    // A certificate whose signature algorithm is a SET instead of a SEQUENCE.
    let mut damaged = AUTH.to_vec();
    assert_eq!(damaged[23], 0x30);
    damaged[23] = 0x31;
    let mut card = card_with_auth(&damaged);
    assert!(matches!(
        read_certificate(&mut card, CertificateFile::Auth),
        Err(CertificateError::NotX509 { .. })
    ));
}

#[test]
fn a_length_no_card_file_can_hold_is_refused_after_one_read() {
    let mut huge = vec![0x30, 0x82, 0xFF, 0xFF];
    huge.extend([0x00; 400]);
    let mut card = card_with_auth(&huge);
    assert!(matches!(
        read_certificate(&mut card, CertificateFile::Auth),
        Err(CertificateError::TooLarge { total: 65_539, .. })
    ));
    assert_eq!(read_binaries(&card), ["00B0000000"]);
}

#[test]
fn card_errors_keep_their_kind() {
    // No JPKI application: not a My Number card.
    let mut card = CardModel::new(CardState::demo());
    card.faults_mut()
        .status_overrides
        .push(StatusOverride::prefix(
            &hex::decode(SELECT_JPKI).unwrap(),
            0x6A82,
        ));
    assert!(matches!(
        read_certificate(&mut card, CertificateFile::Auth),
        Err(CertificateError::Card(JpkiError::NotMyNumberCard))
    ));
    // The EF is missing.
    let mut card = CardModel::new(CardState::demo());
    card.faults_mut()
        .status_overrides
        .push(StatusOverride::prefix(
            &hex::decode(SELECT_AUTH).unwrap(),
            0x6A82,
        ));
    match read_certificate(&mut card, CertificateFile::Auth) {
        Err(CertificateError::Select { sw, .. }) => assert_eq!(sw, StatusWord(0x6A82)),
        other => panic!("{other:?}"),
    }
    assert!(read_binaries(&card).is_empty());
    // A READ BINARY in the middle fails.
    let mut card = CardModel::new(CardState::demo());
    card.faults_mut()
        .status_overrides
        .push(StatusOverride::prefix(&[0x00, 0xB0, 0x02, 0x00], 0x6982));
    match read_certificate(&mut card, CertificateFile::Auth) {
        Err(CertificateError::Read {
            offset: 512, sw, ..
        }) => {
            assert_eq!(sw, StatusWord(0x6982))
        }
        other => panic!("{other:?}"),
    }
    // The card leaves during the reads.
    let mut card = CardModel::new(CardState::demo());
    card.faults_mut().remove = Some(Removal::BeforeCommand(4));
    match read_certificate(&mut card, CertificateFile::Auth) {
        Err(CertificateError::Card(error)) => assert!(matches!(
            error.transport_error(),
            Some(TransportError::CardRemoved)
        )),
        other => panic!("{other:?}"),
    }
}

#[test]
fn t0_style_chunking_and_strict_le_still_give_the_exact_bytes() {
    let mut card = CardModel::new(CardState::demo());
    card.faults_mut().response_chunk = Some(100);
    assert_eq!(
        read_certificate(&mut card, CertificateFile::Auth)
            .unwrap()
            .der,
        AUTH
    );
    assert_eq!(read_binaries(&card).len(), 5);
    // A card that answers 6Cxx to a READ BINARY past the end of a short file costs one resend.
    let mut card = card_with_auth(SMALL);
    card.faults_mut().strict_le = true;
    assert_eq!(
        read_certificate(&mut card, CertificateFile::Auth)
            .unwrap()
            .der,
        SMALL
    );
    assert_eq!(read_binaries(&card), ["00B0000000", "00B00000D9"]);
}

#[test]
fn status_reads_the_validity_with_two_apdus_right_after_the_token_label() {
    let mut card = CardModel::new(CardState::demo());
    let report = read_status(&mut card, &PinKind::ALL).unwrap();
    let commands = commands(&card);
    assert_eq!(commands.len(), 12);
    // SELECT JPKI and the token label, then, while JPKI is still selected, the validity.
    assert_eq!(commands[0], SELECT_JPKI);
    assert_eq!(commands[3..5], strings(&[SELECT_AUTH, "00B0000000"]));
    assert_eq!(transactions(&card), ["begin", "end Leave"]);
    let tries: Vec<_> = report
        .status
        .pins
        .iter()
        .map(|pin| pin.counter.tries_left())
        .collect();
    assert_eq!(tries, [Some(3), Some(5), Some(3)]);
    let expiry = report.auth_certificate.unwrap();
    assert_eq!(expiry.not_after.to_string(), "2031-05-31T14:59:59Z");
    assert_eq!(expiry.days_left(nov_28_2026()), 1645);
    assert_eq!(card.state().auth.tries_left, 3);
}

#[test]
fn expiry_states_with_an_injected_now() {
    let valid = read_status(&mut card_with_auth(AUTH), &[PinKind::Auth])
        .unwrap()
        .auth_certificate
        .unwrap();
    assert_eq!(valid.state(nov_28_2026()), ExpiryState::Valid);
    let end = UNIX_EPOCH + valid.not_after.unix_duration();
    let thirty_days_before = end - Duration::from_secs(30 * 86_400);
    assert_eq!(valid.state(thirty_days_before), ExpiryState::Expiring);
    assert_eq!(valid.days_left(thirty_days_before), 30);
    let expired = read_status(&mut card_with_auth(EXPIRED), &[PinKind::Auth])
        .unwrap()
        .auth_certificate
        .unwrap();
    assert_eq!(expired.state(nov_28_2026()), ExpiryState::Expired);
    assert_eq!(expired.days_left(nov_28_2026()), -696);
}

#[test]
fn status_still_shows_the_counters_when_the_certificate_is_unreadable() {
    // No EF 000A (as on a card without the certificate): one extra APDU.
    let mut card = CardModel::new(CardState::demo());
    card.faults_mut()
        .status_overrides
        .push(StatusOverride::prefix(
            &hex::decode(SELECT_AUTH).unwrap(),
            0x6A82,
        ));
    let report = read_status(&mut card, &PinKind::ALL).unwrap();
    assert!(matches!(
        report.auth_certificate,
        Err(CertificateError::Select { .. })
    ));
    assert_eq!(report.status.pins.len(), 3);
    assert_eq!(commands(&card).len(), 11);
    // Garbage in EF 000A.
    let mut set = AUTH.to_vec();
    set[0] = 0x31;
    let mut card = card_with_auth(&set);
    let report = read_status(&mut card, &PinKind::ALL).unwrap();
    assert!(matches!(
        report.auth_certificate,
        Err(CertificateError::NotACertificate { .. })
    ));
    assert!(report
        .status
        .pins
        .iter()
        .all(|pin| pin.counter.tries_left().is_some()));
    // An empty file.
    let mut card = card_with_auth(&[]);
    let report = read_status(&mut card, &PinKind::ALL).unwrap();
    assert!(report.auth_certificate.is_err());
    assert_eq!(report.status.pins.len(), 3);
}

#[test]
fn status_fails_as_a_whole_when_the_card_leaves_during_the_certificate_read() {
    let mut card = CardModel::new(CardState::demo());
    card.faults_mut().remove = Some(Removal::BeforeCommand(5));
    let error = read_status(&mut card, &PinKind::ALL).unwrap_err();
    assert!(matches!(
        error.transport_error(),
        Some(TransportError::CardRemoved)
    ));
}

// The CLI on the demo card.

impl Demo {
    fn with_auth(der: &[u8]) -> Self {
        let demo = Demo::new();
        let mut state = CardState::demo();
        state.certificates.auth = der.to_vec();
        state.save(&demo.state()).unwrap();
        demo
    }

    fn run(&self, args: &[&str]) -> (i32, Vec<u8>, String) {
        let output = self.cmd(args).output().unwrap();
        (
            output.status.code().unwrap(),
            output.stdout,
            String::from_utf8(output.stderr).unwrap(),
        )
    }

    fn json(&self, args: &[&str]) -> (i32, Value) {
        let (code, stdout, _) = self.run(args);
        let value = serde_json::from_slice(&stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&stdout)));
        (code, value)
    }
}

#[test]
fn cli_der_and_pem_are_the_bytes_read() {
    let demo = Demo::new();
    let (code, der, _) = demo.run(&["cert", "--format", "der"]);
    assert_eq!(code, 0);
    assert_eq!(der, AUTH);
    let (code, pem, _) = demo.run(&["cert", "--which", "auth-ca", "--format", "pem"]);
    assert_eq!(code, 0);
    let pem = String::from_utf8(pem).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"), "{pem}");
    assert!(pem.ends_with("-----END CERTIFICATE-----\n"), "{pem}");
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(pem.lines().all(|l| l.len() <= 64));
    let (label, decoded) = x509_cert::der::pem::decode_vec(pem.as_bytes()).unwrap();
    assert_eq!(label, "CERTIFICATE");
    assert_eq!(decoded, AUTH_CA, "{body}");

    let out = demo.dir().join("sign-ca.der");
    let (code, stdout, _) = demo.run(&[
        "cert",
        "--which",
        "sign-ca",
        "--format",
        "der",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert_eq!(std::fs::read(&out).unwrap(), SIGN_CA);
    let said = String::from_utf8(stdout).unwrap();
    assert!(said.contains("sign-ca.der"), "{said}");
    // Issue 26 item 6: what was written, in plain words (not "bytes of DER, as der").
    let bytes = SIGN_CA.len();
    assert!(says(&said, &format!("as DER ({bytes} bytes).")), "{said}");
    let out = demo.dir().join("sign-ca.pem");
    for (lang, expected) in [
        ("en", format!("as PEM (the certificate is {bytes} bytes).")),
        (
            "ja",
            format!("に PEM 形式で書き出しました（証明書は {bytes} バイト）。"),
        ),
    ] {
        let (code, stdout, _) = demo.run(&[
            "--lang",
            lang,
            "cert",
            "--which",
            "sign-ca",
            "--format",
            "pem",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0);
        let said = String::from_utf8(stdout).unwrap();
        assert!(says(&said, &expected), "{said}");
    }
}

#[test]
fn cli_text_and_json() {
    let demo = Demo::new();
    let (code, text, _) = demo.run(&["cert"]);
    assert_eq!(code, 0);
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("user-authentication certificate (EF 000A, 1226 bytes)"),
        "{text}"
    );
    assert!(
        text.contains("Subject:     CN=mynapin test user authentication,O=mynapin test,C=JP"),
        "{text}"
    );
    assert!(text.contains("Serial:      1234567890ABCDEF"), "{text}");
    assert!(text.contains("Not after:   2031-05-31T14:59:59Z"), "{text}");
    let (_, japanese, _) = demo.run(&["cert", "--lang", "ja"]);
    assert!(String::from_utf8(japanese)
        .unwrap()
        .contains("利用者証明用電子証明書"));

    let (code, json) = demo.json(&["cert", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(keys(&json), ["certificate", "reader"]);
    let cert = &json["certificate"];
    assert_eq!(
        keys(cert),
        [
            "days_left",
            "ef",
            "issuer",
            "length",
            "not_after",
            "not_before",
            "serial",
            "state",
            "subject",
            "which"
        ]
    );
    assert_eq!(cert["which"], "auth");
    assert_eq!(cert["ef"], "000A");
    assert_eq!(cert["length"], 1226);
    assert_eq!(cert["not_after"], "2031-05-31T14:59:59Z");
    assert_eq!(cert["not_before"], "2026-06-01T00:00:00Z");
    assert!(cert["days_left"].is_i64());
    // One read-only transaction: select JPKI, select EF, 5 reads.
    let fresh = Demo::new();
    fresh.run(&["cert", "--json"]);
    let apdus = fresh.log_lines();
    assert_eq!(apdus.len(), 9, "{apdus:?}");
    assert_eq!(apdus[0], "[");
    assert!(apdus[1].starts_with(SELECT_JPKI));
    assert!(apdus[2].starts_with(SELECT_AUTH));
    assert_eq!(apdus.iter().filter(|l| l.starts_with("00B0")).count(), 5);
    assert_eq!(apdus[8], "] Leave");
}

#[test]
fn cli_status_shows_the_expiry() {
    let demo = Demo::new();
    let (code, text, _) = demo.run(&["status"]);
    assert_eq!(code, 0);
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("user-authentication certificate valid until 2031-05-31, "),
        "{text}"
    );
    let (_, json) = demo.json(&["status", "--json"]);
    assert_eq!(
        keys(&json["certificate"]),
        ["days_left", "not_after", "not_before", "state"]
    );
    assert_eq!(json["certificate"]["not_after"], "2031-05-31T14:59:59Z");
    assert!(json.get("certificate_error").is_none());

    let expired = Demo::with_auth(EXPIRED);
    let (code, text, _) = expired.run(&["status"]);
    assert_eq!(code, 0);
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("expired on 2025-01-01"), "{text}");
    assert!(text.contains("市区町村の窓口で更新"), "{text}");
    let (_, json) = expired.json(&["status", "--json"]);
    assert_eq!(json["certificate"]["state"], "expired");
    assert!(json["certificate"]["days_left"].as_i64().unwrap() < 0);
}

#[test]
fn cli_bad_certificate_data_exits_1_and_status_still_works() {
    let mut set = AUTH.to_vec();
    set[0] = 0x31;
    let demo = Demo::with_auth(&set);
    let (code, stdout, stderr) = demo.run(&["cert", "--format", "der"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "nothing written on bad data");
    assert!(stderr.contains("31 82 04 C6"), "{stderr}");
    let (code, json) = demo.json(&["cert", "--json"]);
    assert_eq!(code, 1);
    assert_eq!(json["error"]["code"], "not-a-certificate");

    let (code, json) = demo.json(&["status", "--json"]);
    assert_eq!(code, 0);
    assert!(json["certificate"].is_null());
    assert_eq!(json["certificate_error"]["code"], "not-a-certificate");
    assert!(json["certificate_error"]["message"].is_string());
    assert_eq!(json["pins"].as_array().unwrap().len(), 3);
    let (code, text, _) = demo.run(&["status", "--lang", "ja"]);
    assert_eq!(code, 0);
    assert!(String::from_utf8(text).unwrap().contains("読み取れません"));

    let truncated = Demo::with_auth(&AUTH[..512]);
    let (code, json) = truncated.json(&["cert", "--json"]);
    assert_eq!(code, 1);
    assert_eq!(json["error"]["code"], "beyond-end-of-file");
}

#[test]
fn cli_usage_errors_send_nothing() {
    let demo = Demo::new();
    let (code, _, _) = demo.run(&["cert", "--out", "x.der"]);
    assert_eq!(code, 2);
    let (code, json) = demo.json(&["cert", "--json", "--format", "der"]);
    assert_eq!(code, 2);
    assert_eq!(json["error"]["code"], "usage");
    let (code, _, _) = demo.run(&["cert", "--which", "sign"]);
    assert_eq!(code, 2);
    assert!(demo.log_lines().is_empty());
}
