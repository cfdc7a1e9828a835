//! The boundary to whatever carries bytes to a card: PC/SC, the mock card, a test script.

use std::sync::atomic::{AtomicU64, Ordering};

/// Why a command could not be carried to the card or its answer back. When a command was being
/// sent, the card may or may not have run it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The card was removed (or lost power).
    #[error("the card was removed")]
    CardRemoved,
    /// Another program or a reader event reset the card.
    #[error("the card was reset")]
    CardReset,
    /// The card did not answer in time.
    #[error("the card did not answer in time")]
    Timeout,
    /// The reader service went away.
    #[error("the smart card service stopped")]
    ServiceStopped,
    /// Another program holds the card exclusively.
    #[error("another program is using the card")]
    Busy,
    /// Any other failure of the underlying layer, kept as a typed source.
    #[error("card communication failed: {0}")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Carries one command APDU to the card and returns its raw answer (data + SW1 SW2), as it came:
/// an answer too short to hold SW1 SW2 is returned too, and [`crate::exchange`] reports it
/// (one place checks it, with one error).
///
/// Implementations must not resend anything: a resent VERIFY costs a PIN try.
pub trait Transport {
    /// Sends `command` (encoded bytes) and returns the raw response.
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError>;
}

impl<T: Transport + ?Sized> Transport for &mut T {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        (**self).transmit(command)
    }
}

/// What happens to the card when a transaction or connection ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Leave the card as it is (read-only work).
    Leave,
    /// Warm-reset the card: selected files and verified PINs are gone.
    Reset,
    /// Cut the card's power: nothing verified survives, even on cards that keep it across a reset.
    Unpower,
}

/// Which power-up of the card a connection is talking to. A connection takes a fresh one when it
/// is created and whenever it learns that the card was reset, unpowered, removed or reconnected
/// (its own transactions' resets and unpowers included, as PC/SC reports them to the same
/// handle); it never changes back. Every session is unique in the process, so two transactions
/// that began with the same session ran on the same connection, on the same card, with nothing
/// reset in between.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CardSession(u64);

impl CardSession {
    /// A session no connection of this process has had before. It can never equal an existing
    /// one, so making one grants nothing: a [`Connection`] takes one when it opens and after
    /// every reset, removal or reconnection.
    #[must_use]
    pub fn fresh() -> CardSession {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        CardSession(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// How a transaction began.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransactionStart {
    /// The card was reset since the last transaction (by another program, a reader event, or
    /// the last transaction's own reset or unpower); any selected application and verified
    /// state are gone.
    pub card_was_reset: bool,
    /// The card session this transaction runs in. Compare it with the session of an earlier
    /// transaction to know whether anything reset the card since, even if a transaction in
    /// between already reported it (`card_was_reset` tells only about the last one).
    pub card_session: CardSession,
}

/// A connected card that runs work in exclusive transactions: no other program can send a
/// command between two commands of the same transaction.
pub trait Connection {
    /// Runs `work` inside one exclusive transaction and ends it with `end`. The connection may
    /// reconnect once if the card was reset before the transaction began; it never reruns `work`.
    fn transaction<R>(
        &mut self,
        end: Disposition,
        work: impl FnOnce(&mut dyn Transport, TransactionStart) -> R,
    ) -> Result<R, TransportError>;
}
