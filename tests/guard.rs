//! The PIN guard against the card model, byte-exact on the model's APDU log.

#[path = "support/card_log.rs"]
mod card_log;
use card_log::log_lines;

use apdu::{Disposition, StatusWord};
use mynapin::card_model::{CardModel, CardState, LogEntry, Removal, StatusOverride};
use mynapin::jpki::{
    guarded_change, guarded_sign, guarded_verify, read_counter, read_status, Challenge, Counter,
    JpkiError, Pin, PinChange, PinKind, Refusal, UnknownOutcome, VerifyOutcome,
};
use proptest::prelude::*;

const AUTH_CERTIFICATE: &[u8] = include_bytes!("fixtures/auth.der");
const SELECT_JPKI: &str = "00A4040C0AD392F000260100000001";
const SELECT_CARD_INFO: &str = "00A4040C0AD3921000310001010408";
const READ_COUNTER: &str = "00200080";

fn right_pin(kind: PinKind) -> &'static str {
    match kind {
        PinKind::Auth => "1234",
        PinKind::Sign => "ABC123",
        PinKind::CardInfo => "5678",
    }
}

fn wrong_pin(kind: PinKind) -> &'static str {
    match kind {
        PinKind::Auth | PinKind::CardInfo => "0000",
        PinKind::Sign => "WRONG1",
    }
}

fn select_app(kind: PinKind) -> &'static str {
    match kind {
        PinKind::CardInfo => SELECT_CARD_INFO,
        _ => SELECT_JPKI,
    }
}

/// The SELECTs before a PIN's EF: JPKI first whatever the PIN (the card is identified by it),
/// then the PIN's own application if it is another.
fn select_lines(kind: PinKind) -> Vec<String> {
    let mut lines = vec![format!("{SELECT_JPKI} -> 9000")];
    if kind.application() != mynapin::jpki::Application::Jpki {
        lines.push(format!("{} -> 9000", select_app(kind)));
    }
    lines
}

/// The guarded VERIFY as a program makes it: the PIN's counter read (and shown) first, with the
/// card's faults held back, then the log cleared (fault numbering restarts) so that what follows
/// is the guarded transaction alone, with the faults back on.
fn verify_shown(card: &mut CardModel, pin: &Pin) -> Result<VerifyOutcome, JpkiError> {
    let faults = std::mem::take(card.faults_mut());
    let shown = read_counter(card, pin.kind()).unwrap();
    card.clear_log();
    *card.faults_mut() = faults;
    guarded_verify(card, shown, pin)
}

fn select_ef(kind: PinKind) -> String {
    format!("00A4020C02{}", hex::encode_upper(kind.ef()))
}

fn verify_apdu(pin: &str) -> String {
    format!("00200080{:02X}{}", pin.len(), hex::encode_upper(pin))
}

fn tries_mut(card: &mut CardModel, kind: PinKind) -> &mut u8 {
    let state = card.state_mut();
    match kind {
        PinKind::Auth => &mut state.auth.tries_left,
        PinKind::Sign => &mut state.sign.tries_left,
        PinKind::CardInfo => &mut state.card_info.tries_left,
    }
}

fn card_with(kind: PinKind, tries: u8) -> CardModel {
    let mut card = CardModel::new(CardState::demo());
    *tries_mut(&mut card, kind) = tries;
    card
}

fn sw(code: u16) -> String {
    format!("{code:04X}")
}

#[test]
fn every_starting_counter_every_kind_right_and_wrong_pin() {
    for kind in PinKind::ALL {
        let max = kind.max_tries();
        for start in 0..=max {
            for correct in [true, false] {
                let mut card = card_with(kind, start);
                let typed = if correct {
                    right_pin(kind)
                } else {
                    wrong_pin(kind)
                };
                let pin = Pin::new(kind, typed).unwrap();
                let outcome = verify_shown(&mut card, &pin).unwrap();
                let counter_sw = sw(0x63C0 | start as u16);
                let mut expected = vec!["[".to_string()];
                expected.extend(select_lines(kind));
                expected.extend([
                    format!("{} -> 9000", select_ef(kind)),
                    format!("{READ_COUNTER} -> {counter_sw}"),
                ]);
                let context = format!("{kind} from {start}, correct {correct}");
                if start >= 2 {
                    let answer = if correct {
                        sw(0x9000)
                    } else {
                        sw(0x63C0 | (start - 1) as u16)
                    };
                    expected.push(format!("{} -> {answer}", verify_apdu(typed)));
                    match (&outcome, correct) {
                        (VerifyOutcome::Verified, true) => {}
                        (VerifyOutcome::WrongPin { tries_left }, false) => {
                            assert_eq!(*tries_left, start - 1, "{context}")
                        }
                        other => panic!("{context}: {other:?}"),
                    }
                    let after = if correct { max } else { start - 1 };
                    assert_eq!(*tries_mut(&mut card, kind), after, "{context}");
                    assert_eq!(outcome.tries_left(kind), Some(after), "{context}");
                } else {
                    let expected_refusal = if start == 1 {
                        Refusal::LastTry
                    } else {
                        Refusal::Blocked(StatusWord(0x63C0))
                    };
                    assert!(
                        matches!(outcome, VerifyOutcome::Refused(refusal) if refusal == expected_refusal),
                        "{context}: {outcome:?}"
                    );
                    assert_eq!(
                        *tries_mut(&mut card, kind),
                        start,
                        "{context}: no try spent"
                    );
                }
                expected.push("] Unpower".to_string());
                assert_eq!(log_lines(&card), expected, "{context}");
            }
        }
    }
}

