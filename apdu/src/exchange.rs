//! The one exchange engine: every command goes through [`exchange`].

use crate::{Command, EncodeError, Response, ResponseError, Status, Transport, TransportError};

/// Most GET RESPONSE commands sent for one command (64 × 256 bytes = 16 KiB).
pub const MAX_GET_RESPONSE_ROUNDS: usize = 64;

/// Why an exchange failed.
#[derive(Debug, thiserror::Error)]
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
}

/// Sends `command` and returns the card's complete answer.
///
/// - `61xx`: sends GET RESPONSE (`00 C0 00 00 xx`) and appends its data, at most
///   [`MAX_GET_RESPONSE_ROUNDS`] times.
/// - `6Cxx`: resends the same command once with Le = xx, only if it expects data and carries no
///   secret (a card that answers 6Cxx to a VERIFY gets no second PIN).
/// - Anything else is returned as it is. A transport error is returned at once; nothing is resent.
pub fn exchange(
    transport: &mut dyn Transport,
    command: &Command,
) -> Result<Response, ExchangeError> {
    let mut response = transmit_once(transport, command)?;
    if let Status::WrongLe(le) = response.sw().status() {
        if command.le().is_some() && !command.is_secret() {
            let corrected = command
                .clone()
                .with_le(if le == 0 { 256 } else { le as usize });
            response = transmit_once(transport, &corrected)?;
        }
    }
    let mut data = Vec::new();
    let mut rounds = 0;
    while let Status::MoreData(available) = response.sw().status() {
        if rounds == MAX_GET_RESPONSE_ROUNDS {
            return Err(ExchangeError::TooManyGetResponse { rounds });
        }
        rounds += 1;
        data.extend_from_slice(response.data());
        let get_response = Command::new(0x00, 0xC0, 0x00, 0x00).with_le(if available == 0 {
            256
        } else {
            available as usize
        });
        response = transmit_once(transport, &get_response)?;
    }
    if rounds == 0 {
        return Ok(response);
    }
    data.extend_from_slice(response.data());
    Ok(Response::new(data, response.sw()))
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
