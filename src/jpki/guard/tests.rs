//! Ending the guarded transaction fails (the card model never does): the last secret's answer
//! stands, without one the outcome is unknown, and with nothing sent it is an error.

use apdu::{Connection, Disposition, StatusWord, TransactionStart, Transport, TransportError};

use crate::card_model::{CardModel, Removal, StatusOverride};
use crate::jpki::{
    guarded_change, guarded_sign, guarded_verify, read_counter, Challenge, ChangeOutcome,
    JpkiError, Pin, PinChange, PinKind, Refusal, ShownCounter, SignOutcome, UnknownOutcome,
    VerifyOutcome,
};

/// The card model, but every transaction fails to end after its work ran.
struct EndFails(CardModel);

impl Connection for EndFails {
    fn transaction<R>(
        &mut self,
        end: Disposition,
        work: impl FnOnce(&mut dyn Transport, TransactionStart) -> R,
    ) -> Result<R, TransportError> {
        self.0.transaction(end, work)?;
        Err(TransportError::ServiceStopped)
    }
}

fn auth(pin: &str) -> Pin {
    Pin::new(PinKind::Auth, pin).unwrap()
}

/// The auth PIN's counter, read on the card behind `conn` (the same connection).
fn show(conn: &mut EndFails) -> ShownCounter {
    read_counter(&mut conn.0, PinKind::Auth).unwrap()
}

/// The demo card with its auth counter shown, then removed after the `n`th command of the
/// guarded transaction ran (before it answered); ending fails.
fn removed_after(n: usize) -> (EndFails, ShownCounter) {
    let mut conn = EndFails(CardModel::demo());
    let shown = show(&mut conn);
    conn.0.clear_log();
    conn.0.faults_mut().remove = Some(Removal::AfterCommand(n));
    (conn, shown)
}

fn change_auth(current: &str, new: &str) -> PinChange {
    PinChange::new(auth(current), auth(new)).unwrap()
}

/// CHANGE REFERENCE DATA commands the card received.
fn changes_sent(card: &CardModel) -> usize {
    card.commands()
        .iter()
        .filter(|command| command[1] == 0x24)
        .count()
}

/// VERIFYs with data the card received.
fn verifies_sent(card: &CardModel) -> usize {
    card.commands()
        .iter()
        .filter(|command| command[1] == 0x20 && command.len() > 4)
        .count()
}

fn is_transport_unknown(cause: &UnknownOutcome) -> bool {
    matches!(
        cause,
        UnknownOutcome::Transport(TransportError::ServiceStopped)
    )
}

#[test]
fn the_verify_answer_stands_when_the_end_fails() {
    let mut conn = EndFails(CardModel::demo());
    let shown = show(&mut conn);
    let wrong = guarded_verify(&mut conn, shown, &auth("0000")).unwrap();
    assert!(
        matches!(wrong, VerifyOutcome::WrongPin { tries_left: 2 }),
        "{wrong:?}"
    );
    let shown = show(&mut conn);
    let right = guarded_verify(&mut conn, shown, &auth("1234")).unwrap();
    assert!(matches!(right, VerifyOutcome::Verified), "{right:?}");
    assert_eq!(verifies_sent(&conn.0), 2);
}

#[test]
fn a_verify_without_an_answer_is_unknown_when_the_end_fails() {
    // SELECT JPKI, SELECT EF, counter, VERIFY (4th): removed after the card ran it.
    let (mut conn, shown) = removed_after(4);
    let outcome = guarded_verify(&mut conn, shown, &auth("0000")).unwrap();
    let VerifyOutcome::Unknown(cause) = &outcome else {
        panic!("{outcome:?}")
    };
    assert!(is_transport_unknown(cause), "{cause:?}");
    assert_eq!(verifies_sent(&conn.0), 1);
}

#[test]
fn nothing_sent_and_the_end_fails_is_the_transport_error() {
    let mut card = CardModel::demo();
    card.state_mut().auth.tries_left = 1;
    let mut conn = EndFails(card);
    let shown = show(&mut conn);
    let result = guarded_verify(&mut conn, shown, &auth("1234"));
    assert!(
        matches!(
            result,
            Err(JpkiError::Transport(TransportError::ServiceStopped))
        ),
        "{result:?}"
    );
    assert_eq!(verifies_sent(&conn.0), 0);
    // The refusal itself is what the same card reports when the end succeeds.
    let shown = read_counter(&mut conn.0, PinKind::Auth).unwrap();
    let outcome = guarded_verify(&mut conn.0, shown, &auth("1234")).unwrap();
    assert!(
        matches!(outcome, VerifyOutcome::Refused(Refusal::LastTry)),
        "{outcome:?}"
    );
}

