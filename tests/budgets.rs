//! APDU budgets: how many commands each operation sends, in how many transactions, asserted on
//! the card model's log (the JPKI layer) and on the demo card's log (the CLI). The numbers and why
//! they are what they are: docs/performance.md. Byte-exact sequences are in tests/guard.rs and
//! tests/cert.rs; here only the counts, so that a new round trip cannot slip in unnoticed.

#[path = "support/demo.rs"]
mod demo;

use apdu::Disposition;
use mynapin::card_model::{CardModel, CardState, LogEntry};
use mynapin::jpki::{
    guarded_verify, read_certificate, read_counter, read_status, CertificateFile, Pin, PinKind,
    MAX_CERTIFICATE_LEN,
};

use demo::Demo;

const SELECT_JPKI: &str = "00A4040C0AD392F000260100000001";
const SELECT_CARD_INFO: &str = "00A4040C0AD3921000310001010408";
const SELECT_TOKEN_INFO: &str = "00A4020C020006";
const COUNTER: &str = "00200080";

/// `status --pin auth` without the expiry: SELECT JPKI, SELECT 0006 + READ BINARY (the token
/// label), SELECT EF 0018, empty VERIFY.
const STATUS_AUTH: usize = 5;
/// A counter read that needs no label (before `verify` prompts): SELECT JPKI, SELECT EF, counter.
const COUNTER_READ: usize = 3;
/// The card-info PIN's counter read: SELECT JPKI first (the card is identified by it), then
/// SELECT card-info, SELECT EF, counter.
const CARD_INFO_COUNTER_READ: usize = COUNTER_READ + 1;

/// The counter read of `kind`.
fn counter_read(kind: PinKind) -> usize {
    match kind {
        PinKind::CardInfo => CARD_INFO_COUNTER_READ,
        _ => COUNTER_READ,
    }
}
/// `status` of all three PINs, each application selected once.
const STATUS_ALL: usize = 10;
/// The auth certificate's expiry in `status`: SELECT EF 000A, one READ BINARY of 256 bytes.
const EXPIRY: usize = 2;
/// The guarded VERIFY's transaction: the counter read and the VERIFY.
fn verify_transaction(kind: PinKind) -> usize {
    counter_read(kind) + 1
}
/// Before the certificate's READ BINARY commands: SELECT JPKI, SELECT EF.
const CERTIFICATE_SELECTS: usize = 2;
/// `readers`, per card: SELECT JPKI and the token label.
const IDENTIFY: usize = 3;

/// READ BINARY commands for a certificate of `len` bytes: ceil(L / 256).
fn certificate_reads(len: usize) -> usize {
    len.div_ceil(256)
}

/// One transaction: its commands (hex, PIN bytes as sent) and how it ended.
#[derive(Debug)]
struct Transaction {
    commands: Vec<String>,
    end: String,
}

impl Transaction {
    fn count(&self, prefix: &str) -> usize {
        self.commands
            .iter()
            .filter(|c| c.starts_with(prefix))
            .count()
    }

    fn verifies_with_data(&self) -> usize {
        self.commands
            .iter()
            .filter(|c| c.starts_with(COUNTER) && c.len() > COUNTER.len())
            .count()
    }
}

/// Groups `[`, `COMMAND -> ANSWER`, `] Disposition` lines into transactions; a command outside
/// a transaction fails the test.
fn transactions<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<Transaction> {
    let mut done = Vec::new();
    let mut open: Option<Vec<String>> = None;
    for line in lines {
        if line == "[" {
            assert!(open.is_none(), "nested transaction");
            open = Some(Vec::new());
        } else if let Some(end) = line.strip_prefix("] ") {
            let commands = open.take().expect("a transaction end without its begin");
            done.push(Transaction {
                commands,
                end: end.to_string(),
            });
        } else if let Some((command, _)) = line.split_once(" -> ") {
            open.as_mut()
                .unwrap_or_else(|| panic!("{line}: a command outside a transaction"))
                .push(command.to_string());
        }
    }
    assert!(open.is_none(), "a transaction that never ended");
    done
}

fn model_transactions(card: &CardModel) -> Vec<Transaction> {
    let lines: Vec<String> = card.log().iter().map(LogEntry::line).collect();
    transactions(lines.iter().map(String::as_str))
}

