//! A connected card: transactions, the per-transaction transport, and disconnection on purpose.

use apdu::{CardSession, Connection, Disposition, TransactionStart, Transport, TransportError};

use super::error::{connect_error, disconnect_error, transport_error};
use super::{
    choose_reader, establish, reader_names, with_states, without_states, ReaderError, ReaderInfo,
};

const PROTOCOLS: pcsc::Protocols = pcsc::Protocols::T0.union(pcsc::Protocols::T1);

/// A shared connection to the card in one reader.
///
/// Every operation runs in [`Connection::transaction`]. Disconnect with [`PcscConnection::close`]
/// and the disposition you mean; if the connection is dropped instead, see the `Drop` impl.
pub struct PcscConnection {
    // `None` only once disconnected; kept in an Option so that `close` and `Drop` can take it.
    card: Option<pcsc::Card>,
    info: ReaderInfo,
    // A transaction ended with Reset or Unpower: dropping the connection unpowers the card.
    ended_with_reset: bool,
    // A transaction was interrupted, or could not reset the card after presenting a PIN:
    // the card may still hold a verified state, so any disconnection unpowers it.
    reset_owed: bool,
    // A fresh one at every reconnection after a reset or power loss that PC/SC reported (our
    // own transactions' resets and unpowers included: PC/SC reports them to this handle too).
    session: CardSession,
}

impl std::fmt::Debug for PcscConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscConnection")
            .field("reader", &self.info.name)
            .field("connected", &self.card.is_some())
            .field("ended_with_reset", &self.ended_with_reset)
            .field("reset_owed", &self.reset_owed)
            .field("session", &self.session)
            .finish()
    }
}

impl PcscConnection {
    /// Establishes a context, lists the readers, picks one with [`choose_reader`] and connects
    /// to its card, shared, with T=0 or T=1 (`SCardEstablishContext`, `SCardListReaders`,
    /// `SCardConnect`). Connecting does not reset the card.
    ///
    /// Each PC/SC call is a round trip to pcscd, so only the needed ones are made: the readers'
    /// presence (`SCardGetStatusChange`) only when picking the one reader with a card among
    /// several; the ATR (`SCardStatus`) only when that did not give it. Without a choice and with
    /// a single reader, connecting tells whether a card is in it ([`ReaderError::NoCard`] naming
    /// the reader, as [`choose_reader`] would).
    pub fn open(choice: Option<&str>) -> Result<Self, ReaderError> {
        let context = establish()?;
        let names = reader_names(&context)?;
        let presence = presence_needed(choice, names.len());
        let listed = if presence {
            with_states(&context, names)?
        } else {
            without_states(names)
        };
        let infos: Vec<ReaderInfo> = listed.iter().map(|(_, info)| info.clone()).collect();
        let index = match (choice, infos.len()) {
            // The only reader, its presence not read: connecting tells.
            (None, 1) if !presence => 0,
            _ => choose_reader(&infos, choice)?,
        };
        let (c_name, mut info) = listed.into_iter().nth(index).ok_or(ReaderError::NoReader)?;
        let names: Vec<String> = infos.into_iter().map(|info| info.name).collect();
        let card = context
            .connect(&c_name, pcsc::ShareMode::Shared, PROTOCOLS)
            .map_err(|error| connect_error(error, &info.name, &names))?;
        info.card_present = true;
        if info.atr.is_none() {
            // Presence was not read, or the listing predates the card: ask the connected card.
            let mut names_buffer = [0; 1024];
            let mut atr_buffer = [0; pcsc::MAX_ATR_SIZE];
            match card.status2(&mut names_buffer, &mut atr_buffer) {
                Ok(status) => info.atr = Some(status.atr().to_vec()),
                Err(error) => log::debug!("SCardStatus after connect failed: {error}"),
            }
        }
        log::debug!(
            "connected to {:?}, ATR {}",
            info.name,
            info.atr_hex().unwrap_or_default()
        );
        Ok(PcscConnection {
            card: Some(card),
            info,
            ended_with_reset: false,
            reset_owed: false,
            session: CardSession::fresh(),
        })
    }

    /// The connected reader's name and its card's ATR (as read right after connecting).
    pub fn reader(&self) -> &ReaderInfo {
        &self.info
    }

