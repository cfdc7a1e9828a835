//! The card side of vsmartcard-vpcd: [`CardModel`] in a virtual reader of the real pcscd.
//!
//! vpcd is a reader driver of pcscd that listens on TCP (slot 0 on 35963, slot 1 on 35964); the
//! card connects to it as a client. Every message, both ways, is a 2-byte big-endian length and
//! that many bytes. From vpcd, a 1-byte payload is a control byte (`00` power off, `01` power on,
//! `02` reset: no reply; `04`: reply with the ATR), any longer payload a command APDU (reply with
//! the answer). Closing the connection removes the card; connecting inserts it.
//!
//! The layers, each testable without a network: [`read_message`] / [`write_message`] (framing),
//! [`VirtualCard::handle`] (one message), [`VirtualCard::serve`] (one connection over any
//! `Read + Write`), and [`VirtualCard::run`] (TCP, reconnection and reinsertion).

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use zeroize::Zeroizing;

use super::{CardModel, CardState, LogEntry, PinKind, PinState, Reply, StateError};
use crate::i18n::{Lang, Localized};

/// Control byte: the reader cuts the card's power.
pub const POWER_OFF: u8 = 0x00;
/// Control byte: the reader powers the card (cold reset).
pub const POWER_ON: u8 = 0x01;
/// Control byte: the reader warm-resets the card.
pub const RESET: u8 = 0x02;
/// Control byte: the reader asks for the ATR (pcscd does so every 400 ms, powered or not).
pub const GET_ATR: u8 = 0x04;

/// How long to wait between attempts to reach vpcd (pcscd not started yet, or restarting).
pub const RECONNECT_INTERVAL: Duration = Duration::from_millis(200);

/// How long a removed card stays out before `--reinsert` puts it back. pcscd checks presence every
/// 400 ms; a card that comes back sooner may take over the slot without pcscd seeing an insertion.
pub const REINSERT_PAUSE: Duration = Duration::from_millis(600);

/// One message from vpcd. `Debug` shows an APDU's length only: a VERIFY carries a PIN.
#[derive(PartialEq, Eq)]
pub enum Message {
    /// `00`: power off.
    PowerOff,
    /// `01`: power on.
    PowerOn,
    /// `02`: warm reset.
    Reset,
    /// `04`: send the ATR.
    GetAtr,
    /// Another 1-byte payload; vpcd sends none.
    UnknownControl(u8),
    /// A zero-length payload; vpcd sends none.
    Empty,
    /// A command APDU (2 bytes or more), zeroized when dropped.
    Apdu(Zeroizing<Vec<u8>>),
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::PowerOff => write!(f, "PowerOff"),
            Message::PowerOn => write!(f, "PowerOn"),
            Message::Reset => write!(f, "Reset"),
            Message::GetAtr => write!(f, "GetAtr"),
            Message::UnknownControl(byte) => write!(f, "UnknownControl({byte:02X})"),
            Message::Empty => write!(f, "Empty"),
            Message::Apdu(bytes) => write!(f, "Apdu({} bytes)", bytes.len()),
        }
    }
}

impl Message {
    fn from_payload(payload: Zeroizing<Vec<u8>>) -> Message {
        match payload.as_slice() {
            [] => Message::Empty,
            [POWER_OFF] => Message::PowerOff,
            [POWER_ON] => Message::PowerOn,
            [RESET] => Message::Reset,
            [GET_ATR] => Message::GetAtr,
            [other] => Message::UnknownControl(*other),
            _ => Message::Apdu(payload),
        }
    }
}

/// Reads one message: exactly 2 length bytes, then exactly that many bytes, however the stream
/// splits them. `Ok(None)` when the peer closed the connection between two messages; a close
/// inside a message is [`io::ErrorKind::UnexpectedEof`].
pub fn read_message(reader: &mut impl Read) -> io::Result<Option<Message>> {
    let mut length = [0u8; 2];
    let first = loop {
        match reader.read(&mut length[..1]) {
            Ok(n) => break n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        }
    };
    if first == 0 {
        return Ok(None);
    }
    reader.read_exact(&mut length[1..])?;
    let mut payload = Zeroizing::new(vec![0u8; usize::from(u16::from_be_bytes(length))]);
    reader.read_exact(&mut payload)?;
    Ok(Some(Message::from_payload(payload)))
}

