//! Command APDUs (ISO 7816-4 cases 1–4, short and extended length).

use std::fmt;

use zeroize::Zeroizing;

/// How Lc and Le are encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LengthEncoding {
    /// One byte each: data up to 255 bytes, Le up to 256. The default.
    #[default]
    Short,
    /// Three bytes (`00 hi lo`) for Lc, two or three for Le: data up to 65 535 bytes, Le up to 65 536.
    Extended,
}

/// Why a command cannot be encoded. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The data does not fit the chosen length encoding.
    #[error(
        "command data of {len} bytes does not fit {encoding:?} encoding (at most {max} bytes)"
    )]
    DataTooLong {
        /// Length of the data.
        len: usize,
        /// The most the encoding allows.
        max: usize,
        /// The encoding that was chosen.
        encoding: LengthEncoding,
    },
    /// The expected length is 0 or beyond what the encoding can express.
    #[error("expected length {le} is not in 1..={max} for {encoding:?} encoding")]
    LeOutOfRange {
        /// The requested Le.
        le: usize,
        /// The most the encoding allows.
        max: usize,
        /// The encoding that was chosen.
        encoding: LengthEncoding,
    },
}

/// A command APDU. Build it with [`Command::new`] and the `with_*` methods; [`Command::encode`]
/// checks the lengths.
#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    header: [u8; 4],
    data: Zeroizing<Vec<u8>>,
    secret: bool,
    le: Option<usize>,
    encoding: LengthEncoding,
}

