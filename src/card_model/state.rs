//! The persistent part of the card: PINs with their counters, certificates, ATR and label, and
//! their JSON file (the demo card and the virtual card keep counters between runs in it).

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::i18n::{Lang, Localized};
use crate::jpki::{Pin, PinKind};

/// Largest state file [`CardState::load`] reads; four hex certificates take about 10 KiB.
pub const MAX_STATE_FILE_BYTES: u64 = 1024 * 1024;

/// Longest certificate the model holds: the longest a client can read (READ BINARY offsets have
/// 15 bits; P1 bit 8 flags a short EF identifier).
pub const MAX_CERTIFICATE_BYTES: usize = crate::jpki::MAX_CERTIFICATE_LEN;

/// Everything the card keeps across power cycles.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CardState {
    /// Answer to reset, in hex (written with spaces between bytes).
    #[serde(with = "spaced_hex_bytes")]
    pub atr: Vec<u8>,
    /// Token label: the first 32 bytes of JPKI EF 0006, space padded.
    pub token_label: String,
    /// Auth PIN (JPKI EF 0018): 4 digits.
    pub auth: PinState,
    /// Signature password (JPKI EF 001B): 6–16 of A–Z and 0–9.
    pub sign: PinState,
    /// Card-info input support PIN (card-info AP EF 0011): 4 digits.
    pub card_info: PinState,
    /// The JPKI certificate files.
    pub certificates: Certificates,
}

/// One PIN and its retry counter. `Debug` never shows the value; the value is zeroized on drop.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct PinState {
    /// The PIN as ASCII text; compared byte for byte with VERIFY data.
    #[serde(deserialize_with = "pin_value")]
    pub value: String,
    /// Tries left before the PIN is blocked (0 = blocked).
    pub tries_left: u8,
    /// Tries a correct PIN restores (1..=15: `63Cx` has 4 bits).
    pub max_tries: u8,
}

impl fmt::Debug for PinState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinState")
            .field("value", &"<redacted>")
            .field("tries_left", &self.tries_left)
            .field("max_tries", &self.max_tries)
            .finish()
    }
}

impl PinState {
    /// A PIN with all its tries left.
    pub fn new(value: &str, max_tries: u8) -> Self {
        PinState {
            value: value.to_string(),
            tries_left: max_tries,
            max_tries,
        }
    }
}

/// The certificate EFs of the JPKI application, DER bytes (hex in JSON).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Certificates {
    /// EF 000A: user-authentication certificate, readable freely.
    #[serde(with = "hex_bytes")]
    pub auth: Vec<u8>,
    /// EF 000B: its CA certificate, readable freely.
    #[serde(with = "hex_bytes")]
    pub auth_ca: Vec<u8>,
    /// EF 0001: signature certificate, readable only after the signature password.
    #[serde(with = "hex_bytes")]
    pub sign: Vec<u8>,
    /// EF 0002: its CA certificate, readable freely.
    #[serde(with = "hex_bytes")]
    pub sign_ca: Vec<u8>,
}

/// The PIN's key in the state file.
fn field(kind: PinKind) -> &'static str {
    match kind {
        PinKind::Auth => "auth",
        PinKind::Sign => "sign",
        PinKind::CardInfo => "card_info",
    }
}

/// Whether `value` has the format the real card stores for this PIN (the signature password in
/// upper case: the card compares bytes).
pub(super) fn accepts(kind: PinKind, value: &str) -> bool {
    Pin::new(kind, value).is_ok() && !value.bytes().any(|b| b.is_ascii_lowercase())
}

impl CardState {
    /// The demo card: auth PIN `1234`, signature password `ABC123`, card-info PIN `5678`, all
    /// tries left, OpenSC's JPKI ATR and the test certificates of `tests/fixtures`.
    pub fn demo() -> Self {
        CardState {
            atr: vec![0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14],
            token_label: "JPKIAPICCTOKEN2".to_string(),
            auth: PinState::new("1234", 3),
            sign: PinState::new("ABC123", 5),
            card_info: PinState::new("5678", 3),
            certificates: Certificates {
                auth: include_bytes!("../../tests/fixtures/auth.der").to_vec(),
                auth_ca: include_bytes!("../../tests/fixtures/auth-ca.der").to_vec(),
                sign: include_bytes!("../../tests/fixtures/sign.der").to_vec(),
                sign_ca: include_bytes!("../../tests/fixtures/sign-ca.der").to_vec(),
            },
        }
    }

