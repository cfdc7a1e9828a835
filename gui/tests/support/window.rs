//! The window on the card model, driven through egui_kittest and read through its AccessKit tree.

#![allow(dead_code)]

use std::time::{Duration, Instant, SystemTime};

use eframe::egui::{self, accesskit::Role};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use mynapin::card_model::{CardModel, CardState, LogEntry};
use mynapin::i18n::Lang;
use mynapin_gui::worker::{SharedModel, Source};
use mynapin_gui::App;

pub struct Window {
    pub harness: Harness<'static, Option<App>>,
    pub model: SharedModel,
}

/// The window on the card model with `state`, in `lang`, 900×760 points.
pub fn open(state: CardState, lang: Lang) -> Window {
    let model = SharedModel::new(state);
    let window = open_on(Source::Model(model.clone()), lang, false);
    Window {
        harness: window,
        model,
    }
}

/// 2026-12-01T00:00:00Z, inside the demo card's certificate (2026-06-01 to 2031-05-31): the
/// windows judge it at this instant, so its days left are the same every day.
pub fn fixed_now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_083_200)
}

/// The window on `source`, judging certificates at [`fixed_now`]; `wgpu`: rendered, for
/// snapshots.
pub fn open_on(source: Source, lang: Lang, wgpu: bool) -> Harness<'static, Option<App>> {
    let mut source = Some(source);
    let mut builder = Harness::builder()
        .with_size([900.0, 760.0])
        .with_theme(egui::Theme::Light)
        .with_context_setup(mynapin_gui::fonts::install);
    if wgpu {
        builder = builder.wgpu().with_render_cursor(false);
    }
    builder.build_ui_state(
        move |ui, app: &mut Option<App>| {
            let app = app.get_or_insert_with(|| {
                App::with_clock(
                    ui.ctx(),
                    source.take().expect("one window"),
                    lang,
                    fixed_now,
                )
            });
            app.show(ui);
        },
        None,
    )
}

impl Window {
    /// Steps the window until `found` holds (the card worker answers on its own thread).
    pub fn wait_for(&mut self, what: &str, found: impl Fn(&Harness<'static, Option<App>>) -> bool) {
        wait_for(&mut self.harness, what, found)
    }

    pub fn wait_for_label(&mut self, label: &str) {
        wait_for_label(&mut self.harness, label)
    }

    pub fn click(&mut self, label: &str) {
        self.wait_for_label(label);
        self.harness.get_by_label(label).click();
        self.harness.run_ok();
    }

    /// Types `text` into the focused PIN field and presses Enter.
    pub fn type_and_enter(&mut self, text: &str) {
        self.harness.event(egui::Event::Text(text.into()));
        self.harness.run_ok();
        self.harness.key_press(egui::Key::Enter);
        self.harness.run_ok();
    }

    pub fn log(&self) -> Vec<LogEntry> {
        self.model.lock().log().to_vec()
    }

    pub fn clear_log(&self) {
        self.model.lock().clear_log();
    }

    pub fn with_model<R>(&self, work: impl FnOnce(&mut CardModel) -> R) -> R {
        work(&mut self.model.lock())
    }

    pub fn password_fields(&self) -> usize {
        self.harness.query_all_by_role(Role::PasswordInput).count()
    }
}

pub fn wait_for(
    harness: &mut Harness<'static, Option<App>>,
    what: &str,
    found: impl Fn(&Harness<'static, Option<App>>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        harness.run_ok();
        if found(harness) {
            return;
        }
        assert!(Instant::now() < deadline, "never shown: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub fn wait_for_label(harness: &mut Harness<'static, Option<App>>, label: &str) {
    wait_for(harness, label, |h| h.query_by_label(label).is_some())
}

/// The commands the card received, in hex, and `[`/`]` around transactions.
pub fn lines(log: &[LogEntry]) -> Vec<String> {
    log.iter()
        .filter_map(|entry| match entry {
            LogEntry::Command { command, .. } => Some(hex::encode_upper(command)),
            LogEntry::TransactionBegin => Some("[".into()),
            LogEntry::TransactionEnd(disposition) => Some(format!("] {disposition:?}")),
            _ => None,
        })
        .collect()
}

/// VERIFY commands that carry a PIN (not the empty counter read).
pub fn pins_sent(log: &[LogEntry]) -> usize {
    log.iter()
        .filter(|entry| {
            matches!(entry, LogEntry::Command { command, .. }
                if command.len() > 5 && command[..4] == [0x00, 0x20, 0x00, 0x80])
        })
        .count()
}
