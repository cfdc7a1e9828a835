//! Test a PIN: its counter first, then (at two or more tries left) a masked field, then the
//! guarded VERIFY and its outcome in the CLI's words.

use eframe::egui::{RichText, Ui};
use mynapin::card::{Pin, PinFormatError, PinKind};
use mynapin::i18n::{Lang, Localized};

use super::Action;
use crate::labels;
use crate::pin_entry::{live_problem, Phase};
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
        match update {
            Update::Counter { kind, counter } if *kind == self.kind => {
                self.phase = Phase::after_counter(counter.clone());
                self.focus = true;
            }
            Update::CardChanged(said) if matches!(self.phase, Phase::Entry(_)) => {
                self.pin.clear();
                self.phase = Phase::Failed(said.clone());
            }
            Update::Outcome(outcome) if self.phase == Phase::Sending => {
                self.phase = Phase::Done(outcome.clone());
            }
            _ => {}
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, lang: Lang) -> Option<Action> {
        let mut action = None;
        ui.heading(RichText::new(labels::test_pin(self.kind, lang)).size(24.0));
        ui.add_space(8.0);
        if let Some(counter) = self.phase.counter() {
            widgets::counter(ui, self.kind, counter, lang);
            ui.add_space(8.0);
        }
        match &self.phase {
            Phase::Reading | Phase::Sending => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(RichText::new(labels::reading(lang)).size(16.0));
                });
            }
            Phase::Refused(counter) => {
                if let Some(refusal) = counter.refusal() {
                    ui.label(RichText::new(labels::not_offered(lang)).size(16.0).strong());
                    widgets::message(
                        ui,
                        Tone::Bad,
                        &mynapin::text::refusal(refusal, self.kind, lang),
                    );
                }
            }
            Phase::Entry(_) => {
                widgets::message(ui, Tone::Info, labels::before_pin(lang));
                ui.add_space(6.0);
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
            Phase::Done(outcome) => {
                let tone = if outcome.good { Tone::Good } else { Tone::Bad };
                widgets::message(ui, tone, outcome.said.get(lang));
                action = super::follow_up(ui, outcome.follow_up, lang);
            }
            Phase::Failed(said) => {
                widgets::message(ui, Tone::Bad, said.get(lang));
                if widgets::button(ui, labels::try_again(lang)).clicked() {
                    let (screen, request) = TestPin::open(self.kind);
                    *self = screen;
                    action = Some(Action::Send(request));
                }
            }
        }
        ui.add_space(12.0);
        if widgets::button(ui, labels::back(lang)).clicked() {
            action = Some(Action::Home);
        }
        action
    }
}