    /// One PIN.
    pub fn pin(&self, kind: PinKind) -> &PinState {
        match kind {
            PinKind::Auth => &self.auth,
            PinKind::Sign => &self.sign,
            PinKind::CardInfo => &self.card_info,
        }
    }

    /// One PIN, to change.
    pub fn pin_mut(&mut self, kind: PinKind) -> &mut PinState {
        match kind {
            PinKind::Auth => &mut self.auth,
            PinKind::Sign => &mut self.sign,
            PinKind::CardInfo => &mut self.card_info,
        }
    }

    /// Checks what the card model relies on: a plausible ATR, a label that fits EF 0006, PIN
    /// values in the card's formats, counters within 0..=max_tries and max_tries within 1..=15.
    pub fn validate(&self) -> Result<(), StateProblem> {
        if !(2..=33).contains(&self.atr.len()) || !matches!(self.atr[0], 0x3B | 0x3F) {
            return Err(StateProblem::Atr);
        }
        let label = self.token_label.as_bytes();
        if label.is_empty() || label.len() > 32 || !label.iter().all(|b| (0x20..0x7F).contains(b)) {
            return Err(StateProblem::Label);
        }
        for kind in PinKind::ALL {
            let pin = self.pin(kind);
            if !(1..=15).contains(&pin.max_tries) {
                return Err(StateProblem::MaxTries {
                    pin: kind,
                    max_tries: pin.max_tries,
                });
            }
            if pin.tries_left > pin.max_tries {
                return Err(StateProblem::TriesAboveMax {
                    pin: kind,
                    tries_left: pin.tries_left,
                    max_tries: pin.max_tries,
                });
            }
            if !accepts(kind, &pin.value) {
                return Err(StateProblem::PinFormat { pin: kind });
            }
        }
        let certificates = &self.certificates;
        for (name, der) in [
            ("auth", &certificates.auth),
            ("auth_ca", &certificates.auth_ca),
            ("sign", &certificates.sign),
            ("sign_ca", &certificates.sign_ca),
        ] {
            if der.len() > MAX_CERTIFICATE_BYTES {
                return Err(StateProblem::CertificateTooLong {
                    name,
                    len: der.len(),
                });
            }
        }
        Ok(())
    }

    /// More than the pretty JSON of this state can take: hex doubles the certificates and the
    /// ATR; the rest is small.
    fn serialized_size_bound(&self) -> usize {
        let certificates = &self.certificates;
        let binary = certificates.auth.len()
            + certificates.auth_ca.len()
            + certificates.sign.len()
            + certificates.sign_ca.len()
            + self.atr.len();
        3 * binary + 4096
    }

    /// Reads and validates a state file (JSON, at most [`MAX_STATE_FILE_BYTES`]).
    pub fn load(path: &Path) -> Result<Self, StateError> {
        let read_error = |source| StateError::Read {
            path: path.to_path_buf(),
            source,
        };
        // Never open a FIFO (it would wait for ever) or a device as a state file.
        crate::files::is_regular_file(path).map_err(StateError::from_file)?;
        let file = fs::File::open(path).map_err(read_error)?;
        // Sized up front so the buffer never reallocates and leaves a copy of the PINs behind.
        let expected = file
            .metadata()
            .map_or(0, |m| m.len())
            .min(MAX_STATE_FILE_BYTES) as usize;
        // Take one byte more than allowed, so a file that grows while we read is still caught.
        let mut bytes = Zeroizing::new(Vec::with_capacity(expected + 1));
        file.take(MAX_STATE_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(read_error)?;
        if bytes.len() as u64 > MAX_STATE_FILE_BYTES {
            return Err(StateError::TooLarge {
                path: path.to_path_buf(),
            });
        }
        let state: CardState =
            serde_json::from_slice(&bytes).map_err(|error| StateError::Parse {
                path: path.to_path_buf(),
                line: error.line(),
                column: error.column(),
            })?;
        state.validate().map_err(|problem| StateError::Invalid {
            path: path.to_path_buf(),
            problem,
        })?;
        Ok(state)
    }

    /// Validates and writes the state atomically: a temporary file in the same directory, then
    /// a rename over `path` (or over the file a symbolic link at `path` points to). Creates
    /// missing parent directories. Refuses a directory, FIFO or device at `path` and leaves it as
    /// it was. On Unix the file is readable by its owner only, since it holds PINs.
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        self.validate().map_err(|problem| StateError::Invalid {
            path: path.to_path_buf(),
            problem,
        })?;
        // Sized up front (certificates dominate) so the buffer never reallocates and leaves a
        // copy of the PINs behind.
        let mut json = Zeroizing::new(Vec::with_capacity(self.serialized_size_bound()));
        serde_json::to_writer_pretty(&mut *json, self).map_err(|source| StateError::Write {
            path: path.to_path_buf(),
            source: io::Error::new(io::ErrorKind::InvalidData, source),
        })?;
        crate::files::write_atomically(path, &json, true).map_err(StateError::from_file)
    }
}

