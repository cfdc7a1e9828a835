//! The guard: the retry counter is read before every VERIFY, in the same transaction, and a PIN is
//! sent only when at least two tries remain. mynapin must never be the cause of a lockout.

use apdu::{
    exchange, CardSession, Connection, Disposition, ExchangeError, Status, StatusWord,
    TransactionStart, Transport, TransportError,
};

use super::commands::{read_counter as counter_command, select_ef, verify};
use super::detect::select;
use super::{Application, CardIdentity, JpkiError, Pin, PinKind};

/// A PIN's retry counter, as the empty VERIFY reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counter {
    /// `63Cx`, x > 0: x tries left.
    TriesLeft(u8),
    /// `63C0`, `6983` or `6984`: blocked (docs/safety.md says who can reset it).
    Blocked(StatusWord),
    /// Anything else, `9000` included (the JPKI empty VERIFY never answers 9000: OpenSC PR #959).
    Unknown(StatusWord),
}

impl Counter {
    /// Reads the answer to the empty VERIFY of a PIN whose maximum is `max_tries`. More tries than
    /// the maximum is not an answer this card gives: unknown.
    pub fn from_sw(sw: StatusWord, max_tries: u8) -> Counter {
        match sw.status() {
            Status::RetriesLeft(tries) if tries > 0 && tries <= max_tries => {
                Counter::TriesLeft(tries)
            }
            status if status.is_blocked() => Counter::Blocked(sw),
            _ => Counter::Unknown(sw),
        }
    }

    /// Tries left: 0 when blocked, `None` when unknown.
    pub fn tries_left(self) -> Option<u8> {
        match self {
            Counter::TriesLeft(tries) => Some(tries),
            Counter::Blocked(_) => Some(0),
            Counter::Unknown(_) => None,
        }
    }

    /// Why a PIN must not be sent with this counter, or `None` when at least two tries remain.
    pub fn refusal(self) -> Option<Refusal> {
        match self {
            Counter::TriesLeft(tries) if tries >= 2 => None,
            Counter::TriesLeft(_) => Some(Refusal::LastTry),
            Counter::Blocked(sw) => Some(Refusal::Blocked(sw)),
            Counter::Unknown(sw) => Some(Refusal::CounterUnknown(sw)),
        }
    }
}

/// Why the guard did not send the PIN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// One try left: a wrong PIN now would lock it.
    LastTry,
    /// Already blocked.
    Blocked(StatusWord),
    /// The counter could not be read; the card answered this.
    CounterUnknown(StatusWord),
}

/// Why the result of a sent VERIFY is not known. The PIN may or may not have been checked; it is
/// never sent again. Run `mynapin status` to see the counter.
#[derive(Debug)]
#[non_exhaustive]
pub enum UnknownOutcome {
    /// The VERIFY could not be completed (card removed or reset, reader gone, short answer).
    Exchange(ExchangeError),
    /// The transaction failed around the VERIFY.
    Transport(TransportError),
    /// The card answered something a VERIFY does not answer.
    UnexpectedStatus(StatusWord),
}

/// The result of [`guarded_verify`].
#[derive(Debug)]
#[non_exhaustive]
pub enum VerifyOutcome {
    /// `9000`: correct; the counter is back at its maximum.
    Verified,
    /// `63Cx`, x > 0: wrong PIN, x tries left.
    WrongPin {
        /// Tries left.
        tries_left: u8,
    },
    /// `63C0`, `6983`, `6984`: wrong PIN and now blocked, or blocked already.
    Blocked {
        /// What the card answered.
        sw: StatusWord,
    },
    /// The PIN was not sent.
    Refused(Refusal),
    /// The PIN was sent and what happened is not known.
    Unknown(UnknownOutcome),
}

impl VerifyOutcome {
    /// Tries left after the attempt (or at the refusal); `None` when unknown.
    pub fn tries_left(&self, kind: PinKind) -> Option<u8> {
        match self {
            VerifyOutcome::Verified => Some(kind.max_tries()),
            VerifyOutcome::WrongPin { tries_left } => Some(*tries_left),
            VerifyOutcome::Blocked { .. } => Some(0),
            VerifyOutcome::Refused(refusal) => match refusal {
                Refusal::LastTry => Some(1),
                Refusal::Blocked(_) => Some(0),
                Refusal::CounterUnknown(_) => None,
            },
            VerifyOutcome::Unknown(_) => None,
        }
    }
}

