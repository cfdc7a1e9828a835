//! The front door for programs that embed mynapin: open a card, read its counters, verify a PIN,
//! change a PIN and run the clinic check under the guard. Everything a program needs for these
//! jobs is here; the modules behind it ([`crate::jpki`], [`crate::reader`], [`crate::card_model`])
//! are for finer control.
//!
//! The guard holds whatever the program does: a PIN is sent only when, in the same transaction,
//! the card reports two or more tries left, and only after the program read (to show the person)
//! that PIN's counter on this connection, with the card not reset, removed or reconnected since.
//! The counter read is a [`ShownCounter`]: only [`MyNumberCard::counter`] makes one, and each
//! guarded operation takes it by value, so one shown counter allows one attempt.
//!
//! ```
//! use mynapin::card::{Counter, MyNumberCard, Pin, PinKind, VerifyOutcome};
//! use mynapin::card_model::CardState;
//!
//! // The card model; `MyNumberCard::open(None)` opens the one reader with a card instead.
//! let mut card = MyNumberCard::model(CardState::demo());
//!
//! // 1. The counters (no try is spent) and the auth certificate's validity.
//! let status = card.status()?;
//! assert_eq!(status.status.pins.len(), 3);
//! assert!(status.auth_certificate.is_ok());
//!
//! // 2. Show one PIN's counter before asking for the PIN (never ask inside a transaction) ...
//! let shown = card.counter(PinKind::Auth)?;
//! assert_eq!(shown.counter(), Counter::TriesLeft(3));
//!
//! // 3. ... then verify it under the guard. A malformed PIN never reaches the card.
//! let pin = Pin::new(PinKind::Auth, "1234")?;
//! assert!(matches!(card.verify(shown, &pin)?, VerifyOutcome::Verified));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! At one try left the PIN is not sent:
//! ```
//! use mynapin::card::{MyNumberCard, Pin, PinKind, Refusal, VerifyOutcome};
//! use mynapin::card_model::CardState;
//!
//! let mut state = CardState::demo();
//! state.auth.tries_left = 1;
//! let mut card = MyNumberCard::model(state);
//! let shown = card.counter(PinKind::Auth)?;
//! let pin = Pin::new(PinKind::Auth, "0000")?;
//! assert!(matches!(
//!     card.verify(shown, &pin)?,
//!     VerifyOutcome::Refused(Refusal::LastTry)
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Misuse the guard refuses
//!
//! One shown counter serves one attempt: using it twice does not compile.
//! ```compile_fail,E0382
//! # use mynapin::card::{MyNumberCard, Pin, PinKind};
//! # use mynapin::card_model::CardState;
//! # let mut card = MyNumberCard::model(CardState::demo());
//! # let pin = Pin::new(PinKind::Auth, "0000").unwrap();
//! let shown = card.counter(PinKind::Auth)?;
//! card.verify(shown, &pin)?;
//! card.verify(shown, &pin)?; // error: use of moved value `shown`
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A shown counter cannot be copied ...
//! ```compile_fail,E0599
//! # use mynapin::card::{MyNumberCard, PinKind};
//! # use mynapin::card_model::CardState;
//! # let mut card = MyNumberCard::model(CardState::demo());
//! let shown = card.counter(PinKind::Auth)?;
//! let copy = shown.clone(); // error: no method `clone`
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ... nor made up: its fields are private.
//! ```compile_fail,E0451
//! use mynapin::card::{Counter, PinKind, ShownCounter};
//! let forged = ShownCounter { kind: PinKind::Auth, counter: Counter::TriesLeft(3) };
//! ```
//!
//! A counter read on another connection (another card, or the same card opened twice), or
//! before the card was reset, removed or reconnected, is refused with
//! [`JpkiError::CardChanged`], and one of another PIN with [`JpkiError::CounterOfAnotherPin`];
//! nothing is sent:
//! ```
//! use mynapin::card::{JpkiError, MyNumberCard, Pin, PinKind};
//! use mynapin::card_model::CardState;
//!
//! let mut card_a = MyNumberCard::model(CardState::demo());
//! let mut card_b = MyNumberCard::model(CardState::demo());
//! let pin = Pin::new(PinKind::Auth, "1234")?;
//!
//! let shown_on_a = card_a.counter(PinKind::Auth)?;
//! assert!(matches!(card_b.verify(shown_on_a, &pin), Err(JpkiError::CardChanged)));
//!
//! let sign_counter = card_b.counter(PinKind::Sign)?;
//! assert!(matches!(
//!     card_b.verify(sign_counter, &pin),
//!     Err(JpkiError::CounterOfAnotherPin { .. })
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A PIN change and the clinic check go through the same guard:
//! ```
//! use mynapin::card::{Challenge, ChangeOutcome, MyNumberCard, Pin, PinChange, PinKind, Verdict};
//! use mynapin::card_model::CardState;
//!
//! let mut card = MyNumberCard::model(CardState::demo());
//! let shown = card.counter(PinKind::Auth)?;
//! let change = PinChange::new(Pin::new(PinKind::Auth, "1234")?, Pin::new(PinKind::Auth, "4321")?)?;
//! assert!(matches!(card.change_pin(shown, &change)?, ChangeOutcome::Changed));
//!
//! // The check: steps 2 to 4 with no PIN, then (only if it needs one) the PIN step.
//! let start = card.check_start()?;
//! assert!(start.card_passed() && start.needs_pin());
//! let [pin_step, _revocation] =
//!     card.check_pin(start, &Pin::new(PinKind::Auth, "4321")?, &Challenge::random()?)?;
//! assert_eq!(pin_step.verdict, Verdict::Passed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use apdu::Connection;