#[test]
fn a_shown_counter_and_nothing_sent_before_a_failed_end_is_the_transport_error() {
    let mut card = CardModel::demo();
    let shown = read_counter(&mut card, PinKind::Auth).unwrap();
    card.state_mut().auth.tries_left = 1;
    let mut conn = EndFails(card);
    let result = guarded_verify(&mut conn, shown, &auth("1234"));
    assert!(
        matches!(
            result,
            Err(JpkiError::Transport(TransportError::ServiceStopped))
        ),
        "{result:?}"
    );
}

#[test]
fn the_change_answer_stands_when_the_end_fails() {
    let mut conn = EndFails(CardModel::demo());
    let shown = show(&mut conn);
    let outcome = guarded_change(&mut conn, shown, &change_auth("1234", "4321")).unwrap();
    assert!(matches!(outcome, ChangeOutcome::Changed), "{outcome:?}");
    assert_eq!(conn.0.state().auth.value, "4321");
    let shown = show(&mut conn);
    let outcome = guarded_change(&mut conn, shown, &change_auth("0000", "1111")).unwrap();
    assert!(
        matches!(outcome, ChangeOutcome::WrongCurrent { tries_left: 2 }),
        "{outcome:?}"
    );
}

#[test]
fn a_change_without_an_answer_is_unknown_when_the_end_fails() {
    // SELECT JPKI, SELECT EF, counter, VERIFY, CHANGE (5th): removed after the card ran it.
    let (mut conn, shown) = removed_after(5);
    let outcome = guarded_change(&mut conn, shown, &change_auth("1234", "4321")).unwrap();
    assert!(matches!(outcome, ChangeOutcome::Unknown(_)), "{outcome:?}");
    assert_eq!(changes_sent(&conn.0), 1, "never resent");
}

#[test]
fn a_change_whose_verify_had_no_answer_is_unknown_verify_when_the_end_fails() {
    let (mut conn, shown) = removed_after(4);
    let outcome = guarded_change(&mut conn, shown, &change_auth("1234", "4321")).unwrap();
    let ChangeOutcome::UnknownVerify(cause) = &outcome else {
        panic!("{outcome:?}")
    };
    assert!(is_transport_unknown(cause), "{cause:?}");
    assert_eq!(changes_sent(&conn.0), 0);
}

#[test]
fn a_signature_is_lost_but_the_verify_stands_when_the_end_fails() {
    let challenge = Challenge::random().unwrap();
    let mut conn = EndFails(CardModel::demo());
    let shown = show(&mut conn);
    let outcome = guarded_sign(&mut conn, shown, &auth("1234"), &challenge).unwrap();
    let SignOutcome::SignatureLost(cause) = &outcome else {
        panic!("{outcome:?}")
    };
    assert!(is_transport_unknown(cause), "{cause:?}");
    let shown = show(&mut conn);
    let outcome = guarded_sign(&mut conn, shown, &auth("0000"), &challenge).unwrap();
    assert!(
        matches!(
            outcome,
            SignOutcome::NotVerified(VerifyOutcome::WrongPin { tries_left: 2 })
        ),
        "{outcome:?}"
    );
    assert_eq!(verifies_sent(&conn.0), 2);
}

#[test]
fn a_blocked_answer_stands_when_the_end_fails() {
    let mut card = CardModel::demo();
    // The VERIFY with data (Lc 04) answers 6983, not the empty one.
    card.faults_mut()
        .status_overrides
        .push(StatusOverride::prefix(
            &[0x00, 0x20, 0x00, 0x80, 0x04],
            0x6983,
        ));
    let mut conn = EndFails(card);
    let shown = show(&mut conn);
    let outcome = guarded_verify(&mut conn, shown, &auth("1234")).unwrap();
    assert!(
        matches!(outcome, VerifyOutcome::Blocked { sw } if sw == StatusWord(0x6983)),
        "{outcome:?}"
    );
}
