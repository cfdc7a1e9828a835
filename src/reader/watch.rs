//! Waiting for readers and cards without polling: `SCardGetStatusChange` on every reader plus the
//! PnP pseudo-reader `\\?PnP?\Notification`, with an infinite timeout, interrupted by
//! `SCardCancel` from a [`Canceller`].
//!
//! - [`Watcher`]: the event stream of `mynapin watch` (readers, cards, the service going away and
//!   coming back).
//! - [`wait_for_card`] / [`wait_for_card_with`]: `status --wait` and `verify --wait`.
//! - `Tracker`: the pure state machine that turns reader snapshots into events.
//!
//! The only polling: while the PC/SC service is down there is no context to block in, so a new
//! one is tried every `SERVICE_RETRY`; and where PC/SC has no PnP pseudo-reader (macOS), the
//! readers are listed again every `RELIST_INTERVAL`, as pcsc_scan does. See `docs/watch.md`.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

mod cancel;
mod tracker;

pub use cancel::Canceller;
pub use tracker::WatchEvent;
pub(crate) use tracker::{ReaderSnapshot, Tracker};

use super::error::service_error;
use super::{choose_reader, establish, ReaderError, ReaderInfo};
use crate::platform::Platform;

/// How often a new context is tried while the PC/SC service is down.
pub(crate) const SERVICE_RETRY: Duration = Duration::from_millis(500);

/// How often the readers are listed again where PC/SC cannot report readers coming and going
/// ([`Platform::has_pnp_notification`]).
pub(crate) const RELIST_INTERVAL: Duration = Duration::from_millis(500);

/// How long [`Canceller::cancel`] callers should be ready to wait for a watcher to stop: the
/// longest it can be busy outside a cancellable wait (reading a card's counters).
// Used by the CLI's Ctrl-C handler.
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub(crate) const CANCEL_PATIENCE: Duration = Duration::from_secs(3);

/// The readers being watched: the PnP pseudo-reader first (where PC/SC has one), then every
/// listed reader.
struct WatchedStates {
    states: Vec<pcsc::ReaderState>,
    /// Whether `states[0]` is the PnP pseudo-reader; without it, waits end every
    /// [`RELIST_INTERVAL`] so that the readers are listed again.
    pnp: bool,
}

/// The timeout to give `SCardGetStatusChange` for a wait of `timeout` (`None`: no limit), and
/// whether it was shortened so that the readers are listed again (then its end is no timeout).
fn wait_timeout(pnp: bool, timeout: Option<Duration>) -> (Option<Duration>, bool) {
    match timeout {
        _ if pnp => (timeout, false),
        Some(timeout) if timeout <= RELIST_INTERVAL => (Some(timeout), false),
        _ => (Some(RELIST_INTERVAL), true),
    }
}

/// Why one wait ended without a snapshot.
enum WaitStop {
    /// `SCardCancel` (`SCARD_E_CANCELLED`).
    Cancelled,
    /// The service stopped (`SCARD_E_NO_SERVICE`, `SCARD_E_SERVICE_STOPPED`).
    ServiceLost,
    /// The timeout passed.
    Timeout,
    /// Anything else.
    Failed(pcsc::Error),
}

impl From<pcsc::Error> for WaitStop {
    fn from(error: pcsc::Error) -> Self {
        match error {
            pcsc::Error::Cancelled => WaitStop::Cancelled,
            // pcsc-lite answers a blocked call with SCARD_F_COMM_ERROR when pcscd goes away.
            pcsc::Error::NoService | pcsc::Error::ServiceStopped | pcsc::Error::CommError => {
                WaitStop::ServiceLost
            }
            pcsc::Error::Timeout => WaitStop::Timeout,
            other => WaitStop::Failed(other),
        }
    }
}

impl WatchedStates {
    fn new(platform: Platform) -> Self {
        let pnp = platform.has_pnp_notification();
        let states = if pnp {
            vec![pcsc::ReaderState::new(
                pcsc::PNP_NOTIFICATION(),
                pcsc::State::UNAWARE,
            )]
        } else {
            Vec::new()
        };
        WatchedStates { states, pnp }
    }

