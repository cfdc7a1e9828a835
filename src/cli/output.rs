//! Where and how results are printed: text in the chosen language, or one JSON document.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::CliError;
use crate::i18n::{Lang, Localized};

/// The output mode of one run.
pub struct Output {
    /// One JSON document on stdout instead of text.
    pub json: bool,
    /// Language of text.
    pub lang: Lang,
}

impl Output {
    /// The output for `--json` and `--lang`.
    pub fn new(json: bool, lang: Lang) -> Self {
        Output { json, lang }
    }

    /// Picks the text for the language.
    pub fn pick<'a>(&self, en: &'a str, ja: &'a str) -> &'a str {
        self.lang.pick(en, ja)
    }

    /// Prints the JSON document.
    pub fn print_json(&self, value: &impl Serialize) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => self.stdout_line(&text),
            Err(error) => stderr_line(&format!("mynapin: cannot write JSON: {error}")),
        }
    }

    /// Prints text on stdout (text mode only), each line wrapped to [`line_columns`].
    pub fn text(&self, text: impl AsRef<str>) {
        self.text_hanging(text, 0);
    }

    /// Prints text on stdout (text mode only), each line wrapped to [`line_columns`] with the
    /// lines after the first indented by `indent` columns.
    pub fn text_hanging(&self, text: impl AsRef<str>, indent: usize) {
        if !self.json {
            self.stdout_line(&wrap_lines(text.as_ref(), indent));
        }
    }

    /// Writes a line on stdout and never panics (`println!` does): a reader that went away
    /// (`mynapin status | head -1`) or a full disk must not end a command half-way with exit
    /// code 101. The exit code stays the command's. A failure other than a closed pipe is told
    /// once on stderr.
    fn stdout_line(&self, text: &str) {
        static TOLD: AtomicBool = AtomicBool::new(false);
        let mut stdout = std::io::stdout().lock();
        let written = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
        if let Err(error) = written {
            if error.kind() != std::io::ErrorKind::BrokenPipe && !TOLD.swap(true, Ordering::Relaxed)
            {
                stderr_line(&match self.lang {
                    Lang::En => format!("mynapin: cannot write the output ({error}); the exit code still tells the result."),
                    Lang::Ja => format!("mynapin: 出力を書き込めません（{error}）。結果は終了コードで分かります。"),
                });
            }
        }
    }

    /// Prints an error: `{"error": {"code", "message"}}` on stdout in JSON mode, a line on stderr
    /// otherwise.
    pub fn error(&self, error: &CliError) {
        if self.json {
            self.print_json(&ErrorDocument {
                error: ErrorJson::of(error, self.lang),
            });
        } else {
            // Wrapped under the message, not under "mynapin: ".
            let _ = writeln!(
                std::io::stderr(),
                "{}",
                wrap_lines(
                    &format!("{PROGRAM}{}", error.localized(self.lang)),
                    width(PROGRAM)
                )
            );
        }
    }
}

/// The one error object of every JSON output: `{"code", "message"}`. It is the `error` of a
/// `--json` error document and of `watch --json`'s error and status lines, and `status --json`'s
/// `certificate_error`.
#[derive(Serialize)]
pub struct ErrorJson {
    code: &'static str,
    message: String,
}

impl ErrorJson {
    /// A stable code and the error's message in `lang`.
    pub fn new(code: &'static str, error: &impl Localized, lang: Lang) -> Self {
        ErrorJson {
            code,
            message: error.localized(lang),
        }
    }

    /// A command's error.
    pub fn of(error: &CliError, lang: Lang) -> Self {
        ErrorJson::new(error.code(), error, lang)
    }
}

#[derive(Serialize)]
struct ErrorDocument {
    error: ErrorJson,
}

/// What an error line on stderr starts with.
const PROGRAM: &str = "mynapin: ";

/// Writes text on stderr, each line wrapped to [`line_columns`], and never panics (`eprintln!`
/// does when stderr is a closed pipe).
pub fn stderr_line(text: &str) {
    let _ = writeln!(std::io::stderr(), "{}", wrap_lines(text, 0));
}

/// Pads `text` with spaces to `width` terminal columns (CJK characters take two).
pub fn pad(text: &str, columns: usize) -> String {
    format!("{text}{}", " ".repeat(columns.saturating_sub(width(text))))
}

/// The columns a line of text output may take: an 80-column terminal shows it without wrapping.
pub const LINE_COLUMNS: usize = 80;

/// The narrowest width mynapin wraps to: below it, a line breaks where the terminal breaks it.
const MIN_COLUMNS: usize = 20;

