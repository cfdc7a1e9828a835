//! The window on the card model: every screen in both languages found through the AccessKit
//! tree, PINs typed and submitted, and the APDUs the card received, byte for byte.

#[path = "support/window.rs"]
mod support;

use eframe::egui::{accesskit::Role, Key};
use egui_kittest::kittest::{NodeT, Queryable};
use mynapin::card::{
    ChangeOutcome, CheckStep, Counter, JpkiError, Pin, PinKind, Refusal, VerifyOutcome,
};
use mynapin::card_model::CardState;
use mynapin::i18n::{Lang, Localized};
use mynapin::text;
use mynapin_gui::labels;
use support::{lines, open, pins_sent};

const SELECT_JPKI: &str = "00A4040C0AD392F000260100000001";
const READ_COUNTER: &str = "00200080";

fn select_ef(kind: PinKind) -> String {
    format!("00A4020C02{}", hex::encode_upper(kind.ef()))
}

/// What a screen reader reads for a counter.
fn counter_name(kind: PinKind, counter: Counter, lang: Lang) -> String {
    format!(
        "{}: {}",
        kind.title(lang),
        text::counter(kind, counter, lang)
    )
}

fn full(kind: PinKind) -> Counter {
    Counter::TriesLeft(kind.max_tries())
}

#[test]
fn every_screen_in_both_languages_through_the_accesskit_tree() {
    for lang in [Lang::Ja, Lang::En] {
        let mut window = open(CardState::demo(), lang);
        for kind in PinKind::ALL {
            window.wait_for_label(&counter_name(kind, full(kind), lang));
            let label = labels::test_pin(kind, lang);
            let test = window.harness.get_by_label(&label);
            assert_eq!(test.accesskit_node().role(), Role::Button);
        }
        window.wait_for_label(labels::demo_badge(lang));
        assert!(window
            .harness
            .query_by_label_contains(text::check_step_title(CheckStep::CertificateValidity, lang))
            .is_some());

        // Test a PIN: the counter, then one masked field named after the PIN; Esc goes back.
        window.click(&labels::test_pin(PinKind::Auth, lang));
        window.wait_for("the PIN field", |h| {
            h.query_by_role(Role::PasswordInput).is_some()
        });
        let field = window.harness.get_by_role(Role::PasswordInput);
        assert_eq!(
            field.accesskit_node().label().as_deref(),
            Some(labels::pin_field(PinKind::Auth, lang).as_str())
        );
        assert!(field.is_focused(), "the field takes the keyboard at once");
        window.harness.key_press(Key::Escape);
        window.wait_for_label(&labels::test_pin(PinKind::Auth, lang));
        assert_eq!(window.password_fields(), 0);

        // Change a PIN: current, new, new again.
        window.click(&labels::change_pin(PinKind::Sign, lang));
        window.wait_for("three PIN fields", |h| {
            h.query_all_by_role(Role::PasswordInput).count() == 3
        });
        window.click(labels::back(lang));
        window.wait_for_label(labels::check(lang));

        // The clinic check: steps, then the auth PIN's field.
        window.click(labels::check(lang));
        window.wait_for("the check's PIN field", |h| {
            h.query_by_role(Role::PasswordInput).is_some()
        });
        for step in [
            CheckStep::Card,
            CheckStep::PinCounter,
            CheckStep::CertificateValidity,
            CheckStep::CertificateIssuer,
        ] {
            assert!(
                window
                    .harness
                    .query_by_label_contains(text::check_step_title(step, lang))
                    .is_some(),
                "{step:?} in {lang:?}"
            );
        }
        // The demo card is named in the window's language only.
        let other_name = match lang {
            Lang::Ja => labels::demo_card(Lang::En),
            _ => labels::demo_card(Lang::Ja),
        };
        assert!(window
            .harness
            .query_all_by_label_contains(labels::demo_card(lang))
            .next()
            .is_some());
        assert!(window.harness.query_by_label_contains(other_name).is_none());
        window.harness.key_press(Key::Escape);

        // The language switch.
        let other = match lang {
            Lang::Ja => Lang::En,
            _ => Lang::Ja,
        };
        let name = match other {
            Lang::Ja => "日本語",
            _ => "English",
        };
        window.click(name);
        window.wait_for_label(&counter_name(PinKind::Auth, full(PinKind::Auth), other));
        assert_eq!(pins_sent(&window.log()), 0, "looking sends no PIN");
    }
}

