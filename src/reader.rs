//! The PC/SC transport: the only code that uses the `pcsc` crate.
//!
//! - [`list_readers`]: every reader with card presence and ATR; no reader is an empty list.
//! - [`choose_reader`]: which reader a `--reader` value (or its absence) means; pure.
//! - [`PcscConnection`]: a shared connection that runs each operation in one PC/SC transaction
//!   ([`apdu::Connection`]) and disconnects with a disposition chosen on purpose.
//! - [`watch`]: waiting for readers and cards with `SCardGetStatusChange` ([`Watcher`],
//!   [`wait_for_card`]).
//!
//! Rules it keeps (see `docs/pcsc.md`):
//! - The retry-counter read and the VERIFY of one operation share one transaction; a
//!   transaction is never held while waiting for a person.
//! - A transmit is never retried, whatever the error: the card may already have run it.
//! - After a PIN was presented, no verified state outlives the transaction (at least a reset)
//!   nor the connection (dropping it unpowers the card). `pcsc::Card`'s own drop, which always
//!   resets, is never relied on.

use std::ffi::{CStr, CString};
use std::time::Duration;

mod choice;
mod connection;
mod error;
pub mod watch;

pub use choice::choose_reader;
pub use connection::PcscConnection;
pub use error::ReaderError;
pub use watch::{wait_for_card, Canceller, WatchEvent, Watcher};

use error::service_error;

/// A reader as listed: its name, whether a card is in it, and the card's ATR.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReaderInfo {
    /// The reader name as PC/SC reports it (may contain spaces and non-ASCII characters).
    pub name: String,
    /// Whether a card is present (`SCARD_STATE_PRESENT`).
    pub card_present: bool,
    /// The card's Answer To Reset, when a card is present and PC/SC knows it.
    pub atr: Option<Vec<u8>>,
}

impl ReaderInfo {
    /// The ATR in upper-case hex without spaces, e.g. `3BE000FF8131FE4514`.
    pub fn atr_hex(&self) -> Option<String> {
        self.atr.as_deref().map(hex::encode_upper)
    }
}

/// Lists every reader, in PC/SC order (the order `--reader` numbers refer to).
///
/// Establishes its own context (`SCardEstablishContext`), lists the readers
/// (`SCardListReaders`) and reads presence and ATR of all of them with one
/// `SCardGetStatusChange` of timeout 0; nothing is connected and no card is touched.
/// No reader at all is `Ok(vec![])`. Reader names that are not UTF-8 are shown lossily.
pub fn list_readers() -> Result<Vec<ReaderInfo>, ReaderError> {
    let listed = establish().and_then(|context| list_with(&context));
    match listed {
        Ok(readers) => Ok(readers.into_iter().map(|(_, info)| info).collect()),
        // Windows stops its service with the last reader: that is "no reader", not a failure.
        Err(ReaderError::NoReader) => Ok(Vec::new()),
        Err(error) => Err(error),
    }
}

fn establish() -> Result<pcsc::Context, ReaderError> {
    pcsc::Context::establish(pcsc::Scope::User).map_err(service_error)
}

/// The readers of `context` with their C names, which `SCardConnect` needs as they are.
fn list_with(context: &pcsc::Context) -> Result<Vec<(CString, ReaderInfo)>, ReaderError> {
    let names = reader_names(context)?;
    with_states(context, names)
}

/// Presence and ATR of every reader in `names`, from one `SCardGetStatusChange` of timeout 0.
fn with_states(
    context: &pcsc::Context,
    names: Vec<CString>,
) -> Result<Vec<(CString, ReaderInfo)>, ReaderError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut states: Vec<pcsc::ReaderState> = names
        .iter()
        .map(|name| pcsc::ReaderState::new(name.clone(), pcsc::State::UNAWARE))
        .collect();
    match context.get_status_change(Duration::ZERO, &mut states) {
        // From UNAWARE every reader reports a change; a timeout leaves the states as read.
        Ok(()) | Err(pcsc::Error::Timeout) => {}
        Err(error) => return Err(service_error(error)),
    }
    Ok(names
        .into_iter()
        .zip(&states)
        .map(|(c_name, state)| {
            let event = state.event_state();
            let card_present = event.contains(pcsc::State::PRESENT);
            let atr = state.atr();
            let info = ReaderInfo {
                name: c_name.to_string_lossy().into_owned(),
                card_present,
                atr: (card_present && !atr.is_empty()).then(|| atr.to_vec()),
            };
            (c_name, info)
        })
        .collect())
}

/// The readers in `names` with their presence not read: `card_present` false and no ATR, for a
/// choice that does not depend on them.
fn without_states(names: Vec<CString>) -> Vec<(CString, ReaderInfo)> {
    names
        .into_iter()
        .map(|c_name| {
            let info = ReaderInfo {
                name: c_name.to_string_lossy().into_owned(),
                card_present: false,
                atr: None,
            };
            (c_name, info)
        })
        .collect()
}

/// The reader names (`SCardListReaders`): one call into a buffer that holds any usual set of
/// readers, and a second, sized one only when it does not (each call is a round trip to pcscd).
fn reader_names(context: &pcsc::Context) -> Result<Vec<CString>, ReaderError> {
    let mut buffer = [0; 4096];
    let names = match context.list_readers(&mut buffer) {
        Ok(names) => Ok(names.map(CStr::to_owned).collect()),
        Err(pcsc::Error::InsufficientBuffer) => context.list_readers_owned(),
        Err(error) => Err(error),
    };
    match names {
        Ok(names) => Ok(names),
        // Windows and macOS report "no readers" as an error; pcsc-lite as an empty list.
        Err(pcsc::Error::NoReadersAvailable) => Ok(Vec::new()),
        Err(error) => Err(service_error(error)),
    }
}