#[test]
fn wrong_pin_at_two_leaves_one_and_the_next_verify_is_refused() {
    let mut card = card_with(PinKind::Auth, 2);
    let wrong = Pin::new(PinKind::Auth, "9999").unwrap();
    assert!(matches!(
        verify_shown(&mut card, &wrong).unwrap(),
        VerifyOutcome::WrongPin { tries_left: 1 }
    ));
    card.clear_log();
    let right = Pin::new(PinKind::Auth, "1234").unwrap();
    assert!(matches!(
        verify_shown(&mut card, &right).unwrap(),
        VerifyOutcome::Refused(Refusal::LastTry)
    ));
    assert!(
        card.commands().iter().all(|c| c.len() <= 4 || c[1] != 0x20),
        "no VERIFY with data"
    );
    assert_eq!(card.state().auth.tries_left, 1);
}

#[test]
fn a_card_answering_9000_to_the_empty_verify_is_refused() {
    let mut card = CardModel::new(CardState::demo());
    card.faults_mut().empty_verify_answers_9000 = true;
    let pin = Pin::new(PinKind::Auth, "1234").unwrap();
    let outcome = verify_shown(&mut card, &pin).unwrap();
    assert!(
        matches!(
            outcome,
            VerifyOutcome::Refused(Refusal::CounterUnknown(StatusWord(0x9000)))
        ),
        "{outcome:?}"
    );
    assert_eq!(outcome.tries_left(PinKind::Auth), None);
    assert_eq!(
        log_lines(&card),
        [
            "[".to_string(),
            format!("{SELECT_JPKI} -> 9000"),
            format!("{} -> 9000", select_ef(PinKind::Auth)),
            format!("{READ_COUNTER} -> 9000"),
            "] Unpower".into()
        ]
    );
    assert_eq!(
        read_counter(&mut card, PinKind::Auth).unwrap().counter(),
        Counter::Unknown(StatusWord(0x9000))
    );
}

#[test]
fn other_counter_answers_are_unknown_or_blocked_and_refused() {
    for (code, expected) in [
        (0x6983, Refusal::Blocked(StatusWord(0x6983))),
        (0x6984, Refusal::Blocked(StatusWord(0x6984))),
        (0x63C0, Refusal::Blocked(StatusWord(0x63C0))),
        (0x6A82, Refusal::CounterUnknown(StatusWord(0x6A82))),
        (0x6300, Refusal::CounterUnknown(StatusWord(0x6300))),
        (0x6F00, Refusal::CounterUnknown(StatusWord(0x6F00))),
        // More tries than the auth PIN's maximum of 3 is not an answer this card gives.
        (0x63C4, Refusal::CounterUnknown(StatusWord(0x63C4))),
        (0x63CF, Refusal::CounterUnknown(StatusWord(0x63CF))),
    ] {
        let mut card = CardModel::new(CardState::demo());
        card.faults_mut()
            .status_overrides
            .push(StatusOverride::prefix(&[0x00, 0x20, 0x00, 0x80], code));
        let pin = Pin::new(PinKind::Auth, "1234").unwrap();
        let outcome = verify_shown(&mut card, &pin).unwrap();
        assert!(
            matches!(outcome, VerifyOutcome::Refused(refusal) if refusal == expected),
            "{code:04X}: {outcome:?}"
        );
        assert_eq!(
            card.commands().len(),
            3,
            "{code:04X}: SELECT, SELECT EF, counter, nothing more"
        );
    }
}

#[test]
fn removal_after_the_verify_executes_is_unknown_with_exactly_one_verify() {
    let mut card = CardModel::new(CardState::demo());
    // Commands: SELECT JPKI, SELECT EF, counter, VERIFY (4th): removed after the card ran it.
    card.faults_mut().remove = Some(Removal::AfterCommand(4));
    let pin = Pin::new(PinKind::Auth, "0000").unwrap();
    let outcome = verify_shown(&mut card, &pin).unwrap();
    assert!(
        matches!(outcome, VerifyOutcome::Unknown(UnknownOutcome::Exchange(_))),
        "{outcome:?}"
    );
    assert_eq!(outcome.tries_left(PinKind::Auth), None);
    let verifies = card
        .commands()
        .iter()
        .filter(|c| c[1] == 0x20 && c.len() > 4)
        .count();
    assert_eq!(verifies, 1);
    assert_eq!(card.state().auth.tries_left, 2, "the card ran the VERIFY");
}

