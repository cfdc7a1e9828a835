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
