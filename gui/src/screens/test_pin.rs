//! Test a PIN: its counter first, then (at two or more tries left) a masked field, then the
//! guarded VERIFY and its outcome in the CLI's words.

use eframe::egui::Ui;
use mynapin::card::{Pin, PinFormatError, PinKind};
use mynapin::i18n::{Lang, Localized};

use super::Action;
use crate::labels;
use crate::pin_entry::{self, live_problem, Changed, Phase, Shown};
use crate::secret::SecretBuffer;
use crate::widgets::{self, Tone};
use crate::worker::{Request, Update};

pub struct TestPin {
    kind: PinKind,
    phase: Phase,
    pin: SecretBuffer,
    /// What is wrong with the PIN as typed (nothing is sent while there is something).
    /// Why the last Enter sent nothing (until the PIN is edited).
    refused: Option<PinFormatError>,
    focus: bool,
}

impl TestPin {
    /// The screen, and the request that reads the counter first.
    pub fn open(kind: PinKind) -> (TestPin, Request) {
        (
            TestPin {
                kind,
                phase: Phase::Reading,
                pin: SecretBuffer::default(),
                refused: None,
                focus: true,
            },
            Request::ShowCounter(kind),
        )
    }

    pub fn update(&mut self, update: &Update) {
        match self.phase.update(self.kind, update) {
            Changed::Counter => self.focus = true,
            Changed::CardDuringEntry => self.pin.clear(),
            Changed::Other => {}
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, lang: Lang) -> Option<Action> {
        let heading = labels::test_pin(self.kind, lang);
        let mut action = None;
        match self.phase.show(ui, &heading, self.kind, lang) {
            Shown::Action(asked) => action = asked,
            Shown::TryAgain => {
                let (screen, request) = TestPin::open(self.kind);
                *self = screen;
                action = Some(Action::Send(request));
            }
            Shown::Entry => {
                let events = widgets::pin_field(
                    ui,
                    "pin",
                    &mut self.pin,
                    &labels::pin_field(self.kind, lang),
                    std::mem::take(&mut self.focus),
                    lang,
                );
                if events.edited {
                    self.refused = None;
                }
                let problem = match &self.refused {
                    Some(error) => Some(error.localized(lang)),
                    None => live_problem(self.kind, &self.pin, lang),
                };
                if let Some(problem) = &problem {
                    widgets::message(ui, Tone::Caution, problem);
                }
                ui.add_space(6.0);
                let clicked = widgets::button(ui, labels::send(lang)).clicked();
                if events.submitted || clicked {
                    match Pin::new(self.kind, self.pin.as_str()) {
                        Ok(pin) => {
                            self.pin.clear();
                            self.phase = Phase::Sending;
                            action = Some(Action::Send(Request::Verify(pin)));
                        }
                        Err(error) => self.refused = Some(error),
                    }
                }
            }
        }
        pin_entry::back(ui, lang, action)
    }
}
