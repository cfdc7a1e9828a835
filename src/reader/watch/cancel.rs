//! Stopping a blocked `SCardGetStatusChange` from another thread (a Ctrl-C handler).

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How often [`Canceller::cancel`] repeats `SCardCancel` until the wait has noticed.
const CANCEL_REPEAT: Duration = Duration::from_millis(50);

/// A handle that stops a [`super::Watcher`] or a [`super::wait_for_card_with`] from another thread.
///
/// pcsc-lite's `SCardCancel` only interrupts a call that is already blocked; one sent just before
/// the call starts is lost. So [`Canceller::cancel`] sets a flag the waiter checks before every
/// blocking call, and repeats `SCardCancel` until the waiter says it has stopped.
#[derive(Clone, Default)]
pub struct Canceller {
    shared: Arc<(Mutex<CancelState>, Condvar)>,
}

impl std::fmt::Debug for Canceller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = lock_ignoring_poison(&self.shared.0);
        f.debug_struct("Canceller")
            .field("requested", &state.requested)
            .field("active", &state.active)
            .finish()
    }
}

#[derive(Default)]
struct CancelState {
    requested: bool,
    // A waiter is running (between `begin` and `finish`).
    active: bool,
    // The context the waiter blocks in, if any.
    context: Option<pcsc::Context>,
}

impl Canceller {
    /// A canceller nothing has asked to cancel yet.
    pub fn new() -> Self {
        Canceller::default()
    }

    /// Asks the waiter to stop and waits until it has, up to `patience`. Returns whether a waiter
    /// was running and stopped in time; `false` when nothing was waiting (for example the wait
    /// already ended and the command is past it) or it did not stop in time.
    pub fn cancel(&self, patience: Duration) -> bool {
        let (lock, stopped) = &*self.shared;
        let mut state = lock_ignoring_poison(lock);
        state.requested = true;
        // Wakes a waiter sleeping while the service is down.
        stopped.notify_all();
        if !state.active {
            return false;
        }
        let deadline = Instant::now() + patience;
        while state.active {
            if let Some(context) = &state.context {
                // Fails harmlessly when nothing is blocked in the context right now.
                let _ = context.cancel();
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            let wait = CANCEL_REPEAT.min(deadline - now);
            state = match stopped.wait_timeout(state, wait) {
                Ok((state, _)) => state,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        true
    }

    /// Whether cancelling was asked for.
    pub fn is_cancelled(&self) -> bool {
        lock_ignoring_poison(&self.shared.0).requested
    }

    /// A waiter starts using this canceller.
    pub(super) fn begin(&self) {
        lock_ignoring_poison(&self.shared.0).active = true;
    }

    /// The context the waiter blocks in from now on (`None`: none, the service is down).
    pub(super) fn set_context(&self, context: Option<pcsc::Context>) {
        lock_ignoring_poison(&self.shared.0).context = context;
    }

    /// The waiter has stopped: wakes [`Canceller::cancel`].
    pub(super) fn finish(&self) {
        let (lock, stopped) = &*self.shared;
        let mut state = lock_ignoring_poison(lock);
        state.active = false;
        state.context = None;
        stopped.notify_all();
    }

    /// Sleeps up to `duration`, returning early (with `true`) once cancelling is asked for.
    /// Used only while the PC/SC service is down and there is no context to block in.
    pub(super) fn sleep(&self, duration: Duration) -> bool {
        let (lock, wake) = &*self.shared;
        let deadline = Instant::now() + duration;
        let mut state = lock_ignoring_poison(lock);
        while !state.requested {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            state = match wake.wait_timeout(state, deadline - now) {
                Ok((state, _)) => state,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        true
    }
}

// The state stays consistent even if a holder panicked: every field is written whole.
fn lock_ignoring_poison(lock: &Mutex<CancelState>) -> MutexGuard<'_, CancelState> {
    lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_without_a_waiter_returns_false_at_once_but_is_remembered() {
        let canceller = Canceller::new();
        let started = Instant::now();
        assert!(!canceller.cancel(Duration::from_secs(5)));
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(canceller.is_cancelled());
    }

    #[test]
    fn cancel_waits_for_the_waiter_to_finish() {
        let canceller = Canceller::new();
        canceller.begin();
        let waiter = canceller.clone();
        let thread = std::thread::spawn(move || {
            // Stands in for a blocked wait that checks the flag.
            while !waiter.sleep(Duration::from_millis(10)) {}
            waiter.finish();
        });
        assert!(canceller.cancel(Duration::from_secs(5)));
        thread.join().unwrap();
    }

    #[test]
    fn cancel_gives_up_after_its_patience() {
        let canceller = Canceller::new();
        canceller.begin();
        let started = Instant::now();
        assert!(!canceller.cancel(Duration::from_millis(120)));
        assert!(started.elapsed() >= Duration::from_millis(120));
    }

    #[test]
    fn sleep_ends_early_on_cancel() {
        let canceller = Canceller::new();
        let sleeper = canceller.clone();
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            (sleeper.sleep(Duration::from_secs(30)), started.elapsed())
        });
        std::thread::sleep(Duration::from_millis(50));
        canceller.cancel(Duration::ZERO);
        let (cancelled, slept) = thread.join().unwrap();
        assert!(cancelled);
        assert!(slept < Duration::from_secs(5));
    }
}
