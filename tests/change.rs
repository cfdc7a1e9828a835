//! `change-pin` and `check` against the card model, byte-exact on the APDUs it received.

#[path = "support/card_log.rs"]
mod card_log;
use card_log::log_lines;

use std::time::SystemTime;

use apdu::StatusWord;
use mynapin::card_model::{CardModel, CardState, CheckFault, Removal, StatusOverride};
use mynapin::jpki::{
    check_pin, check_start, guarded_change, guarded_sign, pin_step, read_check_facts, read_counter,
    read_status, Challenge, ChangeOutcome, JpkiError, Pin, PinChange, PinChangeError, PinKind,
    Refusal, ShownCounter, SignOutcome, UnknownOutcome, Verdict,
};

const SELECT_JPKI: &str = "00A4040C0AD392F000260100000001";
const SELECT_AUTH_PIN: &str = "00A4020C020018";

fn change(kind: PinKind, current: &str, new: &str) -> PinChange {
    PinChange::new(
        Pin::new(kind, current).unwrap(),
        Pin::new(kind, new).unwrap(),
    )
    .unwrap()
}

/// The counter of `kind` read (and shown) as a program does before asking for the PIN, with the
/// card's faults held back; then the log is cleared (fault numbering restarts) so that what
/// follows is the guarded transaction alone, with the faults back on.
fn show(card: &mut CardModel, kind: PinKind) -> ShownCounter {
    let faults = std::mem::take(card.faults_mut());
    let shown = read_counter(card, kind).unwrap();
    card.clear_log();
    *card.faults_mut() = faults;
    shown
}

/// The guarded change after its counter was shown.
fn change_shown(card: &mut CardModel, change: &PinChange) -> Result<ChangeOutcome, JpkiError> {
    let shown = show(card, change.kind());
    guarded_change(card, shown, change)
}

/// The guarded signature after the auth PIN's counter was shown.
fn sign_shown(
    card: &mut CardModel,
    pin: &Pin,
    challenge: &Challenge,
) -> Result<SignOutcome, JpkiError> {
    let shown = show(card, PinKind::Auth);
    guarded_sign(card, shown, pin, challenge)
}

#[test]
fn change_sends_verify_then_change_in_one_unpowered_transaction() {
    let mut card = CardModel::demo();
    let outcome = change_shown(&mut card, &change(PinKind::Auth, "1234", "4321")).unwrap();
    assert!(matches!(outcome, ChangeOutcome::Changed), "{outcome:?}");
    assert_eq!(
        log_lines(&card),
        [
            "[",
            &format!("{SELECT_JPKI} -> 9000"),
            &format!("{SELECT_AUTH_PIN} -> 9000"),
            "00200080 -> 63C3",
            "002000800431323334 -> 9000",
            "002401800434333231 -> 9000",
            "] Unpower",
        ]
    );
    assert_eq!(card.state().auth.value, "4321");
    assert_eq!(card.state().auth.tries_left, 3);
    assert!(!card.is_verified(PinKind::Auth));
}

#[test]
fn the_signature_password_and_the_card_info_pin_change_too() {
    let mut card = CardModel::demo();
    let outcome = change_shown(&mut card, &change(PinKind::Sign, "abc123", "new2pw")).unwrap();
    assert!(matches!(outcome, ChangeOutcome::Changed), "{outcome:?}");
    assert_eq!(card.state().sign.value, "NEW2PW");
    assert!(log_lines(&card).contains(&format!(
        "0024018006{} -> 9000",
        hex::encode_upper("NEW2PW")
    )));
    card.clear_log();
    let outcome = change_shown(&mut card, &change(PinKind::CardInfo, "5678", "8765")).unwrap();
    assert!(matches!(outcome, ChangeOutcome::Changed), "{outcome:?}");
    assert_eq!(
        log_lines(&card)[1..7],
        [
            &format!("{SELECT_JPKI} -> 9000"),
            "00A4040C0AD3921000310001010408 -> 9000",
            "00A4020C020011 -> 9000",
            "00200080 -> 63C3",
            "002000800435363738 -> 9000",
            "002401800438373635 -> 9000",
        ]
    );
    assert_eq!(card.state().card_info.value, "8765");
}

