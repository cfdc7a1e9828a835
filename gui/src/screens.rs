//! The screens. Each is a module of its own that uses the shared widgets and never another
//! screen; a screen asks for anything beyond itself by returning an [`Action`].

pub mod change_pin;
pub mod check;
pub mod home;
pub mod test_pin;

use eframe::egui::Ui;
use mynapin::card::PinKind;
use mynapin::i18n::Lang;
use mynapin::text::FollowUp;

use crate::labels;
use crate::widgets::{self, Tone};
use crate::worker::Request;

/// What a screen asks the window to do.
pub enum Action {
    /// Open the screen that tests a PIN.
    TestPin(PinKind),
    /// Open the screen that changes a PIN.
    ChangePin(PinKind),
    /// Open the clinic check.
    Check,
    /// Back to the card's overview.
    Home,
    /// Ask the card worker.
    Send(Request),
}

/// A library message's next step, in the window's terms: a button where the window can do it.
pub fn follow_up(ui: &mut Ui, follow_up: Option<FollowUp>, lang: Lang) -> Option<Action> {
    let follow_up = follow_up?;
    let text = labels::follow_up(follow_up, lang);
    let action = match follow_up {
        FollowUp::ReadCounters => Action::Home,
        FollowUp::TestPin(kind) | FollowUp::TestNewPin(kind) => Action::TestPin(kind),
        _ => {
            widgets::message(ui, Tone::Info, &text);
            return None;
        }
    };
    widgets::button(ui, &text).clicked().then_some(action)
}