    /// Disconnects from the card with `disposition` (wraps `SCardDisconnect`):
    ///
    /// - [`Disposition::Leave`] (`SCARD_LEAVE_CARD`): the card keeps its state, for read-only work.
    /// - [`Disposition::Reset`] (`SCARD_RESET_CARD`): a warm reset; selections and verified PINs
    ///   are gone.
    /// - [`Disposition::Unpower`] (`SCARD_UNPOWER_CARD`): the card loses power; nothing survives.
    ///
    /// If a transaction was interrupted or could not end with the reset it asked for, the card
    /// is unpowered whatever `disposition` says. Other programs sharing the card see
    /// `SCARD_W_RESET_CARD` after a reset or unpower.
    ///
    /// If `SCardDisconnect` fails, the handle is still released: by `pcsc::Card`'s drop (a reset)
    /// when a reset or unpower was meant, else only when the process exits, so that a card meant
    /// to be left alone is not reset.
    pub fn close(mut self, disposition: Disposition) -> Result<(), ReaderError> {
        let Some(card) = self.card.take() else {
            return Ok(());
        };
        let disposition = if self.reset_owed {
            Disposition::Unpower
        } else {
            disposition
        };
        disconnect(card, disposition).map_err(disconnect_error)
    }
}

/// Whether picking a reader needs to know which readers hold a card: only without a choice among
/// several readers. A choice picks by name or index, and the only reader is the one to connect to.
fn presence_needed(choice: Option<&str>, readers: usize) -> bool {
    choice.is_none() && readers > 1
}

/// Disconnects with `disposition` (`SCardDisconnect`). If that fails, the handle is released
/// only when a reset was meant anyway (by `pcsc::Card`'s drop, which disconnects with
/// `SCARD_RESET_CARD`); after a failed Leave it is forgotten rather than have its drop reset a
/// card we meant to leave alone (pcscd releases it when the process exits).
fn disconnect(card: pcsc::Card, disposition: Disposition) -> Result<(), pcsc::Error> {
    log::debug!("SCardDisconnect({disposition:?})");
    match card.disconnect(pcsc_disposition(disposition)) {
        Ok(()) => Ok(()),
        Err((card, error)) => {
            log_failure("disconnecting", disposition, error);
            if disposition == Disposition::Leave {
                std::mem::forget(card);
            } else {
                drop(card);
            }
            Err(error)
        }
    }
}

/// A removed card makes ending and disconnecting fail as a matter of course; anything else is
/// worth a warning.
fn log_failure(what: &str, disposition: Disposition, error: pcsc::Error) {
    if matches!(error, pcsc::Error::RemovedCard | pcsc::Error::NoSmartcard) {
        log::debug!("{what} with {disposition:?} failed: {error}");
    } else {
        log::warn!("{what} with {disposition:?} failed: {error}");
    }
}

/// The PC/SC disposition for ours; `SCARD_EJECT_CARD` is never used.
fn pcsc_disposition(disposition: Disposition) -> pcsc::Disposition {
    match disposition {
        Disposition::Leave => pcsc::Disposition::LeaveCard,
        Disposition::Reset => pcsc::Disposition::ResetCard,
        Disposition::Unpower => pcsc::Disposition::UnpowerCard,
    }
}

/// How a dropped connection disconnects: Leave, unless some transaction ended with a reset or
/// unpower or one still owes a reset; then Unpower.
fn drop_disposition(ended_with_reset: bool, reset_owed: bool) -> Disposition {
    if ended_with_reset || reset_owed {
        Disposition::Unpower
    } else {
        Disposition::Leave
    }
}

/// How to reconnect when `SCardBeginTransaction` fails with `error`: after a reset, leave the
/// card as it is; after a power loss, reset it to power it. `None`: not a reason to reconnect.
fn reconnection_after(error: pcsc::Error) -> Option<pcsc::Disposition> {
    match error {
        pcsc::Error::ResetCard => Some(pcsc::Disposition::LeaveCard),
        pcsc::Error::UnpoweredCard => Some(pcsc::Disposition::ResetCard),
        _ => None,
    }
}

/// Whether a command presents a PIN: VERIFY (`INS 20`) or CHANGE REFERENCE DATA (`INS 24`)
/// with data. The empty VERIFY that reads the retry counter is 4 bytes and changes nothing.
fn presents_pin(command: &[u8]) -> bool {
    command.len() > 4 && matches!(command[1], 0x20 | 0x24)
}

/// The disposition a transaction really ends with: at least Reset once a PIN was presented, so
/// no verified state outlives the transaction even if the caller asked to leave the card.
fn transaction_end(requested: Disposition, sent_pin: bool) -> Disposition {
    if sent_pin && requested == Disposition::Leave {
        Disposition::Reset
    } else {
        requested
    }
}