#[test]
fn a_wrong_current_pin_never_sends_the_new_one() {
    let mut card = CardModel::demo();
    let outcome = change_shown(&mut card, &change(PinKind::Auth, "1111", "4321")).unwrap();
    assert!(
        matches!(outcome, ChangeOutcome::WrongCurrent { tries_left: 2 }),
        "{outcome:?}"
    );
    assert_eq!(
        log_lines(&card)[4..],
        ["002000800431313131 -> 63C2", "] Unpower"]
    );
    assert_eq!(card.state().auth.value, "1234");
    assert_eq!(card.state().auth.tries_left, 2);
}

#[test]
fn nothing_is_sent_at_one_try_left_blocked_or_unknown() {
    for (tries, nine_thousand, expected) in [
        (1, false, Refusal::LastTry),
        (0, false, Refusal::Blocked(StatusWord(0x63C0))),
        (3, true, Refusal::CounterUnknown(StatusWord(0x9000))),
    ] {
        let mut card = CardModel::demo();
        card.state_mut().auth.tries_left = tries;
        card.faults_mut().empty_verify_answers_9000 = nine_thousand;
        let outcome = change_shown(&mut card, &change(PinKind::Auth, "1234", "4321")).unwrap();
        match outcome {
            ChangeOutcome::Refused(refusal) => assert_eq!(refusal, expected),
            other => panic!("{other:?}"),
        }
        assert_eq!(card.commands().len(), 3, "{:?}", log_lines(&card));
        assert_eq!(card.state().auth.value, "1234");
    }
}

#[test]
fn the_card_refuses_a_change_without_a_verify_in_the_session_and_keeps_the_counter() {
    let mut card = CardModel::demo();
    for command in [SELECT_JPKI, SELECT_AUTH_PIN, "002401800434333231"] {
        card.respond(&hex::decode(command).unwrap());
    }
    assert_eq!(log_lines(&card)[2], "002401800434333231 -> 6982");
    assert_eq!(card.state().auth.value, "1234");
    assert_eq!(card.state().auth.tries_left, 3);
}

#[test]
fn a_change_the_card_rejects_keeps_the_old_pin() {
    let mut card = CardModel::demo();
    card.faults_mut()
        .status_overrides
        .push(StatusOverride::prefix(&[0x00, 0x24], 0x6A80));
    let outcome = change_shown(&mut card, &change(PinKind::Auth, "1234", "4321")).unwrap();
    assert!(
        matches!(outcome, ChangeOutcome::Rejected(StatusWord(0x6A80))),
        "{outcome:?}"
    );
    assert_eq!(card.state().auth.value, "1234");
}

#[test]
fn a_lost_answer_to_the_change_is_unknown_and_never_resent() {
    let mut card = CardModel::demo();
    // The CHANGE is the 5th command: it runs, then the card leaves before answering.
    card.faults_mut().remove = Some(Removal::AfterCommand(5));
    let outcome = change_shown(&mut card, &change(PinKind::Auth, "1234", "4321")).unwrap();
    assert!(matches!(outcome, ChangeOutcome::Unknown(_)), "{outcome:?}");
    let changes = card.commands().iter().filter(|c| c[1] == 0x24).count();
    assert_eq!(changes, 1);
    // The card did change it: "old or new" is real.
    assert_eq!(card.state().auth.value, "4321");
}

#[test]
fn a_lost_answer_to_the_verify_is_unknown_and_the_change_is_not_sent() {
    let mut card = CardModel::demo();
    card.faults_mut().remove = Some(Removal::AfterCommand(4));
    let outcome = change_shown(&mut card, &change(PinKind::Auth, "1234", "4321")).unwrap();
    assert!(
        matches!(
            outcome,
            ChangeOutcome::UnknownVerify(UnknownOutcome::Exchange(_))
        ),
        "{outcome:?}"
    );
    assert!(card.commands().iter().all(|c| c[1] != 0x24));
    assert_eq!(card.state().auth.value, "1234");
}

