//! Snapshot images of the main states in Japanese and English, rendered with wgpu (software
//! rendering through Mesa's lavapipe on Linux). `UPDATE_SNAPSHOTS=1 cargo test -p mynapin-gui
//! --test snapshots` writes them anew under gui/tests/snapshots/; the README shows them. The
//! certificate's days left are judged at a fixed instant (`support::fixed_now`).

#[path = "support/window.rs"]
mod support;

use eframe::egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::SnapshotResults;
use mynapin::card::{CheckStep, Counter, PinKind};
use mynapin::card_model::CardState;
use mynapin::i18n::{Lang, Localized};
use mynapin::reader::{ReaderError, WatchEvent};
use mynapin::text;
use mynapin_gui::labels;
use mynapin_gui::worker::{SharedModel, Source};
use support::{open_on, wait_for, wait_for_label};

const LANGS: [(Lang, &str); 2] = [(Lang::Ja, "ja"), (Lang::En, "en")];

fn counter_name(kind: PinKind, counter: Counter, lang: Lang) -> String {
    format!(
        "{}: {}",
        kind.title(lang),
        text::counter(kind, counter, lang)
    )
}

/// Takes the snapshot 840 points tall, so the longest screens (Japanese) show their last
/// buttons whole.
fn snapshot(harness: &mut Harness, name: &str) {
    harness.set_size(eframe::egui::vec2(900.0, 840.0));
    harness.run_ok();
    harness.snapshot(name);
}

type Harness = egui_kittest::Harness<'static, Option<mynapin_gui::App>>;

/// Opens the window in each language with `show`, which brings it to the state, and takes its
/// snapshot as `{state}-ja` and `{state}-en`.
fn in_both_languages<W>(
    state: &str,
    mut show: impl FnMut(Lang) -> W,
    harness: fn(&mut W) -> &mut Harness,
) {
    let mut results = SnapshotResults::new();
    for (lang, name) in LANGS {
        let mut window = show(lang);
        let harness = harness(&mut window);
        snapshot(harness, &format!("{state}-{name}"));
        results.extend_harness(harness);
    }
    results.unwrap();
}

fn window_harness(window: &mut support::Window) -> &mut Harness {
    &mut window.harness
}

fn model(state: CardState, lang: Lang) -> support::Window {
    let model = SharedModel::new(state);
    support::Window {
        harness: open_on(Source::Model(model.clone()), lang, true),
        model,
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "snapshots are rendered with wgpu on Mesa's lavapipe (Linux); Wine has no Vulkan"
)]
fn no_reader() {
    in_both_languages(
        "no-reader",
        |lang| {
            let mut harness = open_on(Source::ReadersFromEvents, lang, true);
            let app = harness.state().as_ref().expect("the window");
            app.worker().watch_event(WatchEvent::ServiceStarted);
            wait_for_label(&mut harness, &ReaderError::NoReader.localized(lang));
            wait_for_label(&mut harness, labels::use_demo(lang));
            harness
        },
        |harness| harness,
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "snapshots are rendered with wgpu on Mesa's lavapipe (Linux); Wine has no Vulkan"
)]
fn demo_card() {
    in_both_languages(
        "demo-card",
        |lang| {
            let mut window = model(CardState::demo(), lang);
            window.wait_for_label(&counter_name(
                PinKind::CardInfo,
                Counter::TriesLeft(3),
                lang,
            ));
            window.wait_for_label(labels::demo_badge(lang));
            window
        },
        window_harness,
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "snapshots are rendered with wgpu on Mesa's lavapipe (Linux); Wine has no Vulkan"
)]
fn one_try_left() {
    in_both_languages(
        "one-try-left",
        |lang| {
            let mut state = CardState::demo();
            state.auth.tries_left = 1;
            let mut window = model(state, lang);
            window.wait_for_label(&counter_name(PinKind::Auth, Counter::TriesLeft(1), lang));
            window
        },
        window_harness,
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "snapshots are rendered with wgpu on Mesa's lavapipe (Linux); Wine has no Vulkan"
)]
fn blocked() {
    in_both_languages(
        "blocked",
        |lang| {
            let mut state = CardState::demo();
            state.auth.tries_left = 0;
            let mut window = model(state, lang);
            window.wait_for_label(&text::next_steps(PinKind::Auth, lang));
            window
        },
        window_harness,
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "snapshots are rendered with wgpu on Mesa's lavapipe (Linux); Wine has no Vulkan"
)]
fn test_pin_dialog() {
    in_both_languages(
        "test-pin",
        |lang| {
            let mut window = model(CardState::demo(), lang);
            window.click(&labels::test_pin(PinKind::Auth, lang));
            window.wait_for("the PIN field", |h| {
                h.query_by_role(Role::PasswordInput).is_some()
            });
            window.harness.event(eframe::egui::Event::Text("12".into()));
            window.harness.run_ok();
            window
        },
        window_harness,
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "snapshots are rendered with wgpu on Mesa's lavapipe (Linux); Wine has no Vulkan"
)]
fn check_result() {
    in_both_languages(
        "check-result",
        |lang| {
            let mut window = model(CardState::demo(), lang);
            window.click(labels::check(lang));
            window.wait_for("the check's PIN field", |h| {
                h.query_by_role(Role::PasswordInput).is_some()
            });
            window.type_and_enter("1234");
            window.wait_for_label(mynapin::text::check_summary(true, lang));
            wait_for(&mut window.harness, "the revocation step", |h| {
                h.query_all_by_label_contains(text::check_step_title(CheckStep::Revocation, lang))
                    .next()
                    .is_some()
            });
            window
        },
        window_harness,
    );
}
