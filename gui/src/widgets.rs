//! Pieces every screen uses: the counter, a message with its icon, the PIN field, buttons. Each
//! carries its own accessible name and role, and says its state in words and with an icon, never
//! by colour alone.

use eframe::egui::{
    self, accesskit::Role, Color32, Key, Response, RichText, Sense, Ui, WidgetInfo,
};
use mynapin::card::{Counter, PinKind};
use mynapin::i18n::Lang;

use crate::labels;
use crate::secret::SecretBuffer;

/// How a message or a counter stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tone {
    Good,
    Caution,
    Bad,
    Info,
}

impl Tone {
    pub fn icon(self) -> &'static str {
        match self {
            Tone::Good => "✓",
            Tone::Caution => "⚠",
            Tone::Bad => "×",
            Tone::Info => "→",
        }
    }

    fn colour(self, ui: &Ui) -> Color32 {
        let dark = ui.visuals().dark_mode;
        match (self, dark) {
            (Tone::Good, false) => Color32::from_rgb(0x1b, 0x6e, 0x2a),
            (Tone::Good, true) => Color32::from_rgb(0x7d, 0xd8, 0x8c),
            (Tone::Caution, false) => Color32::from_rgb(0x8a, 0x55, 0x00),
            (Tone::Caution, true) => Color32::from_rgb(0xf0, 0xc0, 0x60),
            (Tone::Bad, false) => Color32::from_rgb(0xb0, 0x1c, 0x1c),
            (Tone::Bad, true) => Color32::from_rgb(0xff, 0x8a, 0x80),
            (Tone::Info, _) => ui.visuals().text_color(),
        }
    }
}

pub fn counter_tone(counter: Counter) -> Tone {
    match counter {
        Counter::TriesLeft(1) => Tone::Caution,
        Counter::TriesLeft(_) => Tone::Good,
        Counter::Blocked(_) | Counter::Unknown(_) => Tone::Bad,
    }
}

/// One PIN's counter, large, with its icon, and under it what to do at one try left or blocked.
/// Its accessible name is the whole line ("利用者証明用暗証番号: 残り3回（最大3回）").
pub fn counter(ui: &mut Ui, kind: PinKind, counter: Counter, lang: Lang) {
    let tone = counter_tone(counter);
    let text = mynapin::text::counter(kind, counter, lang);
    let name = format!("{}: {}", kind.title(lang), text);
    ui.vertical(|ui| {
        ui.label(RichText::new(kind.title(lang)).size(18.0).strong());
        let response = ui.label(
            RichText::new(format!("{} {}", tone.icon(), text))
                .size(30.0)
                .color(tone.colour(ui)),
        );
        response.widget_info(|| WidgetInfo::labeled(Role::Label, true, &name));
        if let Some(advice) = mynapin::text::counter_advice(kind, counter, lang) {
            message(ui, tone, &advice);
        }
    });
}

/// A sentence with its icon; the icon is part of the text a screen reader reads.
pub fn message(ui: &mut Ui, tone: Tone, text: &str) -> Response {
    ui.horizontal_top(|ui| {
        ui.label(RichText::new(tone.icon()).size(20.0).color(tone.colour(ui)));
        ui.add(egui::Label::new(RichText::new(text).size(16.0)).wrap())
    })
    .inner
}

/// A large button.
pub fn button(ui: &mut Ui, text: &str) -> Response {
    ui.add(egui::Button::new(RichText::new(text).size(17.0)).min_size(egui::vec2(0.0, 34.0)))
}

/// What happened in a PIN field this frame.
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinFieldEvents {
    /// Enter was pressed in it.
    pub submitted: bool,
    /// Its text changed.
    pub edited: bool,
}

/// A masked field for a PIN: a focusable box showing one ● per character typed. It reads typed
/// text (and the input method's committed text) straight into `secret`, so the PIN exists only
/// there: egui keeps no copy and no undo history of it. `label` is its accessible name.
pub fn pin_field(
    ui: &mut Ui,
    id_salt: &str,
    secret: &mut SecretBuffer,
    label: &str,
    focus: bool,
    lang: Lang,
) -> PinFieldEvents {
    let mut events = PinFieldEvents::default();
    ui.label(RichText::new(label).size(16.0));
    let id = ui.make_persistent_id(id_salt);
    let size = egui::vec2(ui.available_width().min(360.0), 38.0);
    // One focusable widget with a stable id (an allocated one would be a second Tab stop).
    let (_, rect) = ui.allocate_space(size);
    let response = ui.interact(rect, id, Sense::click());
    if response.clicked() || focus {
        response.request_focus();
    }
    let has_focus = response.has_focus();
    if has_focus {
        // Keep Tab for moving between controls; take the text, Backspace and Enter.
        ui.memory_mut(|memory| {
            memory.set_focus_lock_filter(
                id,
                egui::EventFilter {
                    tab: false,
                    horizontal_arrows: false,
                    vertical_arrows: false,
                    escape: false,
                },
            )
        });
        ui.input_mut(|input| {
            input.events.retain(|event| match event {
                egui::Event::Text(text) | egui::Event::Ime(egui::ImeEvent::Commit(text)) => {
                    secret.push_str(text);
                    events.edited = true;
                    false
                }
                egui::Event::Key {
                    key: Key::Backspace,
                    pressed: true,
                    ..
                } => {
                    secret.pop();
                    events.edited = true;
                    false
                }
                egui::Event::Key {
                    key: Key::Enter,
                    pressed: true,
                    ..
                } => {
                    events.submitted = true;
                    false
                }
                _ => true,
            })
        });
        // Lets an input method (full-width digits on a Japanese system) send its text here.
        ui.output_mut(|output| {
            output.ime = Some(egui::output::IMEOutput {
                rect,
                cursor_rect: rect,
                purpose: egui::IMEPurpose::Password,
                should_interrupt_composition: false,
            })
        });
    }
    let visuals = ui.style().interact(&response);
    let stroke = if has_focus {
        ui.visuals().selection.stroke
    } else {
        visuals.bg_stroke
    };
    ui.painter().rect(
        rect,
        4.0,
        ui.visuals().extreme_bg_color,
        stroke,
        egui::StrokeKind::Inside,
    );
    let dots = "●".repeat(secret.chars());
    ui.painter().text(
        rect.left_center() + egui::vec2(10.0, 0.0),
        egui::Align2::LEFT_CENTER,
        if has_focus { format!("{dots}|") } else { dots },
        egui::FontId::proportional(20.0),
        ui.visuals().text_color(),
    );
    let typed = labels::typed(secret.chars(), lang);
    response.widget_info(|| {
        let mut info = WidgetInfo::labeled(Role::PasswordInput, true, label);
        info.current_text_value = Some(typed.clone());
        info
    });
    events
}