/// One PIN's counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PinStatus {
    /// Which PIN.
    pub kind: PinKind,
    /// Its counter.
    pub counter: Counter,
}

/// The card and its counters (part of [`super::StatusWithExpiry`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardStatus {
    /// The card, from its token label.
    pub identity: CardIdentity,
    /// Counters, in the order of [`PinKind::ALL`].
    pub pins: Vec<PinStatus>,
}

/// With JPKI selected: per PIN of `kinds`, SELECT EF and the empty VERIFY, selecting another
/// application once when needed. Used by [`super::read_status`].
pub(super) fn read_pin_counters(
    tx: &mut dyn Transport,
    kinds: &[PinKind],
) -> Result<Vec<PinStatus>, JpkiError> {
    let mut selected = Some(Application::Jpki);
    let mut pins = Vec::new();
    for kind in PinKind::ALL.into_iter().filter(|kind| kinds.contains(kind)) {
        let app = kind.application();
        if selected != Some(app) {
            selected = Some(app);
            if let Some(sw) = select_other_application(tx, app)? {
                // The application is missing (a 住基カード has no card-info AP): its PINs stay
                // unknown; nothing else may be read from it.
                selected = None;
                pins.push(PinStatus {
                    kind,
                    counter: Counter::Unknown(sw),
                });
                continue;
            }
        }
        let counter = read_counter_of_selected_application(tx, kind)?;
        pins.push(PinStatus { kind, counter });
    }
    Ok(pins)
}

/// A counter read to be shown to a person before asking for a PIN, bound to the connection and
/// the card session it was read in. Only [`read_counter`] makes one (its fields are private); it
/// is neither `Clone` nor `Copy`, and every guarded operation takes it by value, so one shown
/// counter allows one attempt. The guarded transaction refuses it, sending nothing, when the card
/// was reset, unpowered, removed or reconnected since it was read, when it was read on another
/// connection (sessions are unique in the process), or when it is another PIN's counter.
#[derive(Debug)]
pub struct ShownCounter {
    kind: PinKind,
    counter: Counter,
    session: CardSession,
}

impl ShownCounter {
    /// Which PIN.
    pub fn kind(&self) -> PinKind {
        self.kind
    }

    /// Its counter, as read.
    pub fn counter(&self) -> Counter {
        self.counter
    }
}

/// Reads one PIN's counter in its own read-only transaction: SELECT the application, SELECT the
/// PIN EF, empty VERIFY (3 APDUs). Used before prompting for a PIN; pass the result to
/// [`guarded_verify`], [`super::guarded_change`] or [`super::guarded_sign`] on the same
/// connection.
pub fn read_counter(conn: &mut impl Connection, kind: PinKind) -> Result<ShownCounter, JpkiError> {
    conn.transaction(Disposition::Leave, |tx, start| {
        Ok(ShownCounter {
            kind,
            counter: select_and_read_counter(tx, kind)?,
            session: start.card_session,
        })
    })?
}

/// The counter of `kind` read in a transaction that began in `start`, to be shown (for `check`,
/// which reads it with its other facts in one transaction).
pub(super) fn shown_counter(
    start: TransactionStart,
    kind: PinKind,
    counter: Counter,
) -> ShownCounter {
    ShownCounter {
        kind,
        counter,
        session: start.card_session,
    }
}

/// The one rule on resets for every guarded operation that sends a secret (VERIFY, CHANGE
/// REFERENCE DATA): its transaction, begun in `start`, may send it only if the card session is
/// the one `shown` was read in: the same connection, and nothing reset, unpowered, removed or
/// reconnected the card since (whatever transactions ran in between; a guarded transaction's own
/// unpower counts, so a counter read before another guarded operation is stale after it).
///
/// PC/SC reports a card pulled and another inserted as a reset on some systems (macOS), so a reset
/// may mean the secret was typed for another card. `Err(JpkiError::CardChanged)` otherwise; call it
/// before sending anything in the transaction.
pub(crate) fn may_send_secret(
    shown: &ShownCounter,
    start: TransactionStart,
) -> Result<(), JpkiError> {
    if shown.session != start.card_session || start.card_was_reset {
        log::info!("the card was reset or changed since its counter was read; nothing is sent");
        Err(JpkiError::CardChanged)
    } else {
        Ok(())
    }
}