#[test]
fn removal_before_the_verify_executes_is_unknown_and_spends_nothing() {
    let mut card = CardModel::new(CardState::demo());
    card.faults_mut().remove = Some(Removal::BeforeCommand(4));
    let pin = Pin::new(PinKind::Auth, "0000").unwrap();
    let outcome = verify_shown(&mut card, &pin).unwrap();
    assert!(matches!(outcome, VerifyOutcome::Unknown(_)), "{outcome:?}");
    assert_eq!(card.state().auth.tries_left, 3);
}

#[test]
fn removal_before_the_counter_read_is_an_error_and_no_verify_is_sent() {
    for command in 1..=3 {
        let mut card = CardModel::new(CardState::demo());
        card.faults_mut().remove = Some(Removal::AfterCommand(command));
        let pin = Pin::new(PinKind::Auth, "1234").unwrap();
        let error = verify_shown(&mut card, &pin).unwrap_err();
        assert_eq!(
            error.transport_error().map(|e| e.to_string()),
            Some("the card was removed".to_string())
        );
        assert!(card.commands().iter().all(|c| c.len() <= 4 || c[1] != 0x20));
    }
}

#[test]
fn status_reads_all_counters_with_each_application_selected_once() {
    let mut card = CardModel::new(CardState::demo());
    card.state_mut().sign.tries_left = 4;
    card.state_mut().card_info.tries_left = 1;
    let status = read_status(&mut card, &PinKind::ALL).unwrap();
    assert_eq!(status.status.identity.token_label, "JPKIAPICCTOKEN2");
    let counters: Vec<_> = status
        .status
        .pins
        .iter()
        .map(|p| (p.kind, p.counter))
        .collect();
    assert_eq!(
        counters,
        [
            (PinKind::Auth, Counter::TriesLeft(3)),
            (PinKind::Sign, Counter::TriesLeft(4)),
            (PinKind::CardInfo, Counter::TriesLeft(1)),
        ]
    );
    let mut label = hex::encode_upper("JPKIAPICCTOKEN2");
    label.push_str(&"20".repeat(17));
    assert_eq!(
        log_lines(&card),
        [
            "[".to_string(),
            format!("{SELECT_JPKI} -> 9000"),
            "00A4020C020006 -> 9000".into(),
            format!("00B0000020 -> {label}9000"),
            // The auth certificate's validity, from its first 256 bytes.
            "00A4020C02000A -> 9000".into(),
            format!(
                "00B0000000 -> {}9000",
                hex::encode_upper(&AUTH_CERTIFICATE[..256])
            ),
            format!("{} -> 9000", select_ef(PinKind::Auth)),
            format!("{READ_COUNTER} -> 63C3"),
            format!("{} -> 9000", select_ef(PinKind::Sign)),
            format!("{READ_COUNTER} -> 63C4"),
            format!("{SELECT_CARD_INFO} -> 9000"),
            format!("{} -> 9000", select_ef(PinKind::CardInfo)),
            format!("{READ_COUNTER} -> 63C1"),
            format!("] {:?}", Disposition::Leave),
        ]
    );
}

#[test]
fn status_of_the_auth_pin_alone_takes_seven_apdus_and_spends_nothing() {
    let mut card = CardModel::new(CardState::demo());
    read_status(&mut card, &[PinKind::Auth]).unwrap();
    assert_eq!(card.commands().len(), 7);
    assert_eq!(card.state().auth.tries_left, 3);
}

#[test]
fn a_card_without_jpki_is_not_a_my_number_card() {
    let mut card = CardModel::new(CardState::demo());
    card.faults_mut()
        .status_overrides
        .push(StatusOverride::prefix(
            &hex::decode(SELECT_JPKI).unwrap(),
            0x6A82,
        ));
    assert!(matches!(
        read_status(&mut card, &PinKind::ALL),
        Err(mynapin::jpki::JpkiError::NotMyNumberCard)
    ));
    let pin = Pin::new(PinKind::Auth, "1234").unwrap();
    assert!(matches!(
        verify_shown(&mut card, &pin),
        Err(mynapin::jpki::JpkiError::NotMyNumberCard)
    ));
    assert!(
        card.commands().iter().all(|c| c[1] != 0x20),
        "nothing after the failed SELECT"
    );
}

#[test]
fn verified_state_does_not_outlive_the_verify_transaction() {
    let mut card = CardModel::new(CardState::demo());
    // Like the card reported to keep its verified state across a warm reset: only power-off helps.
    card.faults_mut().verified_survives_reset = true;
    let pin = Pin::new(PinKind::Sign, "ABC123").unwrap();
    assert!(matches!(
        verify_shown(&mut card, &pin).unwrap(),
        VerifyOutcome::Verified
    ));
    // EF 0001 (signature certificate) is readable only while the signature password is verified.
    let readable = apdu::Connection::transaction(&mut card, Disposition::Leave, |tx, _| {
        let select = |c: &str| {
            apdu::Command::new(0, 0xA4, if c.len() > 4 { 4 } else { 2 }, 0x0C)
                .with_data(&hex::decode(c).unwrap())
        };
        apdu::exchange(tx, &select("D392F000260100000001")).unwrap();
        apdu::exchange(tx, &select("0001")).unwrap();
        apdu::exchange(tx, &apdu::Command::new(0, 0xB0, 0, 0).with_le(4))
            .unwrap()
            .sw()
    })
    .unwrap();
    assert_eq!(readable, StatusWord(0x6982));
}