#[test]
fn a_pin_typed_and_submitted_goes_after_one_counter_read_in_the_same_transaction() {
    let mut window = open(CardState::demo(), Lang::En);
    window.wait_for_label(&counter_name(PinKind::Auth, full(PinKind::Auth), Lang::En));
    window.clear_log();
    window.click(&labels::test_pin(PinKind::Auth, Lang::En));
    window.wait_for("the PIN field", |h| {
        h.query_by_role(Role::PasswordInput).is_some()
    });
    // The counter shown before the field opened, in a read-only transaction of its own.
    assert_eq!(
        lines(&window.log()),
        [
            "[",
            SELECT_JPKI,
            &select_ef(PinKind::Auth),
            READ_COUNTER,
            "] Leave"
        ]
    );
    window.clear_log();
    window.type_and_enter("1234");
    let verified = text::verify_outcome(&VerifyOutcome::Verified, PinKind::Auth, Lang::En);
    window.wait_for_label(&verified.text);
    let log = window.log();
    // The guarded VERIFY: the counter read again in the same transaction, the PIN once, then
    // the card unpowered; then the overview is read again (no PIN).
    assert_eq!(
        lines(&log)[..6],
        [
            "[",
            SELECT_JPKI,
            &select_ef(PinKind::Auth),
            READ_COUNTER,
            "002000800431323334",
            "] Unpower"
        ]
    );
    assert_eq!(pins_sent(&log), 1);
    assert_eq!(window.password_fields(), 0, "the field is closed once sent");
}

#[test]
fn nothing_is_sent_at_one_try_left() {
    let mut state = CardState::demo();
    state.auth.tries_left = 1;
    let mut window = open(state, Lang::Ja);
    let counter = Counter::TriesLeft(1);
    window.wait_for_label(&counter_name(PinKind::Auth, counter, Lang::Ja));
    let advice = text::counter_advice(PinKind::Auth, counter, Lang::Ja).expect("advice");
    window.wait_for_label(&advice);
    assert!(
        window
            .harness
            .query_by_label(&labels::test_pin(PinKind::Auth, Lang::Ja))
            .is_none(),
        "no test offered at one try left"
    );
    assert!(window
        .harness
        .query_by_label(&labels::test_pin(PinKind::Sign, Lang::Ja))
        .is_some());
    assert_eq!(pins_sent(&window.log()), 0);
}

#[test]
fn a_counter_that_fell_to_one_since_the_overview_opens_no_field() {
    let mut state = CardState::demo();
    state.auth.tries_left = 2;
    let mut window = open(state, Lang::En);
    window.wait_for_label(&counter_name(
        PinKind::Auth,
        Counter::TriesLeft(2),
        Lang::En,
    ));
    // Another program spends a try after the overview was read.
    window.with_model(|model| model.state_mut().auth.tries_left = 1);
    window.clear_log();
    window.click(&labels::test_pin(PinKind::Auth, Lang::En));
    window.wait_for_label(&text::refusal(Refusal::LastTry, PinKind::Auth, Lang::En));
    assert_eq!(window.password_fields(), 0);
    assert_eq!(
        lines(&window.log()),
        [
            "[",
            SELECT_JPKI,
            &select_ef(PinKind::Auth),
            READ_COUNTER,
            "] Leave"
        ]
    );
}

#[test]
fn a_blocked_pin_shows_its_next_steps_and_offers_nothing() {
    let mut state = CardState::demo();
    state.sign.tries_left = 0;
    let mut window = open(state, Lang::Ja);
    window.wait_for_label(&text::next_steps(PinKind::Sign, Lang::Ja));
    assert!(window
        .harness
        .query_by_label(&labels::test_pin(PinKind::Sign, Lang::Ja))
        .is_none());
    assert!(window
        .harness
        .query_by_label(&labels::change_pin(PinKind::Sign, Lang::Ja))
        .is_none());
    assert_eq!(pins_sent(&window.log()), 0);
}

#[test]
fn malformed_and_full_width_pins_are_never_sent() {
    let mut window = open(CardState::demo(), Lang::Ja);
    window.click(&labels::test_pin(PinKind::Auth, Lang::Ja));
    window.wait_for("the PIN field", |h| {
        h.query_by_role(Role::PasswordInput).is_some()
    });
    window.clear_log();
    for typed in ["１２３４", "12a4", "123", "12 4"] {
        window.type_and_enter(typed);
        let error = Pin::new(PinKind::Auth, typed).expect_err("malformed");
        window.wait_for_label(&error.localized(Lang::Ja));
        assert_eq!(
            window.password_fields(),
            1,
            "the field stays open to fix it"
        );
        for _ in typed.chars() {
            window.harness.key_press(Key::Backspace);
        }
        window.harness.run_ok();
    }
    assert!(window.log().is_empty(), "nothing reached the card");
}

#[test]
fn a_card_removed_during_the_pin_entry_is_card_changed_and_nothing_is_sent() {
    for (name, reinsert) in [("removed", false), ("removed and put back", true)] {
        let mut window = open(CardState::demo(), Lang::En);
        window.click(&labels::test_pin(PinKind::Auth, Lang::En));
        window.wait_for("the PIN field", |h| {
            h.query_by_role(Role::PasswordInput).is_some()
        });
        window.with_model(|model| {
            model.remove();
            if reinsert {
                model.reinsert();
            }
        });
        window.clear_log();
        window.type_and_enter("1234");
        window.wait_for_label(&JpkiError::CardChanged.localized(Lang::En));
        assert_eq!(pins_sent(&window.log()), 0, "{name}");
    }
}

