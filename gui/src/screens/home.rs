//! The card at a glance: the reader and card (live), the three counters, the auth certificate's
//! end date, and the actions each counter allows.

use eframe::egui::{self, RichText, Ui};
use mynapin::card::{CheckStep, Verdict};
use mynapin::i18n::Lang;
use mynapin::text;

use super::Action;
use crate::labels;
use crate::widgets::{self, Tone};
use crate::worker::{CardInfo, CardView, Request};

pub fn ui(ui: &mut Ui, card: &CardView, lang: Lang) -> Option<Action> {
    let mut action = None;
    match card {
        CardView::Starting => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(RichText::new(labels::starting(lang)).size(18.0));
            });
        }
        CardView::Problem { said, no_reader } => {
            ui.add_space(12.0);
            widgets::message(ui, Tone::Caution, said.get(lang));
            widgets::message(ui, Tone::Info, labels::updates_by_itself(lang));
            ui.add_space(12.0);
            if *no_reader && widgets::button(ui, labels::use_demo(lang)).clicked() {
                action = Some(Action::Send(Request::UseDemo));
            }
        }
        CardView::Ready(info) => action = ready(ui, info, lang),
    }
    action
}

fn ready(ui: &mut Ui, info: &CardInfo, lang: Lang) -> Option<Action> {
    let mut action = None;
    if let Some(reader) = &info.reader {
        ui.label(RichText::new(format!("{} {reader}", labels::reader(lang))).size(15.0));
    }
    ui.label(
        RichText::new(text::card_type(&info.card_type, lang))
            .size(20.0)
            .strong(),
    );
    ui.add_space(4.0);
    ui.label(RichText::new(labels::counters_heading(lang)).size(15.0));
    ui.add_space(4.0);
    for (kind, counter) in &info.pins {
        egui::Frame::group(ui.style())
            .inner_margin(10.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                widgets::counter(ui, *kind, *counter, lang);
                if counter.refusal().is_none() {
                    ui.horizontal_wrapped(|ui| {
                        if widgets::button(ui, &labels::test_pin(*kind, lang)).clicked() {
                            action = Some(Action::TestPin(*kind));
                        }
                        if widgets::button(ui, &labels::change_pin(*kind, lang)).clicked() {
                            action = Some(Action::ChangePin(*kind));
                        }
                    });
                }
            });
        ui.add_space(4.0);
    }
    // The certificate in the clinic check's words: end date, days left, the 90-day warning.
    let certificate = &info.auth_certificate;
    ui.add_space(4.0);
    let tone = if certificate.verdict == Verdict::Passed {
        Tone::Good
    } else {
        Tone::Caution
    };
    let said = text::check_step(certificate, lang);
    widgets::message(
        ui,
        tone,
        &format!(
            "{}: {}",
            text::check_step_title(CheckStep::CertificateValidity, lang),
            said.text
        ),
    );
    ui.add_space(8.0);
    ui.horizontal_wrapped(|ui| {
        if widgets::button(ui, labels::check(lang)).clicked() {
            action = Some(Action::Check);
        }
        if widgets::button(ui, labels::refresh(lang)).clicked() {
            action = Some(Action::Send(Request::Refresh));
        }
    });
    action
}