    /// The PnP pseudo-reader was reported unknown (a PC/SC without it): list the readers
    /// every [`RELIST_INTERVAL`] instead of waiting on it, which would never end or spin.
    fn drop_unsupported_pnp(&mut self) {
        let unsupported = self.pnp
            && self
                .states
                .first()
                .is_some_and(|pnp| pnp.event_state().contains(pcsc::State::UNKNOWN));
        if unsupported {
            log::info!("no PnP notification; listing readers every {RELIST_INTERVAL:?}");
            self.states.remove(0);
            self.pnp = false;
        }
    }

    /// Lists the readers again: keeps the states of those still there, adds new ones as
    /// `UNAWARE` (so the next wait reports them at once) and drops the others.
    fn relist(&mut self, context: &pcsc::Context) -> Result<(), WaitStop> {
        let names = match context.list_readers_owned() {
            Ok(names) => names,
            // Windows and macOS report "no readers" as an error; pcsc-lite as an empty list.
            Err(pcsc::Error::NoReadersAvailable) => Vec::new(),
            Err(error) => return Err(error.into()),
        };
        let pnp = pcsc::PNP_NOTIFICATION();
        self.states.retain(|state| {
            state.name() == pnp || names.iter().any(|name| **name == *state.name())
        });
        for name in names {
            if !self.states.iter().any(|state| *state.name() == *name) {
                self.states
                    .push(pcsc::ReaderState::new(name, pcsc::State::UNAWARE));
            }
        }
        Ok(())
    }

    /// Blocks until a reader's state differs from the last one seen, or `timeout` passes
    /// (`None`: no limit). Without the PnP pseudo-reader it also returns `Ok` after
    /// [`RELIST_INTERVAL`], so that the caller lists the readers again.
    fn wait(
        &mut self,
        context: &pcsc::Context,
        timeout: Option<Duration>,
        canceller: &Canceller,
    ) -> Result<(), WaitStop> {
        let (timeout, relisting) = wait_timeout(self.pnp, timeout);
        if self.states.is_empty() {
            // Nothing to block in (no reader, no PnP pseudo-reader): wait for the next listing.
            let sleep = timeout.unwrap_or(RELIST_INTERVAL);
            return if canceller.sleep(sleep) {
                Err(WaitStop::Cancelled)
            } else if relisting {
                Ok(())
            } else {
                Err(WaitStop::Timeout)
            };
        }
        for state in &mut self.states {
            state.sync_current_state();
        }
        log::debug!(
            "SCardGetStatusChange({} readers, PnP {}, timeout {timeout:?})",
            self.states.len() - usize::from(self.pnp),
            self.pnp
        );
        let waited = context.get_status_change(timeout, &mut self.states);
        self.drop_unsupported_pnp();
        match waited {
            Ok(()) => Ok(()),
            Err(pcsc::Error::Timeout) if relisting => Ok(()),
            // The reader left between the listing and the wait: list again.
            Err(pcsc::Error::UnknownReader | pcsc::Error::ReaderUnavailable) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// The readers as last reported, without the PnP pseudo-reader nor readers PC/SC reports
    /// gone (`SCARD_STATE_UNKNOWN`, `SCARD_STATE_IGNORE`).
    fn snapshot(&self) -> Vec<ReaderSnapshot> {
        let pnp = pcsc::PNP_NOTIFICATION();
        self.states
            .iter()
            .filter(|state| state.name() != pnp)
            .filter(|state| {
                !state
                    .event_state()
                    .intersects(pcsc::State::UNKNOWN | pcsc::State::IGNORE)
            })
            .map(|state| {
                let card_present = state.event_state().contains(pcsc::State::PRESENT);
                ReaderSnapshot {
                    name: state.name().to_string_lossy().into_owned(),
                    card_present,
                    atr: if card_present {
                        state.atr().to_vec()
                    } else {
                        Vec::new()
                    },
                    event_count: state.event_count(),
                }
            })
            .collect()
    }
}

/// Watches every reader and card until cancelled, surviving the PC/SC service going away.
///
/// Each [`Watcher::next_event`] blocks in `SCardGetStatusChange` (no timeout) until something
/// changes. The first events describe what is there at the start: every reader as
/// [`WatchEvent::ReaderAdded`], every card as [`WatchEvent::CardInserted`]. If the service is not
/// running at the start, the first event is [`WatchEvent::ServiceStopped`].
///
/// Work done between two calls (reading a card) loses no event: the next wait starts from the
/// last state seen and returns at once if anything differs, and a card swapped meanwhile shows
/// by its event counter (see `Tracker`).
pub struct Watcher {
    platform: Platform,
    canceller: Canceller,
    context: Option<pcsc::Context>,
    states: WatchedStates,
    tracker: Tracker,
    service_down: bool,
    pending: VecDeque<WatchEvent>,
    finished: bool,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher")
            .field("readers", &self.tracker.readers())
            .field("service_down", &self.service_down)
            .field("pending", &self.pending)
            .finish()
    }
}

impl Watcher {
    /// A watcher that `canceller` stops. Nothing is contacted before the first
    /// [`Watcher::next_event`].
    pub fn new(canceller: Canceller) -> Self {
        canceller.begin();
        let platform = Platform::current();
        Watcher {
            platform,
            canceller,
            context: None,
            states: WatchedStates::new(platform),
            tracker: Tracker::new(),
            service_down: false,
            pending: VecDeque::new(),
            finished: false,
        }
    }