/// The one transaction of `card`'s log.
fn only_transaction(card: &CardModel) -> Transaction {
    let mut all = model_transactions(card);
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

fn status_budget(kinds: &[PinKind]) -> usize {
    // SELECT JPKI and the label, then per PIN SELECT EF and the counter; the card-info PIN lives
    // in its own application, selected once.
    let card_info_app = usize::from(kinds.contains(&PinKind::CardInfo));
    3 + 2 * kinds.len() + card_info_app
}

#[test]
fn status_of_one_pin_or_all_stays_within_budget() {
    assert_eq!(status_budget(&[PinKind::Auth]), STATUS_AUTH);
    assert_eq!(status_budget(&PinKind::ALL), STATUS_ALL);
    let choices: [&[PinKind]; 4] = [
        &[PinKind::Auth],
        &[PinKind::Sign],
        &[PinKind::CardInfo],
        &PinKind::ALL,
    ];
    for kinds in choices {
        let mut card = CardModel::demo();
        read_status(&mut card, kinds).unwrap();
        let with_expiry = only_transaction(&card);
        assert_eq!(with_expiry.end, "Leave");
        assert_eq!(
            with_expiry.commands.len(),
            status_budget(kinds) + EXPIRY,
            "{kinds:?}: {with_expiry:?}"
        );
        // Each application selected once, the token label read once, nothing spent.
        assert_eq!(with_expiry.count(SELECT_JPKI), 1);
        assert!(with_expiry.count(SELECT_CARD_INFO) <= 1);
        assert_eq!(with_expiry.count(SELECT_TOKEN_INFO), 1);
        assert_eq!(
            with_expiry.count("00B0"),
            2,
            "label and one certificate read"
        );
        assert_eq!(with_expiry.count(COUNTER), kinds.len());
        assert_eq!(with_expiry.verifies_with_data(), 0);
        assert_eq!(card.state(), CardModel::demo().state());
    }
}

#[test]
fn a_counter_read_needs_no_label() {
    for kind in PinKind::ALL {
        let mut card = CardModel::demo();
        read_counter(&mut card, kind).unwrap();
        let read = only_transaction(&card);
        assert_eq!(
            read.commands.len(),
            counter_read(kind),
            "{kind:?}: {read:?}"
        );
        assert_eq!(read.count(SELECT_TOKEN_INFO), 0);
        assert_eq!(read.commands.last().map(String::as_str), Some(COUNTER));
        assert_eq!(read.end, "Leave");
    }
}

#[test]
fn the_guarded_verify_sends_four_apdus_or_three_when_it_refuses() {
    let pins = [
        (PinKind::Auth, "1234"),
        (PinKind::Sign, "ABC123"),
        (PinKind::CardInfo, "5678"),
    ];
    for (kind, text) in pins {
        let pin = Pin::new(kind, text).unwrap();
        let mut card = CardModel::demo();
        let shown = read_counter(&mut card, kind).unwrap();
        card.clear_log();
        guarded_verify(&mut card, shown, &pin).unwrap();
        let sent = only_transaction(&card);
        assert_eq!(
            sent.commands.len(),
            verify_transaction(kind),
            "{kind:?}: {sent:?}"
        );
        assert_eq!(sent.verifies_with_data(), 1);
        assert_eq!(sent.end, format!("{:?}", Disposition::Unpower));

        let mut card = CardModel::demo();
        card.state_mut().auth.tries_left = 1;
        card.state_mut().sign.tries_left = 1;
        card.state_mut().card_info.tries_left = 1;
        let shown = read_counter(&mut card, kind).unwrap();
        card.clear_log();
        guarded_verify(&mut card, shown, &pin).unwrap();
        let refused = only_transaction(&card);
        assert_eq!(
            refused.commands.len(),
            counter_read(kind),
            "{kind:?}: {refused:?}"
        );
        assert_eq!(refused.verifies_with_data(), 0);
    }
}

/// A DER SEQUENCE of exactly `total` bytes in its shortest header form, filled with zeros: what
/// the reader's length logic sees (it is no certificate, so parsing fails after the reads).
fn der_sequence(total: usize) -> Vec<u8> {
    let mut der = match total {
        2..=129 => vec![0x30, (total - 2) as u8],
        131..=258 => vec![0x30, 0x81, (total - 3) as u8],
        260.. => {
            let content = (total - 4) as u16;
            let [hi, lo] = content.to_be_bytes();
            vec![0x30, 0x82, hi, lo]
        }
        _ => panic!("no DER length form gives {total} bytes"),
    };
    der.resize(total, 0);
    der
}

#[test]
fn a_certificate_of_l_bytes_takes_ceil_l_over_256_reads() {
    let mut lengths = vec![2, 100, 255, 256, 260, 511, 512, 513, 768, 1226, 4096, 4097];
    lengths.push(MAX_CERTIFICATE_LEN);
    lengths.extend((300..3000).step_by(97));
    for total in lengths {
        let der = der_sequence(total);
        let mut card = CardModel::demo();
        // Padding after the certificate, as a card file may hold: never read.
        let mut file = der.clone();
        file.extend([0xFF; 300]);
        card.state_mut().certificates.auth = file;
        let _ = read_certificate(&mut card, CertificateFile::Auth);
        let read = only_transaction(&card);
        assert_eq!(read.count("00B0"), certificate_reads(total), "L = {total}");
        assert_eq!(
            read.commands.len(),
            CERTIFICATE_SELECTS + certificate_reads(total),
            "L = {total}"
        );
    }
}

#[test]
fn real_certificates_parse_within_the_same_budget() {
    let state = CardState::demo();
    let files = [
        (CertificateFile::Auth, state.certificates.auth.len()),
        (CertificateFile::AuthCa, state.certificates.auth_ca.len()),
        (CertificateFile::SignCa, state.certificates.sign_ca.len()),
    ];
    for (file, len) in files {
        let mut card = CardModel::demo();
        let certificate = read_certificate(&mut card, file).unwrap();
        assert_eq!(certificate.der.len(), len);
        let read = only_transaction(&card);
        assert_eq!(
            read.commands.len(),
            CERTIFICATE_SELECTS + certificate_reads(len),
            "{file:?}"
        );
    }
}

// The same budgets through the CLI, on the demo card's log (`MYNAPIN_DEMO_APDU_LOG`).

impl Demo {
    /// Runs `mynapin --demo ARGS` with `stdin`, checks the exit code, and returns the
    /// transactions it logged.
    fn run(&self, args: &[&str], stdin: &str, code: i32) -> Vec<Transaction> {
        let _ = std::fs::remove_file(self.apdu_log());
        let output = self.cmd(args).write_stdin(stdin).output().unwrap();
        assert_eq!(output.status.code(), Some(code), "{args:?}: {output:?}");
        transactions(self.log_lines().iter().map(String::as_str))
    }
}

fn lengths(transactions: &[Transaction]) -> Vec<usize> {
    transactions.iter().map(|t| t.commands.len()).collect()
}

#[test]
fn cli_status_stays_within_budget() {
    let demo = Demo::new();
    let cases: [(&[&str], usize); 4] = [
        (&["status", "--pin", "auth"], STATUS_AUTH + EXPIRY),
        (&["status", "--pin", "auth", "--json"], STATUS_AUTH + EXPIRY),
        (&["status"], STATUS_ALL + EXPIRY),
        (&["status", "--json"], STATUS_ALL + EXPIRY),
    ];
    for (args, budget) in cases {
        let sent = demo.run(args, "", 0);
        assert_eq!(lengths(&sent), [budget], "{args:?}");
        assert_eq!(sent[0].end, "Leave");
        assert_eq!(sent[0].count(SELECT_JPKI), 1);
        assert!(sent[0].count(SELECT_CARD_INFO) <= 1);
    }
}

#[test]
fn cli_verify_reads_the_counter_then_sends_four_apdus() {
    let demo = Demo::new();
    for (kind, pin) in [
        (PinKind::Auth, "1234"),
        (PinKind::Sign, "ABC123"),
        (PinKind::CardInfo, "5678"),
    ] {
        let args = ["verify", "--pin", kind.name(), "--pin-stdin"];
        let sent = demo.run(&args, &format!("{pin}\n"), 0);
        assert_eq!(
            lengths(&sent),
            [counter_read(kind), verify_transaction(kind)],
            "{kind}"
        );
        assert_eq!(sent[0].end, "Leave");
        assert_eq!(sent[1].end, "Unpower");
        assert_eq!(sent[1].verifies_with_data(), 1);
    }
    // Two wrong tries leave one: the next verify reads the counter and stops there.
    for _ in 0..2 {
        demo.run(&["verify", "--pin-stdin"], "0000\n", 3);
    }
    let refused = demo.run(&["verify", "--pin-stdin"], "1234\n", 4);
    assert_eq!(lengths(&refused), [COUNTER_READ]);
}

#[test]
fn cli_cert_takes_two_plus_ceil_l_over_256() {
    let demo = Demo::new();
    let state = CardState::demo();
    let files = [
        ("auth", state.certificates.auth.len()),
        ("auth-ca", state.certificates.auth_ca.len()),
        ("sign-ca", state.certificates.sign_ca.len()),
    ];
    for (which, len) in files {
        for format in ["text", "der"] {
            let sent = demo.run(&["cert", "--which", which, "--format", format], "", 0);
            assert_eq!(
                lengths(&sent),
                [CERTIFICATE_SELECTS + certificate_reads(len)],
                "{which} ({len} bytes)"
            );
            assert_eq!(sent[0].count("00B0"), certificate_reads(len));
        }
    }
}

#[test]
fn cli_readers_identifies_the_card_with_three_apdus() {
    let demo = Demo::new();
    for args in [&["readers"][..], &["readers", "--json"]] {
        let sent = demo.run(args, "", 0);
        assert_eq!(lengths(&sent), [IDENTIFY], "{args:?}");
        assert_eq!(sent[0].end, "Leave");
        assert_eq!(sent[0].count(SELECT_TOKEN_INFO), 1);
    }
}