/// A counter of another PIN than the one to send is refused before anything begins.
fn same_kind(shown: &ShownCounter, pin: &Pin) -> Result<(), JpkiError> {
    if shown.kind == pin.kind() {
        Ok(())
    } else {
        log::info!(
            "the counter shown is the {} PIN's, the PIN to send the {}; nothing is sent",
            shown.kind,
            pin.kind()
        );
        Err(JpkiError::CounterOfAnotherPin {
            shown: shown.kind,
            pin: pin.kind(),
        })
    }
}

/// What a guarded operation reports when its transaction could not begin: a removed or reset card
/// is [`JpkiError::CardChanged`] (the counter was shown; the secret is not sent); anything else,
/// the transport error as it is.
pub(crate) fn guarded_begin_error(error: TransportError) -> JpkiError {
    match error {
        TransportError::CardRemoved | TransportError::CardReset => {
            log::info!("{error} after the counter was shown; nothing is sent");
            JpkiError::CardChanged
        }
        error => error.into(),
    }
}

/// The guarded VERIFY after `shown` (the same PIN's counter, read with [`read_counter`] on this
/// connection) was shown, in one transaction that ends by cutting the card's power (no verified
/// state outlives the command). Nothing is sent when `shown` is another PIN's counter
/// ([`JpkiError::CounterOfAnotherPin`]) or when the card was reset, unpowered, removed or
/// reconnected since `shown` was read, or it was read on another connection
/// ([`JpkiError::CardChanged`]: the card-changed rule). Else SELECT the application, SELECT the
/// PIN EF, read the counter, and only if it reads `63Cx` with x ≥ 2, send `00 20 00 80 Lc PIN`,
/// once.
pub fn guarded_verify(
    conn: &mut impl Connection,
    shown: ShownCounter,
    pin: &Pin,
) -> Result<VerifyOutcome, JpkiError> {
    Ok(match guarded_transaction(conn, pin, shown, |_| ())? {
        Guarded::NotVerified(outcome) => outcome,
        Guarded::Verified { .. } => VerifyOutcome::Verified,
    })
}

/// How a [`guarded_transaction`] went.
pub(super) enum Guarded<T> {
    /// The PIN was not verified: not sent (refused), wrong, blocked, or its answer lost. Nothing
    /// more was sent.
    NotVerified(VerifyOutcome),
    /// The card answered `9000` and the work after it ran, in the same transaction. `end_error`:
    /// ending the transaction failed afterwards (the card's answers stand; the caller judges
    /// whether what `after` read can be trusted).
    Verified {
        /// What the work after the VERIFY returned.
        after: T,
        /// The failure to end the transaction, if any.
        end_error: Option<TransportError>,
    },
}

