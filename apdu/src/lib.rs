//! ISO 7816-4 APDUs for mynapin: command encoding, response parsing, status words, the
//! [`Transport`] trait and the one exchange engine every command goes through.
//!
//! # No PIN guard here
//! This crate sends whatever it is given. It does not read a retry counter before a VERIFY and
//! does not refuse at one try left: a VERIFY built and sent with it (or with
//! [`Transport::transmit`] inside a [`Connection::transaction`]) bypasses mynapin's guard and can
//! lock a card. To verify a PIN, use `mynapin::card::MyNumberCard::verify` (the `mynapin`
//! crate), the only path there that sends one. Use this crate directly only for commands
//! that present no PIN, or when you deliberately take the guard's job on yourself.
//!
//! # Encoding rules
//! - Short encoding unless the caller asks for extended length ([`Command::extended`]).
//! - Case 1 (no data, no Le) is exactly the 4 header bytes: `00 20 00 80`, the JPKI retry-counter
//!   read, never gains an Lc or Le byte. Empty data means no Lc.
//! - Short: Lc is one byte (data 1..=255), Le one byte (1..=256, 256 sent as `00`).
//!   Extended: Lc is `00 hi lo` (data 1..=65 535), Le is `00 hi lo` without data or `hi lo` after
//!   the data (1..=65 536, 65 536 sent as `00 00`).
//! - Data too long for the chosen encoding, or an Le of 0 or beyond the maximum, is an
//!   [`EncodeError`] before anything is sent; a command is never split and never panics.
//!
//! # The no-resend rule
//! [`exchange`] sends a command once. It sends something more only
//! - to fetch the rest of an answer: on `61xx` to a command that has an Le, GET RESPONSE
//!   `00 C0 00 00 xx`, at most [`MAX_GET_RESPONSE_ROUNDS`] times, data concatenated (a `61xx` to a
//!   command without Le is returned as it is);
//! - or to repeat a command once with Le = xx after `6Cxx` (wrong Le), and only when that command
//!   has an Le and carries no data (case 2). A second `6Cxx` is returned as it is.
//!
//! After a transport error or a malformed answer it sends nothing: the card may already have run
//! the command, and a resent VERIFY costs a PIN try. A command without Le is not resent on
//! `6Cxx` because adding an Le would make it a different command (case 1 → 2, 3 → 4), and such
//! commands (VERIFY, SELECT without answer, writes) act on the card; a secret command is not
//! resent because its first run may already have counted as a PIN try.
//!
//! # Secrets and the trace
//! Command data marked secret ([`Command::with_secret_data`]) is zeroized on drop (so are the
//! encoded bytes) and shown as `**` in `Debug`, `Display`, errors and the trace. [`exchange`] logs
//! every command (`> 00 20 00 80 04 ** ** ** **`) and answer (`< 63C2 (retries remaining: 2)`)
//! with the `log` crate at debug level.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod command;
mod exchange;
mod response;
mod status;
mod transport;

pub use command::{Command, EncodeError, LengthEncoding};
pub use exchange::{exchange, ExchangeError, MAX_GET_RESPONSE_ROUNDS};
pub use response::{Response, ResponseError};
pub use status::{Status, StatusWord};
pub use transport::{
    CardSession, Connection, Disposition, TransactionStart, Transport, TransportError,
};

/// Bytes as upper-case hex pairs separated by spaces (`3B E0 00`), the way traces show APDUs.
pub fn spaced_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{byte:02X}"));
    }
    out
}
