//! Change a PIN: its counter first; then the current one, the new one and the new one again,
//! each format-checked before anything is sent; then the guarded change (counter, VERIFY of the
//! current one, and only on success the CHANGE, all in one transaction).

use eframe::egui::Ui;
use mynapin::card::{Pin, PinFormatError, PinKind};
use mynapin::i18n::{Lang, Localized};

use super::Action;
use crate::labels;
use crate::pin_entry::{self, live_problem, Changed, Phase, Shown};
use crate::secret::SecretBuffer;
use crate::widgets::{self, Tone};
use crate::worker::{Request, Update};

/// Why nothing was sent.
enum Refused {
    Format(PinFormatError),
    NewDiffers,
}

pub struct ChangePin {
    kind: PinKind,
    phase: Phase,
    current: SecretBuffer,
    new: SecretBuffer,
    again: SecretBuffer,
    /// Why the last Enter sent nothing (until an entry is edited).
    refused: Option<Refused>,
    focus: bool,
}

impl ChangePin {
    pub fn open(kind: PinKind) -> (ChangePin, Request) {
        (
            ChangePin {
                kind,
                phase: Phase::Reading,
                current: SecretBuffer::default(),
                new: SecretBuffer::default(),
                again: SecretBuffer::default(),
                refused: None,
                focus: true,
            },
            Request::ShowCounter(kind),
        )
    }

    fn clear(&mut self) {
        self.current.clear();
        self.new.clear();
        self.again.clear();
    }

    pub fn update(&mut self, update: &Update) {
        match self.phase.update(self.kind, update) {
            Changed::Counter => self.focus = true,
            Changed::CardDuringEntry => self.clear(),
            Changed::Other => {}
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, lang: Lang) -> Option<Action> {
        let heading = labels::change_pin(self.kind, lang);
        let mut action = None;
        match self.phase.show(ui, &heading, self.kind, lang) {
            Shown::Action(asked) => action = asked,
            Shown::TryAgain => {
                let (screen, request) = ChangePin::open(self.kind);
                *self = screen;
                action = Some(Action::Send(request));
            }
            Shown::Entry => {
                let title = labels::pin_field(self.kind, lang);
                let focus = std::mem::take(&mut self.focus);
                let mut submitted = false;
                let mut edited = false;
                for (salt, buffer, which, focus) in [
                    ("current", &mut self.current, labels::current(lang), focus),
                    ("new", &mut self.new, labels::new(lang), false),
                    ("again", &mut self.again, labels::new_again(lang), false),
                ] {
                    let label = match lang {
                        Lang::Ja => format!("{which}{title}"),
                        _ => format!("{which} {title}"),
                    };
                    let events = widgets::pin_field(ui, salt, buffer, &label, focus, lang);
                    submitted |= events.submitted;
                    edited |= events.edited;
                    if let Some(problem) = live_problem(self.kind, buffer, lang) {
                        widgets::message(ui, Tone::Caution, &problem);
                    }
                    ui.add_space(4.0);
                }
                if edited {
                    self.refused = None;
                }
                match &self.refused {
                    Some(Refused::Format(error)) => {
                        widgets::message(ui, Tone::Caution, &error.localized(lang));
                    }
                    Some(Refused::NewDiffers) => {
                        widgets::message(ui, Tone::Caution, labels::new_differs(lang));
                    }
                    None => {}
                }
                ui.add_space(6.0);
                submitted |= widgets::button(ui, labels::send_change(lang)).clicked();
                if submitted {
                    action = self.submit();
                }
            }
        }
        pin_entry::back(ui, lang, action)
    }

    /// Checks the three entries; only when all hold is anything sent.
    fn submit(&mut self) -> Option<Action> {
        let current = Pin::new(self.kind, self.current.as_str());
        let new = Pin::new(self.kind, self.new.as_str());
        let (current, new) = match (current, new) {
            (Ok(current), Ok(new)) => (current, new),
            (Err(error), _) | (_, Err(error)) => {
                self.refused = Some(Refused::Format(error));
                return None;
            }
        };
        if self.new.as_str() != self.again.as_str() {
            self.refused = Some(Refused::NewDiffers);
            return None;
        }
        self.clear();
        self.refused = None;
        self.phase = Phase::Sending;
        Some(Action::Send(Request::Change { current, new }))
    }
}