/// The columns a line may take: [`LINE_COLUMNS`], or the terminal's width when it is narrower
/// (`COLUMNS` when set, as shells set it, else the size of the terminal on stdout, stderr or
/// stdin). Not a terminal (a pipe, a file): [`LINE_COLUMNS`].
pub fn line_columns() -> usize {
    static COLUMNS: OnceLock<usize> = OnceLock::new();
    *COLUMNS.get_or_init(|| {
        let from_env = std::env::var("COLUMNS")
            .ok()
            .and_then(|columns| columns.trim().parse::<usize>().ok())
            .filter(|columns| *columns > 0);
        let terminal = from_env.or_else(|| {
            terminal_size::terminal_size().map(|(terminal_size::Width(columns), _)| columns.into())
        });
        terminal.map_or(LINE_COLUMNS, |columns| {
            columns.clamp(MIN_COLUMNS, LINE_COLUMNS)
        })
    })
}

/// Every line of `text` wrapped to [`line_columns`], the lines a long one makes indented by
/// `indent` columns, joined with newlines.
pub fn wrap_lines(text: &str, indent: usize) -> String {
    let columns = line_columns();
    text.split('\n')
        .flat_map(|line| wrap(line, columns, indent))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` broken into lines of at most `columns` terminal columns, each after the first indented
/// by `indent` spaces: at a space in English, between any two wide characters in Japanese. A word
/// longer than a line stays whole.
pub fn wrap(text: &str, columns: usize, indent: usize) -> Vec<String> {
    // A margin that leaves less than half the line is not worth keeping.
    let indent = if indent > columns / 2 { 0 } else { indent };
    let margin = " ".repeat(indent);
    let mut lines = Vec::new();
    let mut line = String::new();
    // The columns of `line` after its margin.
    let mut used = 0;
    for piece in break_points(text) {
        let room = if lines.is_empty() {
            columns
        } else {
            columns - indent
        };
        // Spaces at the end (after a prompt) never start a line of their own.
        if used > 0 && !piece.trim().is_empty() && used + width(piece) > room {
            let done = std::mem::replace(&mut line, margin.clone());
            lines.push(done.trim_end().to_string());
            line.push_str(piece.trim_start());
            used = width(piece.trim_start());
        } else {
            line.push_str(piece);
            used += width(piece);
        }
    }
    lines.push(line);
    lines
}

/// `text` cut where a line may break: before a space (which stays with the word after it), and
/// before and after every wide character, except where Japanese does not break a line (kinsoku):
/// before closing brackets, punctuation and small kana, after opening brackets.
fn break_points(text: &str) -> Vec<&str> {
    const NO_LINE_START: &str =
        "、。，．・：；？！）」』】〕ーっゃゅょぁぃぅぇぉッャュョァィゥェォ";
    const NO_LINE_END: &str = "（「『【〔";
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut previous: Option<char> = None;
    for (at, c) in text.char_indices() {
        let wide = char_width(c) == 2;
        let previous_wide = previous.is_some_and(|p| char_width(p) == 2);
        let kinsoku =
            NO_LINE_START.contains(c) || previous.is_some_and(|p| NO_LINE_END.contains(p));
        if at > start && (c == ' ' || ((wide || previous_wide) && !kinsoku)) {
            pieces.push(&text[start..at]);
            start = at;
        }
        previous = Some(c);
    }
    pieces.push(&text[start..]);
    pieces
}

/// Terminal columns `text` takes (East Asian wide characters take two).
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::pad;

    #[test]
    fn wraps_at_spaces_and_between_wide_characters() {
        use super::{width, wrap};
        let en = "One more wrong entry locks it, so mynapin will not send the PIN.";
        let lines = wrap(en, 30, 4);
        assert_eq!(
            lines,
            [
                "One more wrong entry locks it,",
                "    so mynapin will not send",
                "    the PIN."
            ]
        );
        let ja = "あと1回間違えるとロックされるため、mynapin は暗証番号を送りません。";
        let lines = wrap(ja, 30, 2);
        assert!(lines.iter().all(|line| width(line) <= 30), "{lines:?}");
        assert_eq!(lines.concat().replace("  ", ""), ja.replace("  ", ""));
        assert_eq!(wrap("short", 80, 11), ["short"]);
    }

    #[test]
    fn pads_by_terminal_columns() {
        assert_eq!(pad("auth", 6), "auth  ");
        assert_eq!(pad("暗証番号", 10), "暗証番号  ");
        assert_eq!(pad("toolong", 3), "toolong");
    }
}