// ---- The invariant, over random sequences of operations, faults and counters ----

#[derive(Clone, Debug)]
enum Op {
    Verify {
        kind: PinKind,
        correct: bool,
    },
    Change {
        kind: PinKind,
        correct: bool,
        new: usize,
    },
    Sign {
        correct: bool,
    },
    Status,
    SetTries {
        kind: PinKind,
        tries: u8,
    },
    EmptyVerify9000(bool),
    Override {
        index: usize,
        sw: u16,
    },
    Remove {
        command: usize,
        after: bool,
    },
    ResetNext,
    /// `verify` as the CLI does it: the counter shown, maybe a card event (an index into
    /// `card_events`), then the guarded VERIFY after it.
    ShownVerify {
        kind: PinKind,
        correct: bool,
        event: Option<usize>,
    },
    /// The right PIN of `kind` after a counter of `counter_kind`, read on this connection or
    /// another: refused, nothing sent, unless it is this connection's counter of `kind`.
    ForeignCounter {
        kind: PinKind,
        counter_kind: PinKind,
        other_connection: bool,
    },
}

fn kind_strategy() -> impl Strategy<Value = PinKind> {
    prop_oneof![
        Just(PinKind::Auth),
        Just(PinKind::Sign),
        Just(PinKind::CardInfo)
    ]
}

fn sw_strategy() -> impl Strategy<Value = u16> {
    prop_oneof![
        (0u16..=15).prop_map(|x| 0x63C0 | x),
        Just(0x9000),
        Just(0x6983),
        Just(0x6984),
        Just(0x6A82),
        Just(0x6700),
        Just(0x6100),
        Just(0x6C04),
        any::<u16>(),
    ]
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (kind_strategy(), any::<bool>()).prop_map(|(kind, correct)| Op::Verify { kind, correct }),
        3 => (kind_strategy(), any::<bool>(), 0usize..2).prop_map(|(kind, correct, new)| Op::Change { kind, correct, new }),
        1 => any::<bool>().prop_map(|correct| Op::Sign { correct }),
        1 => Just(Op::Status),
        2 => (kind_strategy(), 0u8..=5).prop_map(|(kind, tries)| Op::SetTries { kind, tries }),
        1 => any::<bool>().prop_map(Op::EmptyVerify9000),
        2 => (1usize..12, sw_strategy()).prop_map(|(index, sw)| Op::Override { index, sw }),
        2 => (1usize..8, any::<bool>()).prop_map(|(command, after)| Op::Remove { command, after }),
        1 => Just(Op::ResetNext),
        3 => (kind_strategy(), any::<bool>(), proptest::option::of(0usize..4))
            .prop_map(|(kind, correct, event)| Op::ShownVerify { kind, correct, event }),
        2 => (kind_strategy(), kind_strategy(), any::<bool>())
            .prop_map(|(kind, counter_kind, other_connection)| Op::ForeignCounter { kind, counter_kind, other_connection }),
    ]
}