/// Writes one message in a single `write_all` of length and payload together, so that the
/// peer never waits for a second segment. A payload over 65 535 bytes is refused.
pub fn write_message(writer: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let length = u16::try_from(payload.len()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "a vpcd message holds at most 65535 bytes",
        )
    })?;
    let mut frame = Zeroizing::new(Vec::with_capacity(payload.len() + 2));
    frame.extend_from_slice(&length.to_be_bytes());
    frame.extend_from_slice(payload);
    writer.write_all(&frame)?;
    writer.flush()
}

/// What the card does about one message.
#[derive(Clone, PartialEq, Eq)]
pub enum Action {
    /// Send this payload back.
    Reply(Vec<u8>),
    /// Send nothing (control bytes, or a command the card never answers).
    Nothing,
    /// The card left the reader: close the connection.
    Remove,
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Reply(bytes) => write!(f, "Reply({})", hex::encode_upper(bytes)),
            Action::Nothing => write!(f, "Nothing"),
            Action::Remove => write!(f, "Remove"),
        }
    }
}

/// How one connection to vpcd ended.
#[derive(Debug)]
pub enum Ending {
    /// The card left the reader (a removal fault fired); the connection must be closed.
    Removed,
    /// vpcd closed the connection (pcscd stopped), or it failed; `None` for a clean close.
    Lost(Option<io::Error>),
}

/// What [`VirtualCard::run`] reports, for the caller to show.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event {
    /// Connected to vpcd: the card is in the reader.
    Connected(SocketAddr),
    /// vpcd closed the connection or it failed; reconnecting.
    Lost(Option<io::Error>),
    /// A removal fault took the card out of the reader.
    Removed,
}

/// Why the virtual card stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VpcdError {
    /// The state file could not be read or written.
    #[error(transparent)]
    State(#[from] StateError),
    /// The log file could not be opened or written.
    #[error("cannot write the log file {}: {source}", path.display())]
    Log {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
}

impl Localized for VpcdError {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (VpcdError::State(error), lang) => error.localized(lang),
            (VpcdError::Log { path, source }, Lang::En) => format!(
                "Cannot write the log file {} ({source}). Check the path and that the directory is writable.",
                path.display()
            ),
            (VpcdError::Log { path, source }, Lang::Ja) => format!(
                "ログファイル {} に書き込めません（{source}）。パスと、ディレクトリに書き込めるかを確認してください。",
                path.display()
            ),
        }
    }
}

/// The log file: one [`LogEntry::line`] per event, flushed line by line.
struct LogFile {
    path: PathBuf,
    file: File,
}

/// A [`CardModel`] behind vpcd, with the file its state lives in and an optional log file.
pub struct VirtualCard {
    card: CardModel,
    state_path: Option<PathBuf>,
    atr: Option<Vec<u8>>,
    log: Option<LogFile>,
    /// Entries of `card.log()` already written to the log file.
    logged: usize,
}

impl fmt::Debug for VirtualCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VirtualCard")
            .field("card", &self.card)
            .field("state_path", &self.state_path)
            .field("atr", &self.atr.as_deref().map(hex::encode_upper))
            .field("log", &self.log.as_ref().map(|log| &log.path))
            .finish()
    }
}

impl VirtualCard {
    /// A virtual card with this model; nothing is saved or logged.
    pub fn new(card: CardModel) -> Self {
        VirtualCard {
            card,
            state_path: None,
            atr: None,
            log: None,
            logged: 0,
        }
    }

