//! Where and how results are printed: text in the chosen language, or one JSON document.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

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

    /// Prints text on stdout (text mode only).
    pub fn text(&self, line: impl AsRef<str>) {
        if !self.json {
            self.stdout_line(line.as_ref());
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
            stderr_line(&format!("mynapin: {}", error.localized(self.lang)));
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

/// Writes a line on stderr and never panics (`eprintln!` does when stderr is a closed pipe).
pub fn stderr_line(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// Pads `text` with spaces to `width` terminal columns (CJK characters take two).
pub fn pad(text: &str, columns: usize) -> String {
    format!("{text}{}", " ".repeat(columns.saturating_sub(width(text))))
}

/// The columns a line of text output may take: an 80-column terminal shows it without wrapping.
pub const LINE_COLUMNS: usize = 80;

/// `text` broken into lines of at most `columns` terminal columns, each after the first indented
/// by `indent` spaces: at a space in English, between any two wide characters in Japanese. A word
/// longer than a line stays whole.
pub fn wrap(text: &str, columns: usize, indent: usize) -> Vec<String> {
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
        if used > 0 && used + width(piece) > room {
            lines.push(std::mem::replace(&mut line, margin.clone()));
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

/// Terminal columns `text` takes.
pub fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    match c as u32 {
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 => 2,
        _ => 1,
    }
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