/// What is wrong with a card state's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateProblem {
    /// The ATR is not 2..=33 bytes starting with 3B or 3F.
    #[error("the ATR must be 2 to 33 bytes starting with 3B or 3F")]
    Atr,
    /// The label does not fit EF 0006.
    #[error("the token label must be 1 to 32 printable ASCII characters")]
    Label,
    /// max_tries outside 1..=15.
    #[error("{}: max_tries is {max_tries}; it must be 1 to 15", field(*pin))]
    MaxTries {
        /// Which PIN.
        pin: PinKind,
        /// The value found.
        max_tries: u8,
    },
    /// tries_left above max_tries.
    #[error("{}: tries_left {tries_left} is above max_tries {max_tries}", field(*pin))]
    TriesAboveMax {
        /// Which PIN.
        pin: PinKind,
        /// The value found.
        tries_left: u8,
        /// The maximum.
        max_tries: u8,
    },
    /// The PIN value does not have the card's format (the value itself is not repeated).
    #[error("{}: the value does not have the card's format ({})", field(*pin), pin.format_hint(Lang::En))]
    PinFormat {
        /// Which PIN.
        pin: PinKind,
    },
    /// A certificate longer than READ BINARY can reach.
    #[error("certificate {name} has {len} bytes; at most {MAX_CERTIFICATE_BYTES} can be read")]
    CertificateTooLong {
        /// The field name.
        name: &'static str,
        /// Its length.
        len: usize,
    },
}

/// Why a state file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The file could not be opened or read.
    #[error("cannot read card state {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The file is larger than [`MAX_STATE_FILE_BYTES`].
    #[error("card state {} is larger than 1 MiB", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// The file is not JSON of the expected shape. Holds only where: serde_json's message can
    /// quote the value it rejected, and a value may be a PIN.
    #[error("card state {} is not valid JSON of the expected shape (line {line}, column {column})", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where the problem is.
        line: usize,
        /// Where the problem is.
        column: usize,
    },
    /// The JSON is well formed but a value is out of range.
    #[error("card state {} is not valid: {problem}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        #[source]
        problem: StateProblem,
    },
    /// Something other than a regular file is at the path; it was left as it was.
    #[error(transparent)]
    NotAFile(crate::files::FileError),
    /// The file could not be written.
    #[error("cannot write card state {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
}

impl StateError {
    fn from_file(error: crate::files::FileError) -> Self {
        match error {
            crate::files::FileError::Io { path, source } => StateError::Write { path, source },
            not_a_file => StateError::NotAFile(not_a_file),
        }
    }
}