#[test]
fn a_pin_change_sends_the_change_right_after_the_current_pin() {
    let mut window = open(CardState::demo(), Lang::En);
    window.click(&labels::change_pin(PinKind::Auth, Lang::En));
    window.wait_for("three PIN fields", |h| {
        h.query_all_by_role(Role::PasswordInput).count() == 3
    });
    window.clear_log();
    // Keyboard only: type, Tab to the next field, Enter to send.
    window
        .harness
        .event(eframe::egui::Event::Text("1234".into()));
    window.harness.run_ok();
    window.harness.key_press(Key::Tab);
    window.harness.run_ok();
    window
        .harness
        .event(eframe::egui::Event::Text("4321".into()));
    window.harness.key_press(Key::Tab);
    window.type_and_enter("4321");
    let changed = text::change_outcome(&ChangeOutcome::Changed, PinKind::Auth, Lang::En);
    window.wait_for_label(&changed.text);
    let log = lines(&window.log());
    assert_eq!(
        log[..7],
        [
            "[",
            SELECT_JPKI,
            &select_ef(PinKind::Auth),
            READ_COUNTER,
            "002000800431323334",
            "002401800434333231",
            "] Unpower"
        ]
    );
    assert_eq!(
        window.with_model(|model| model.state().auth.value.clone()),
        "4321"
    );
}

#[test]
fn new_entries_that_differ_send_nothing() {
    let mut window = open(CardState::demo(), Lang::Ja);
    window.click(&labels::change_pin(PinKind::Auth, Lang::Ja));
    window.wait_for("three PIN fields", |h| {
        h.query_all_by_role(Role::PasswordInput).count() == 3
    });
    window.clear_log();
    window
        .harness
        .event(eframe::egui::Event::Text("1234".into()));
    window.harness.key_press(Key::Tab);
    window
        .harness
        .event(eframe::egui::Event::Text("4321".into()));
    window.harness.key_press(Key::Tab);
    window.type_and_enter("4322");
    window.wait_for_label(labels::new_differs(Lang::Ja));
    assert!(window.log().is_empty());
}

#[test]
fn the_clinic_check_passes_on_the_demo_card_with_its_pin() {
    let mut window = open(CardState::demo(), Lang::En);
    window.click(labels::check(Lang::En));
    window.wait_for("the check's PIN field", |h| {
        h.query_by_role(Role::PasswordInput).is_some()
    });
    window.type_and_enter("1234");
    window.wait_for_label(mynapin::text::check_summary(true, Lang::En));
    assert!(window
        .harness
        .query_all_by_label_contains(text::check_step_title(CheckStep::Revocation, Lang::En))
        .next()
        .is_some());
    assert_eq!(pins_sent(&window.log()), 1);
}

/// eframe's storage, in memory.
#[derive(Default)]
struct Storage(std::collections::HashMap<String, String>);

impl eframe::Storage for Storage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.into(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

/// One pass of `ctx`: a new zoom factor takes effect at the start of the next pass.
fn pass(ctx: &eframe::egui::Context) {
    let mut output = ctx.run_ui(eframe::egui::RawInput::default(), |_| {});
    output.textures_delta.clear();
}

#[test]
fn the_zoom_is_saved_and_restored() {
    use eframe::{App as _, Storage as _};
    let ctx = eframe::egui::Context::default();
    let model = mynapin_gui::worker::SharedModel::new(CardState::demo());
    let mut app = mynapin_gui::App::new(&ctx, mynapin_gui::worker::Source::Model(model), Lang::En);
    ctx.set_zoom_factor(1.5);
    pass(&ctx);
    let mut storage = Storage::default();
    app.save(&mut storage);
    drop(app);

    let ctx = eframe::egui::Context::default();
    let model = mynapin_gui::worker::SharedModel::new(CardState::demo());
    let app = mynapin_gui::App::new(&ctx, mynapin_gui::worker::Source::Model(model), Lang::En);
    app.restore_zoom(Some(&storage));
    pass(&ctx);
    assert_eq!(ctx.zoom_factor(), 1.5);
    // A damaged value is ignored.
    storage.set_string("zoom", "900".into());
    ctx.set_zoom_factor(1.0);
    pass(&ctx);
    app.restore_zoom(Some(&storage));
    pass(&ctx);
    assert_eq!(ctx.zoom_factor(), 1.0);
}

#[test]
fn keyboard_only_tab_to_a_button_and_press_enter() {
    let mut window = open(CardState::demo(), Lang::Ja);
    let test = labels::test_pin(PinKind::Auth, Lang::Ja);
    window.wait_for_label(&test);
    let mut presses = 0;
    while !window.harness.get_by_label(&test).is_focused() {
        presses += 1;
        assert!(presses <= 20, "Tab never reached the button");
        window.harness.key_press(Key::Tab);
        window.harness.run_ok();
    }
    window.harness.key_press(Key::Enter);
    window.wait_for("the PIN field", |h| {
        h.query_by_role(Role::PasswordInput).is_some()
    });
    // Esc goes back; the field's buffer is dropped with the screen.
    window.harness.key_press(Key::Escape);
    window.wait_for_label(&test);
    assert_eq!(window.password_fields(), 0);
}
