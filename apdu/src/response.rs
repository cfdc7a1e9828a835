//! Response APDUs: data followed by SW1 SW2.

use std::fmt;

use crate::StatusWord;

/// A response that cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResponseError {
    /// Fewer than the two status bytes. PC/SC returns zero bytes with success when a card
    /// vanishes in the middle of a command.
    #[error("the card answered {len} bytes; a response needs at least SW1 SW2")]
    TooShort {
        /// Number of bytes received.
        len: usize,
    },
}

/// A response APDU: data plus status word.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    data: Vec<u8>,
    sw: StatusWord,
}

impl Response {
    /// A response from its parts.
    pub fn new(data: Vec<u8>, sw: StatusWord) -> Self {
        Response { data, sw }
    }

    /// Parses raw response bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self, ResponseError> {
        match bytes {
            [data @ .., sw1, sw2] => Ok(Response {
                data: data.to_vec(),
                sw: StatusWord::from_bytes(*sw1, *sw2),
            }),
            _ => Err(ResponseError::TooShort { len: bytes.len() }),
        }
    }

    /// The raw bytes: data then SW1 SW2.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.data.clone();
        out.extend_from_slice(&self.sw.to_bytes());
        out
    }

    /// Response data without the status word.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Takes the data out.
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }

    /// The status word.
    pub fn sw(&self) -> StatusWord {
        self.sw
    }

    /// Whether the status word is 9000.
    pub fn is_success(&self) -> bool {
        self.sw == StatusWord::SUCCESS
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Response({} | {})",
            hex::encode_upper(&self.data),
            self.sw
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_and_status_word_are_split() {
        let response = Response::parse(&[0x30, 0x82, 0x90, 0x00]).expect("parses");
        assert_eq!(response.data(), [0x30, 0x82]);
        assert_eq!(response.sw(), StatusWord::SUCCESS);
        assert!(response.is_success());
        assert_eq!(response.to_bytes(), [0x30, 0x82, 0x90, 0x00]);
    }

    #[test]
    fn status_word_alone_has_no_data() {
        let response = Response::parse(&[0x63, 0xC3]).expect("parses");
        assert!(response.data().is_empty());
        assert_eq!(response.sw(), StatusWord(0x63C3));
        assert!(!response.is_success());
    }

    #[test]
    fn fewer_than_two_bytes_is_an_error() {
        assert_eq!(
            Response::parse(&[]),
            Err(ResponseError::TooShort { len: 0 })
        );
        assert_eq!(
            Response::parse(&[0x90]),
            Err(ResponseError::TooShort { len: 1 })
        );
    }
}
