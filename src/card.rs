//! The front door for programs that embed mynapin: open a card, read its counters, and verify a
//! PIN under the guard. Everything a program needs for these three jobs is here; the modules
//! behind it ([`crate::jpki`], [`crate::reader`], [`crate::card_model`]) are for finer control.
//!
//! The guard holds whatever the program does: a PIN is sent only when, in the same transaction,
//! the card reports two or more tries left, and only to the card whose counter the program
//! showed (a reset, removal or reconnect in between refuses with
//! [`JpkiError::CardChanged`]).
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
//! assert_eq!(shown.counter, Counter::TriesLeft(3));
//!
//! // 3. ... then verify it under the guard. A malformed PIN never reaches the card.
//! let pin = Pin::new(PinKind::Auth, "1234")?;
//! assert!(matches!(card.verify(&shown, &pin)?, VerifyOutcome::Verified));
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
//!     card.verify(&shown, &pin)?,
//!     VerifyOutcome::Refused(Refusal::LastTry)
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use apdu::Connection;

use crate::card_model::{CardModel, CardState};
use crate::jpki::{guarded_verify_after, read_counter, read_status};
pub use crate::jpki::{
    Counter, JpkiError, Pin, PinFormatError, PinKind, Refusal, ShownCounter, StatusWithExpiry,
    UnknownOutcome, VerifyOutcome,
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
    /// to [`MyNumberCard::verify`].
    pub fn counter(&mut self, kind: PinKind) -> Result<ShownCounter, JpkiError> {
        read_counter(&mut self.connection, kind)
    }

    /// The guarded VERIFY of `pin`, after `shown` (its counter, from [`MyNumberCard::counter`])
    /// was shown: in one transaction the counter is read again and the PIN is sent only at two or
    /// more tries left, once, never resent; the card is unpowered afterwards so no verified state
    /// outlives the call. If the card was reset, removed or reconnected since `shown` was read:
    /// [`JpkiError::CardChanged`], nothing sent.
    pub fn verify(&mut self, shown: &ShownCounter, pin: &Pin) -> Result<VerifyOutcome, JpkiError> {
        guarded_verify_after(&mut self.connection, shown, pin)
    }

    /// The connection, e.g. to close a PC/SC one with a chosen disposition.
    pub fn into_connection(self) -> C {
        self.connection
    }
}