/// Every VERIFY with data is preceded, in the same transaction, by SELECT of that PIN's
/// application, SELECT of that PIN EF and an empty VERIFY answered 63Cx with x >= 2, with no
/// command in between; each transaction holds at most one VERIFY with data; and no transaction
/// that began after a reset, power cycle or removal since the previous transaction (or at its own
/// start; the previous transaction's own reset or unpower included) holds one. Every CHANGE REFERENCE DATA comes right after a VERIFY with data answered
/// 9000, in the same transaction, and each transaction holds at most one.
fn check_invariant(log: &[LogEntry]) -> Result<(), String> {
    let mut transaction: Vec<(&[u8], Option<&[u8]>)> = Vec::new();
    let mut in_transaction = false;
    let mut reset_since_last_transaction = false;
    let mut this_transaction_after_reset = false;
    for entry in log {
        match entry {
            LogEntry::TransactionBegin => {
                in_transaction = true;
                this_transaction_after_reset = reset_since_last_transaction;
                reset_since_last_transaction = false;
            }
            LogEntry::TransactionEnd(end) => {
                in_transaction = false;
                // PC/SC reports a transaction's own reset or unpower to the same handle.
                if *end != Disposition::Leave {
                    reset_since_last_transaction = true;
                }
            }
            // Before the first command of a transaction: found at its start.
            LogEntry::Reset | LogEntry::PowerOn | LogEntry::PowerOff | LogEntry::Removed
                if in_transaction && transaction.is_empty() =>
            {
                this_transaction_after_reset = true
            }
            LogEntry::Reset | LogEntry::PowerOn | LogEntry::PowerOff | LogEntry::Removed
                if !in_transaction =>
            {
                reset_since_last_transaction = true
            }
            _ => {}
        }
        match entry {
            // A reset or a power cycle in between breaks the chain as much as a new transaction
            // does. (`Removed` is logged before a command the card never saw: what mynapin sent
            // still counts.)
            LogEntry::TransactionBegin
            | LogEntry::TransactionEnd(_)
            | LogEntry::Reset
            | LogEntry::PowerOn
            | LogEntry::PowerOff => transaction.clear(),
            LogEntry::Removed => {}
            LogEntry::Command { command, response } => {
                if command.len() > 1 && command[1] == 0x24 {
                    match transaction.last() {
                        Some((verify, Some([0x90, 0x00])))
                            if verify.len() > 4 && verify[1] == 0x20 => {}
                        other => {
                            return Err(format!(
                                "CHANGE {} not right after a 9000 VERIFY: {other:?}",
                                hex::encode(command)
                            ))
                        }
                    }
                    if transaction.iter().any(|(c, _)| c.len() > 1 && c[1] == 0x24) {
                        return Err("two CHANGE commands in one transaction".into());
                    }
                }
                if command.len() > 4 && command[1] == 0x20 {
                    let n = transaction.len();
                    if n < 3 {
                        return Err(format!(
                            "VERIFY {} without a counter read before it",
                            hex::encode(command)
                        ));
                    }
                    let (counter, counter_answer) = transaction[n - 1];
                    let (select, select_answer) = transaction[n - 2];
                    if counter != [0x00, 0x20, 0x00, 0x80] {
                        return Err(format!(
                            "the command before a VERIFY was {}",
                            hex::encode(counter)
                        ));
                    }
                    match counter_answer {
                        Some([0x63, x]) if x & 0xF0 == 0xC0 && x & 0x0F >= 2 => {}
                        other => return Err(format!("VERIFY after counter answer {other:?}")),
                    }
                    let kind = PinKind::ALL
                        .into_iter()
                        .find(|kind| select == hex::decode(select_ef(*kind)).unwrap().as_slice())
                        .ok_or_else(|| {
                            format!(
                                "the command before the counter read was {}",
                                hex::encode(select)
                            )
                        })?;
                    if select_answer != Some(&[0x90, 0x00][..]) {
                        return Err(format!("SELECT EF answered {select_answer:?}"));
                    }
                    let app = hex::decode(select_app(kind)).unwrap();
                    let last_app = transaction
                        .iter()
                        .rev()
                        .find(|(c, _)| c.starts_with(&[0x00, 0xA4, 0x04]));
                    if last_app.map(|(c, _)| *c) != Some(app.as_slice()) {
                        return Err(
                            "the PIN's application was not selected in this transaction".into()
                        );
                    }
                    if transaction.iter().any(|(c, _)| c.len() > 4 && c[1] == 0x20) {
                        return Err("two VERIFY commands with data in one transaction".into());
                    }
                    if this_transaction_after_reset {
                        return Err("a VERIFY with data after the card was reset or changed".into());
                    }
                }
                transaction.push((command.as_slice(), response.as_deref()));
            }
            // An event this invariant does not know yet breaks the chain too (the stricter view).
            _ => transaction.clear(),
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn no_verify_without_a_fresh_counter_of_two_or_more(ops in proptest::collection::vec(op_strategy(), 1..40)) {
        let mut card = CardModel::new(CardState::demo());
        let mut lying = false;
        for op in ops {
            let before: Vec<u8> = PinKind::ALL.iter().map(|k| *tries_mut(&mut card, *k)).collect();
            let mut verified_kind = None;
            let current = |card: &CardModel, kind: PinKind, correct: bool| {
                let value = card.state().pin(kind).value.clone();
                Pin::new(kind, if correct { &value } else { wrong_pin(kind) }).unwrap()
            };
            match op {
                Op::Verify { kind, correct } => {
                    let pin = current(&card, kind, correct);
                    if let Ok(shown) = read_counter(&mut card, kind) {
                        let _ = guarded_verify(&mut card, shown, &pin);
                    }
                    verified_kind = Some(kind);
                }
                Op::Change { kind, correct, new } => {
                    let new_values = match kind {
                        PinKind::Sign => ["XYZ789", "ABC123"],
                        _ => ["1357", "2468"],
                    };
                    let pin = current(&card, kind, correct);
                    if let Ok(change) = PinChange::new(pin, Pin::new(kind, new_values[new]).unwrap()) {
                        if let Ok(shown) = read_counter(&mut card, kind) {
                            let _ = guarded_change(&mut card, shown, &change);
                        }
                        verified_kind = Some(kind);
                    }
                }
                Op::Sign { correct } => {
                    let pin = current(&card, PinKind::Auth, correct);
                    if let Ok(shown) = read_counter(&mut card, PinKind::Auth) {
                        let _ = guarded_sign(&mut card, shown, &pin, &Challenge::random().unwrap());
                    }
                    verified_kind = Some(PinKind::Auth);
                }
                Op::Status => { let _ = read_status(&mut card, &PinKind::ALL); }
                Op::SetTries { kind, tries } => {
                    *tries_mut(&mut card, kind) = tries.min(kind.max_tries());
                }
                Op::EmptyVerify9000(on) => card.faults_mut().empty_verify_answers_9000 = on,
                Op::Override { index, sw } => {
                    lying = true;
                    let base = card.commands().len();
                    card.faults_mut().status_overrides.push(StatusOverride::index(base + index, sw));
                }
                Op::Remove { command, after } => {
                    let base = card.commands().len();
                    card.faults_mut().remove = Some(if after {
                        Removal::AfterCommand(base + command)
                    } else {
                        Removal::BeforeCommand(base + command)
                    });
                }
                Op::ResetNext => card.faults_mut().reset_before_next_transaction = true,
                Op::ShownVerify { kind, correct, event } => {
                    let pin = Pin::new(kind, if correct { right_pin(kind) } else { wrong_pin(kind) }).unwrap();
                    if let Ok(shown) = read_counter(&mut card, kind) {
                        let sent_before = card.commands().len();
                        if let Some(event) = event {
                            (card_events()[event].1)(&mut card);
                        }
                        let result = guarded_verify(&mut card, shown, &pin);
                        if let Some(event) = event {
                            prop_assert!(matches!(result, Err(JpkiError::CardChanged)), "{}: {result:?}", card_events()[event].0);
                            prop_assert_eq!(card.commands().len(), sent_before, "nothing sent after {}", card_events()[event].0);
                        }
                        verified_kind = Some(kind);
                    }
                }
                Op::ForeignCounter { kind, counter_kind, other_connection } => {
                    let pin = Pin::new(kind, right_pin(kind)).unwrap();
                    let shown = if other_connection {
                        // Another connection (here another card) with the same counters.
                        let mut other = CardModel::new(card.state().clone());
                        read_counter(&mut other, counter_kind)
                    } else {
                        read_counter(&mut card, counter_kind)
                    };
                    if let Ok(shown) = shown {
                        let sent_before = card.commands().len();
                        let log_before = card.log().len();
                        let result = guarded_verify(&mut card, shown, &pin);
                        if counter_kind != kind {
                            prop_assert!(matches!(result, Err(JpkiError::CounterOfAnotherPin { .. })), "{result:?}");
                            prop_assert_eq!(card.log().len(), log_before, "no transaction begun");
                        } else if other_connection {
                            prop_assert!(matches!(result, Err(JpkiError::CardChanged)), "{result:?}");
                            prop_assert_eq!(card.commands().len(), sent_before, "nothing sent");
                        }
                        verified_kind = Some(kind);
                    }
                }
            }
            if !card.is_present() {
                card.reinsert();
            }
            if !lying {
                // An honest card never loses its last try through mynapin.
                if let Some(kind) = verified_kind {
                    let index = PinKind::ALL.iter().position(|k| *k == kind).unwrap();
                    let after = *tries_mut(&mut card, kind);
                    prop_assert!(!(before[index] >= 1 && after == 0), "{kind} went from {} to 0", before[index]);
                    prop_assert!(before[index] != 1 || after == 1, "{kind} changed at one try left");
                }
            }
        }
        if let Err(violation) = check_invariant(card.log()) {
            prop_assert!(false, "{violation}");
        }
    }
}

#[test]
fn the_invariant_checker_catches_a_verify_without_a_counter_read() {
    let mut card = CardModel::new(CardState::demo());
    apdu::Connection::transaction(&mut card, Disposition::Leave, |tx, _| {
        let select = apdu::Command::new(0, 0xA4, 4, 0x0C)
            .with_data(&hex::decode("D392F000260100000001").unwrap());
        apdu::exchange(tx, &select).unwrap();
        apdu::exchange(
            tx,
            &apdu::Command::new(0, 0xA4, 2, 0x0C).with_data(&[0, 0x18]),
        )
        .unwrap();
        apdu::exchange(
            tx,
            &apdu::Command::new(0, 0x20, 0, 0x80).with_secret_data(b"1234"),
        )
        .unwrap();
    })
    .unwrap();
    assert!(check_invariant(card.log()).is_err());
}

// ---- Issue 16 item 1: nothing between the counter shown and the VERIFY ----

/// Something that happens to the card, named.
type CardEvent = (&'static str, fn(&mut CardModel));

/// What can happen to the card while the person types the PIN.
fn card_events() -> [CardEvent; 4] {
    [
        ("reset by another program", |card| {
            card.faults_mut().reset_before_next_transaction = true
        }),
        ("removed and reinserted", |card| {
            card.remove();
            card.reinsert();
        }),
        ("unpowered", |card| card.power_off()),
        ("removed", |card| card.remove()),
    ]
}

#[test]
fn a_card_event_after_the_counter_was_shown_gets_no_pin_and_nothing_is_sent() {
    for (what, event) in card_events() {
        for kind in PinKind::ALL {
            let mut card = card_with(kind, kind.max_tries());
            let shown = read_counter(&mut card, kind).unwrap();
            assert_eq!(shown.counter(), Counter::TriesLeft(kind.max_tries()));
            event(&mut card);
            card.clear_log();
            let pin = Pin::new(kind, wrong_pin(kind)).unwrap();
            let result = guarded_verify(&mut card, shown, &pin);
            assert!(
                matches!(result, Err(JpkiError::CardChanged)),
                "{what}, {kind}: {result:?}"
            );
            assert!(
                card.commands().is_empty(),
                "{what}, {kind}: {:?}",
                card.log()
            );
            assert_eq!(*tries_mut(&mut card, kind), kind.max_tries(), "{what}");
        }
    }
}

#[test]
fn a_reset_already_reported_to_a_transaction_in_between_still_counts() {
    let mut card = card_with(PinKind::Auth, 3);
    let shown = read_counter(&mut card, PinKind::Auth).unwrap();
    card.faults_mut().reset_before_next_transaction = true;
    // Another read of this connection sees the reset first ...
    read_status(&mut card, &PinKind::ALL).unwrap();
    card.clear_log();
    // ... and the connection still knows it happened after the counter was shown.
    let pin = Pin::new(PinKind::Auth, "0000").unwrap();
    let result = guarded_verify(&mut card, shown, &pin);
    assert!(matches!(result, Err(JpkiError::CardChanged)), "{result:?}");
    assert!(card.commands().is_empty());
    assert_eq!(card.state().auth.tries_left, 3);
}

#[test]
fn with_nothing_in_between_the_pin_is_sent_after_the_shown_counter() {
    let mut card = card_with(PinKind::Sign, 5);
    let shown = read_counter(&mut card, PinKind::Sign).unwrap();
    // A read-only transaction in between changes nothing.
    read_status(&mut card, &PinKind::ALL).unwrap();
    let pin = Pin::new(PinKind::Sign, "WRONG1").unwrap();
    let outcome = guarded_verify(&mut card, shown, &pin).unwrap();
    assert!(
        matches!(outcome, VerifyOutcome::WrongPin { tries_left: 4 }),
        "{outcome:?}"
    );
}

#[test]
fn a_reset_at_the_start_of_the_guarded_verify_sends_nothing_and_the_next_run_reads_afresh() {
    let mut card = card_with(PinKind::Auth, 3);
    let shown = read_counter(&mut card, PinKind::Auth).unwrap();
    card.faults_mut().reset_before_next_transaction = true;
    card.clear_log();
    let pin = Pin::new(PinKind::Auth, "0000").unwrap();
    let result = guarded_verify(&mut card, shown, &pin);
    assert!(matches!(result, Err(JpkiError::CardChanged)), "{result:?}");
    assert!(card.commands().is_empty());
    // The next run shows the counter again (as on PC/SC, where the refused transaction's own
    // unpower is reported to this handle too) and goes ahead.
    let shown = read_counter(&mut card, PinKind::Auth).unwrap();
    assert!(matches!(
        guarded_verify(&mut card, shown, &pin).unwrap(),
        VerifyOutcome::WrongPin { tries_left: 2 }
    ));
}

/// Issue 25 item 3: two counters read before one VERIFY; the VERIFY's unpower resets the card,
/// so the second counter is stale, as PC/SC reports it (a reset, to the same handle).
#[test]
fn a_counter_read_before_another_verify_is_stale_after_that_verify_unpowered_the_card() {
    for kind in PinKind::ALL {
        let mut card = card_with(kind, kind.max_tries());
        let first = read_counter(&mut card, kind).unwrap();
        let second = read_counter(&mut card, kind).unwrap();
        let pin = Pin::new(kind, wrong_pin(kind)).unwrap();
        let outcome = guarded_verify(&mut card, first, &pin).unwrap();
        assert!(
            matches!(outcome, VerifyOutcome::WrongPin { .. }),
            "{outcome:?}"
        );
        card.clear_log();
        let result = guarded_verify(&mut card, second, &pin);
        assert!(
            matches!(result, Err(JpkiError::CardChanged)),
            "{kind}: {result:?}"
        );
        assert!(card.commands().is_empty(), "{kind}: {:?}", card.log());
        assert_eq!(*tries_mut(&mut card, kind), kind.max_tries() - 1);
    }
}

/// Issue 25 item 1: a counter read on one connection is refused by another, nothing sent.
#[test]
fn a_counter_read_on_another_connection_is_refused_and_nothing_is_sent() {
    for kind in PinKind::ALL {
        let mut card_a = CardModel::new(CardState::demo());
        let mut card_b = CardModel::new(CardState::demo());
        let shown_on_a = read_counter(&mut card_a, kind).unwrap();
        let pin = Pin::new(kind, right_pin(kind)).unwrap();
        let result = guarded_verify(&mut card_b, shown_on_a, &pin);
        assert!(
            matches!(result, Err(JpkiError::CardChanged)),
            "{kind}: {result:?}"
        );
        assert!(card_b.commands().is_empty(), "{kind}: {:?}", card_b.log());
        assert!(!card_b.is_verified(kind));
        let change = PinChange::new(pin, Pin::new(kind, wrong_pin(kind)).unwrap()).unwrap();
        let shown_on_a = read_counter(&mut card_a, kind).unwrap();
        let result = guarded_change(&mut card_b, shown_on_a, &change);
        assert!(
            matches!(result, Err(JpkiError::CardChanged)),
            "{kind}: {result:?}"
        );
        assert!(card_b.commands().is_empty(), "{kind}: {:?}", card_b.log());
        assert_eq!(card_b.state().pin(kind).value, right_pin(kind));
    }
}

/// Issue 25 item 2: another PIN's counter is refused before any transaction begins.
#[test]
fn a_counter_of_another_pin_is_refused_and_nothing_is_sent() {
    for shown_kind in PinKind::ALL {
        for kind in PinKind::ALL.into_iter().filter(|kind| *kind != shown_kind) {
            let mut card = CardModel::new(CardState::demo());
            let pin = Pin::new(kind, right_pin(kind)).unwrap();
            let shown = read_counter(&mut card, shown_kind).unwrap();
            card.clear_log();
            let result = guarded_verify(&mut card, shown, &pin);
            assert!(
                matches!(result, Err(JpkiError::CounterOfAnotherPin { shown, pin })
                    if shown == shown_kind && pin == kind),
                "{shown_kind} then {kind}: {result:?}"
            );
            assert!(card.log().is_empty(), "{:?}", card.log());
            let change = PinChange::new(pin, Pin::new(kind, wrong_pin(kind)).unwrap()).unwrap();
            let shown = read_counter(&mut card, shown_kind).unwrap();
            card.clear_log();
            let result = guarded_change(&mut card, shown, &change);
            assert!(
                matches!(result, Err(JpkiError::CounterOfAnotherPin { .. })),
                "{result:?}"
            );
            assert!(card.log().is_empty(), "{:?}", card.log());
            if kind == PinKind::Auth {
                let shown = read_counter(&mut card, shown_kind).unwrap();
                card.clear_log();
                let pin = Pin::new(kind, right_pin(kind)).unwrap();
                let result = guarded_sign(&mut card, shown, &pin, &Challenge::random().unwrap());
                assert!(
                    matches!(result, Err(JpkiError::CounterOfAnotherPin { .. })),
                    "{result:?}"
                );
                assert!(card.log().is_empty(), "{:?}", card.log());
            }
        }
    }
}

#[test]
fn the_invariant_checker_catches_a_verify_after_a_reset_between_transactions() {
    let mut card = CardModel::new(CardState::demo());
    card.reset();
    apdu::Connection::transaction(&mut card, Disposition::Unpower, |tx, _| {
        let select = apdu::Command::new(0, 0xA4, 4, 0x0C)
            .with_data(&hex::decode("D392F000260100000001").unwrap());
        apdu::exchange(tx, &select).unwrap();
        apdu::exchange(
            tx,
            &apdu::Command::new(0, 0xA4, 2, 0x0C).with_data(&[0, 0x18]),
        )
        .unwrap();
        apdu::exchange(tx, &apdu::Command::new(0, 0x20, 0, 0x80)).unwrap();
        apdu::exchange(
            tx,
            &apdu::Command::new(0, 0x20, 0, 0x80).with_secret_data(b"1234"),
        )
        .unwrap();
    })
    .unwrap();
    assert_eq!(
        check_invariant(card.log()),
        Err("a VERIFY with data after the card was reset or changed".to_string())
    );
}

#[test]
fn the_invariant_checker_catches_a_change_without_a_verify_just_before() {
    let mut card = CardModel::new(CardState::demo());
    apdu::Connection::transaction(&mut card, Disposition::Leave, |tx, _| {
        for command in [
            apdu::Command::new(0, 0xA4, 4, 0x0C)
                .with_data(&hex::decode("D392F000260100000001").unwrap()),
            apdu::Command::new(0, 0xA4, 2, 0x0C).with_data(&[0, 0x18]),
            apdu::Command::new(0, 0x20, 0, 0x80),
            apdu::Command::new(0, 0x20, 0, 0x80).with_secret_data(b"1234"),
            // A counter read between the VERIFY and the CHANGE breaks the chain.
            apdu::Command::new(0, 0x20, 0, 0x80),
            apdu::Command::new(0, 0x24, 1, 0x80).with_secret_data(b"4321"),
        ] {
            apdu::exchange(tx, &command).unwrap();
        }
    })
    .unwrap();
    let violation = check_invariant(card.log()).unwrap_err();
    assert!(violation.contains("CHANGE"), "{violation}");
}
