//! Every sentence mynapin says about PINs, counters, outcomes, the card and the reader, in
//! English and Japanese: one source for every front end (the `mynapin` command line, the
//! `mynapin-gui` window, a program that embeds the library).
//!
//! The texts say what happened and what to do in words that assume no front end: they name no
//! command, no option and no button. Where the next step is something the front end offers (read
//! the counters again, test a PIN), a [`Message`] carries it as a [`FollowUp`] and the front end
//! says it in its own words (the command line: "Run `mynapin status`."; the window: its button).
//!
//! Each text is an exhaustive `match` over (variant, language): a new outcome or a new language
//! does not build until it has its words. Errors explain themselves through
//! [`Localized`](crate::i18n::Localized): the reader's, the transport's and the card's are
//! written here; those of narrower scope (a PIN's format, certificate data, files, the demo
//! card's state) next to their types. `docs/messages.md` shows every text side by side, made
//! from this module and those errors.

mod card;
#[cfg(test)]
pub(crate) mod catalog;
mod check;
mod date;
mod outcome;
mod pcsc;
mod pin;
mod reader;

pub use check::{check_step, check_step_title, check_summary, verdict_label};
pub use date::{date, date_time};
pub use outcome::{change_outcome, verify_outcome};
pub use pin::{
    card_type, counter, counter_advice, counter_line, last_try_advice, next_steps, pin_noun,
    refusal, unknown_cause,
};
pub use reader::{no_reader, no_service};
#[cfg(test)]
pub(crate) use reader::{no_reader_on, no_service_on};

use crate::jpki::PinKind;

/// A message for a person, and the step the front end adds in its own words, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// What happened and what to do, in one language, naming no command or button.
    pub text: String,
    /// What the front end should offer or say next.
    pub follow_up: Option<FollowUp>,
}

impl Message {
    fn new(text: impl Into<String>) -> Self {
        Message {
            text: text.into(),
            follow_up: None,
        }
    }

    fn then(text: impl Into<String>, follow_up: FollowUp) -> Self {
        Message {
            text: text.into(),
            follow_up: Some(follow_up),
        }
    }
}

/// A next step that only the front end can name (a command, a button).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FollowUp {
    /// Read the counters again before anything else: whether a try was spent is not known.
    ReadCounters,
    /// Test this PIN (guarded) before trying again: the card said the old one still holds.
    TestPin(PinKind),
    /// Test the NEW PIN first (guarded; it stops at one try left): after a change whose answer
    /// was lost, the PIN is the old one or the new one, and a wrong answer means the old one.
    TestNewPin(PinKind),
    /// Look at the CA certificate on the card in detail.
    ShowCaCertificate,
}
