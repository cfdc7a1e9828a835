//! The clinic check: the steps a clinic's reader takes, each passed, failed or not checked with
//! what to do; the PIN step (a guarded signature with the auth PIN) only when the steps before it
//! allow it.

use eframe::egui::{RichText, Ui};
use mynapin::card::{Pin, PinFormatError, PinKind};
use mynapin::i18n::{Lang, Localized};
use mynapin::jpki::{card_step, StepResult, Verdict};
use mynapin::text;

use crate::worker::Said;

use super::Action;
use crate::labels;
use crate::pin_entry::live_problem;
use crate::secret::SecretBuffer;
use crate::widgets::{self, Tone};
use crate::worker::{CheckedCard, Request, Update};

enum Phase {
    Reading,
    /// The steps so far; the field is open when `needs_pin`.
    Steps {
        needs_pin: bool,
    },
    Sending,
}

pub struct Check {
    /// The card of the first step, drawn in the window's language.
    card: Option<CheckedCard>,
    /// The steps after the card's (all of them when the card could not be read).
    steps: Vec<StepResult>,
    phase: Phase,
    pin: SecretBuffer,
    /// Why the last Enter sent nothing (until the PIN is edited).
    refused: Option<PinFormatError>,
    /// The card changed while the PIN was being typed: nothing was sent.
    changed: Option<Said>,
    focus: bool,
}

impl Check {
    pub fn open() -> (Check, Request) {
        (
            Check {
                card: None,
                steps: Vec::new(),
                phase: Phase::Reading,
                pin: SecretBuffer::default(),
                refused: None,
                changed: None,
                focus: true,
            },
            Request::CheckStart,
        )
    }

    pub fn update(&mut self, update: &Update) {
        match update {
            Update::Check {
                card,
                steps,
                needs_pin,
            } => {
                if card.is_some() {
                    self.card = card.clone();
                }
                self.steps.extend(steps.iter().cloned());
                self.phase = Phase::Steps {
                    needs_pin: *needs_pin,
                };
            }
            Update::CardChanged(said) if matches!(self.phase, Phase::Steps { needs_pin: true }) => {
                self.pin.clear();
                self.phase = Phase::Steps { needs_pin: false };
                self.refused = None;
                self.changed = Some(said.clone());
            }
            _ => {}
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, lang: Lang) -> Option<Action> {
        let mut action = None;
        ui.heading(RichText::new(labels::check(lang)).size(24.0));
        ui.add(
            eframe::egui::Label::new(RichText::new(labels::check_intro(lang)).size(15.0)).wrap(),
        );
        ui.add_space(8.0);
        let card = self.card.as_ref().map(|card| {
            let reader = card.reader.as_deref().unwrap_or(labels::demo_card(lang));
            card_step(&card.identity, reader)
        });
        let steps: Vec<&StepResult> = card.iter().chain(&self.steps).collect();
        for step in &steps {
            let tone = match step.verdict {
                Verdict::Passed => Tone::Good,
                Verdict::Failed => Tone::Bad,
                _ => Tone::Caution,
            };
            ui.label(
                RichText::new(format!(
                    "{} — {}",
                    text::check_step_title(step.step, lang),
                    text::verdict_label(step.verdict, lang)
                ))
                .size(17.0)
                .strong(),
            );
            let said = text::check_step(step, lang);
            widgets::message(ui, tone, &said.text);
            if let Some(next) = super::follow_up(ui, said.follow_up, lang) {
                action = Some(next);
            }
            ui.add_space(4.0);
        }
        match self.phase {
            Phase::Reading | Phase::Sending => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(RichText::new(labels::reading(lang)).size(16.0));
                });
            }
            Phase::Steps { needs_pin: true } => {
                widgets::message(ui, Tone::Info, labels::before_pin(lang));
                let events = widgets::pin_field(
                    ui,
                    "check-pin",
                    &mut self.pin,
                    &labels::pin_field(PinKind::Auth, lang),
                    std::mem::take(&mut self.focus),
                    lang,
                );
                if events.edited {
                    self.refused = None;
                }
                let problem = match &self.refused {
                    Some(error) => Some(error.localized(lang)),
                    None => live_problem(PinKind::Auth, &self.pin, lang),
                };
                if let Some(problem) = &problem {
                    widgets::message(ui, Tone::Caution, problem);
                }
                let clicked = widgets::button(ui, labels::send_check(lang)).clicked();
                if events.submitted || clicked {
                    match Pin::new(PinKind::Auth, self.pin.as_str()) {
                        Ok(pin) => {
                            self.pin.clear();
                            self.phase = Phase::Sending;
                            action = Some(Action::Send(Request::CheckSign(pin)));
                        }
                        Err(error) => self.refused = Some(error),
                    }
                }
            }
            Phase::Steps { needs_pin: false } => {
                let passed = !steps.is_empty()
                    && steps
                        .iter()
                        .all(|step| step.verdict == Verdict::Passed || !step.step.counts());
                let tone = if passed { Tone::Good } else { Tone::Bad };
                if let Some(changed) = &self.changed {
                    widgets::message(ui, Tone::Bad, changed.get(lang));
                }
                widgets::message(ui, tone, mynapin::text::check_summary(passed, lang));
            }
        }
        ui.add_space(12.0);
        if widgets::button(ui, labels::back(lang)).clicked() {
            action = Some(Action::Home);
        }
        action
    }
}
