//! The steps every PIN screen goes through: the counter is read and shown first; at one try
//! left, blocked or unknown no field is offered and the reason is shown; otherwise the field is
//! open until the PIN is sent, and closed (its buffer zeroized) while the card works.

use eframe::egui::{RichText, Ui};
use mynapin::card::{Counter, Pin, PinKind};
use mynapin::i18n::{Lang, Localized};
use mynapin::jpki::FormatProblem;

use crate::labels;
use crate::screens::{follow_up, Action};
use crate::secret::SecretBuffer;
use crate::widgets::{self, Tone};
use crate::worker::{Outcome, Said, Update};

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

    /// Follows the worker's `update` for the PIN `kind`. `Changed::CardDuringEntry` means the
    /// screen must zeroize its fields: the card changed while they were open.
    pub fn update(&mut self, kind: PinKind, update: &Update) -> Changed {
        match update {
            Update::Counter {
                kind: read,
                counter,
            } if *read == kind => {
                *self = Phase::after_counter(counter.clone());
                Changed::Counter
            }
            Update::CardChanged(said) if matches!(self, Phase::Entry(_)) => {
                *self = Phase::Failed(said.clone());
                Changed::CardDuringEntry
            }
            Update::Outcome(outcome) if *self == Phase::Sending => {
                *self = Phase::Done(outcome.clone());
                Changed::Other
            }
            _ => Changed::Other,
        }
    }

    /// Draws `heading`, the counter and every phase but the open field, which the screen draws
    /// itself when this returns [`Shown::Entry`].
    pub fn show(&self, ui: &mut Ui, heading: &str, kind: PinKind, lang: Lang) -> Shown {
        ui.heading(RichText::new(heading).size(24.0));
        ui.add_space(8.0);
        if let Some(counter) = self.counter() {
            widgets::counter(ui, kind, counter, lang);
            ui.add_space(8.0);
        }
        match self {
            Phase::Reading | Phase::Sending => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(RichText::new(labels::reading(lang)).size(16.0));
                });
            }
            Phase::Refused(counter) => {
                if let Some(refusal) = counter.refusal() {
                    ui.label(RichText::new(labels::not_offered(lang)).size(16.0).strong());
                    widgets::message(ui, Tone::Bad, &mynapin::text::refusal(refusal, kind, lang));
                }
            }
            Phase::Entry(_) => {
                widgets::message(ui, Tone::Info, labels::before_pin(lang));
                ui.add_space(6.0);
                return Shown::Entry;
            }
            Phase::Done(outcome) => {
                let tone = if outcome.good { Tone::Good } else { Tone::Bad };
                widgets::message(ui, tone, outcome.said.get(lang));
                return Shown::Action(follow_up(ui, outcome.follow_up, lang));
            }
            Phase::Failed(said) => {
                widgets::message(ui, Tone::Bad, said.get(lang));
                if widgets::button(ui, labels::try_again(lang)).clicked() {
                    return Shown::TryAgain;
                }
            }
        }
        Shown::Action(None)
    }
}

/// What [`Phase::update`] changed.
#[derive(Debug, PartialEq, Eq)]
pub enum Changed {
    /// A new counter was read: focus the field if it is open.
    Counter,
    /// The card changed while the field was open: zeroize it.
    CardDuringEntry,
    /// Anything else.
    Other,
}

/// What [`Phase::show`] leaves to the screen.
pub enum Shown {
    /// The field is open: draw it.
    Entry,
    /// "Try again" was clicked: open the screen anew.
    TryAgain,
    /// What the phase asks, if anything.
    Action(Option<Action>),
}

/// The Back button every PIN screen ends with; it wins over anything else asked this frame.
pub fn back(ui: &mut Ui, lang: Lang, action: Option<Action>) -> Option<Action> {
    ui.add_space(12.0);
    if widgets::button(ui, labels::back(lang)).clicked() {
        return Some(Action::Home);
    }
    action
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
