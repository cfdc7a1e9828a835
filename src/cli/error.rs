//! CLI errors, their exit codes and JSON codes.

use crate::card_model::StateError;
use crate::i18n::{Lang, Localized};
use crate::jpki::{CertificateError, JpkiError, PinFormatError};
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
    /// Ctrl-C.
    Interrupted = 130,
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
        /// The environment variable that sets it.
        setting: &'static str,
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
    /// Ctrl-C (exit 130): before the PIN was sent (nothing was), or after (outcome unknown).
    #[error("interrupted")]
    Interrupted {
        /// Whether the PIN may have reached the card.
        pin_sent: bool,
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
            "interrupted" | "interrupted-unknown" => ExitCode::Interrupted,
            "no-service" | "no-reader" | "no-card" | "card-removed" | "card-changed" => {
                ExitCode::NoCard
            }
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
            CliError::Jpki(JpkiError::CardChanged) => "card-changed",
            CliError::Jpki(JpkiError::Exchange(error)) if error.card_vanished() => "card-removed",
            CliError::Jpki(error) => match error.transport_error() {
                Some(transport) => transport_code(transport),
                None => "card-error",
            },
            CliError::Certificate(error) => error.code(),
            CliError::DemoState(_) => "demo-state",
            CliError::DemoNotSaved { .. } => "demo-not-saved",
            CliError::Interrupted { pin_sent: false } => "interrupted",
            CliError::Interrupted { pin_sent: true } => "interrupted-unknown",
            CliError::CardTimeout { .. } => "card-timeout",
            CliError::File(crate::files::FileError::NotAFile { .. }) => "not-a-file",
            CliError::File(_) | CliError::Io { .. } => "io",
        }
    }
}

/// A reader-choice error with the CLI's way to choose: the library names the readers, the CLI says
/// how to pick one.
fn with_reader_hint(error: &ReaderError, lang: Lang) -> String {
    format!(
        "{}{}{}",
        error.localized(lang),
        lang.pick(" ", ""),
        lang.pick(
            "Give it to --reader; `mynapin readers` shows the numbers.",
            "指定には --reader を使います。番号は `mynapin readers` で確認できます。",
        )
    )
}