use crate::card_model::{CardModel, CardState};
use crate::jpki::{guarded_change, guarded_verify, read_counter, read_status};
pub use crate::jpki::{
    pin_from_line, read_pin_line, unbuffered_stdin, Challenge, ChangeOutcome, CheckStart,
    CheckStep, Counter, JpkiError, Pin, PinChange, PinChangeError, PinFormatError, PinKind,
    Refusal, ShownCounter, StatusWithExpiry, StepResult, UnknownOutcome, Verdict, VerifyOutcome,
};
use crate::reader::{PcscConnection, ReaderError};

/// A My Number card behind a reader ([`PcscConnection`]) or the card model ([`CardModel`]).
pub struct MyNumberCard<C: Connection> {
    connection: C,
}

impl MyNumberCard<PcscConnection> {
    /// Connects to a card through PC/SC. `reader` is an exact reader name, a case-insensitive
    /// part of one, or an index in the order [`crate::reader::list_readers`] gives; `None` picks
    /// the one reader that holds a card. Nothing is sent to the card yet.
    pub fn open(reader: Option<&str>) -> Result<Self, ReaderError> {
        Ok(Self::from_connection(PcscConnection::open(reader)?))
    }
}

impl MyNumberCard<CardModel> {
    /// The card model with `state` (counters, PIN values, certificates), for tests and demos.
    pub fn model(state: CardState) -> Self {
        Self::from_connection(CardModel::new(state))
    }
}

impl<C: Connection> MyNumberCard<C> {
    /// Wraps any connection (another transport of your own, for instance).
    pub fn from_connection(connection: C) -> Self {
        MyNumberCard { connection }
    }

    /// The card's type, every PIN's counter and the user-authentication certificate's validity,
    /// in one read-only transaction. Spends no try.
    pub fn status(&mut self) -> Result<StatusWithExpiry, JpkiError> {
        read_status(&mut self.connection, &PinKind::ALL)
    }

    /// One PIN's counter, to show the person before asking for the PIN. Spends no try. Pass it
    /// to [`MyNumberCard::verify`] or [`MyNumberCard::change_pin`] of this card: it is bound to
    /// this connection and to the card's current power-up, and serves one attempt.
    pub fn counter(&mut self, kind: PinKind) -> Result<ShownCounter, JpkiError> {
        read_counter(&mut self.connection, kind)
    }

    /// The guarded VERIFY of `pin`, after `shown` (its counter, from [`MyNumberCard::counter`]
    /// on this card) was shown: in one transaction the counter is read again and the PIN is sent
    /// only at two or more tries left, once, never resent; the card is unpowered afterwards so no
    /// verified state outlives the call. Nothing is sent, with [`JpkiError::CardChanged`], if the
    /// card was reset, removed or reconnected since `shown` was read or `shown` came from another
    /// connection; with [`JpkiError::CounterOfAnotherPin`] if it is another PIN's counter.
    pub fn verify(&mut self, shown: ShownCounter, pin: &Pin) -> Result<VerifyOutcome, JpkiError> {
        guarded_verify(&mut self.connection, shown, pin)
    }

    /// The guarded PIN change, after `shown` (the counter of the PIN to change, from
    /// [`MyNumberCard::counter`] on this card) was shown, with the same refusals as
    /// [`MyNumberCard::verify`]: in one transaction the counter is read again, the current PIN
    /// is verified only at two or more tries left, and CHANGE REFERENCE DATA goes only right
    /// after its `9000`, once, never resent ([`ChangeOutcome::Unknown`]: the PIN is the old or
    /// the new one).
    pub fn change_pin(
        &mut self,
        shown: ShownCounter,
        change: &PinChange,
    ) -> Result<ChangeOutcome, JpkiError> {
        guarded_change(&mut self.connection, shown, change)
    }

    /// The clinic check up to its PIN step, in one read-only transaction: the card, the auth
    /// PIN's counter, the auth certificate's validity and issuer. Show its steps, ask for the
    /// auth PIN only if [`CheckStart::needs_pin`], then [`MyNumberCard::check_pin`].
    pub fn check_start(&mut self) -> Result<CheckStart, JpkiError> {
        self.check_start_at(std::time::SystemTime::now())
    }

    /// [`MyNumberCard::check_start`], judging the certificates' validity at `now` (a program
    /// with its own clock).
    pub fn check_start_at(&mut self, now: std::time::SystemTime) -> Result<CheckStart, JpkiError> {
        crate::jpki::check_start(&mut self.connection, now)
    }

    /// The check's PIN step after `start` (from [`MyNumberCard::check_start`] on this card) was
    /// shown: the guarded VERIFY of the auth PIN and a signature of `challenge` by the card's
    /// key, under the same refusals as [`MyNumberCard::verify`]; then the revocation step (never
    /// checkable). When `start` needs no PIN, nothing is sent.
    pub fn check_pin(
        &mut self,
        start: CheckStart,
        pin: &Pin,
        challenge: &Challenge,
    ) -> Result<[StepResult; 2], JpkiError> {
        crate::jpki::check_pin(&mut self.connection, start, pin, challenge)
    }

    /// The connection, e.g. to close a PC/SC one with a chosen disposition.
    pub fn into_connection(self) -> C {
        self.connection
    }
}
