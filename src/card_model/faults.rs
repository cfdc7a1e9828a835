//! Switches that make the model behave like a difficult card or reader. All are off by default.

use apdu::StatusWord;

/// How long the command of [`Faults::slow_at`] takes.
pub const SLOW_ANSWER: std::time::Duration = std::time::Duration::from_secs(5);

/// Fault switches, applied by [`CardModel::respond`](super::CardModel::respond) around the card
/// logic. Command numbers are 1-based and counted from the card's creation or the last
/// [`clear_log`](super::CardModel::clear_log); every command received counts, GET RESPONSE too.
#[derive(Default, Clone, Debug)]
pub struct Faults {
    /// Answers with data give at most n bytes and `61xx` (xx = bytes left, `00` for 256 or
    /// more); the rest comes through GET RESPONSE (`00 C0 00 00 xx`), again at most n bytes at a
    /// time. Like a T=0 card. `Some(0)` is treated as `Some(1)`.
    pub response_chunk: Option<u8>,
    /// READ BINARY asking for more bytes than the file has left answers `6Cxx` (xx = bytes
    /// left) instead of the bytes left with `9000`.
    pub strict_le: bool,
    /// READ BINARY answers at most n bytes with `9000`, even when more were asked and the file
    /// has them: a card or reader with a smaller buffer. `Some(0)` answers no data at all.
    pub read_binary_cap: Option<u16>,
    /// The empty VERIFY (`00 20 00 80`) answers `9000` instead of `63Cx`: a card that does not
    /// report its counter.
    pub empty_verify_answers_9000: bool,
    /// Answer a chosen status word instead of running the command; the first match wins.
    pub status_overrides: Vec<StatusOverride>,
    /// The card is removed around the Nth command; fires once, then is cleared.
    pub remove: Option<Removal>,
    /// The next [`Connection::transaction`](apdu::Connection::transaction) finds the card reset
    /// (by another program): selection and verified state are gone and the transaction reports
    /// `card_was_reset`. Cleared when it fires.
    pub reset_before_next_transaction: bool,
    /// A warm reset (`reset`, a transaction ending with `Reset`, `reset_before_next_transaction`)
    /// clears the selection but keeps verified PINs; only power-off clears them. Reported for
    /// one card (project JPKI reference, "Quirks").
    pub verified_survives_reset: bool,
    /// The Nth command is not run and never answered ([`Reply::Hang`](super::Reply::Hang)).
    pub hang_at: Option<usize>,
    /// The Nth command is answered only after [`SLOW_ANSWER`]: a card (or reader) slower than
    /// mynapin's deadline, that still answers.
    pub slow_at: Option<usize>,
    /// Breaks one step of `mynapin check` and nothing else.
    pub check: Option<CheckFault>,
}

/// What breaks one step of `mynapin check` (the fixtures are in `tests/fixtures`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckFault {
    /// EF 000A holds `expired.der`: same key and CA, validity ended 2025-01-01.
    ExpiredCertificate,
    /// EF 000B holds `auth-ca-other.der`: the CA's name with another key, so the auth
    /// certificate's signature does not verify under it.
    WrongCa,
    /// The card signs with `keys/other.pk8`, not the key of its certificate.
    KeyMismatch,
}

/// One status-word override. A command matches when it starts with `prefix` (if given) and is
/// the `index`th command (if given); with neither it matches every command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusOverride {
    /// The command's first bytes, e.g. `[0x00, 0x20, 0x00, 0x80]` for every VERIFY of the
    /// current EF.
    pub prefix: Option<Vec<u8>>,
    /// The command's 1-based number.
    pub index: Option<usize>,
    /// The answer, without data.
    pub status: StatusWord,
}

impl StatusOverride {
    /// Every command starting with `prefix` answers `status`.
    pub fn prefix(prefix: &[u8], status: u16) -> Self {
        StatusOverride {
            prefix: Some(prefix.to_vec()),
            index: None,
            status: StatusWord(status),
        }
    }

    /// The `index`th command (1-based) answers `status`.
    pub fn index(index: usize, status: u16) -> Self {
        StatusOverride {
            prefix: None,
            index: Some(index),
            status: StatusWord(status),
        }
    }

    /// Whether this override applies to `command`, the `index`th command received.
    pub fn matches(&self, command: &[u8], index: usize) -> bool {
        self.prefix
            .as_deref()
            .map_or(true, |prefix| command.starts_with(prefix))
            && self.index.map_or(true, |wanted| wanted == index)
    }
}

/// When the card leaves the reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Removal {
    /// Removed before the Nth command runs: the command has no effect and no answer.
    BeforeCommand(usize),
    /// Removed after the Nth command ran (its effect, e.g. a spent PIN try, stays) but before it
    /// answered.
    AfterCommand(usize),
}