    /// The next event, blocking until there is one; `Ok(None)` once cancelled.
    ///
    /// The service stopping is not an error: it is [`WatchEvent::ServiceStopped`] (once), then
    /// a new context is tried every `SERVICE_RETRY` until [`WatchEvent::ServiceStarted`].
    /// Errors are other PC/SC failures (`ReaderError::Pcsc`).
    pub fn next_event(&mut self) -> Result<Option<WatchEvent>, ReaderError> {
        loop {
            if self.finished {
                return Ok(None);
            }
            if let Some(event) = self.pending.pop_front() {
                return Ok(Some(event));
            }
            if self.canceller.is_cancelled() {
                self.finish();
                continue;
            }
            let Some(context) = self.context.clone() else {
                self.connect()?;
                continue;
            };
            let waited = self
                .states
                .relist(&context)
                .and_then(|()| self.states.wait(&context, None, &self.canceller));
            match waited {
                Ok(()) => {
                    let snapshot = self.states.snapshot();
                    self.pending.extend(self.tracker.update(&snapshot));
                }
                Err(WaitStop::Cancelled) => self.finish(),
                Err(WaitStop::ServiceLost) => self.service_lost(),
                // Not with an infinite timeout; just wait again.
                Err(WaitStop::Timeout) => {}
                Err(WaitStop::Failed(error)) => {
                    self.finish();
                    return Err(service_error(error));
                }
            }
        }
    }

    /// Establishes a context, or notes that the service is down and sleeps before the next try.
    fn connect(&mut self) -> Result<(), ReaderError> {
        match establish() {
            Ok(context) => {
                log::info!("PC/SC context established");
                self.canceller.set_context(Some(context.clone()));
                self.context = Some(context);
                self.states = WatchedStates::new(self.platform);
                if self.service_down {
                    self.service_down = false;
                    self.pending
                        .extend(service_event(self.platform, WatchEvent::ServiceStarted));
                }
                Ok(())
            }
            Err(ReaderError::NoService) | Err(ReaderError::NoReader) => {
                if !self.service_down {
                    self.service_lost();
                } else if self.canceller.sleep(SERVICE_RETRY) {
                    self.finish();
                }
                Ok(())
            }
            Err(error) => {
                self.finish();
                Err(error)
            }
        }
    }

