//! Errors of the JPKI layer.

use apdu::{ExchangeError, StatusWord, TransportError};

/// Why a JPKI operation failed. A failure while a VERIFY was under way is not an error but
/// [`super::VerifyOutcome::Unknown`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JpkiError {
    /// Selecting the JPKI application answered 6A82.
    #[error("this card has no JPKI application: it is not a My Number card")]
    NotMyNumberCard,
    /// A step answered a status word other than the one the card gives.
    #[error("{step} answered {sw} ({})", sw.status())]
    UnexpectedStatus {
        /// The step.
        step: &'static str,
        /// What the card answered.
        sw: StatusWord,
    },
    /// The token label is not printable text.
    #[error("the token label is not text: {}", hex::encode_upper(bytes))]
    BadTokenLabel {
        /// The label field as read.
        bytes: Vec<u8>,
    },
    /// The card was reset, unpowered, removed or reconnected between the counter shown to the
    /// person and the guarded transaction that would have sent their PIN: it was not sent.
    #[error(
        "the card was reset, removed or changed after its counter was read; the PIN was not sent"
    )]
    CardChanged,
    /// The counter shown is another PIN's than the PIN to send: nothing was sent. A program that
    /// embeds mynapin passed the wrong [`super::ShownCounter`].
    #[error("the counter shown is the {shown} PIN's, not the {pin} PIN's; nothing was sent")]
    CounterOfAnotherPin {
        /// The PIN whose counter was shown.
        shown: super::PinKind,
        /// The PIN that was to be sent.
        pin: super::PinKind,
    },
    /// A command could not be carried out.
    #[error(transparent)]
    Exchange(#[from] ExchangeError),
    /// The transaction could not begin or end.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

impl JpkiError {
    /// The transport error beneath, if any.
    pub fn transport_error(&self) -> Option<&TransportError> {
        match self {
            JpkiError::Transport(error) => Some(error),
            JpkiError::Exchange(error) => error.transport_error(),
            _ => None,
        }
    }
}