/// The transport handed to the work of one transaction. It owns the transaction so that a
/// panic in the work still ends it on purpose (see `Drop`).
struct TransactionTransport<'tx> {
    // `None` once ended.
    transaction: Option<pcsc::Transaction<'tx>>,
    buffer: Vec<u8>,
    sent_pin: bool,
}

impl Transport for TransactionTransport<'_> {
    /// Wraps `SCardTransmit` with a `MAX_BUFFER_SIZE_EXTENDED` receive buffer. Never retries:
    /// after any error the card may have run the command.
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let Some(transaction) = &self.transaction else {
            return Err(TransportError::Other(
                "the PC/SC transaction has ended".into(),
            ));
        };
        // Set before sending: a failed transmit may still have reached the card.
        self.sent_pin |= presents_pin(command);
        match transaction.transmit(command, &mut self.buffer) {
            // Returned as it came, even without SW1 SW2 (PC/SC answers success with 0 bytes when
            // a card vanishes mid-command): the exchange engine checks it.
            Ok(response) => Ok(response.to_vec()),
            Err(error) => {
                log::debug!("SCardTransmit failed: {error}");
                Err(transport_error(error))
            }
        }
    }
}

impl Drop for TransactionTransport<'_> {
    /// Reached with a live transaction only when the work panicked: end it unpowering the card
    /// (`SCardEndTransaction`, `SCARD_UNPOWER_CARD`) rather than `pcsc::Transaction`'s drop,
    /// which leaves the card as it is, possibly verified.
    fn drop(&mut self) {
        if let Some(transaction) = self.transaction.take() {
            log::debug!("SCardEndTransaction(Unpower) after an interrupted transaction");
            if let Err((_, error)) = transaction.end(pcsc::Disposition::UnpowerCard) {
                log_failure(
                    "ending the interrupted transaction",
                    Disposition::Unpower,
                    error,
                );
            }
        }
    }
}

impl Connection for PcscConnection {
    /// Runs `work` inside one PC/SC transaction (`SCardBeginTransaction` …
    /// `SCardEndTransaction`): no other program's command gets between two of its commands.
    ///
    /// - If the card was reset since the last transaction (`SCARD_W_RESET_CARD` at begin; Apple's
    ///   PC/SC also reports a removed and reinserted card so), it reconnects once
    ///   (`SCardReconnect`, `SCARD_LEAVE_CARD`) and tells `work` with `card_was_reset: true` and a
    ///   new `card_session`: selections and verified state are gone, and the card may be another.
    /// - If the card lost its power (`SCARD_W_UNPOWERED_CARD` at begin, which Apple's PC/SC
    ///   answers), the same, reconnecting with `SCARD_RESET_CARD` to power it.
    /// - `SCARD_E_SHARING_VIOLATION` is [`TransportError::Busy`].
    /// - The transaction ends with `end` (`SCARD_LEAVE_CARD`, `SCARD_RESET_CARD`,
    ///   `SCARD_UNPOWER_CARD`); with at least a reset if `work` presented a PIN.
    /// - `work` runs once; nothing it sent is resent. Do not wait for a person inside it: other
    ///   programs are blocked until it returns.
    /// - If `work` panics, the transaction ends with `SCARD_UNPOWER_CARD` while unwinding.
    ///
    /// If the transaction cannot be ended, `work`'s result is still returned (the card answered);
    /// the failure is logged and the next disconnection unpowers the card.
    fn transaction<R>(
        &mut self,
        end: Disposition,
        work: impl FnOnce(&mut dyn Transport, TransactionStart) -> R,
    ) -> Result<R, TransportError> {
        let card = self.card.as_mut().ok_or_else(|| {
            TransportError::Other("the PC/SC connection is already closed".into())
        })?;
        let (transaction, card_was_reset) = match card.transaction2() {
            Ok(transaction) => (transaction, false),
            Err((card, error)) => match reconnection_after(error) {
                Some(initialization) => {
                    log::debug!("{error} at the start of a transaction; reconnecting");
                    // Whatever happens next, the card this connection knew is gone.
                    self.session = CardSession::fresh();
                    card.reconnect(pcsc::ShareMode::Shared, PROTOCOLS, initialization)
                        .map_err(transport_error)?;
                    (card.transaction().map_err(transport_error)?, true)
                }
                None => return Err(transport_error(error)),
            },
        };
        let card_session = self.session;
        let owed_before = self.reset_owed;
        // Until the transaction ends as asked, count it as interrupted (a panic in `work`).
        self.reset_owed = true;

        let mut transport = TransactionTransport {
            transaction: Some(transaction),
            buffer: vec![0; pcsc::MAX_BUFFER_SIZE_EXTENDED],
            sent_pin: false,
        };
        let result = work(
            &mut transport,
            TransactionStart {
                card_was_reset,
                card_session,
            },
        );
        let end = transaction_end(end, transport.sent_pin);
        let Some(transaction) = transport.transaction.take() else {
            return Ok(result);
        };

        log::debug!("SCardEndTransaction({end:?})");
        match transaction.end(pcsc_disposition(end)) {
            Ok(()) => {
                self.reset_owed = end == Disposition::Leave && owed_before;
                self.ended_with_reset |= end != Disposition::Leave;
            }
            Err((_, error)) => {
                log_failure("ending the transaction", end, error);
                self.reset_owed = end != Disposition::Leave || owed_before;
            }
        }
        Ok(result)
    }
}