    fn service_lost(&mut self) {
        log::info!("the PC/SC service is gone; retrying every {SERVICE_RETRY:?}");
        self.canceller.set_context(None);
        self.context = None;
        self.service_down = true;
        // The cause first, then what it took away.
        self.pending
            .extend(service_event(self.platform, WatchEvent::ServiceStopped));
        self.pending.extend(self.tracker.update(&[]));
    }

    fn finish(&mut self) {
        if !self.finished {
            self.finished = true;
            self.pending.clear();
            self.context = None;
            self.canceller.finish();
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.finish();
    }
}

/// `event` (the service stopped or started) if `platform` reports it. On Windows the service
/// stops because the last reader went and starts with the next one: the readers' own events
/// say all there is.
fn service_event(platform: Platform, event: WatchEvent) -> Option<WatchEvent> {
    (!platform.service_down_means_no_reader()).then_some(event)
}

/// Waits until the reader `choice` names (as `--reader` does) holds a card, or, without a choice,
/// until some reader does; then returns, and the caller opens the card as usual.
///
/// Same as [`wait_for_card_with`] with a canceller nobody holds.
pub fn wait_for_card(choice: Option<&str>, timeout: Option<Duration>) -> Result<(), ReaderError> {
    wait_for_card_with(choice, timeout, &Canceller::new())
}

/// Waits until a card is there for `choice` (see [`choose_reader`]), for at most `timeout`
/// (`None`: no limit), blocking in `SCardGetStatusChange` on every reader and the PnP
/// pseudo-reader, so a reader plugged in later counts too.
///
/// Returns at once when the card is already there. Keeps waiting while the choice gives
/// [`ReaderError::NoReader`], [`ReaderError::NoCard`] or, with a choice, [`ReaderError::UnknownReader`]
/// (the reader may be plugged in later); on timeout returns that error as it stands. Other
/// errors (several cards, an ambiguous choice, no PC/SC service) are returned at once; but on
/// Windows, whose Smart Card service stops while no reader is plugged in, a stopped service is
/// [`ReaderError::NoReader`] and is waited for (a new context every `SERVICE_RETRY`).
/// [`ReaderError::Cancelled`] when `canceller` cancels.
pub fn wait_for_card_with(
    choice: Option<&str>,
    timeout: Option<Duration>,
    canceller: &Canceller,
) -> Result<(), ReaderError> {
    canceller.begin();
    let result = wait_until_present(choice, timeout, canceller);
    canceller.finish();
    result
}

fn wait_until_present(
    choice: Option<&str>,
    timeout: Option<Duration>,
    canceller: &Canceller,
) -> Result<(), ReaderError> {
    let platform = Platform::current();
    let deadline = timeout.map(|timeout| Instant::now() + timeout);
    // The time left, or `Err(missing)` once the deadline has passed.
    let remaining = |missing: ReaderError| match deadline {
        None => Ok(None),
        Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
            Some(remaining) if !remaining.is_zero() => Ok(Some(remaining)),
            _ => Err(missing),
        },
    };
    let mut context: Option<pcsc::Context> = None;
    let mut states = WatchedStates::new(platform);
    let stopped = |stop: WaitStop| match stop {
        WaitStop::Cancelled => ReaderError::Cancelled,
        WaitStop::ServiceLost => ReaderError::NoService,
        WaitStop::Timeout => ReaderError::Pcsc(pcsc::Error::Timeout),
        WaitStop::Failed(error) => service_error(error),
    };
    loop {
        if canceller.is_cancelled() {
            return Err(ReaderError::Cancelled);
        }
        let current = match &context {
            Some(current) => current.clone(),
            None => match establish() {
                Ok(established) => {
                    canceller.set_context(Some(established.clone()));
                    states = WatchedStates::new(platform);
                    context = Some(established.clone());
                    established
                }
                // Windows: the service is down because no reader is plugged in, and starts
                // with the first one; there is no context to block in until then.
                Err(ReaderError::NoReader) => {
                    let left = remaining(ReaderError::NoReader)?;
                    log::debug!("waiting for a card: no reader (no PC/SC service)");
                    let sleep = left.map_or(SERVICE_RETRY, |left| left.min(SERVICE_RETRY));
                    if canceller.sleep(sleep) {
                        return Err(ReaderError::Cancelled);
                    }
                    continue;
                }
                Err(error) => return Err(error),
            },
        };
        let service_lost = |stop: WaitStop| match stop {
            WaitStop::ServiceLost if platform.service_down_means_no_reader() => Ok(()),
            stop => Err(stopped(stop)),
        };
        // Learn the current states without blocking: new readers report at once.
        let listed = states.relist(&current).and_then(|()| {
            match states.wait(&current, Some(Duration::ZERO), canceller) {
                Ok(()) | Err(WaitStop::Timeout) => Ok(()),
                Err(stop) => Err(stop),
            }
        });
        if let Err(stop) = listed {
            service_lost(stop)?;
            canceller.set_context(None);
            context = None;
            continue;
        }
        let readers: Vec<ReaderInfo> = states
            .snapshot()
            .into_iter()
            .map(|reader| ReaderInfo {
                atr: reader.card_present.then_some(reader.atr),
                name: reader.name,
                card_present: reader.card_present,
            })
            .collect();
        let missing = match choose_reader(&readers, choice) {
            Ok(index) if readers[index].card_present => return Ok(()),
            Ok(index) => ReaderError::NoCard {
                reader: Some(readers[index].name.clone()),
            },
            Err(error @ (ReaderError::NoReader | ReaderError::NoCard { .. })) => error,
            Err(error @ ReaderError::UnknownReader { .. }) if choice.is_some() => error,
            Err(error) => return Err(error),
        };
        log::debug!("waiting for a card: {missing}");
        let left = remaining(missing)?;
        match states.wait(&current, left, canceller) {
            Ok(()) => {}
            // Checked against the deadline at the top of the next round.
            Err(WaitStop::Timeout) => {}
            Err(stop) => {
                service_lost(stop)?;
                canceller.set_context(None);
                context = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macos_waits_list_the_readers_again_instead_of_waiting_on_pnp() {
        let pnp = pcsc::PNP_NOTIFICATION();
        for platform in [Platform::Linux, Platform::Windows] {
            let states = WatchedStates::new(platform);
            assert!(states.pnp, "{platform:?}");
            assert_eq!(states.states.len(), 1);
            assert_eq!(states.states[0].name(), pnp);
        }
        let mac = WatchedStates::new(Platform::MacOs);
        assert!(!mac.pnp);
        assert!(
            mac.states.is_empty(),
            "no pseudo-reader Apple's PC/SC calls unknown"
        );
    }

    #[test]
    fn watch_reports_the_service_except_on_windows() {
        for event in [WatchEvent::ServiceStopped, WatchEvent::ServiceStarted] {
            for platform in [Platform::Linux, Platform::MacOs] {
                assert_eq!(service_event(platform, event.clone()), Some(event.clone()));
            }
            assert_eq!(service_event(Platform::Windows, event), None);
        }
    }

    #[test]
    fn without_pnp_no_wait_outlasts_the_relisting_interval() {
        let second = Duration::from_secs(1);
        let short = RELIST_INTERVAL / 2;
        // With PnP: the caller's timeout as it is, however long.
        assert_eq!(wait_timeout(true, None), (None, false));
        assert_eq!(
            wait_timeout(true, Some(second * 60)),
            (Some(second * 60), false)
        );
        // Without: capped, and the cap's end is not the caller's timeout.
        assert_eq!(wait_timeout(false, None), (Some(RELIST_INTERVAL), true));
        assert_eq!(
            wait_timeout(false, Some(second * 60)),
            (Some(RELIST_INTERVAL), true)
        );
        assert_eq!(wait_timeout(false, Some(short)), (Some(short), false));
        assert_eq!(
            wait_timeout(false, Some(Duration::ZERO)),
            (Some(Duration::ZERO), false)
        );
    }
}
