//! The card at a glance: the reader and card (live), the three counters, the auth certificate's
//! end date, and the actions each counter allows.

use std::time::SystemTime;

use eframe::egui::{self, RichText, Ui};
use mynapin::i18n::Lang;

use super::Action;
use crate::labels;
use crate::texts;
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
        RichText::new(texts::card_type_text(&info.card_type, lang))
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
    let certificate = info
        .auth_certificate
        .as_ref()
        .map_err(|said| said.get(lang).to_string())
        .copied();
    let (line, warning) = texts::certificate_lines(&certificate, SystemTime::now(), lang);
    ui.add_space(4.0);
    let tone = if warning.is_some() {
        Tone::Caution
    } else {
        Tone::Good
    };
    widgets::message(ui, tone, &line);
    if let Some(warning) = warning {
        widgets::message(ui, Tone::Caution, &warning);
    }
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