    /// A virtual card whose state lives in `path`: loaded if the file exists, else the demo state,
    /// written there at once. Saved again after every command that changed a counter or a PIN.
    pub fn with_state_file(path: &Path) -> Result<Self, VpcdError> {
        let state = if crate::files::is_regular_file(path).map_err(StateError::NotAFile)? {
            CardState::load(path)?
        } else {
            let state = CardState::demo();
            state.save(path)?;
            state
        };
        let mut card = VirtualCard::new(CardModel::new(state));
        card.state_path = Some(path.to_path_buf());
        Ok(card)
    }

    /// Presents `atr` instead of the state's ATR (the state file keeps its own).
    pub fn set_atr(&mut self, atr: Vec<u8>) {
        self.atr = Some(atr);
    }

    /// Appends one line per event to `path` from now on ([`LogEntry::line`]: PINs masked).
    pub fn log_to(&mut self, path: &Path) -> Result<(), VpcdError> {
        let file = crate::files::open_append(path).map_err(|error| match error {
            crate::files::FileError::Io { path, source } => VpcdError::Log { path, source },
            not_a_file => VpcdError::State(StateError::NotAFile(not_a_file)),
        })?;
        self.log = Some(LogFile {
            path: path.to_path_buf(),
            file,
        });
        self.logged = self.card.log().len();
        Ok(())
    }

    /// The card model, e.g. to set fault switches.
    pub fn card_mut(&mut self) -> &mut CardModel {
        &mut self.card
    }

    /// The card model.
    pub fn card(&self) -> &CardModel {
        &self.card
    }

    /// The ATR presented to the reader.
    pub fn atr(&self) -> &[u8] {
        self.atr.as_deref().unwrap_or_else(|| self.card.atr())
    }

    /// Handles one message from vpcd: the log line is written and a changed state saved before
    /// the caller sends the reply, so whoever got the answer can read both files.
    pub fn handle(&mut self, message: &Message) -> Result<Action, VpcdError> {
        let action = match message {
            Message::PowerOff => {
                self.card.power_off();
                Action::Nothing
            }
            Message::PowerOn => {
                self.card.power_on();
                Action::Nothing
            }
            Message::Reset => {
                self.card.reset();
                Action::Nothing
            }
            Message::GetAtr => Action::Reply(self.atr().to_vec()),
            Message::UnknownControl(byte) => {
                log::warn!("virtual card: unknown control byte {byte:02X} from vpcd, ignored");
                Action::Nothing
            }
            Message::Empty => {
                log::warn!("virtual card: empty message from vpcd, ignored");
                Action::Nothing
            }
            Message::Apdu(command) => {
                // Counters and PIN values (CHANGE REFERENCE DATA) persist.
                let pins_before = self.pins();
                let reply = self.card.respond(command);
                if self.pins() != pins_before {
                    self.save_state()?;
                }
                match reply {
                    Reply::Answer(bytes) => Action::Reply(bytes),
                    Reply::Removed => Action::Remove,
                    Reply::Hang => {
                        log::info!("virtual card: this command is never answered (hang fault)");
                        Action::Nothing
                    }
                }
            }
        };
        self.write_log()?;
        Ok(action)
    }

    /// Serves one connection until the card is removed or the peer goes away. `before_read` runs
    /// before each read (the TCP stream re-arms `TCP_QUICKACK` there); its error ends the
    /// connection like a read error. Only log and state file failures are errors.
    pub fn serve<S: Read + Write>(
        &mut self,
        stream: &mut S,
        mut before_read: impl FnMut(&S) -> io::Result<()>,
    ) -> Result<Ending, VpcdError> {
        loop {
            let message = match before_read(stream).and_then(|()| read_message(stream)) {
                Ok(Some(message)) => message,
                Ok(None) => return Ok(Ending::Lost(None)),
                Err(error) => return Ok(Ending::Lost(Some(error))),
            };
            log::trace!("virtual card: < {message:?}");
            match self.handle(&message)? {
                Action::Reply(payload) => {
                    if let Err(error) = write_message(stream, &payload) {
                        return Ok(Ending::Lost(Some(error)));
                    }
                }
                Action::Nothing => {}
                Action::Remove => return Ok(Ending::Removed),
            }
        }
    }

