//! The guarded PIN change: CHANGE REFERENCE DATA only right after a `9000` VERIFY of the current
//! PIN, in the same transaction as the counter read that allowed the VERIFY. Never resent.

use apdu::{exchange, Connection, StatusWord};

use super::commands::change_reference_data;
use super::guard::{guarded_transaction, Guarded, ShownCounter};
use super::{JpkiError, Pin, PinKind, Refusal, UnknownOutcome, VerifyOutcome};
use crate::i18n::{Lang, Localized};

/// The current PIN and the new one, checked to go together: same kind, different values.
pub struct PinChange {
    current: Pin,
    new: Pin,
}

/// Why two PINs do not make a change. Holds no byte of either.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PinChangeError {
    /// The two PINs are of different kinds.
    #[error("the current PIN is a {current} PIN and the new one a {new} PIN")]
    KindMismatch {
        /// The current PIN's kind.
        current: PinKind,
        /// The new PIN's kind.
        new: PinKind,
    },
    /// The new PIN is the current one.
    #[error("the new {0} PIN is the same as the current one; nothing was sent to the card")]
    Unchanged(PinKind),
}

impl Localized for PinChangeError {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (PinChangeError::KindMismatch { .. }, Lang::En) => {
                format!("{self}; nothing was sent to the card. This is a bug in mynapin, please report it.")
            }
            (PinChangeError::KindMismatch { .. }, Lang::Ja) => {
                "現在の暗証番号と新しい暗証番号の種類が違います。カードには何も送っていません。mynapin の不具合です。報告してください。".into()
            }
            (PinChangeError::Unchanged(kind), Lang::En) => format!(
                "The new {} is the same as the current one. Nothing was sent to the card; choose a different one.",
                kind.title(lang)
            ),
            (PinChangeError::Unchanged(kind), Lang::Ja) => format!(
                "新しい{}が現在のものと同じです。カードには何も送っていません。別のものを選んでください。",
                kind.title(lang)
            ),
        }
    }
}

impl PinChange {
    /// Pairs the current PIN with the new one.
    pub fn new(current: Pin, new: Pin) -> Result<PinChange, PinChangeError> {
        if current.kind() != new.kind() {
            return Err(PinChangeError::KindMismatch {
                current: current.kind(),
                new: new.kind(),
            });
        }
        if current.expose() == new.expose() {
            return Err(PinChangeError::Unchanged(current.kind()));
        }
        Ok(PinChange { current, new })
    }

    /// The kind of PIN being changed.
    pub fn kind(&self) -> PinKind {
        self.current.kind()
    }
}

impl std::fmt::Debug for PinChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PinChange({}, ****, ****)", self.kind())
    }
}

/// The result of [`guarded_change`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ChangeOutcome {
    /// The card accepted the CHANGE (`9000`): the new PIN holds.
    Changed,
    /// The current PIN was wrong (`63Cx`, x > 0); the new PIN was never sent.
    WrongCurrent {
        /// Tries left.
        tries_left: u8,
    },
    /// The VERIFY of the current PIN answered blocked (`63C0`, `6983`, `6984`); the new PIN was
    /// never sent.
    Blocked {
        /// What the card answered.
        sw: StatusWord,
    },
    /// Nothing was sent: the counter did not allow it.
    Refused(Refusal),
    /// The current PIN was right but the card refused the CHANGE with a status word that says
    /// it was not executed (`67xx`, `68xx`, `69xx`, `6Axx`, `6B00`, `6D00`, `6E00`): the old PIN
    /// still holds, as far as the card said.
    Rejected(StatusWord),
    /// The CHANGE was sent and its answer lost, or the card answered something that does not say
    /// whether the new PIN was written ([`UnknownOutcome::UnexpectedStatus`], e.g. `6581`): the
    /// PIN is now either the old or the new one. Never resent.
    Unknown(UnknownOutcome),
    /// The VERIFY of the current PIN was sent and its answer lost; the CHANGE was not sent, so
    /// the old PIN holds, but whether a try was spent is unknown.
    UnknownVerify(UnknownOutcome),
}

