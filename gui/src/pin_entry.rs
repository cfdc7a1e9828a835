//! The steps every PIN screen goes through: the counter is read and shown first; at one try
//! left, blocked or unknown no field is offered and the reason is shown; otherwise the field is
//! open until the PIN is sent, and closed (its buffer zeroized) while the card works.

use mynapin::card::{Counter, Pin, PinKind};
use mynapin::i18n::{Lang, Localized};
use mynapin::jpki::FormatProblem;

use crate::secret::SecretBuffer;
use crate::worker::{Outcome, Said};

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// The counter is being read (the card is in a transaction: no field).
    Reading,
    /// The counter refuses any PIN: why.
    Refused(Counter),
    /// The field is open; the worker holds the counter shown.
    Entry(Counter),
    /// The PIN was sent; the guard and the card are at work (no field).
    Sending,
    /// How it ended.
    Done(Outcome),
    /// The counter could not be read, or the card changed before the PIN was sent.
    Failed(Said),
}

impl Phase {
    /// The phase after the worker read the counter.
    pub fn after_counter(counter: Result<Counter, Said>) -> Phase {
        match counter {
            Ok(counter) if counter.refusal().is_some() => Phase::Refused(counter),
            Ok(counter) => Phase::Entry(counter),
            Err(said) => Phase::Failed(said),
        }
    }

    pub fn counter(&self) -> Option<Counter> {
        match self {
            Phase::Refused(counter) | Phase::Entry(counter) => Some(*counter),
            _ => None,
        }
    }
}

/// What the format check says of the PIN as typed: nothing until it is long enough to judge,
/// except a full-width character or a space, which is said at once.
pub fn live_problem(kind: PinKind, pin: &SecretBuffer, lang: Lang) -> Option<String> {
    match Pin::new(kind, pin.as_str()) {
        Ok(_) => None,
        Err(error) => match error.problem {
            FormatProblem::Empty | FormatProblem::TooShort => None,
            _ => Some(error.localized(lang)),
        },
    }
}
