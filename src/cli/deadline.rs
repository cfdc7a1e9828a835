//! The deadline on every card operation. PC/SC has no time-out on `SCardTransmit`, and
//! `SCardCancel` does not cancel one: a card that never answers would block mynapin for ever.
//! A watchdog thread ends the process instead, after saying what happened.
//!
//! A card operation runs under it through a [`Deadline`], which only [`Deadline::install`] makes:
//! the card options every command gets carry one, so a command cannot reach a card without it.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use super::output::Output;
use super::{CliError, ExitCode};

/// Overrides [`DEFAULT_TIMEOUT`], in whole seconds.
pub const TIMEOUT_ENV: &str = "MYNAPIN_CARD_TIMEOUT";

/// How long one card operation (connecting, one transaction, disconnecting) may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest accepted [`TIMEOUT_ENV`], in seconds (one hour).
pub const MAX_TIMEOUT_SECS: u64 = 3600;

/// `$MYNAPIN_CARD_TIMEOUT` checked: unset or empty is the default; anything but a whole number
/// of seconds from 1 to [`MAX_TIMEOUT_SECS`] is a usage error (the value is not repeated).
pub fn timeout_from_env() -> Result<Duration, CliError> {
    parse_timeout(std::env::var_os(TIMEOUT_ENV).as_deref())
}

fn parse_timeout(value: Option<&std::ffi::OsStr>) -> Result<Duration, CliError> {
    let Some(value) = value.filter(|value| !value.is_empty()) else {
        return Ok(DEFAULT_TIMEOUT);
    };
    match value.to_str().map(str::trim).map(str::parse::<u64>) {
        Some(Ok(secs)) if (1..=MAX_TIMEOUT_SECS).contains(&secs) => Ok(Duration::from_secs(secs)),
        _ => Err(CliError::usage(
            format!("{TIMEOUT_ENV} must be a whole number of seconds from 1 to {MAX_TIMEOUT_SECS} (default {}); its value is not repeated here. Fix or unset it.", DEFAULT_TIMEOUT.as_secs()),
            format!("{TIMEOUT_ENV} は 1 から {MAX_TIMEOUT_SECS} までの整数（秒、既定 {}）で指定してください（値はここに表示しません）。直すか、設定を外してください。", DEFAULT_TIMEOUT.as_secs()),
        )),
    }
}

#[derive(Default)]
struct State {
    /// When the running operation must have ended; `None` while disarmed.
    deadline: Option<Instant>,
    /// Operations in progress (one may run inside another).
    depth: usize,
    /// The owner is gone: the thread ends.
    stopped: bool,
    /// A deadline passed (set before `on_timeout` runs, under the same lock as disarming).
    fired: bool,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The lock only guards plain fields; a panic elsewhere leaves them usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A thread that calls `on_timeout` once if an operation stays armed past its deadline.
pub struct Watchdog {
    shared: Arc<Shared>,
    timeout: Duration,
}

impl Watchdog {
    /// Starts the watchdog thread, disarmed.
    pub fn start(timeout: Duration, on_timeout: impl FnOnce() + Send + 'static) -> Watchdog {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
        let watched = Arc::clone(&shared);
        std::thread::spawn(move || {
            if watch(&watched) {
                on_timeout();
            }
        });
        Watchdog { shared, timeout }
    }

    /// Arms the deadline (now + timeout) until the returned guard is dropped. Nested guards keep
    /// the outer deadline.
    pub fn arm(&self) -> Armed<'_> {
        let mut state = self.shared.lock();
        if state.depth == 0 {
            state.deadline = Some(Instant::now() + self.timeout);
        }
        state.depth += 1;
        drop(state);
        self.shared.changed.notify_all();
        Armed { watchdog: self }
    }
}

impl Watchdog {
    /// Whether a deadline passed. Checked after disarming: then it is final.
    pub fn fired(&self) -> bool {
        self.shared.lock().fired
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.shared.lock().stopped = true;
        self.shared.changed.notify_all();
    }
}

/// Waits until a deadline passes (`true`) or the watchdog is dropped (`false`).
fn watch(shared: &Shared) -> bool {
    let mut state = shared.lock();
    loop {
        if state.stopped {
            return false;
        }
        state = match state.deadline {
            None => shared
                .changed
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
            Some(deadline) => {
                let now = Instant::now();
                if now >= deadline {
                    state.fired = true;
                    return true;
                }
                shared
                    .changed
                    .wait_timeout(state, deadline - now)
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .0
            }
        };
    }
}

/// An armed deadline; dropping it disarms.
pub struct Armed<'a> {
    watchdog: &'a Watchdog,
}

impl Drop for Armed<'_> {
    fn drop(&mut self) {
        let mut state = self.watchdog.shared.lock();
        state.depth = state.depth.saturating_sub(1);
        if state.depth == 0 {
            state.deadline = None;
        }
        drop(state);
        self.watchdog.shared.changed.notify_all();
    }
}

static PROCESS_WATCHDOG: OnceLock<Watchdog> = OnceLock::new();

