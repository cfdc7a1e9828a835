//! A PIN's counter in a `status` line and in JSON.

use crate::i18n::Lang;
use crate::jpki::{Counter, PinKind, PinStatus};

use crate::cli::output::pad;

/// One line per PIN: name, title (padded to `title_width` columns), counter. The format is asked
/// at the prompt, not shown here: the lines fit an 80-column terminal.
pub(crate) fn pin_line(pin: &PinStatus, title_width: usize, lang: Lang) -> String {
    let kind = pin.kind;
    format!(
        "{} {} {}",
        pad(kind.name(), 10),
        pad(kind.title(lang), title_width),
        crate::text::counter(kind, pin.counter, lang)
    )
}

/// `state` in JSON: `ok`, `last-try`, `blocked` or `unknown`.
pub(crate) fn counter_state(counter: Counter) -> &'static str {
    match counter {
        Counter::TriesLeft(1) => "last-try",
        Counter::TriesLeft(_) => "ok",
        Counter::Blocked(_) => "blocked",
        Counter::Unknown(_) => "unknown",
    }
}

/// `next_steps` in JSON: what the holder can do when the PIN is blocked (or one try from it), as
/// stable codes; [`crate::text::next_steps`] says it in words. Source: docs/safety.md ("Next
/// steps for a blocked PIN").
pub(crate) fn next_step_codes(kind: PinKind) -> &'static [&'static str] {
    match kind {
        PinKind::Auth => &["convenience-store-with-sign-password", "city-office"],
        PinKind::Sign => &["convenience-store-with-auth-pin", "city-office"],
        PinKind::CardInfo => &["city-office"],
    }
}
