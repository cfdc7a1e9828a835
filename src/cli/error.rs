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
    #[error("{en}")]
    Usage {
        /// The message in English.
        en: String,
        /// The message in Japanese.
        ja: String,
    },
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
    /// A card operation did not end within the time-out (the card never answered, or another
    /// program held the reader that long). Reported by the watchdog, which then ends the process.
    #[error("the card did not answer within {seconds} s")]
    CardTimeout {
        /// The time-out, in seconds.
        seconds: u64,
    },
    /// The demo card's counters changed but could not be saved: the card model spent (or
    /// restored) a try that the next run will not know about.
    #[error("the demo card's state was not saved: {source}")]
    DemoNotSaved {
        /// Why.
        #[source]
        source: StateError,
        /// What the command did, in English and Japanese (empty when it printed it already).
        done: (String, String),
    },
    /// A file that mynapin writes: not a regular file, or the file system refused.
    #[error(transparent)]
    File(#[from] crate::files::FileError),
    /// Writing a file, or the output when `path` is `None`.
    #[error("cannot write {}: {source}", path.as_ref().map_or("the output".into(), |path| path.display().to_string()))]
    Io {
        /// The file, if any.
        path: Option<std::path::PathBuf>,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
}

impl CliError {
    /// A usage error, in both languages.
    pub fn usage(en: impl Into<String>, ja: impl Into<String>) -> Self {
        CliError::Usage {
            en: en.into(),
            ja: ja.into(),
        }
    }

    /// The exit code, from the JSON code so that the two never disagree.
    pub fn exit_code(&self) -> ExitCode {
        match self.code() {
            "usage" | "malformed-pin" | "no-terminal" => ExitCode::Usage,
            "no-service" | "no-reader" | "no-card" | "card-removed" => ExitCode::NoCard,
            "not-my-number-card" => ExitCode::NotMyNumberCard,
            _ => ExitCode::Other,
        }
    }

    /// The stable code in JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            CliError::Usage { .. } => "usage",
            CliError::PinFormat(_) => "malformed-pin",
            CliError::NoTerminal => "no-terminal",
            CliError::PinInput(_) => "pin-input",
            CliError::Reader(error) => reader_code(error),
            CliError::Jpki(JpkiError::NotMyNumberCard) => "not-my-number-card",
            CliError::Jpki(error) => match error.transport_error() {
                Some(transport) => transport_code(transport),
                None => "card-error",
            },
            CliError::Certificate(error) => error.code(),
            CliError::DemoState(_) => "demo-state",
            CliError::DemoNotSaved { .. } => "demo-not-saved",
            CliError::CardTimeout { .. } => "card-timeout",
            CliError::File(crate::files::FileError::NotAFile { .. }) => "not-a-file",
            CliError::File(_) | CliError::Io { .. } => "io",
        }
    }
}

fn transport_code(error: &TransportError) -> &'static str {
    match error {
        // Not a single byte: the card left in the middle of the command (PC/SC reports success
        // with an empty answer; observed with pcscd + vpcd).
        TransportError::CardRemoved | TransportError::ShortResponse { len: 0 } => "card-removed",
        TransportError::ServiceStopped => "no-service",
        TransportError::Busy => "reader-busy",
        _ => "card-error",
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
        ReaderError::Cancelled => "cancelled",
        _ => "reader-error",
    }
}

impl Localized for CliError {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (CliError::Usage { en, .. }, Lang::En) => en.clone(),
            (CliError::Usage { ja, .. }, Lang::Ja) => ja.clone(),
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
            (CliError::File(error), _) => error.localized(lang),
            (CliError::DemoNotSaved { source, done }, Lang::En) => format!(
                "{}The demo card spent or restored a try, but could not record it, so the next run starts from the old counters. {} Then run `mynapin --demo reset-demo`, or fix the path.",
                if done.0.is_empty() { String::new() } else { format!("{} ", done.0) },
                source.localized(lang)
            ),
            (CliError::DemoNotSaved { source, done }, Lang::Ja) => format!(
                "{}デモカードでは試行回数が減った（または戻った）のに、それを記録できませんでした。次回は前の残り回数から始まります。{} そのうえで `mynapin --demo reset-demo` を実行するか、パスを直してください。",
                done.1,
                source.localized(lang)
            ),
            (CliError::CardTimeout { seconds }, Lang::En) => format!(
                "The card did not answer for {seconds} s (or another program held the reader that long). If a PIN was being checked, whether a try was spent is unknown: remove and reinsert the card, then run `mynapin status`. A slow reader may need a longer wait: set {} (seconds).",
                super::watchdog::TIMEOUT_ENV
            ),
            (CliError::CardTimeout { seconds }, Lang::Ja) => format!(
                "カードが {seconds} 秒間応答しませんでした（または別のプログラムがその間リーダーを使っていました）。暗証番号の照合中だった場合、試行回数が減ったかどうかは不明です。カードを抜いて差し直し、`mynapin status` を実行してください。遅いリーダーでは {}（秒）で待ち時間を延ばせます。",
                super::watchdog::TIMEOUT_ENV
            ),
            (CliError::Io { path: Some(path), source }, Lang::En) => {
                format!("Cannot write {} ({source}). Check the path and its permissions.", path.display())
            }
            (CliError::Io { path: Some(path), source }, Lang::Ja) => {
                format!("{} に書き込めません（{source}）。パスと権限を確認してください。", path.display())
            }
            (CliError::Io { path: None, source }, Lang::En) => format!("Cannot write the output ({source})."),
            (CliError::Io { path: None, source }, Lang::Ja) => format!("出力を書き込めません（{source}）。"),
        }
    }
}

/// A usage error from clap that never repeats what was typed: a mistyped argument may be a PIN.
pub fn usage_error(error: &clap::Error) -> CliError {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    const NO_PIN_EN: &str = "A PIN is never given on the command line: `verify` asks for it, or reads it from stdin with --pin-stdin.";
    const NO_PIN_JA: &str = "暗証番号はコマンドラインでは指定しません。`verify` が入力を求めるか、--pin-stdin で標準入力から読みます。";
    let context = |kind| match error.get(kind) {
        Some(ContextValue::String(value)) => Some(value.clone()),
        Some(ContextValue::Strings(values)) => Some(values.join(", ")),
        _ => None,
    };
    match error.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let arg = context(ContextKind::InvalidArg).unwrap_or_else(|| "an option".into());
            let (valid_en, valid_ja) = match context(ContextKind::ValidValue) {
                Some(values) => (format!(" (one of: {values})"), format!("（{values} のいずれか）")),
                None => (String::new(), String::new()),
            };
            CliError::usage(
                format!("Invalid value for {arg}{valid_en}; the value is not repeated here. {NO_PIN_EN} See `mynapin --help`."),
                format!("{arg} の値が正しくありません{valid_ja}（値はここに表示しません）。{NO_PIN_JA} `mynapin --help` を参照してください。"),
            )
        }
        ErrorKind::UnknownArgument | ErrorKind::InvalidSubcommand | ErrorKind::TooManyValues => CliError::usage(
            format!("Unexpected argument; it is not repeated here. {NO_PIN_EN} See `mynapin --help`."),
            format!("想定外の引数があります（ここには表示しません）。{NO_PIN_JA} `mynapin --help` を参照してください。"),
        ),
        _ => {
            let message = error.render().to_string();
            let message = message.trim().trim_start_matches("error: ").to_string();
            CliError::usage(message.clone(), message)
        }
    }
}