    /// Connects to vpcd at `address` and serves it, forever: while vpcd cannot be reached or after
    /// it closed the connection (pcscd restarting), it tries again every
    /// [`RECONNECT_INTERVAL`]. When a removal fault takes the card out, it returns, or with
    /// `reinsert` it waits [`REINSERT_PAUSE`] and puts the card back (a new connection).
    pub fn run(
        &mut self,
        address: SocketAddr,
        reinsert: bool,
        mut on_event: impl FnMut(Event),
    ) -> Result<(), VpcdError> {
        loop {
            let mut stream = connect(address);
            on_event(Event::Connected(address));
            let quickack = |stream: &TcpStream| {
                // Linux clears QUICKACK by itself; without it each APDU stalls ~40 ms on the
                // delayed ACK of vpcd's two-part writes. Other systems have no such option
                // (vpcd runs on Linux only anyway).
                #[cfg(any(target_os = "linux", target_os = "android"))]
                return socket2::SockRef::from(stream).set_tcp_quickack(true);
                #[cfg(not(any(target_os = "linux", target_os = "android")))]
                {
                    let _ = stream;
                    Ok(())
                }
            };
            match self.serve(&mut stream, quickack)? {
                Ending::Removed => {
                    // The card leaves the reader: closing the connection is vpcd's removal.
                    let _ = stream.shutdown(std::net::Shutdown::Both);
                    drop(stream);
                    on_event(Event::Removed);
                    if !reinsert {
                        return Ok(());
                    }
                    std::thread::sleep(REINSERT_PAUSE);
                    self.card.reinsert();
                    self.write_log()?;
                }
                Ending::Lost(error) => {
                    drop(stream);
                    on_event(Event::Lost(error));
                    // The reader is gone, and the card's power with it.
                    self.card.power_off();
                    self.write_log()?;
                    std::thread::sleep(RECONNECT_INTERVAL);
                }
            }
        }
    }

    fn pins(&self) -> [PinState; 3] {
        PinKind::ALL.map(|kind| self.card.state().pin(kind).clone())
    }

    fn save_state(&self) -> Result<(), VpcdError> {
        if let Some(path) = &self.state_path {
            self.card.state().save(path)?;
        }
        Ok(())
    }

    fn write_log(&mut self) -> Result<(), VpcdError> {
        let entries = self.card.log();
        let Some(log) = &mut self.log else {
            self.logged = entries.len();
            return Ok(());
        };
        let mut text = Zeroizing::new(String::new());
        for entry in &entries[self.logged.min(entries.len())..] {
            text.push_str(&LogEntry::line(entry));
            text.push('\n');
        }
        self.logged = entries.len();
        if text.is_empty() {
            return Ok(());
        }
        log.file
            .write_all(text.as_bytes())
            .and_then(|()| log.file.flush())
            .map_err(|source| VpcdError::Log {
                path: log.path.clone(),
                source,
            })
    }
}

/// Connects to vpcd, trying every [`RECONNECT_INTERVAL`] until it answers. Never probe a vpcd
/// port otherwise: pcscd takes any connection for a card.
fn connect(address: SocketAddr) -> TcpStream {
    let mut attempts: u64 = 0;
    loop {
        match TcpStream::connect(address) {
            Ok(stream) => {
                log::debug!(
                    "virtual card: connected to vpcd at {address} after {attempts} failed attempts"
                );
                return stream;
            }
            Err(error) => {
                if attempts == 0 {
                    log::debug!("virtual card: vpcd at {address} not reachable ({error}); retrying every {} ms", RECONNECT_INTERVAL.as_millis());
                }
                attempts += 1;
                std::thread::sleep(RECONNECT_INTERVAL);
            }
        }
    }
}

#[cfg(test)]
mod tests;
