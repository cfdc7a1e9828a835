//! The My Number card model, shipped with the product: the built-in demo card (`--demo`), the card
//! behind the virtual reader (`virtual-card`), and the card the tests run against.
//!
//! [`CardModel`] answers short APDUs as the real card does (JPKI, card-info input support and
//! card-face applications; the PIN counters with the empty-VERIFY quirk of OpenSC PR #959),
//! logs every command and event for byte-exact assertions, and can misbehave on request
//! ([`Faults`]). Its persistent part ([`CardState`]) loads from and saves to a JSON file.
//! Behaviour, sources and the file format: `docs/card-model.md`.

mod faults;
mod logic;
mod state;
#[cfg(feature = "virtual-card")]
pub mod vpcd;

use std::fmt;

use apdu::{CardSession, Connection, Disposition, TransactionStart, Transport, TransportError};
use zeroize::Zeroize;

use crate::jpki::PinKind;

pub use faults::{CheckFault, Faults, Removal, StatusOverride, SLOW_ANSWER};
pub use logic::{CARD_FACE_AID, CARD_INFO_AID, JPKI_AID};
pub use state::{
    CardState, Certificates, PinState, StateError, StateProblem, MAX_STATE_FILE_BYTES,
};

use logic::{sw, Answer, Model, Quirks};

/// What the card does with one command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// The raw answer: data then SW1 SW2.
    Answer(Vec<u8>),
    /// The card is gone (removed, or without power): no answer.
    Removed,
    /// The card never answers.
    Hang,
}

/// One thing that happened to the card, in order. `Debug` masks VERIFY data.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogEntry {
    /// A command received and the raw answer; `None` when no answer came (removed, unpowered,
    /// hung). A command the removal fault stopped before it ran comes right after [`LogEntry::Removed`];
    /// one that ran but was not answered comes right before it.
    Command {
        /// The command bytes as received (a VERIFY's PIN included).
        command: Vec<u8>,
        /// The answer, data then SW1 SW2.
        response: Option<Vec<u8>>,
    },
    /// A [`Connection::transaction`] began.
    TransactionBegin,
    /// A transaction ended with this disposition (Reset and Unpower clear the verified state).
    TransactionEnd(Disposition),
    /// The card was powered (cold reset).
    PowerOn,
    /// The card lost power.
    PowerOff,
    /// The card was warm-reset.
    Reset,
    /// The card left the reader.
    Removed,
}

impl LogEntry {
    /// One line for log files (the demo's `MYNAPIN_DEMO_APDU_LOG`, the virtual card's `--log`):
    /// `COMMAND -> ANSWER` in hex with PIN data as `**`, `[` and `] Disposition` around
    /// transactions, and `power-on`, `power-off`, `reset`, `removed`.
    pub fn line(&self) -> String {
        match self {
            LogEntry::Command { command, response } => format!(
                "{} -> {}",
                masked_hex(command).replace(' ', ""),
                response
                    .as_deref()
                    .map_or_else(|| "(none)".to_string(), hex::encode_upper)
            ),
            LogEntry::TransactionBegin => "[".into(),
            LogEntry::TransactionEnd(end) => format!("] {end:?}"),
            LogEntry::PowerOn => "power-on".into(),
            LogEntry::PowerOff => "power-off".into(),
            LogEntry::Reset => "reset".into(),
            LogEntry::Removed => "removed".into(),
        }
    }
}

impl fmt::Debug for LogEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogEntry::Command { command, response } => {
                write!(f, "Command({}", masked_hex(command))?;
                match response {
                    Some(response) => write!(f, " -> {})", apdu::spaced_hex(response)),
                    None => write!(f, " -> no answer)"),
                }
            }
            LogEntry::TransactionBegin => write!(f, "TransactionBegin"),
            LogEntry::TransactionEnd(end) => write!(f, "TransactionEnd({end:?})"),
            LogEntry::PowerOn => write!(f, "PowerOn"),
            LogEntry::PowerOff => write!(f, "PowerOff"),
            LogEntry::Reset => write!(f, "Reset"),
            LogEntry::Removed => write!(f, "Removed"),
        }
    }
}

/// The card model with its fault layer and log. Created present and powered, with an empty log.
pub struct CardModel {
    state: CardState,
    model: Model,
    faults: Faults,
    log: Vec<LogEntry>,
    /// Commands received since creation or the last `clear_log`.
    received: usize,
    /// Answer data still waiting for GET RESPONSE (response chunking).
    pending: Vec<u8>,
    present: bool,
    powered: bool,
    /// Fresh after every reset, power-up and removal, a transaction's own reset or unpower
    /// included (PC/SC reports those to the same handle as a reset).
    session: CardSession,
    /// The session the last transaction ran in.
    last_transaction_session: CardSession,
}