impl ChangeOutcome {
    /// Tries left of the PIN after the attempt, when known. After a change, or after a CHANGE the
    /// card refused, the VERIFY just before was right: all tries.
    pub fn tries_left(&self, kind: PinKind) -> Option<u8> {
        match self {
            ChangeOutcome::Changed | ChangeOutcome::Rejected(_) => Some(kind.max_tries()),
            ChangeOutcome::WrongCurrent { tries_left } => Some(*tries_left),
            ChangeOutcome::Blocked { .. } => Some(0),
            ChangeOutcome::Refused(refusal) => VerifyOutcome::Refused(*refusal).tries_left(kind),
            ChangeOutcome::Unknown(_) => Some(kind.max_tries()),
            ChangeOutcome::UnknownVerify(_) => None,
        }
    }
}

/// The guarded change after `shown` (this PIN's counter, read with [`super::read_counter`] on this
/// connection) was shown, in one transaction that ends by cutting the card's power: SELECT the
/// application, SELECT the PIN EF, read the counter, and only if it reads `63Cx` with x ≥ 2,
/// VERIFY the current PIN; only on `9000`, CHANGE REFERENCE DATA `00 24 01 80 Lc NEW`. Each is
/// sent at most once. Nothing is sent when `shown` is another PIN's counter
/// ([`JpkiError::CounterOfAnotherPin`]), or when the card was reset, unpowered, removed or
/// reconnected since `shown` was read, or it was read on another connection
/// ([`JpkiError::CardChanged`]).
pub fn guarded_change(
    conn: &mut impl Connection,
    shown: ShownCounter,
    change: &PinChange,
) -> Result<ChangeOutcome, JpkiError> {
    let guarded = guarded_transaction(conn, &change.current, shown, |tx| {
        match exchange(tx, &change_reference_data(&change.new)) {
            Ok(response) => change_outcome(response.sw()),
            Err(error) => ChangeOutcome::Unknown(UnknownOutcome::Exchange(error)),
        }
    })?;
    Ok(match guarded {
        // The CHANGE's answer stands even if ending the transaction failed afterwards.
        Guarded::Verified { after, .. } => after,
        Guarded::NotVerified(verified) => not_verified(verified).unwrap_or(
            ChangeOutcome::UnknownVerify(UnknownOutcome::Transport(apdu::TransportError::Other(
                "the current PIN was verified but the change did not run".into(),
            ))),
        ),
    })
}

/// The outcome when the VERIFY of the current PIN did not answer `9000`; `None` when it did.
fn not_verified(verified: VerifyOutcome) -> Option<ChangeOutcome> {
    match verified {
        VerifyOutcome::Verified => None,
        VerifyOutcome::WrongPin { tries_left } => Some(ChangeOutcome::WrongCurrent { tries_left }),
        VerifyOutcome::Blocked { sw } => Some(ChangeOutcome::Blocked { sw }),
        VerifyOutcome::Refused(refusal) => Some(ChangeOutcome::Refused(refusal)),
        VerifyOutcome::Unknown(cause) => Some(ChangeOutcome::UnknownVerify(cause)),
    }
}

/// What the answer to CHANGE REFERENCE DATA means. Only `9000` says the new PIN was written, and
/// only answers that say the command was not executed (wrong length, class or instruction, wrong
/// parameters or data, command not allowed: `67xx`, `68xx`, `69xx`, `6Axx`, `6B00`, `6D00`,
/// `6E00`) say the old one holds. Anything else (`6581` memory failure, other `63xx`/`65xx`,
/// `6F00`, `61xx`, `62xx`, `64xx`...) may come after the card wrote it: old or new, unknown.
fn change_outcome(sw: StatusWord) -> ChangeOutcome {
    match sw.0 {
        0x9000 => ChangeOutcome::Changed,
        0x6700..=0x6AFF | 0x6B00 | 0x6D00 | 0x6E00 => ChangeOutcome::Rejected(sw),
        _ => ChangeOutcome::Unknown(UnknownOutcome::UnexpectedStatus(sw)),
    }
}