#[test]
fn a_new_pin_equal_to_the_current_one_is_refused_before_the_card() {
    let error = PinChange::new(
        Pin::new(PinKind::Sign, "abc123").unwrap(),
        Pin::new(PinKind::Sign, "ABC123").unwrap(),
    )
    .unwrap_err();
    assert_eq!(error, PinChangeError::Unchanged(PinKind::Sign));
    let error = PinChange::new(
        Pin::new(PinKind::Auth, "1234").unwrap(),
        Pin::new(PinKind::CardInfo, "4321").unwrap(),
    )
    .unwrap_err();
    assert!(matches!(error, PinChangeError::KindMismatch { .. }));
    assert_eq!(
        format!("{:?}", change(PinKind::Auth, "1234", "4321")),
        "PinChange(auth, ****, ****)"
    );
}

// ---- check ----

#[test]
fn the_guarded_signature_is_byte_exact_and_verifies_under_the_certificate() {
    let mut card = CardModel::demo();
    let challenge = Challenge::random().unwrap();
    let pin = Pin::new(PinKind::Auth, "1234").unwrap();
    let outcome = sign_shown(&mut card, &pin, &challenge).unwrap();
    let lines = log_lines(&card);
    let digest_info = hex::encode_upper(challenge.digest_info());
    assert_eq!(challenge.digest_info().len(), 51);
    assert!(digest_info.starts_with("3031300D060960864801650304020105000420"));
    assert_eq!(
        lines[..6],
        [
            "[",
            &format!("{SELECT_JPKI} -> 9000"),
            &format!("{SELECT_AUTH_PIN} -> 9000"),
            "00200080 -> 63C3",
            "002000800431323334 -> 9000",
            "00A4020C020017 -> 9000",
        ]
    );
    assert!(lines[6].starts_with(&format!("802A008033{digest_info}00 -> ")));
    assert!(lines[6].ends_with("9000"));
    assert_eq!(lines[7], "] Unpower");
    let SignOutcome::Signed(signature) = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(signature.len(), 256);
    let auth = &CardState::demo().certificates.auth;
    assert!(pin_step(&outcome, auth, &challenge).verdict == Verdict::Passed);
    // Another challenge does not verify with this signature.
    let other = Challenge::random().unwrap();
    assert_eq!(
        pin_step(&outcome, auth, &other).reason,
        "signature-mismatch"
    );
}

#[test]
fn the_card_signs_only_after_the_pin() {
    let mut card = CardModel::demo();
    for command in [SELECT_JPKI, "00A4020C020017"] {
        card.respond(&hex::decode(command).unwrap());
    }
    let digest_info = Challenge::random().unwrap().digest_info();
    let mut sign = hex::decode("802A008033").unwrap();
    sign.extend(digest_info);
    sign.push(0);
    card.respond(&sign);
    assert!(log_lines(&card)[2].ends_with("-> 6982"));
}

#[test]
fn a_wrong_pin_signs_nothing_and_the_counter_guards_the_signature() {
    let mut card = CardModel::demo();
    let challenge = Challenge::random().unwrap();
    let wrong = Pin::new(PinKind::Auth, "0000").unwrap();
    let outcome = sign_shown(&mut card, &wrong, &challenge).unwrap();
    assert_eq!(
        pin_step(&outcome, &CardState::demo().certificates.auth, &challenge).reason,
        "wrong-pin"
    );
    assert!(card.commands().iter().all(|c| c[0] != 0x80));
    card.state_mut().auth.tries_left = 1;
    card.clear_log();
    let right = Pin::new(PinKind::Auth, "1234").unwrap();
    let outcome = sign_shown(&mut card, &right, &challenge).unwrap();
    assert!(
        matches!(outcome, SignOutcome::NotVerified(_)),
        "{outcome:?}"
    );
    assert_eq!(card.commands().len(), 3);
}

/// Every step of `check` after the card's, on a card with `fault`, the PIN right: the library's
/// check, as both front ends run it.
fn check_steps(fault: Option<CheckFault>) -> Vec<(&'static str, Verdict, &'static str)> {
    let mut card = CardModel::demo();
    card.faults_mut().check = fault;
    let start = check_start(&mut card, SystemTime::now()).unwrap();
    assert!(start.card_passed() && start.needs_pin());
    let early = start.steps.clone();
    let challenge = Challenge::random().unwrap();
    let pin = Pin::new(PinKind::Auth, "1234").unwrap();
    let [pin_step, revocation] = check_pin(&mut card, start, &pin, &challenge).unwrap();
    assert_eq!(revocation.verdict, Verdict::NotChecked);
    early
        .into_iter()
        .chain([pin_step])
        .map(|step| (step.step.name(), step.verdict, step.reason))
        .collect()
}

