//! Status words (SW1 SW2) and their meaning.

use std::fmt;

/// A raw status word, SW1 in the high byte.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusWord(pub u16);

impl StatusWord {
    /// `90 00`.
    pub const SUCCESS: StatusWord = StatusWord(0x9000);

    /// From SW1 and SW2.
    pub fn from_bytes(sw1: u8, sw2: u8) -> Self {
        StatusWord(u16::from_be_bytes([sw1, sw2]))
    }
    /// SW1.
    pub fn sw1(self) -> u8 {
        (self.0 >> 8) as u8
    }
    /// SW2.
    pub fn sw2(self) -> u8 {
        self.0 as u8
    }
    /// `[SW1, SW2]`.
    pub fn to_bytes(self) -> [u8; 2] {
        self.0.to_be_bytes()
    }
    /// What the status word means.
    pub fn status(self) -> Status {
        Status::from(self)
    }
}

impl fmt::Display for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}", self.0)
    }
}

impl fmt::Debug for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StatusWord({:04X})", self.0)
    }
}

/// The semantic view of a status word; each variant has one message. Converting back with
/// `StatusWord::from` gives the same code for every `u16`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Status {
    /// `9000`.
    #[error("success")]
    Success,
    /// `61xx`: more response data is waiting; xx bytes (`00`: 256 or more).
    #[error("more data available ({0:#04x} bytes; get it with GET RESPONSE)")]
    MoreData(u8),
    /// `6Cxx`: wrong Le; the right one is xx (`00`: 256).
    #[error("wrong expected length; the card offers {0:#04x} bytes")]
    WrongLe(u8),
    /// `63Cx`: x retries remain (for a failed VERIFY, or the answer to an empty VERIFY).
    #[error("{0} retries remaining")]
    RetriesLeft(u8),
    /// `6983`: authentication method blocked.
    #[error("authentication method blocked")]
    AuthenticationBlocked,
    /// `6984`: reference data not usable (a blocked PIN on JPKI).
    #[error("reference data not usable (blocked)")]
    ReferenceDataBlocked,
    /// `6982`: security status not satisfied.
    #[error("security status not satisfied")]
    SecurityNotSatisfied,
    /// `6A82`: file or application not found.
    #[error("file or application not found")]
    FileNotFound,
    /// `6A86`: incorrect P1 or P2.
    #[error("incorrect parameters P1-P2")]
    WrongP1P2,
    /// `6700`: wrong length.
    #[error("wrong length")]
    WrongLength,
    /// `6B00`: offset beyond the end of the file.
    #[error("offset beyond the end of the file")]
    BeyondEndOfFile,
    /// `6D00`: instruction not supported.
    #[error("instruction not supported")]
    InsNotSupported,
    /// `6E00`: class not supported.
    #[error("class not supported")]
    ClaNotSupported,
    /// Any other code, kept as a number.
    #[error("status {0:04X}")]
    Other(u16),
}

impl Status {
    /// Whether the status says the PIN is blocked: `63C0`, `6983` or `6984`.
    pub fn is_blocked(self) -> bool {
        matches!(
            self,
            Status::RetriesLeft(0) | Status::AuthenticationBlocked | Status::ReferenceDataBlocked
        )
    }
}

impl From<StatusWord> for Status {
    fn from(sw: StatusWord) -> Self {
        match (sw.sw1(), sw.sw2()) {
            (0x90, 0x00) => Status::Success,
            (0x61, n) => Status::MoreData(n),
            (0x6C, n) => Status::WrongLe(n),
            (0x63, n) if n & 0xF0 == 0xC0 => Status::RetriesLeft(n & 0x0F),
            (0x69, 0x83) => Status::AuthenticationBlocked,
            (0x69, 0x84) => Status::ReferenceDataBlocked,
            (0x69, 0x82) => Status::SecurityNotSatisfied,
            (0x6A, 0x82) => Status::FileNotFound,
            (0x6A, 0x86) => Status::WrongP1P2,
            (0x67, 0x00) => Status::WrongLength,
            (0x6B, 0x00) => Status::BeyondEndOfFile,
            (0x6D, 0x00) => Status::InsNotSupported,
            (0x6E, 0x00) => Status::ClaNotSupported,
            _ => Status::Other(sw.0),
        }
    }
}

impl From<Status> for StatusWord {
    fn from(status: Status) -> Self {
        StatusWord(match status {
            Status::Success => 0x9000,
            Status::MoreData(n) => 0x6100 | n as u16,
            Status::WrongLe(n) => 0x6C00 | n as u16,
            Status::RetriesLeft(n) => 0x63C0 | (n & 0x0F) as u16,
            Status::AuthenticationBlocked => 0x6983,
            Status::ReferenceDataBlocked => 0x6984,
            Status::SecurityNotSatisfied => 0x6982,
            Status::FileNotFound => 0x6A82,
            Status::WrongP1P2 => 0x6A86,
            Status::WrongLength => 0x6700,
            Status::BeyondEndOfFile => 0x6B00,
            Status::InsNotSupported => 0x6D00,
            Status::ClaNotSupported => 0x6E00,
            Status::Other(code) => code,
        })
    }
}