impl CardModel {
    /// A present, powered card with `state`.
    pub fn new(state: CardState) -> Self {
        let session = CardSession::fresh();
        CardModel {
            state,
            model: Model::default(),
            faults: Faults::default(),
            log: Vec::new(),
            received: 0,
            pending: Vec::new(),
            present: true,
            powered: true,
            session,
            last_transaction_session: session,
        }
    }

    /// The demo card ([`CardState::demo`]).
    pub fn demo() -> Self {
        CardModel::new(CardState::demo())
    }

    /// The persistent part: PINs, counters, certificates, ATR, label.
    pub fn state(&self) -> &CardState {
        &self.state
    }

    /// The persistent part, to change (e.g. to set a counter before a test).
    pub fn state_mut(&mut self) -> &mut CardState {
        &mut self.state
    }

    /// The fault switches.
    pub fn faults_mut(&mut self) -> &mut Faults {
        &mut self.faults
    }

    /// Everything that happened since creation or the last [`CardModel::clear_log`].
    pub fn log(&self) -> &[LogEntry] {
        &self.log
    }

    /// The command APDUs received, in order, answered or not.
    pub fn commands(&self) -> Vec<Vec<u8>> {
        self.log
            .iter()
            .filter_map(|entry| match entry {
                LogEntry::Command { command, .. } => Some(command.clone()),
                _ => None,
            })
            .collect()
    }

    /// Empties the log and restarts the command numbering of the faults.
    pub fn clear_log(&mut self) {
        zeroize_log(&mut self.log);
        self.log.clear();
        self.received = 0;
    }

    /// Whether a given PIN is verified in the current power cycle.
    pub fn is_verified(&self, pin: PinKind) -> bool {
        self.model.is_verified(pin)
    }

    /// The answer to reset.
    pub fn atr(&self) -> &[u8] {
        &self.state.atr
    }

    /// Powers the card (a cold reset): selection and verified state are cleared.
    pub fn power_on(&mut self) {
        self.powered = true;
        self.session = CardSession::fresh();
        self.forget_session();
        self.log.push(LogEntry::PowerOn);
    }

    /// Cuts the power: selection and verified state are gone; commands get no answer until
    /// [`CardModel::power_on`].
    pub fn power_off(&mut self) {
        self.powered = false;
        self.session = CardSession::fresh();
        self.forget_session();
        self.log.push(LogEntry::PowerOff);
    }

    /// Warm reset: selection and verified state are cleared (the verified state survives with
    /// [`Faults::verified_survives_reset`]); the card stays powered.
    pub fn reset(&mut self) {
        self.session = CardSession::fresh();
        self.warm_reset();
        self.log.push(LogEntry::Reset);
    }

    /// False after a removal fault fired, until [`CardModel::reinsert`].
    pub fn is_present(&self) -> bool {
        self.present
    }

    /// Puts the card back: present and freshly powered (logged as [`LogEntry::PowerOn`]),
    /// nothing selected or verified.
    pub fn reinsert(&mut self) {
        self.present = true;
        self.power_on();
    }

    /// One APDU as the card would answer it, faults applied, and logged.
    pub fn respond(&mut self, command: &[u8]) -> Reply {
        self.received += 1;
        let number = self.received;
        log::trace!("card model: #{number} > {}", masked_hex(command));

        if !self.present || !self.powered {
            self.log_command(command, None);
            return Reply::Removed;
        }
        if self.faults.hang_at == Some(number) {
            self.log_command(command, None);
            return Reply::Hang;
        }
        if self.faults.remove == Some(Removal::BeforeCommand(number)) {
            self.remove();
            self.log_command(command, None);
            return Reply::Removed;
        }

        if self.faults.slow_at == Some(number) {
            std::thread::sleep(SLOW_ANSWER);
        }
        let answer = self.answer(command, number);

        if self.faults.remove == Some(Removal::AfterCommand(number)) {
            self.log_command(command, None);
            self.remove();
            return Reply::Removed;
        }
        let bytes = answer.into_bytes();
        log::trace!("card model: #{number} < {}", apdu::spaced_hex(&bytes));
        self.log_command(command, Some(bytes.clone()));
        Reply::Answer(bytes)
    }

    /// The answer of a present, powered card: overrides, then GET RESPONSE of pending data,
    /// then the card logic, then response chunking.
    fn answer(&mut self, command: &[u8], number: usize) -> Answer {
        let pending = std::mem::take(&mut self.pending);
        if let Some(status) = self
            .faults
            .status_overrides
            .iter()
            .find(|status| status.matches(command, number))
        {
            return Answer {
                data: Vec::new(),
                sw: status.status.0,
            };
        }
        if let [0x00, 0xC0, 0x00, 0x00, le] = command {
            if !pending.is_empty() {
                let wanted = if *le == 0 { 256 } else { usize::from(*le) };
                let mut data = pending;
                // Asking for less than offered leaves the rest waiting.
                self.pending = data.split_off(wanted.min(data.len()));
                return self.chunk(Answer {
                    data,
                    sw: sw::SUCCESS,
                });
            }
        }
        let quirks = Quirks {
            strict_le: self.faults.strict_le,
            read_binary_cap: self.faults.read_binary_cap,
            empty_verify_answers_9000: self.faults.empty_verify_answers_9000,
            check: self.faults.check,
        };
        let answer = self.model.execute(&mut self.state, command, quirks);
        self.chunk(answer)
    }

