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
#[non_exhaustive]
pub enum Status {
    /// `9000`.
    #[error("success")]
    Success,
    /// `61xx`: more response data is waiting; xx bytes (`00`: 256 or more).
    #[error("more data available ({} bytes; get it with GET RESPONSE)", le_from_sw2(*.0))]
    MoreData(u8),
    /// `6Cxx`: wrong Le; the right one is xx (`00`: 256).
    #[error("wrong expected length; the card offers {} bytes", le_from_sw2(*.0))]
    WrongLe(u8),
    /// `63Cx`: x retries remain (for a failed VERIFY, or the answer to an empty VERIFY).
    /// Only the low nibble is kept when converting back to a [`StatusWord`].
    #[error("retries remaining: {0}")]
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

/// The byte count a `61xx` or `6Cxx` announces: `00` stands for 256.
pub(crate) fn le_from_sw2(sw2: u8) -> usize {
    if sw2 == 0 {
        256
    } else {
        usize::from(sw2)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    const NAMED: [(u16, Status); 13] = [
        (0x9000, Status::Success),
        (0x6983, Status::AuthenticationBlocked),
        (0x6984, Status::ReferenceDataBlocked),
        (0x6982, Status::SecurityNotSatisfied),
        (0x6A82, Status::FileNotFound),
        (0x6A86, Status::WrongP1P2),
        (0x6700, Status::WrongLength),
        (0x6B00, Status::BeyondEndOfFile),
        (0x6D00, Status::InsNotSupported),
        (0x6E00, Status::ClaNotSupported),
        (0x6110, Status::MoreData(0x10)),
        (0x6C08, Status::WrongLe(0x08)),
        (0x63C2, Status::RetriesLeft(2)),
    ];

    #[test]
    fn every_code_round_trips() {
        for code in 0..=u16::MAX {
            let sw = StatusWord(code);
            assert_eq!(StatusWord::from(sw.status()), sw, "{sw}");
            assert_eq!(StatusWord::from_bytes(sw.sw1(), sw.sw2()), sw);
        }
    }

    #[test]
    fn named_codes_have_their_status() {
        for (code, status) in NAMED {
            assert_eq!(StatusWord(code).status(), status, "{code:04X}");
            assert_eq!(StatusWord::from(status), StatusWord(code));
        }
    }

    #[test]
    fn families_cover_every_sw2() {
        for n in 0..=u8::MAX {
            assert_eq!(
                StatusWord::from_bytes(0x61, n).status(),
                Status::MoreData(n)
            );
            assert_eq!(StatusWord::from_bytes(0x6C, n).status(), Status::WrongLe(n));
        }
        for x in 0..=0x0F {
            assert_eq!(
                StatusWord::from_bytes(0x63, 0xC0 | x).status(),
                Status::RetriesLeft(x)
            );
        }
        // 63 00 (verification failed, no counter) is not a retry count.
        assert_eq!(StatusWord(0x6300).status(), Status::Other(0x6300));
    }

    #[test]
    fn unnamed_codes_keep_their_number() {
        for code in [0x0000, 0x6281, 0x6A80, 0x6985, 0x9001, 0xFFFF] {
            assert_eq!(StatusWord(code).status(), Status::Other(code));
        }
        assert_eq!(Status::Other(0x6A80).to_string(), "status 6A80");
    }

    #[test]
    fn each_named_status_has_its_own_message() {
        let messages: Vec<String> = NAMED.iter().map(|(_, s)| s.to_string()).collect();
        for (i, message) in messages.iter().enumerate() {
            assert!(!message.is_empty());
            assert!(!messages[..i].contains(message), "duplicate: {message}");
        }
    }

    #[test]
    fn lengths_in_messages_are_decimal_with_00_as_256() {
        assert_eq!(
            Status::MoreData(0x10).to_string(),
            "more data available (16 bytes; get it with GET RESPONSE)"
        );
        assert_eq!(
            Status::MoreData(0).to_string(),
            "more data available (256 bytes; get it with GET RESPONSE)"
        );
        assert_eq!(
            Status::WrongLe(0).to_string(),
            "wrong expected length; the card offers 256 bytes"
        );
        assert_eq!(Status::RetriesLeft(3).to_string(), "retries remaining: 3");
    }

    #[test]
    fn blocked_means_no_tries_left() {
        assert!(Status::RetriesLeft(0).is_blocked());
        assert!(Status::AuthenticationBlocked.is_blocked());
        assert!(Status::ReferenceDataBlocked.is_blocked());
        assert!(!Status::RetriesLeft(1).is_blocked());
        assert!(!Status::SecurityNotSatisfied.is_blocked());
    }

    #[test]
    fn display_is_four_hex_digits() {
        assert_eq!(StatusWord(0x63C1).to_string(), "63C1");
        assert_eq!(format!("{:?}", StatusWord(0x0A0B)), "StatusWord(0A0B)");
    }
}