impl Command {
    /// A case 1 command: header only, no data, no Le.
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Command {
            header: [cla, ins, p1, p2],
            data: Zeroizing::new(Vec::new()),
            secret: false,
            le: None,
            encoding: LengthEncoding::Short,
        }
    }

    /// Adds command data that may be shown in logs.
    pub fn with_data(mut self, data: &[u8]) -> Self {
        self.data = Zeroizing::new(data.to_vec());
        self.secret = false;
        self
    }

    /// Adds secret command data (a PIN): zeroized on drop, masked wherever the command is shown.
    pub fn with_secret_data(mut self, data: &[u8]) -> Self {
        self.data = Zeroizing::new(data.to_vec());
        self.secret = true;
        self
    }

    /// Sets the expected response length Le (1..=256 short, 1..=65 536 extended; the maximum
    /// encodes as zero bytes).
    pub fn with_le(mut self, le: usize) -> Self {
        self.le = Some(le);
        self
    }

    /// Uses extended length encoding for Lc and Le.
    pub fn extended(mut self) -> Self {
        self.encoding = LengthEncoding::Extended;
        self
    }

    /// CLA byte.
    pub fn cla(&self) -> u8 {
        self.header[0]
    }
    /// INS byte.
    pub fn ins(&self) -> u8 {
        self.header[1]
    }
    /// P1 byte.
    pub fn p1(&self) -> u8 {
        self.header[2]
    }
    /// P2 byte.
    pub fn p2(&self) -> u8 {
        self.header[3]
    }
    /// The command data (secret or not).
    pub fn data(&self) -> &[u8] {
        &self.data
    }
    /// Whether the data is secret.
    pub fn is_secret(&self) -> bool {
        self.secret
    }
    /// The expected response length, if any.
    pub fn le(&self) -> Option<usize> {
        self.le
    }
    /// The length encoding.
    pub fn length_encoding(&self) -> LengthEncoding {
        self.encoding
    }

    /// Encodes the command. The bytes are zeroized when dropped, since they may hold a PIN.
    pub fn encode(&self) -> Result<Zeroizing<Vec<u8>>, EncodeError> {
        let (max_data, max_le) = match self.encoding {
            LengthEncoding::Short => (255, 256),
            LengthEncoding::Extended => (65_535, 65_536),
        };
        if self.data.len() > max_data {
            return Err(EncodeError::DataTooLong {
                len: self.data.len(),
                max: max_data,
                encoding: self.encoding,
            });
        }
        if let Some(le) = self.le {
            if le == 0 || le > max_le {
                return Err(EncodeError::LeOutOfRange {
                    le,
                    max: max_le,
                    encoding: self.encoding,
                });
            }
        }
        let mut out = Zeroizing::new(Vec::with_capacity(4 + 3 + self.data.len() + 3));
        out.extend_from_slice(&self.header);
        let has_data = !self.data.is_empty();
        match self.encoding {
            LengthEncoding::Short => {
                if has_data {
                    out.push(self.data.len() as u8);
                    out.extend_from_slice(&self.data);
                }
                if let Some(le) = self.le {
                    // 256 wraps to 00, as ISO 7816-4 specifies.
                    out.push(le as u8);
                }
            }
            LengthEncoding::Extended => {
                if has_data {
                    out.push(0);
                    out.extend_from_slice(&(self.data.len() as u16).to_be_bytes());
                    out.extend_from_slice(&self.data);
                }
                if let Some(le) = self.le {
                    if !has_data {
                        out.push(0);
                    }
                    // 65 536 wraps to 00 00.
                    out.extend_from_slice(&(le as u16).to_be_bytes());
                }
            }
        }
        Ok(out)
    }

    /// The encoded command in hex with secret bytes shown as `**`; safe to log.
    pub fn masked_hex(&self) -> String {
        match self.encode() {
            Ok(bytes) => {
                let data_start = match (self.data.is_empty(), self.encoding) {
                    (true, _) => bytes.len(),
                    (false, LengthEncoding::Short) => 5,
                    (false, LengthEncoding::Extended) => 7,
                };
                let data_end = data_start + self.data.len();
                bytes
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        if self.secret && (data_start..data_end).contains(&i) {
                            "**".to_string()
                        } else {
                            format!("{b:02X}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            Err(_) => format!(
                "{:02X} {:02X} {:02X} {:02X} <{} data bytes{}, not encodable>",
                self.header[0],
                self.header[1],
                self.header[2],
                self.header[3],
                self.data.len(),
                if self.secret { ", secret" } else { "" }
            ),
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked_hex())
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Command({})", self.masked_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(command: &Command) -> Vec<u8> {
        command.encode().expect("encodable").to_vec()
    }

    #[test]
    fn case_1_is_exactly_the_header() {
        let read_retries = Command::new(0x00, 0x20, 0x00, 0x80);
        assert_eq!(encoded(&read_retries), [0x00, 0x20, 0x00, 0x80]);
        assert_eq!(
            encoded(&read_retries.clone().extended()),
            [0x00, 0x20, 0x00, 0x80]
        );
        assert_eq!(
            encoded(&read_retries.with_data(&[])),
            [0x00, 0x20, 0x00, 0x80]
        );
    }

    #[test]
    fn case_2_short() {
        let read_binary = Command::new(0x00, 0xB0, 0x00, 0x00).with_le(0x10);
        assert_eq!(encoded(&read_binary), [0x00, 0xB0, 0x00, 0x00, 0x10]);
    }

    #[test]
    fn case_3_short() {
        let select = Command::new(0x00, 0xA4, 0x02, 0x0C).with_data(&[0x00, 0x18]);
        assert_eq!(encoded(&select), [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18]);
    }

    #[test]
    fn case_4_short() {
        let command = Command::new(0x80, 0xA2, 0x00, 0x80)
            .with_data(&[0xAA, 0xBB, 0xCC])
            .with_le(0x20);
        assert_eq!(
            encoded(&command),
            [0x80, 0xA2, 0x00, 0x80, 0x03, 0xAA, 0xBB, 0xCC, 0x20]
        );
    }

    #[test]
    fn case_2_extended() {
        let command = Command::new(0x00, 0xB0, 0x00, 0x00)
            .with_le(0x0123)
            .extended();
        assert_eq!(
            encoded(&command),
            [0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x23]
        );
    }

    #[test]
    fn case_3_extended() {
        let command = Command::new(0x00, 0xD6, 0x00, 0x00)
            .with_data(&[0x01, 0x02])
            .extended();
        assert_eq!(
            encoded(&command),
            [0x00, 0xD6, 0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0x02]
        );
    }

    #[test]
    fn case_4_extended() {
        let command = Command::new(0x80, 0x2A, 0x00, 0x80)
            .with_data(&[0xAA])
            .with_le(0x0200)
            .extended();
        assert_eq!(
            encoded(&command),
            [0x80, 0x2A, 0x00, 0x80, 0x00, 0x00, 0x01, 0xAA, 0x02, 0x00]
        );
    }

    #[test]
    fn largest_le_encodes_as_zeros() {
        let short = Command::new(0x00, 0xB0, 0x00, 0x00).with_le(256);
        assert_eq!(encoded(&short), [0x00, 0xB0, 0x00, 0x00, 0x00]);
        let extended = short.clone().with_le(65_536).extended();
        assert_eq!(
            encoded(&extended),
            [0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00]
        );
        let extended_case_4 = extended.with_data(&[0x01]);
        assert_eq!(
            encoded(&extended_case_4),
            [0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00]
        );
    }

    #[test]
    fn short_data_of_255_bytes_fits() {
        let command = Command::new(0x00, 0xD6, 0x00, 0x00).with_data(&[0x5A; 255]);
        let bytes = encoded(&command);
        assert_eq!(bytes.len(), 4 + 1 + 255);
        assert_eq!(bytes[4], 0xFF);
        assert!(bytes[5..].iter().all(|&b| b == 0x5A));
    }

    #[test]
    fn short_data_of_256_bytes_is_an_error_not_a_split() {
        let command = Command::new(0x00, 0xD6, 0x00, 0x00).with_data(&[0x5A; 256]);
        assert_eq!(
            command.encode().map(|b| b.to_vec()),
            Err(EncodeError::DataTooLong {
                len: 256,
                max: 255,
                encoding: LengthEncoding::Short
            })
        );
    }

    #[test]
    fn extended_data_of_256_bytes_fits() {
        let command = Command::new(0x00, 0xD6, 0x00, 0x00)
            .with_data(&[0x5A; 256])
            .extended();
        let bytes = encoded(&command);
        assert_eq!(bytes.len(), 4 + 3 + 256);
        assert_eq!(bytes[4..7], [0x00, 0x01, 0x00]);
    }

    #[test]
    fn extended_data_limit_is_65535_bytes() {
        let fits = Command::new(0x00, 0xD6, 0x00, 0x00)
            .with_data(&[0x5A; 65_535])
            .extended();
        assert_eq!(encoded(&fits)[4..7], [0x00, 0xFF, 0xFF]);
        let too_long = fits.with_data(&[0x5A; 65_536]);
        assert_eq!(
            too_long.encode().map(|b| b.to_vec()),
            Err(EncodeError::DataTooLong {
                len: 65_536,
                max: 65_535,
                encoding: LengthEncoding::Extended
            })
        );
    }

    #[test]
    fn le_out_of_range_is_rejected() {
        let cases = [
            (0, LengthEncoding::Short, 256),
            (257, LengthEncoding::Short, 256),
            (0, LengthEncoding::Extended, 65_536),
            (65_537, LengthEncoding::Extended, 65_536),
        ];
        for (le, encoding, max) in cases {
            let mut command = Command::new(0x00, 0xB0, 0x00, 0x00).with_le(le);
            if encoding == LengthEncoding::Extended {
                command = command.extended();
            }
            assert_eq!(
                command.encode().map(|b| b.to_vec()),
                Err(EncodeError::LeOutOfRange { le, max, encoding }),
                "Le {le} {encoding:?}"
            );
        }
    }

    #[test]
    fn secret_data_is_masked_in_debug_and_display() {
        let verify = Command::new(0x00, 0x20, 0x00, 0x80).with_secret_data(b"1234");
        assert_eq!(verify.to_string(), "00 20 00 80 04 ** ** ** **");
        assert_eq!(format!("{verify:?}"), "Command(00 20 00 80 04 ** ** ** **)");
        // The bytes still go to the card.
        assert_eq!(
            encoded(&verify),
            [0x00, 0x20, 0x00, 0x80, 0x04, b'1', b'2', b'3', b'4']
        );
    }

    #[test]
    fn secret_data_is_masked_in_extended_encoding() {
        let command = Command::new(0x00, 0x20, 0x00, 0x80)
            .with_secret_data(b"12")
            .with_le(5)
            .extended();
        assert_eq!(command.masked_hex(), "00 20 00 80 00 00 02 ** ** 00 05");
    }

    #[test]
    fn unencodable_secret_command_shows_no_data() {
        let command = Command::new(0x00, 0x20, 0x00, 0x80).with_secret_data(&[0x31; 300]);
        assert_eq!(
            command.masked_hex(),
            "00 20 00 80 <300 data bytes, secret, not encodable>"
        );
    }

    #[test]
    fn plain_data_is_shown() {
        let select = Command::new(0x00, 0xA4, 0x02, 0x0C).with_data(&[0x00, 0x18]);
        assert_eq!(select.to_string(), "00 A4 02 0C 02 00 18");
    }
}
