//! Ctrl-C: what is said before the process ends with 130. `verify --json` registers one JSON
//! document, so that a script always gets one (docs/cli.md).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Exit code of Ctrl-C: what the shell reports for a process killed by SIGINT.
pub const INTERRUPTED: i32 = 130;

type Farewell = Box<dyn Fn(bool) + Send>;

static FAREWELL: Mutex<Option<Farewell>> = Mutex::new(None);

/// Set once the PIN may be on its way to the card: from then on an interruption leaves the
/// outcome unknown.
static PIN_SENT: AtomicBool = AtomicBool::new(false);

/// Registers what to print on Ctrl-C (given whether the PIN may have been sent), and makes sure a
/// handler is installed. A handler installed before (`--wait`) ends through [`exit`] too.
pub fn on_interrupt(farewell: impl Fn(bool) + Send + 'static) {
    if let Ok(mut slot) = FAREWELL.lock() {
        *slot = Some(Box::new(farewell));
    }
    match ctrlc::set_handler(|| exit()) {
        Ok(()) => log::debug!("Ctrl-C handler installed"),
        Err(ctrlc::Error::MultipleHandlers) => log::debug!("Ctrl-C handler already installed"),
        Err(error) => log::warn!("cannot handle Ctrl-C ({error}); it will end mynapin at once"),
    }
}

/// The PIN may be on its way to the card from now on.
pub fn pin_sent() {
    PIN_SENT.store(true, Ordering::SeqCst);
}

/// Says the registered farewell, gives the terminal its echo back, and exits with 130.
pub fn exit() -> ! {
    // try_lock: a farewell interrupted by a second Ctrl-C must not deadlock.
    if let Ok(slot) = FAREWELL.try_lock() {
        if let Some(farewell) = &*slot {
            farewell(PIN_SENT.load(Ordering::SeqCst));
        }
    }
    restore_echo();
    std::process::exit(INTERRUPTED)
}

/// The hidden PIN prompt turns the terminal's echo off and turns it back on only when it returns;
/// exiting from the handler would leave it off (the shell does not restore it after exit 130).
#[cfg(unix)]
fn restore_echo() {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let _ = std::process::Command::new("stty").arg("echo").status();
    }
}

#[cfg(not(unix))]
fn restore_echo() {}