impl Localized for StateError {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (StateError::Read { path, source }, Lang::En) => format!(
                "Cannot read the card state file {} ({source}). Check the path and its permissions, or delete the file to start again from the demo card.",
                path.display()
            ),
            (StateError::Read { path, source }, Lang::Ja) => format!(
                "カード状態ファイル {} を読めません（{source}）。パスと権限を確認するか、ファイルを削除してデモカードの初期状態からやり直してください。",
                path.display()
            ),
            (StateError::TooLarge { path }, Lang::En) => format!(
                "The card state file {} is larger than 1 MiB, so it is not a card state. Check the path, or delete the file to start again from the demo card's first state.",
                path.display()
            ),
            (StateError::TooLarge { path }, Lang::Ja) => format!(
                "カード状態ファイル {} が 1 MiB を超えているため、カード状態ではありません。パスを確認するか、ファイルを削除してデモカードの初期状態からやり直してください。",
                path.display()
            ),
            (StateError::Parse { path, line, column }, Lang::En) => format!(
                "The card state file {} is not valid JSON of the expected shape (line {line}, column {column}). Fix it as docs/card-model.md describes, or delete the file to start again from the demo card's first state.",
                path.display()
            ),
            (StateError::Parse { path, line, column }, Lang::Ja) => format!(
                "カード状態ファイル {} が想定した形式の JSON ではありません（{line} 行 {column} 列）。docs/card-model.md のとおりに直すか、ファイルを削除してデモカードの初期状態からやり直してください。",
                path.display()
            ),
            (StateError::Invalid { path, problem }, lang) => {
                let problem = problem_text(problem, lang);
                match lang {
                    Lang::En => format!(
                        "The card state file {} has a value the card model cannot use: {problem}. Fix that value, or delete the file to start again from the demo card's first state.",
                        path.display()
                    ),
                    Lang::Ja => format!(
                        "カード状態ファイル {} にカードモデルが使えない値があります: {problem}。その値を直すか、ファイルを削除してデモカードの初期状態からやり直してください。",
                        path.display()
                    ),
                }
            }
            (StateError::NotAFile(error), lang) => error.localized(lang),
            (StateError::Write { path, source }, Lang::En) => format!(
                "Cannot write the card state file {} ({source}); the PIN counters were not saved. Check that the directory is writable and the disk is not full.",
                path.display()
            ),
            (StateError::Write { path, source }, Lang::Ja) => format!(
                "カード状態ファイル {} を書き込めません（{source}）。PIN の残り回数は保存されていません。ディレクトリに書き込めるか、ディスクに空きがあるかを確認してください。",
                path.display()
            ),
        }
    }
}

fn problem_text(problem: &StateProblem, lang: Lang) -> String {
    match lang {
        Lang::En => problem.to_string(),
        Lang::Ja => match problem {
            StateProblem::Atr => "ATR は 3B か 3F で始まる 2〜33 バイトでなければなりません".into(),
            StateProblem::Label => {
                "token_label は 1〜32 文字の印字可能な ASCII でなければなりません".into()
            }
            StateProblem::MaxTries { pin, max_tries } => format!(
                "{} ({}) の max_tries が {max_tries} です。1〜15 にしてください",
                pin.title(Lang::Ja),
                field(*pin)
            ),
            StateProblem::TriesAboveMax {
                pin,
                tries_left,
                max_tries,
            } => format!(
                "{} ({}) の tries_left {tries_left} が max_tries {max_tries} を超えています",
                pin.title(Lang::Ja),
                field(*pin)
            ),
            StateProblem::PinFormat { pin } => format!(
                "{} ({}) の value がカードの形式 ({}) ではありません",
                pin.title(Lang::Ja),
                field(*pin),
                pin.format_hint(Lang::Ja)
            ),
            StateProblem::CertificateTooLong { name, len } => format!(
                "証明書 {name} が {len} バイトあります。読み出せるのは {MAX_CERTIFICATE_BYTES} バイトまでです"
            ),
        },
    }
}

/// A PIN value must be a JSON string. Anything else is refused without quoting it, so a PIN
/// written as a number never shows up in an error message.
fn pin_value<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::String(value) => Ok(value),
        _ => Err(serde::de::Error::custom(
            "a PIN value must be a JSON string in quotes",
        )),
    }
}

/// The ATR as hex, spaced as the reference writes it; read like [`hex_bytes`].
mod spaced_hex_bytes {
    use serde::Serializer;

    pub use super::hex_bytes::deserialize;

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&apdu::spaced_hex(bytes))
    }
}

/// Bytes as hex text: written upper case, read in either case with any white space.
mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode_upper(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        hex::decode(&compact)
            .map_err(|error| serde::de::Error::custom(format!("expected hex bytes ({error})")))
    }
}

#[cfg(test)]
mod tests;
