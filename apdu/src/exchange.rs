//! The one exchange engine: every command goes through [`exchange`].

use crate::status::le_from_sw2;
use crate::{Command, EncodeError, Response, ResponseError, Status, Transport, TransportError};

/// Most GET RESPONSE commands sent for one command (64 × 256 bytes = 16 KiB).
pub const MAX_GET_RESPONSE_ROUNDS: usize = 64;

/// Why an exchange failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExchangeError {
    /// The command could not be encoded; nothing was sent.
    #[error("cannot encode {command}: {source}")]
    Encode {
        /// The command, masked.
        command: String,
        /// Why.
        #[source]
        source: EncodeError,
    },
    /// The transport failed while the command was under way; the card may have run it.
    #[error("{source} (while sending {command})")]
    Transport {
        /// The command, masked.
        command: String,
        /// Why.
        #[source]
        source: TransportError,
    },
    /// The card's answer was malformed.
    #[error("{source} (answer to {command})")]
    Response {
        /// The command, masked.
        command: String,
        /// Why.
        #[source]
        source: ResponseError,
    },
    /// The card kept answering 61xx.
    #[error("the card kept answering 61xx after {rounds} GET RESPONSE commands")]
    TooManyGetResponse {
        /// GET RESPONSE commands sent.
        rounds: usize,
    },
}

impl ExchangeError {
    /// The transport error, if that is what failed.
    pub fn transport_error(&self) -> Option<&TransportError> {
        match self {
            ExchangeError::Transport { source, .. } => Some(source),
            _ => None,
        }
    }

    /// Whether the card seems to have left in the middle of the command: the transport said so,
    /// or the answer had not a single byte (PC/SC reports success with an empty answer then).
    pub fn card_vanished(&self) -> bool {
        matches!(
            self,
            ExchangeError::Transport {
                source: TransportError::CardRemoved,
                ..
            } | ExchangeError::Response {
                source: ResponseError::TooShort { len: 0 },
                ..
            }
        )
    }
}

/// Sends `command` and returns the card's complete answer.
///
/// - `61xx`: sends GET RESPONSE (`00 C0 00 00 xx`, `00` meaning 256) and appends its data, at
///   most [`MAX_GET_RESPONSE_ROUNDS`] times; one more `61xx` is [`ExchangeError::TooManyGetResponse`].
/// - `6Cxx`: resends the same command once with Le = xx, only if it expects data (has an Le) and
///   carries no data (case 2: ISO 7816-3 defines `6Cxx` for case 2 only), whether or not the
///   caller marked the data secret. A second `6Cxx` is returned as it is. A command without Le is
///   not turned into another case, and a card that answers `6Cxx` to a VERIFY (even one built
///   with plain data and an Le) gets no second PIN. The same rule applies to each GET RESPONSE.
/// - Anything else is returned as it is. A transport error or a malformed answer is returned at
///   once and nothing is resent: the card may already have run the command.
///
/// Every command and answer is logged at debug level in hex, secret bytes as `**`.
pub fn exchange(
    transport: &mut dyn Transport,
    command: &Command,
) -> Result<Response, ExchangeError> {
    let mut response = transmit_fixing_le(transport, command)?;
    if command.le().is_none() {
        // It asked for no data (VERIFY, the counter read, SELECT without answer): a 61xx goes back
        // as it is, so nothing is ever sent between a counter read and the VERIFY it allows.
        return Ok(response);
    }
    let mut data = Vec::new();
    let mut rounds = 0;
    while let Status::MoreData(available) = response.sw().status() {
        if rounds == MAX_GET_RESPONSE_ROUNDS {
            return Err(ExchangeError::TooManyGetResponse { rounds });
        }
        rounds += 1;
        data.extend_from_slice(response.data());
        let get_response = Command::new(0x00, 0xC0, 0x00, 0x00).with_le(le_from_sw2(available));
        response = transmit_fixing_le(transport, &get_response)?;
    }
    if rounds == 0 {
        return Ok(response);
    }
    data.extend_from_slice(response.data());
    Ok(Response::new(data, response.sw()))
}

/// Sends `command`; on `6Cxx` resends it once with Le = xx if it is case 2 (Le, no data).
fn transmit_fixing_le(
    transport: &mut dyn Transport,
    command: &Command,
) -> Result<Response, ExchangeError> {
    let response = transmit_once(transport, command)?;
    match response.sw().status() {
        Status::WrongLe(le) if command.le().is_some() && command.data().is_empty() => {
            let corrected = command.clone().with_le(le_from_sw2(le));
            log::debug!("resending with Le = {}", le_from_sw2(le));
            transmit_once(transport, &corrected)
        }
        _ => Ok(response),
    }
}

fn transmit_once(
    transport: &mut dyn Transport,
    command: &Command,
) -> Result<Response, ExchangeError> {
    let bytes = command.encode().map_err(|source| ExchangeError::Encode {
        command: command.masked_hex(),
        source,
    })?;
    log::debug!("> {}", command.masked_hex());
    let raw = transport.transmit(&bytes).map_err(|source| {
        log::debug!("! {source}");
        ExchangeError::Transport {
            command: command.masked_hex(),
            source,
        }
    })?;
    let response = Response::parse(&raw).map_err(|source| ExchangeError::Response {
        command: command.masked_hex(),
        source,
    })?;
    log::debug!(
        "< {}{}{} ({})",
        hex::encode_upper(response.data()),
        if response.data().is_empty() { "" } else { " " },
        response.sw(),
        response.sw().status()
    );
    Ok(response)
}
