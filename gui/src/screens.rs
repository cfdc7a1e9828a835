//! The screens. Each is a module of its own that uses the shared widgets and never another
//! screen; a screen asks for anything beyond itself by returning an [`Action`].

pub mod change_pin;
pub mod check;
pub mod home;
pub mod test_pin;

use mynapin::card::PinKind;

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
