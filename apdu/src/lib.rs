//! ISO 7816-4 APDUs for mynapin: command encoding, response parsing, status words, the
//! [`Transport`] trait and the one exchange engine every command goes through.
//!
//! # Encoding rules
//! - Short encoding unless the caller asks for extended length ([`Command::extended`]).
//! - Case 1 (no data, no Le) is exactly the 4 header bytes: `00 20 00 80`, the JPKI retry-counter read,
//!   never gains an Lc or Le byte.
//! - Data longer than the chosen encoding allows (255 short, 65 535 extended) or an Le beyond
//!   256 / 65 536 is an [`EncodeError`]; a command is never split.
//!
//! # The no-resend rule
//! [`exchange`] sends a command once. It sends something more only to fetch the rest of an answer
//! (`61xx` → GET RESPONSE, bounded) or, once, to repeat a command that was refused for a wrong Le
//! (`6Cxx`) when that command carries no secret and expects data. After a transport error it sends
//! nothing: the card may already have run the command, and a resent VERIFY costs a PIN try.
//!
//! # Secrets
//! Command data marked secret ([`Command::with_secret_data`]) is zeroized on drop and shown as `**`
//! in `Debug`, `Display`, errors and the trace.
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
pub use transport::{Connection, Disposition, TransactionStart, Transport, TransportError};