impl Drop for PcscConnection {
    /// Disconnects if [`PcscConnection::close`] was not called: with `SCARD_LEAVE_CARD` if every
    /// transaction left the card as it was, else with `SCARD_UNPOWER_CARD`. Never through
    /// `pcsc::Card`'s own drop, which always resets.
    fn drop(&mut self) {
        if let Some(card) = self.card.take() {
            let _ = disconnect(
                card,
                drop_disposition(self.ended_with_reset, self.reset_owed),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_is_read_only_to_pick_among_several_readers() {
        assert!(presence_needed(None, 2));
        assert!(presence_needed(None, 5));
        assert!(!presence_needed(None, 1));
        assert!(!presence_needed(None, 0));
        assert!(!presence_needed(Some("1"), 2));
        assert!(!presence_needed(Some("Virtual PCD 00 00"), 1));
    }

    #[test]
    fn a_reset_or_unpowered_card_at_begin_is_reconnected_and_nothing_else_is() {
        assert_eq!(
            reconnection_after(pcsc::Error::ResetCard),
            Some(pcsc::Disposition::LeaveCard)
        );
        assert_eq!(
            reconnection_after(pcsc::Error::UnpoweredCard),
            Some(pcsc::Disposition::ResetCard)
        );
        for error in [
            pcsc::Error::RemovedCard,
            pcsc::Error::NoSmartcard,
            pcsc::Error::SharingViolation,
            pcsc::Error::NoService,
        ] {
            assert_eq!(reconnection_after(error), None, "{error:?}");
        }
    }

    #[test]
    fn the_retry_counter_read_is_not_a_pin() {
        assert!(!presents_pin(&[0x00, 0x20, 0x00, 0x80]));
        assert!(presents_pin(&[0x00, 0x20, 0x00, 0x80, 0x04, 1, 2, 3, 4]));
        assert!(presents_pin(&[0x00, 0x24, 0x01, 0x80, 0x04, 1, 2, 3, 4]));
        assert!(!presents_pin(&[0x00, 0xA4, 0x04, 0x0C, 0x02, 0x00, 0x18]));
        assert!(!presents_pin(&[]));
    }

    #[test]
    fn a_transaction_that_presented_a_pin_ends_with_at_least_a_reset() {
        assert_eq!(
            transaction_end(Disposition::Leave, true),
            Disposition::Reset
        );
        assert_eq!(
            transaction_end(Disposition::Unpower, true),
            Disposition::Unpower
        );
        assert_eq!(
            transaction_end(Disposition::Leave, false),
            Disposition::Leave
        );
    }

    #[test]
    fn a_dropped_connection_leaves_the_card_only_if_nothing_was_reset_or_owed() {
        assert_eq!(drop_disposition(false, false), Disposition::Leave);
        assert_eq!(drop_disposition(true, false), Disposition::Unpower);
        assert_eq!(drop_disposition(false, true), Disposition::Unpower);
    }

    #[test]
    fn dispositions_map_to_their_pcsc_constants() {
        assert_eq!(
            pcsc_disposition(Disposition::Leave),
            pcsc::Disposition::LeaveCard
        );
        assert_eq!(
            pcsc_disposition(Disposition::Reset),
            pcsc::Disposition::ResetCard
        );
        assert_eq!(
            pcsc_disposition(Disposition::Unpower),
            pcsc::Disposition::UnpowerCard
        );
    }
}