/// The process's deadline on card operations: the only way to run one ([`Deadline::run`]).
#[derive(Clone, Copy)]
pub struct Deadline {
    watchdog: &'static Watchdog,
}

impl Deadline {
    /// Installs the process's watchdog (once; later calls return the same one): past the deadline
    /// it prints [`CliError::CardTimeout`] (text or JSON, as `out` says) and exits with status 1.
    /// The operation's thread is stuck in PC/SC and cannot be woken, so the process ends from the
    /// watchdog's thread.
    pub fn install(timeout: Duration, out: &Output) -> Deadline {
        let (json, lang) = (out.json, out.lang);
        let watchdog = PROCESS_WATCHDOG.get_or_init(|| {
            Watchdog::start(timeout, move || {
                let error = CliError::CardTimeout {
                    seconds: timeout.as_secs(),
                    setting: TIMEOUT_ENV,
                };
                // A PIN may have been verified in the transaction that cannot end: unpower the
                // card once the exit releases it.
                if super::interrupt::pin_may_be_sent() {
                    super::unpower::unpower_after_exit();
                }
                // Unless the command's answer (or Ctrl-C's) is out already: one document only.
                super::interrupt::answer(|| Output::new(json, lang).error(&error));
                // No prompt is open during a card operation; the terminal's mode all the same.
                super::terminal::restore();
                std::process::exit(ExitCode::Other as i32);
            })
        });
        Deadline { watchdog }
    }

    /// Runs one card operation (connecting, one transaction, disconnecting) under the deadline.
    pub fn run<R>(self, operation: impl FnOnce() -> R) -> R {
        let armed = self.watchdog.arm();
        let result = operation();
        drop(armed);
        if self.watchdog.fired() {
            // Too late: the watchdog is printing card-timeout and ending the process. Going on
            // would print a second answer.
            loop {
                std::thread::park();
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    const TINY: Duration = Duration::from_millis(50);

    fn watchdog() -> (Watchdog, mpsc::Receiver<Instant>) {
        let (fired, receiver) = mpsc::channel();
        let watchdog = Watchdog::start(TINY, move || {
            let _ = fired.send(Instant::now());
        });
        (watchdog, receiver)
    }

    #[test]
    fn an_operation_past_its_deadline_fires_once() {
        let (watchdog, fired) = watchdog();
        let armed_at = Instant::now();
        let _armed = watchdog.arm();
        let at = fired
            .recv_timeout(Duration::from_secs(5))
            .expect("it fires");
        assert!(at - armed_at >= TINY, "{:?}", at - armed_at);
        assert!(fired.recv_timeout(TINY * 4).is_err(), "only once");
    }

    #[test]
    fn operations_that_end_in_time_never_fire_and_disarmed_time_does_not_count() {
        let (watchdog, fired) = watchdog();
        for _ in 0..5 {
            let armed = watchdog.arm();
            std::thread::sleep(TINY / 5);
            drop(armed);
            // Disarmed, as while a person types the PIN.
            std::thread::sleep(TINY * 2);
        }
        assert!(fired.recv_timeout(TINY * 3).is_err());
        assert!(!watchdog.fired());
    }

    #[test]
    fn a_nested_operation_keeps_the_outer_deadline_and_the_inner_end_does_not_disarm() {
        let (watchdog, fired) = watchdog();
        let armed_at = Instant::now();
        let outer = watchdog.arm();
        drop(watchdog.arm());
        let at = fired
            .recv_timeout(Duration::from_secs(5))
            .expect("it fires");
        assert!(at - armed_at < TINY * 10, "{:?}", at - armed_at);
        drop(outer);
    }

    #[test]
    fn a_dropped_watchdog_never_fires() {
        let (watchdog, fired) = watchdog();
        drop(watchdog);
        assert!(fired.recv_timeout(TINY * 3).is_err());
    }

    #[test]
    fn the_timeout_comes_from_the_environment_value_checked() {
        use std::ffi::OsStr;
        assert_eq!(parse_timeout(None).unwrap(), DEFAULT_TIMEOUT);
        assert_eq!(
            parse_timeout(Some(OsStr::new(""))).unwrap(),
            DEFAULT_TIMEOUT
        );
        assert_eq!(
            parse_timeout(Some(OsStr::new("2"))).unwrap(),
            Duration::from_secs(2)
        );
        assert_eq!(
            parse_timeout(Some(OsStr::new(" 3600 "))).unwrap(),
            Duration::from_secs(3600)
        );
        for bad in [
            "0",
            "-1",
            "3601",
            "1.5",
            "30s",
            "abc",
            "99999999999999999999999",
        ] {
            let error = parse_timeout(Some(OsStr::new(bad))).unwrap_err();
            assert_eq!(error.code(), "usage", "{bad}");
            let message = crate::i18n::Localized::localized(&error, crate::i18n::Lang::En);
            assert!(message.contains(TIMEOUT_ENV), "{message}");
            assert!(
                !message.contains(bad) || bad == "0",
                "{bad} repeated: {message}"
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            assert!(parse_timeout(Some(OsStr::from_bytes(b"3\xff"))).is_err());
        }
    }
}
