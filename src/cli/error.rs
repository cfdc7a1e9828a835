//! CLI errors, their exit codes and JSON codes.

use crate::i18n::{Lang, Localized};
use crate::jpki::{CertificateError, JpkiError, PinFormatError};
use crate::mock::StateError;
use crate::reader::ReaderError;
use apdu::TransportError;

/// The documented exit codes (`docs/cli.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// Success.
    Success = 0,
    /// Any other error, including a VERIFY whose outcome is unknown.
    Other = 1,
    /// Usage error or malformed PIN: nothing was sent.
    Usage = 2,
    /// Wrong PIN; tries remain.
    WrongPin = 3,
    /// Refused: one try left or the counter is unknown; the PIN was not sent.
    Refused = 4,
    /// The PIN is blocked.
    Blocked = 5,
    /// No PC/SC service, no reader, no card, or the card was removed.
    NoCard = 6,
    /// Not a My Number card.
    NotMyNumberCard = 7,
}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments.
    #[error("{0}")]
    Usage(String),
    /// The PIN does not have its format.
    #[error(transparent)]
    PinFormat(#[from] PinFormatError),
    /// No terminal to prompt on and no `--pin-stdin`.
    #[error("no terminal to ask for the PIN; use --pin-stdin")]
    NoTerminal,
    /// Reading the PIN failed.
    #[error("could not read the PIN: {0}")]
    PinInput(#[source] std::io::Error),
    /// The reader layer.
    #[error(transparent)]
    Reader(#[from] ReaderError),
    /// The JPKI layer.
    #[error(transparent)]
    Jpki(#[from] JpkiError),
    /// Certificate data that cannot be read or parsed (card-level failures are `Jpki`).
    #[error(transparent)]
    Certificate(CertificateError),
    /// The demo card's state file.
    #[error(transparent)]
    DemoState(#[from] StateError),
    /// Writing output or another I/O step.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
}

impl CliError {
    /// The exit code.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) | CliError::PinFormat(_) | CliError::NoTerminal => ExitCode::Usage,
            CliError::Reader(error) if error.is_no_card_or_reader() => ExitCode::NoCard,
            CliError::Reader(ReaderError::NoService) => ExitCode::NoCard,
            CliError::Reader(ReaderError::Transport(
                TransportError::CardRemoved | TransportError::ServiceStopped,
            )) => ExitCode::NoCard,
            CliError::Jpki(JpkiError::NotMyNumberCard) => ExitCode::NotMyNumberCard,
            CliError::Jpki(error) if is_card_gone(error) => ExitCode::NoCard,
            _ => ExitCode::Other,
        }
    }

    /// The stable code in JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            CliError::Usage(_) => "usage",
            CliError::PinFormat(_) => "malformed-pin",
            CliError::NoTerminal => "no-terminal",
            CliError::PinInput(_) => "pin-input",
            CliError::Reader(error) => reader_code(error),
            CliError::Jpki(JpkiError::NotMyNumberCard) => "not-my-number-card",
            CliError::Jpki(error) if is_card_gone(error) => "card-removed",
            CliError::Jpki(_) => "card-error",
            CliError::Certificate(error) => error.code(),
            CliError::DemoState(_) => "demo-state",
            CliError::Io { .. } => "io",
        }
    }
}

fn reader_code(error: &ReaderError) -> &'static str {
    match error {
        ReaderError::NoService => "no-service",
        ReaderError::NoReader => "no-reader",
        ReaderError::NoCard { .. } => "no-card",
        ReaderError::SeveralCards { .. } => "several-cards",
        ReaderError::UnknownReader { .. } => "unknown-reader",
        ReaderError::AmbiguousReader { .. } => "ambiguous-reader",
        ReaderError::SharingViolation { .. } => "reader-busy",
        ReaderError::UnresponsiveCard { .. } => "unresponsive-card",
        ReaderError::CardRemoved => "card-removed",
        ReaderError::Transport(TransportError::CardRemoved) => "card-removed",
        ReaderError::Transport(TransportError::ServiceStopped) => "no-service",
        ReaderError::Transport(TransportError::Busy) => "reader-busy",
        ReaderError::Transport(_) => "card-error",
        ReaderError::Cancelled => "cancelled",
        _ => "reader-error",
    }
}

fn is_card_gone(error: &JpkiError) -> bool {
    matches!(
        error.transport_error(),
        Some(TransportError::CardRemoved | TransportError::ServiceStopped)
    )
}

impl Localized for CliError {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (CliError::Usage(message), _) => message.clone(),
            (CliError::PinFormat(error), _) => error.localized(lang),
            (CliError::NoTerminal, Lang::En) => {
                "There is no terminal to ask for the PIN, so nothing was sent. Run mynapin in a terminal, or pass the PIN as one line on stdin with --pin-stdin.".into()
            }
            (CliError::NoTerminal, Lang::Ja) => {
                "暗証番号を尋ねる端末がないため、何も送っていません。端末で実行するか、--pin-stdin で標準入力から1行で渡してください。".into()
            }
            (CliError::PinInput(error), Lang::En) => {
                format!("Could not read the PIN ({error}). Nothing was sent; try again.")
            }
            (CliError::PinInput(error), Lang::Ja) => {
                format!("暗証番号を読み取れませんでした（{error}）。何も送っていません。もう一度試してください。")
            }
            (CliError::Reader(error), _) => error.localized(lang),
            (CliError::Jpki(error), _) => error.localized(lang),
            (CliError::Certificate(error), _) => error.localized(lang),
            (CliError::DemoState(error), _) => error.localized(lang),
            (CliError::Io { what, source }, Lang::En) => format!("{what} failed: {source}."),
            (CliError::Io { what, source }, Lang::Ja) => format!("{what} に失敗しました: {source}"),
        }
    }
}