    /// Response chunking: at most n bytes now; while data waits, the status is `61xx` (xx =
    /// bytes waiting, `00` for 256 or more). Only 9000 answers carry data, so no status is lost.
    fn chunk(&mut self, mut answer: Answer) -> Answer {
        if let Some(chunk) = self.faults.response_chunk {
            let chunk = usize::from(chunk.max(1));
            if answer.data.len() > chunk {
                let mut waiting = answer.data.split_off(chunk);
                waiting.append(&mut self.pending);
                self.pending = waiting;
            }
        }
        if !self.pending.is_empty() {
            answer.sw = 0x6100 | (self.pending.len().min(256) & 0xFF) as u16;
        }
        answer
    }

    /// Takes the card out of the reader: no answer until [`CardModel::reinsert`] (logged as
    /// [`LogEntry::Removed`]).
    pub fn remove(&mut self) {
        self.faults.remove = None;
        self.present = false;
        self.powered = false;
        self.session = CardSession::fresh();
        self.forget_session();
        self.log.push(LogEntry::Removed);
    }

    fn warm_reset(&mut self) {
        if self.faults.verified_survives_reset {
            self.model.clear_selection();
            self.pending.clear();
        } else {
            self.forget_session();
        }
    }

    fn forget_session(&mut self) {
        self.model.clear();
        self.pending.clear();
    }

    fn log_command(&mut self, command: &[u8], response: Option<Vec<u8>>) {
        self.log.push(LogEntry::Command {
            command: command.to_vec(),
            response,
        });
    }
}

impl Drop for CardModel {
    fn drop(&mut self) {
        zeroize_log(&mut self.log);
    }
}

impl fmt::Debug for CardModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardModel")
            .field("state", &self.state)
            .field("faults", &self.faults)
            .field("present", &self.present)
            .field("powered", &self.powered)
            .field("log", &self.log)
            .finish_non_exhaustive()
    }
}

impl Transport for CardModel {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        match self.respond(command) {
            Reply::Answer(bytes) => Ok(bytes),
            Reply::Removed => Err(TransportError::CardRemoved),
            Reply::Hang => Err(TransportError::Timeout),
        }
    }
}

impl Connection for CardModel {
    /// Begins (an absent card: [`TransportError::CardRemoved`]), applies a pending
    /// `reset_before_next_transaction`, runs `work` once and ends with `end`. An unpowered card
    /// is powered at the start, as PC/SC does. `Reset` and `Unpower` clear the selection and the
    /// verified state; the card is powered again at once after `Unpower`.
    ///
    /// `card_was_reset` and a new `card_session` report every reset, power cycle, removal and
    /// reinsertion since the last transaction, the last transaction's own `Reset` or `Unpower`
    /// included, as `SCARD_W_RESET_CARD` and the reconnection do on PC/SC (which reports a
    /// transaction's reset or unpower to the handle that asked for it too).
    fn transaction<R>(
        &mut self,
        end: Disposition,
        work: impl FnOnce(&mut dyn Transport, TransactionStart) -> R,
    ) -> Result<R, TransportError> {
        if !self.present {
            return Err(TransportError::CardRemoved);
        }
        self.log.push(LogEntry::TransactionBegin);
        if !self.powered {
            self.power_on();
        }
        if std::mem::take(&mut self.faults.reset_before_next_transaction) {
            self.reset();
        }
        let start = TransactionStart {
            card_was_reset: self.session != self.last_transaction_session,
            card_session: self.session,
        };
        self.last_transaction_session = self.session;
        let result = work(self, start);
        self.log.push(LogEntry::TransactionEnd(end));
        match end {
            Disposition::Leave => {}
            Disposition::Reset => {
                self.session = CardSession::fresh();
                self.warm_reset();
            }
            Disposition::Unpower => {
                self.session = CardSession::fresh();
                self.forget_session();
            }
        }
        Ok(result)
    }
}

fn zeroize_log(log: &mut [LogEntry]) {
    for entry in log {
        if let LogEntry::Command { command, .. } = entry {
            command.zeroize();
        }
    }
}

/// A command in hex, the data of VERIFY (`20`) and CHANGE REFERENCE DATA (`24`) masked.
fn masked_hex(command: &[u8]) -> String {
    let secret = command.len() > 5 && matches!(command[1], 0x20 | 0x24);
    command
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if secret && i >= 5 {
                "**".to_string()
            } else {
                format!("{b:02X}")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
