//! The clinic check: the steps a clinic's reader takes, each passed, failed or not checked with
//! what to do; the PIN step (a guarded signature with the auth PIN) only when the steps before it
//! allow it.

use eframe::egui::{RichText, Ui};
use mynapin::card::{Pin, PinKind};
use mynapin::i18n::{Lang, Localized};
use mynapin::jpki::{StepResult, Verdict};

use super::Action;
use crate::labels;
use crate::pin_entry::live_problem;
use crate::secret::SecretBuffer;
use crate::texts;
use crate::widgets::{self, Tone};
use crate::worker::{Request, Update};

enum Phase {
    Reading,
    /// The steps so far; the field is open when `needs_pin`.
    Steps {
        needs_pin: bool,
    },
    Sending,
}

pub struct Check {
    steps: Vec<StepResult>,
    phase: Phase,
    pin: SecretBuffer,
    problem: Option<String>,
    focus: bool,
}

impl Check {
    pub fn open() -> (Check, Request) {
        (
            Check {
                steps: Vec::new(),
                phase: Phase::Reading,
                pin: SecretBuffer::default(),
                problem: None,
                focus: true,
            },
            Request::CheckStart,
        )
    }

    pub fn update(&mut self, update: &Update) {
        match update {
            Update::Check { steps, needs_pin } => {
                self.steps.extend(steps.iter().cloned());
                self.phase = Phase::Steps {
                    needs_pin: *needs_pin,
                };
            }
            Update::CardChanged(said) if matches!(self.phase, Phase::Steps { needs_pin: true }) => {
                self.pin.clear();
                self.phase = Phase::Steps { needs_pin: false };
                self.problem = None;
                self.steps.push(StepResult::new(
                    mynapin::jpki::CheckStep::PinAndKey,
                    Verdict::NotChecked,
                    "card-changed",
                    said.en.clone(),
                    said.ja.clone(),
                ));
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
        for step in &self.steps {
            let tone = match step.verdict {
                Verdict::Passed => Tone::Good,
                Verdict::Failed => Tone::Bad,
                _ => Tone::Caution,
            };
            ui.label(
                RichText::new(format!(
                    "{} — {}",
                    step.step.title(lang),
                    texts::verdict_text(step.verdict, lang)
                ))
                .size(17.0)
                .strong(),
            );
            widgets::message(ui, tone, &step.localized(lang));
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
                self.problem = live_problem(PinKind::Auth, &self.pin, lang);
                if let Some(problem) = &self.problem {
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
                        Err(error) => self.problem = Some(error.localized(lang)),
                    }
                }
            }
            Phase::Steps { needs_pin: false } => {
                let passed = !self.steps.is_empty()
                    && self
                        .steps
                        .iter()
                        .all(|step| step.verdict == Verdict::Passed || !step.step.counts());
                let tone = if passed { Tone::Good } else { Tone::Bad };
                widgets::message(ui, tone, texts::check_summary(passed, lang));
            }
        }
        ui.add_space(12.0);
        if widgets::button(ui, labels::back(lang)).clicked() {
            action = Some(Action::Home);
        }
        action
    }
}