fn transport_code(error: &TransportError) -> &'static str {
    match error {
        TransportError::CardRemoved => "card-removed",
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

/// Card-level failures keep their own exit codes (6 no card, 7 not a My Number card); bad
/// certificate data is exit code 1.
impl From<CertificateError> for CliError {
    fn from(error: CertificateError) -> Self {
        match error {
            CertificateError::Card(error) => CliError::Jpki(error),
            other => CliError::Certificate(other),
        }
    }
}

impl Localized for CliError {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (CliError::Usage { en, .. }, Lang::En) => en.clone(),
            (CliError::Usage { ja, .. }, Lang::Ja) => ja.clone(),
            (CliError::PinFormat(error), Lang::En) => format!(
                "{} Run the command again with a {} of that form.",
                error.localized(lang),
                crate::text::pin_noun(error.kind, lang)
            ),
            (CliError::PinFormat(error), Lang::Ja) => format!(
                "{}その形式の{}で、もう一度実行してください。",
                error.localized(lang),
                crate::text::pin_noun(error.kind, lang)
            ),
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
            (CliError::Reader(error), _) => match error {
                // The library says which readers there are; how to choose one is the CLI's.
                ReaderError::SeveralCards { .. } | ReaderError::AmbiguousReader { .. } => {
                    with_reader_hint(error, lang)
                }
                ReaderError::UnknownReader { available, .. } if !available.is_empty() => {
                    with_reader_hint(error, lang)
                }
                _ => error.localized(lang),
            },

            (CliError::Jpki(error), _) => error.localized(lang),
            (CliError::Certificate(error), _) => error.localized(lang),
            (CliError::DemoState(error), _) => match error {
                // The library says to delete the file; the command line also has a command for it.
                StateError::TooLarge { .. } | StateError::Parse { .. } | StateError::Invalid { .. } => format!(
                    "{}{}{}",
                    error.localized(lang),
                    lang.pick(" ", ""),
                    lang.pick(
                        "`mynapin --demo reset-demo` does that for you.",
                        "`mynapin --demo reset-demo` でもやり直せます。"
                    )
                ),
                _ => error.localized(lang),
            },
            (CliError::File(error), _) => error.localized(lang),
            (CliError::Interrupted { pin_sent: false }, Lang::En) => "Interrupted (Ctrl-C) before the PIN was sent: nothing was sent, no try was spent.".into(),
            (CliError::Interrupted { pin_sent: false }, Lang::Ja) => "暗証番号を送る前に中断しました（Ctrl-C）。何も送っていないため、回数は減っていません。".into(),
            (CliError::Interrupted { pin_sent: true }, Lang::En) => "Interrupted (Ctrl-C) while the PIN was being checked: whether a try was spent is unknown, and mynapin will not send it again. Run `mynapin status` to see the counter before anything else.".into(),
            (CliError::Interrupted { pin_sent: true }, Lang::Ja) => "暗証番号の照合中に中断しました（Ctrl-C）。回数が減ったかどうかは不明で、mynapin は暗証番号を再送しません。まず `mynapin status` で残り回数を確認してください。".into(),
            (CliError::DemoNotSaved { source, done }, Lang::En) => format!(
                "{}The demo card changed (a try spent or restored, or a PIN changed), but could not record it, so the next run starts from the old state. {} Then run `mynapin --demo reset-demo`, or fix the path.",
                if done.0.is_empty() { String::new() } else { format!("{} ", done.0) },
                source.localized(lang)
            ),
            (CliError::DemoNotSaved { source, done }, Lang::Ja) => format!(
                "{}デモカードの状態（残り回数や暗証番号）が変わったのに、それを記録できませんでした。次回は前の状態から始まります。{} そのうえで `mynapin --demo reset-demo` を実行するか、パスを直してください。",
                done.1,
                source.localized(lang)
            ),
            (CliError::CardTimeout { seconds, setting }, Lang::En) => format!(
                "The card did not answer for {seconds} s (or another program held the reader that long). If a PIN was being checked, whether a try was spent is unknown: remove and reinsert the card, then run `mynapin status`. A slow reader may need a longer wait: set {setting} (seconds).",
            ),
            (CliError::CardTimeout { seconds, setting }, Lang::Ja) => format!(
                "カードが {seconds} 秒間応答しませんでした（または別のプログラムがその間リーダーを使っていました）。暗証番号の照合中だった場合、試行回数が減ったかどうかは不明です。カードを抜いて差し直し、`mynapin status` を実行してください。遅いリーダーでは {setting}（秒）で待ち時間を延ばせます。",
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

/// A usage error from clap, in both languages: it names the command, option or value that was not
/// understood, with clap's suggestion, but never repeats what could be a PIN (anything with a
/// digit, unless it is a number given to `--timeout`).
/// `command` is the command named in the arguments (`status`), if any, for the `--help` pointer
/// when clap does not say.
pub fn usage_error(error: &clap::Error, command: Option<&str>) -> CliError {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    const NO_PIN_EN: &str = "A PIN is never given on the command line: `verify`, `change-pin` and `check` ask for it, or read it from stdin with --pin-stdin.";
    const NO_PIN_JA: &str = "暗証番号はコマンドラインでは指定しません。`verify`・`change-pin`・`check` が入力を求めるか、--pin-stdin で標準入力から読みます。";
    let context = |kind| match error.get(kind) {
        Some(ContextValue::String(value)) => Some(value.clone()),
        Some(ContextValue::Strings(values)) if !values.is_empty() => Some(values.join(", ")),
        Some(ContextValue::StyledStr(value)) => Some(value.to_string()),
        Some(ContextValue::StyledStrs(values)) if !values.is_empty() => Some(
            values
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    };
    let command = match (context(ContextKind::Usage), command) {
        (Some(usage), _) => usage_command(&usage),
        (None, Some(command)) => format!("mynapin {command}"),
        (None, None) => "mynapin".into(),
    };
    let see_en = format!("See `{command} --help`.");
    let see_ja = format!("`{command} --help` を参照してください。");
    // "--lang <LANG>" → "--lang"; "<SHELL>" stays.
    let arg = context(ContextKind::InvalidArg).map(|arg| match arg.split_once(" <") {
        Some((name, _)) if name.starts_with('-') => name.to_string(),
        _ => arg,
    });
    let arg = arg.unwrap_or_else(|| "?".into());
    let (usage_en, usage_ja) = match error.kind() {
        ErrorKind::InvalidSubcommand => {
            let typed = context(ContextKind::InvalidSubcommand).unwrap_or_default();
            match (shown(&typed), context(ContextKind::SuggestedSubcommand)) {
                (Some(typed), Some(suggested)) => (
                    format!("`{command}` has no command `{typed}`. Did you mean `{suggested}`?"),
                    format!("`{typed}` というコマンドはありません。`{suggested}` のことですか？"),
                ),
                (Some(typed), None) => (
                    format!("`{command}` has no command `{typed}`."),
                    format!("`{typed}` というコマンドはありません。"),
                ),
                (None, _) => (
                    format!("Unexpected value where a command should be; it is not repeated here. {NO_PIN_EN}"),
                    format!("コマンドの位置に想定外の値があります（ここには表示しません）。{NO_PIN_JA}"),
                ),
            }
        }
        ErrorKind::UnknownArgument => match shown(&arg) {
            // A word without a digit cannot be a PIN: say which.
            Some(word) if !word.starts_with('-') => (
                format!("`{command}` takes no word like `{word}`."),
                format!("`{command}` の後に、想定外の語 `{word}` があります。"),
            ),
            Some(option) => {
                let (hint_en, hint_ja) = match (
                    context(ContextKind::SuggestedArg),
                    context(ContextKind::Suggested),
                ) {
                    (Some(suggested), _) => (
                        format!(" Did you mean `{suggested}`?"),
                        format!("`{suggested}` のことですか？"),
                    ),
                    // "'status --pin' exists": an option of a command, given before it.
                    (None, Some(suggested)) if suggested.ends_with("' exists") => {
                        let place = suggested.trim_end_matches(" exists").trim_matches('\'');
                        (
                            format!(" It is an option of a command: put it after the command, as in `mynapin {place}`."),
                            format!("これはコマンドのオプションです。`mynapin {place}` のようにコマンドの後に書いてください。"),
                        )
                    }
                    _ => (String::new(), String::new()),
                };
                (
                    format!("`{command}` has no option `{option}`.{hint_en}"),
                    format!("`{command}` に `{option}` というオプションはありません。{hint_ja}"),
                )
            }
            None => (
                format!("Unexpected value after `{command}`; it is not repeated here. {NO_PIN_EN}"),
                format!(
                    "`{command}` の後に想定外の値があります（ここには表示しません）。{NO_PIN_JA}"
                ),
            ),
        },
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let value = context(ContextKind::InvalidValue).unwrap_or_default();
            let valid = context(ContextKind::ValidValue);
            let (allowed_en, allowed_ja) = match (&valid, arg.as_str()) {
                (Some(valid), _) => (
                    format!("use one of: {valid}."),
                    format!("{valid} のいずれかを指定してください。"),
                ),
                (None, "--timeout") => (
                    "give a number of seconds, such as 30 or 2.5.".to_string(),
                    "30 や 2.5 のような秒数を指定してください。".to_string(),
                ),
                (None, _) => (String::new(), String::new()),
            };
            // A number given to --timeout is no PIN and is shown; anything else with a digit in
            // it (`ABC123`) may be one.
            let value_shown = if arg == "--timeout" && value.trim().parse::<f64>().is_ok() {
                Some(value.as_str())
            } else {
                shown(&value)
            };
            match value_shown {
                _ if value.is_empty() => (
                    format!("{arg} needs a value. {allowed_en}").trim_end().to_string(),
                    format!("{arg} に値がありません。{allowed_ja}"),
                ),
                Some(value) => (
                    format!("{arg} does not take `{value}`: {allowed_en}"),
                    format!("{arg} に `{value}` は指定できません。{allowed_ja}"),
                ),
                None => (
                    format!("{arg} does not take that value (not repeated here): {allowed_en} {NO_PIN_EN}"),
                    format!("{arg} にその値は指定できません（値は表示しません）。{allowed_ja}{NO_PIN_JA}"),
                ),
            }
        }
        ErrorKind::TooManyValues => (
            format!("{arg} takes no value; give it alone."),
            format!("{arg} は値をとりません。値を付けずに指定してください。"),
        ),
        ErrorKind::MissingRequiredArgument => (
            format!("The options given also need {arg}."),
            format!("指定したオプションには {arg} も必要です。"),
        ),
        ErrorKind::ArgumentConflict => match context(ContextKind::PriorArg) {
            Some(prior) if prior == arg => (
                format!("{arg} is given more than once; give it once."),
                format!("{arg} が2回以上指定されています。1回だけ指定してください。"),
            ),
            Some(prior) => (
                format!("{arg} and {prior} do not go together; drop one of them."),
                format!("{arg} と {prior} は同時に使えません。どちらかを外してください。"),
            ),
            None => (
                format!("{arg} does not go with the other options given."),
                format!("{arg} は、指定したほかのオプションと同時に使えません。"),
            ),
        },
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => (
            format!("`{command}` needs a command, such as `mynapin status`."),
            format!("`{command}` にはコマンドが必要です（例: `mynapin status`）。"),
        ),
        ErrorKind::InvalidUtf8 => (
            "An argument is not valid UTF-8; it is not repeated here.".to_string(),
            "UTF-8 として正しくない引数があります（ここには表示しません）。".to_string(),
        ),
        _ => (
            format!(
                "The arguments could not be understood; they are not repeated here. {NO_PIN_EN}"
            ),
            format!("引数を解釈できませんでした（ここには表示しません）。{NO_PIN_JA}"),
        ),
    };
    CliError::usage(
        format!("{usage_en} {see_en}"),
        format!("{usage_ja}{see_ja}"),
    )
}

/// The command a usage line is about: "Usage: mynapin status [OPTIONS]" → "mynapin status".
fn usage_command(usage: &str) -> String {
    let line = usage.lines().next().unwrap_or_default();
    let words: Vec<&str> = line
        .split_whitespace()
        .skip_while(|word| *word != "mynapin")
        .take_while(|word| !word.starts_with(['[', '<', '-']))
        .collect();
    if words.is_empty() {
        "mynapin".into()
    } else {
        words.join(" ")
    }
}

/// What was typed, if it may be repeated: nothing with a digit (every PIN has one), nothing long
/// or with control characters.
fn shown(typed: &str) -> Option<&str> {
    let safe = !typed.is_empty()
        && typed.chars().count() <= 40
        && !typed.chars().any(|c| c.is_numeric() || c.is_control());
    safe.then_some(typed)
}

#[cfg(test)]
mod tests;
