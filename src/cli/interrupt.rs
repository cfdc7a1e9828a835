//! Ctrl-C: what is said before the process ends with 130. `verify`, `change-pin` and `check`
//! register the interrupted error (one JSON document with `--json`, so that a script always gets
//! one: docs/cli.md). On the way out the terminal gets its mode back, a card transaction under
//! way ends first (a guarded one unpowers the card), and no second answer is printed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

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

/// For a command that asks for a PIN: on Ctrl-C, the interrupted error as `out` prints errors
/// (one JSON document with `--json`), after the terminal got its mode back; SIGTERM and SIGHUP
/// end it with the terminal's mode put back too.
pub fn say_interrupted(out: &super::output::Output) {
    let (json, lang) = (out.json, out.lang);
    end_on_terminating_signals();
    on_interrupt(move |pin_sent| {
        super::output::Output::new(json, lang).error(&super::CliError::Interrupted { pin_sent });
    });
}

/// Whether a PIN may have been sent (and a card left verified) in this process.
pub fn pin_may_be_sent() -> bool {
    PIN_SENT.load(Ordering::SeqCst)
}

/// The PIN may be on its way to the card from now on.
pub fn pin_sent() {
    PIN_SENT.store(true, Ordering::SeqCst);
}

/// Held while a card transaction runs ([`card_transaction`]); taken for good by [`exit`].
static CARD: Mutex<()> = Mutex::new(());

/// Whether the command's answer was printed; held for good by [`exit`], so that no answer
/// follows the farewell.
static ANSWERED: Mutex<bool> = Mutex::new(false);

/// How long [`exit`] waits for a card transaction under way to end. A guarded one takes well
/// under a second; a card that hangs is the deadline's to end.
pub const TRANSACTION_PATIENCE: Duration = Duration::from_secs(5);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs one card transaction; [`exit`] waits for it to end (a guarded transaction ends by
/// unpowering the card: exiting in its middle would leave the reset to pcscd's cleanup, a warm
/// one, after which a verified state can outlive mynapin) and then lets no other begin.
pub fn card_transaction<R>(transaction: impl FnOnce() -> R) -> R {
    let _card = lock(&CARD);
    transaction()
}

/// Prints the command's one answer (its result, or its error), unless Ctrl-C's farewell went out.
pub fn answer(print: impl FnOnce()) {
    let mut answered = lock(&ANSWERED);
    if !*answered {
        print();
        *answered = true;
    }
}

/// Waits for the card transaction under way, if any, to end (at most `patience`), and keeps any
/// other from beginning. `None` when it did not end in time.
fn card_idle(patience: Duration) -> Option<MutexGuard<'static, ()>> {
    let start = Instant::now();
    loop {
        match CARD.try_lock() {
            Ok(guard) => return Some(guard),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => return Some(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) if start.elapsed() < patience => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Err(std::sync::TryLockError::WouldBlock) => return None,
        }
    }
}

/// Lets the card transaction under way end, says the registered farewell (unless the answer was
/// printed already), gives the terminal its mode back, and exits with 130.
pub fn exit() -> ! {
    let card = card_idle(TRANSACTION_PATIENCE);
    if card.is_none() {
        log::warn!("a card transaction did not end in time; exiting in its middle");
        if pin_may_be_sent() {
            super::unpower::unpower_after_exit();
        }
    }
    // Held until the process ends: an answer being printed is printed whole, and none follows.
    let answered = lock(&ANSWERED);
    // The terminal first: the farewell then starts on a line of its own, echo on.
    super::terminal::restore();
    if !*answered {
        // try_lock: a farewell interrupted by a second Ctrl-C must not deadlock.
        if let Ok(slot) = FAREWELL.try_lock() {
            if let Some(farewell) = &*slot {
                farewell(PIN_SENT.load(Ordering::SeqCst));
            }
        }
    }
    let _held = (card, answered);
    std::process::exit(INTERRUPTED)
}

/// SIGTERM and SIGHUP (a `kill`, a closed terminal window) end the process as they would, with
/// 128 + the signal, but as [`exit`] does: the card transaction under way ended first, the
/// terminal's mode put back; no farewell (it was not the person's Ctrl-C). Windows has no such
/// signals; a closed console window is Ctrl-C's handler's.
#[cfg(unix)]
fn end_on_terminating_signals() {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let mut signals = match signal_hook::iterator::Signals::new([SIGTERM, SIGHUP]) {
            Ok(signals) => signals,
            Err(error) => {
                log::warn!("cannot watch for SIGTERM and SIGHUP ({error})");
                return;
            }
        };
        let spawned = std::thread::Builder::new()
            .name("sigterm".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    let card = card_idle(TRANSACTION_PATIENCE);
                    let answered = lock(&ANSWERED);
                    super::terminal::restore();
                    let _held = (card, answered);
                    std::process::exit(128 + signal)
                }
            });
        if let Err(error) = spawned {
            log::warn!("cannot watch for SIGTERM and SIGHUP ({error})");
        }
    });
}

#[cfg(not(unix))]
fn end_on_terminating_signals() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exiting_waits_for_the_card_transaction_under_way_and_then_blocks_the_next() {
        let (began, wait_began) = std::sync::mpsc::channel();
        let transaction = std::thread::spawn(move || {
            card_transaction(|| {
                began.send(()).unwrap();
                std::thread::sleep(Duration::from_millis(300));
                Instant::now()
            })
        });
        wait_began.recv().unwrap();
        let idle = card_idle(TRANSACTION_PATIENCE).expect("the transaction ends in time");
        let idle_at = Instant::now();
        let ended_at = transaction.join().unwrap();
        assert!(
            idle_at >= ended_at,
            "exit went ahead in the middle of a transaction"
        );
        // No other transaction begins while exiting.
        let next = std::thread::spawn(|| card_transaction(Instant::now));
        std::thread::sleep(Duration::from_millis(100));
        let held_until = Instant::now();
        drop(idle);
        assert!(next.join().unwrap() >= held_until);
    }
}