#[test]
fn each_fault_breaks_its_step_and_only_it() {
    let passed = |name| (name, Verdict::Passed, "ok");
    let all = [
        passed("pin-counter"),
        passed("certificate-validity"),
        passed("certificate-issuer"),
        passed("pin-and-key"),
    ];
    assert_eq!(check_steps(None), all);
    let mut expired = all;
    expired[1] = ("certificate-validity", Verdict::Failed, "expired");
    assert_eq!(check_steps(Some(CheckFault::ExpiredCertificate)), expired);
    let mut wrong_ca = all;
    wrong_ca[2] = ("certificate-issuer", Verdict::Failed, "bad-signature");
    assert_eq!(check_steps(Some(CheckFault::WrongCa)), wrong_ca);
    let mut mismatch = all;
    mismatch[3] = ("pin-and-key", Verdict::Failed, "signature-mismatch");
    assert_eq!(check_steps(Some(CheckFault::KeyMismatch)), mismatch);
}

#[test]
fn the_facts_take_one_read_only_transaction() {
    let mut card = CardModel::demo();
    read_check_facts(&mut card).unwrap();
    let lines = log_lines(&card);
    assert_eq!(lines.first().unwrap(), "[");
    assert_eq!(lines.last().unwrap(), "] Leave");
    assert_eq!(lines.iter().filter(|l| *l == "[").count(), 1);
    // Label (3), EF 000A (1 + 5 reads of 1226 bytes), EF 000B (1 + 4 reads of 832), counter (2).
    assert_eq!(card.commands().len(), 3 + 6 + 5 + 2, "{lines:?}");
    assert!(card
        .commands()
        .iter()
        .all(|c| !(c.len() > 4 && c[1] == 0x20)));
}

// ---- Issue 25 item 5: only answers that say the CHANGE was not executed mean rejected ----

#[test]
fn a_change_answer_that_does_not_say_it_was_not_executed_is_unknown_old_or_new() {
    let rejected = [
        0x6982, 0x6983, 0x6984, 0x6A80, 0x6700, 0x6A86, 0x6D00, 0x6E00, 0x6B00,
    ];
    let unknown = [
        0x6581, 0x6300, 0x63C2, 0x6500, 0x6F00, 0x6100, 0x6283, 0x6400, 0x9001,
    ];
    for (code, is_rejected) in rejected
        .iter()
        .map(|code| (*code, true))
        .chain(unknown.iter().map(|code| (*code, false)))
    {
        let mut card = CardModel::demo();
        card.faults_mut()
            .status_overrides
            .push(StatusOverride::prefix(&[0x00, 0x24], code));
        let outcome = change_shown(&mut card, &change(PinKind::Auth, "1234", "4321")).unwrap();
        if is_rejected {
            assert!(
                matches!(outcome, ChangeOutcome::Rejected(sw) if sw == StatusWord(code)),
                "{code:04X}: {outcome:?}"
            );
        } else {
            assert!(
                matches!(
                    outcome,
                    ChangeOutcome::Unknown(UnknownOutcome::UnexpectedStatus(sw)) if sw == StatusWord(code)
                ),
                "{code:04X}: {outcome:?}"
            );
        }
        // Sent once, never resent, whatever the answer.
        assert_eq!(
            card.commands().iter().filter(|c| c[1] == 0x24).count(),
            1,
            "{code:04X}"
        );
    }
}

// ---- Issue 25 item 4: change-pin and check follow the shown counter's card-changed rule ----