/// The one guarded transaction that every operation sending a PIN goes through (VERIFY alone,
/// VERIFY then CHANGE REFERENCE DATA, VERIFY then a signature). It ends by cutting the card's
/// power, so no verified state outlives it. In it, in this order:
/// 0. before it begins: `shown` must be the counter of `pin`'s kind;
/// 1. the card-changed rule ([`may_send_secret`]): a reset or reconnect since `shown` was read,
///    or `shown` read on another connection, sends nothing;
/// 2. SELECT the application, SELECT the PIN EF, read the counter; unless it reads `63Cx` with
///    x ≥ 2, nothing is sent ([`Refusal`]);
/// 3. the VERIFY, once, never resent;
/// 4. only on `9000`, `after` with the same transport (each command in it sent at most once).
///
/// A failure to begin the transaction is an error (after a counter was shown, a removed or reset
/// card is [`JpkiError::CardChanged`]); a failure once the VERIFY was sent is an outcome.
pub(super) fn guarded_transaction<T>(
    conn: &mut impl Connection,
    pin: &Pin,
    shown: ShownCounter,
    after: impl FnOnce(&mut dyn Transport) -> T,
) -> Result<Guarded<T>, JpkiError> {
    same_kind(&shown, pin)?;
    let kind = pin.kind();
    let mut verify_sent = false;
    let mut verify_answer = None;
    let mut after_result = None;
    let result = conn.transaction(Disposition::Unpower, |tx, start| {
        may_send_secret(&shown, start)?;
        let counter = select_and_read_counter(tx, kind)?;
        if let Some(refusal) = counter.refusal() {
            return Ok(Some(VerifyOutcome::Refused(refusal)));
        }
        verify_sent = true;
        let verified = match exchange(tx, &verify(pin)) {
            Ok(response) => {
                verify_answer = Some(response.sw());
                verify_outcome(response.sw())
            }
            Err(error) => VerifyOutcome::Unknown(UnknownOutcome::Exchange(error)),
        };
        if !matches!(verified, VerifyOutcome::Verified) {
            return Ok(Some(verified));
        }
        after_result = Some(after(tx));
        Ok(None)
    });
    let end_error = match result {
        Ok(Ok(Some(not_verified))) => return Ok(Guarded::NotVerified(not_verified)),
        Ok(Ok(None)) => None,
        Ok(Err(error)) => return Err(error),
        Err(error) => Some(error),
    };
    match (after_result, verify_answer, end_error) {
        (Some(after), _, end_error) => {
            if let Some(error) = &end_error {
                log::warn!("ending the transaction failed after the card answered: {error}");
            }
            Ok(Guarded::Verified { after, end_error })
        }
        // The card answered the VERIFY (not 9000), then ending the transaction failed: the
        // answer stands.
        (None, Some(sw), Some(error)) => {
            log::warn!("ending the transaction failed after the card answered: {error}");
            Ok(Guarded::NotVerified(verify_outcome(sw)))
        }
        (None, None, Some(error)) if verify_sent => Ok(Guarded::NotVerified(
            VerifyOutcome::Unknown(UnknownOutcome::Transport(error)),
        )),
        (None, _, Some(error)) => Err(guarded_begin_error(error)),
        // Unreachable by construction (no error, no result); nothing was verified.
        (None, _, None) => Ok(Guarded::NotVerified(VerifyOutcome::Unknown(
            UnknownOutcome::Transport(TransportError::Other(
                "the guarded transaction ended without a result".into(),
            )),
        ))),
    }
}

/// What the answer to a VERIFY with data means.
pub(super) fn verify_outcome(sw: StatusWord) -> VerifyOutcome {
    match sw.status() {
        Status::Success => VerifyOutcome::Verified,
        Status::RetriesLeft(tries) if tries > 0 => VerifyOutcome::WrongPin { tries_left: tries },
        status if status.is_blocked() => VerifyOutcome::Blocked { sw },
        _ => VerifyOutcome::Unknown(UnknownOutcome::UnexpectedStatus(sw)),
    }
}

pub(super) fn select_and_read_counter(
    tx: &mut dyn Transport,
    kind: PinKind,
) -> Result<Counter, JpkiError> {
    // The card is identified by its JPKI application, whichever PIN is read: a card without it
    // (6A82) is not a My Number card and gets no PIN, even one of another application.
    select(tx, Application::Jpki)?;
    match kind.application() {
        Application::Jpki => {}
        app => {
            if let Some(sw) = select_other_application(tx, app)? {
                return Ok(Counter::Unknown(sw));
            }
        }
    }
    read_counter_of_selected_application(tx, kind)
}

/// Selects an application other than JPKI; `Some(sw)` when the card does not have it.
fn select_other_application(
    tx: &mut dyn Transport,
    app: Application,
) -> Result<Option<StatusWord>, JpkiError> {
    match select(tx, app) {
        Ok(()) => Ok(None),
        Err(JpkiError::UnexpectedStatus { sw, .. }) => Ok(Some(sw)),
        Err(error) => Err(error),
    }
}

/// SELECT the PIN EF, then the empty VERIFY. A failed select leaves the counter unknown.
fn read_counter_of_selected_application(
    tx: &mut dyn Transport,
    kind: PinKind,
) -> Result<Counter, JpkiError> {
    let selected = exchange(tx, &select_ef(kind.ef()))?;
    if !selected.is_success() {
        return Ok(Counter::Unknown(selected.sw()));
    }
    let answer = exchange(tx, &counter_command())?;
    Ok(Counter::from_sw(answer.sw(), kind.max_tries()))
}

#[cfg(test)]
mod tests;