/// Something that happens to the card, named.
type CardEvent = (&'static str, fn(&mut CardModel));

/// What can happen to the card while the person types.
fn card_events() -> [CardEvent; 3] {
    [
        ("reset by another program", |card| {
            card.faults_mut().reset_before_next_transaction = true
        }),
        ("removed and reinserted", |card| {
            card.remove();
            card.reinsert();
        }),
        ("unpowered", |card| card.power_off()),
    ]
}

#[test]
fn a_card_event_after_the_shown_counter_stops_the_change_with_nothing_sent() {
    for ((what, event), read_between) in card_events()
        .into_iter()
        .flat_map(|event| [(event, false), (event, true)])
    {
        let mut card = CardModel::demo();
        let shown = read_counter(&mut card, PinKind::Auth).unwrap();
        event(&mut card);
        if read_between {
            // Another read on this connection sees the reset first; it still counts.
            read_status(&mut card, &[PinKind::Auth]).unwrap();
        }
        card.clear_log();
        let result = guarded_change(&mut card, shown, &change(PinKind::Auth, "1234", "4321"));
        assert!(
            matches!(result, Err(JpkiError::CardChanged)),
            "{what}: {result:?}"
        );
        assert!(card.commands().is_empty(), "{what}: {:?}", log_lines(&card));
        assert_eq!(card.state().auth.value, "1234");
        assert_eq!(card.state().auth.tries_left, 3);
    }
}

#[test]
fn a_card_event_after_the_check_showed_its_counter_stops_the_pin_step_with_nothing_sent() {
    for ((what, event), read_between) in card_events()
        .into_iter()
        .flat_map(|event| [(event, false), (event, true)])
    {
        let mut card = CardModel::demo();
        let start = check_start(&mut card, SystemTime::now()).unwrap();
        assert!(start.needs_pin());
        event(&mut card);
        if read_between {
            // Another read on this connection sees the reset first; it still counts.
            read_status(&mut card, &[PinKind::Auth]).unwrap();
        }
        card.clear_log();
        let pin = Pin::new(PinKind::Auth, "0000").unwrap();
        let result = check_pin(&mut card, start, &pin, &Challenge::random().unwrap());
        assert!(
            matches!(result, Err(JpkiError::CardChanged)),
            "{what}: {result:?}"
        );
        assert!(card.commands().is_empty(), "{what}: {:?}", log_lines(&card));
        assert_eq!(card.state().auth.tries_left, 3);
    }
}

#[test]
fn the_check_sends_no_pin_when_its_steps_before_do_not_allow_it() {
    let mut card = CardModel::demo();
    card.state_mut().auth.tries_left = 1;
    let start = check_start(&mut card, SystemTime::now()).unwrap();
    assert!(!start.needs_pin());
    assert_eq!(start.steps[0].reason, "last-try");
    card.clear_log();
    let pin = Pin::new(PinKind::Auth, "1234").unwrap();
    let [pin_step, _] = check_pin(&mut card, start, &pin, &Challenge::random().unwrap()).unwrap();
    assert_eq!(pin_step.verdict, Verdict::NotChecked);
    assert_eq!(pin_step.reason, "earlier-step-failed");
    assert!(card.log().is_empty(), "{:?}", log_lines(&card));
}

// ---- Issue 25 item 9: the card-info PIN only after the card is identified by JPKI ----

#[test]
fn a_card_without_jpki_gets_no_card_info_pin() {
    let mut card = CardModel::demo();
    card.faults_mut()
        .status_overrides
        .push(StatusOverride::prefix(
            &hex::decode(SELECT_JPKI).unwrap(),
            0x6A82,
        ));
    let result = read_counter(&mut card, PinKind::CardInfo);
    assert!(
        matches!(result, Err(JpkiError::NotMyNumberCard)),
        "{result:?}"
    );
    assert_eq!(
        log_lines(&card),
        ["[", &format!("{SELECT_JPKI} -> 6A82"), "] Leave"]
    );
    // Even with a counter shown before the card went wrong, the guarded VERIFY and the change
    // stop at the SELECT of JPKI.
    let mut card = CardModel::demo();
    let shown = read_counter(&mut card, PinKind::CardInfo).unwrap();
    card.clear_log();
    card.faults_mut()
        .status_overrides
        .push(StatusOverride::prefix(
            &hex::decode(SELECT_JPKI).unwrap(),
            0x6A82,
        ));
    let result = guarded_change(&mut card, shown, &change(PinKind::CardInfo, "5678", "8765"));
    assert!(
        matches!(result, Err(JpkiError::NotMyNumberCard)),
        "{result:?}"
    );
    assert_eq!(
        log_lines(&card),
        ["[", &format!("{SELECT_JPKI} -> 6A82"), "] Unpower"]
    );
    assert_eq!(card.state().card_info.value, "5678");
}
