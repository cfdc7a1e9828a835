//! Reading a PIN: one line into a fixed, zeroized buffer, never reallocated, past std's stdin
//! buffer; from a terminal with its echo off.

use std::io::{IsTerminal, Read, Write};

use zeroize::{Zeroize, Zeroizing};

use super::output::Output;
use super::CliError;
use crate::i18n::{Lang, Localized};
use crate::jpki::{FormatProblem, Pin, PinFormatError, PinKind};

/// Longest line read for a PIN; anything longer is not a PIN.
pub const MAX_PIN_LINE: usize = 64;

/// At a terminal, a malformed PIN is asked for again (nothing was sent), this many times in all.
pub const PROMPT_ATTEMPTS: usize = 3;

/// Where the PIN will come from, checked before anything is sent: a terminal to ask on, or
/// `--pin-stdin`.
pub fn check_pin_source(pin_stdin: bool) -> Result<(), CliError> {
    if !pin_stdin && !std::io::stdin().is_terminal() {
        return Err(CliError::NoTerminal);
    }
    Ok(())
}

/// Reads the PIN, hidden on a terminal (with or without `--pin-stdin`) or one line of a pipe,
/// and checks its format at once. `counter_line` is what the command printed about the counter:
/// when that did not go to the terminal (stdout is a pipe or JSON), the prompt shows it first, so
/// the person sees the count before typing.
pub fn read_pin(kind: PinKind, out: &Output, counter_line: &str) -> Result<Pin, CliError> {
    let prompt = with_counter(out, counter_line, &prompt(kind, out.lang, ""));
    read_pin_with_prompt(kind, &prompt, out.lang)
}

/// The prompt for a PIN of `kind`, after `what` ("Current ", "New "): the format, half-width,
/// and that the typing is not shown.
pub fn prompt(kind: PinKind, lang: Lang, what: &str) -> String {
    let (title, hint) = (kind.title(lang), kind.format_hint(lang));
    match lang {
        Lang::En => format!("{what}{title} ({hint}; not shown as you type): "),
        Lang::Ja => format!("{what}{title}（{hint}、入力は表示されません）: "),
    }
}

/// `prompt`, after `counter_line` when that line did not reach the terminal (stdout is not one,
/// or carries JSON).
pub fn with_counter(out: &Output, counter_line: &str, prompt: &str) -> String {
    if out.json || !std::io::stdout().is_terminal() {
        format!("{counter_line}\n{prompt}")
    } else {
        prompt.to_string()
    }
}

/// [`read_pin`] with the prompt given (`change-pin` asks three times). At a terminal, a
/// malformed PIN is asked for again, saying what is wrong, up to [`PROMPT_ATTEMPTS`] times in
/// all; from a pipe it is an error at once.
pub fn read_pin_with_prompt(kind: PinKind, prompt: &str, lang: Lang) -> Result<Pin, CliError> {
    let at_terminal = std::io::stdin().is_terminal();
    let mut attempt = 1;
    loop {
        let line = read_pin_line(prompt).map_err(CliError::PinInput)?;
        match parse_pin(kind, &line) {
            Ok(pin) => return Ok(pin),
            Err(error) if at_terminal && attempt < PROMPT_ATTEMPTS => {
                let space = lang.pick(" ", "");
                show_on_terminal(&format!(
                    "{}{space}{}\n",
                    error.localized(lang),
                    type_again(lang)
                ));
                attempt += 1;
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// The line as a PIN of `kind`, format-checked.
fn parse_pin(kind: PinKind, line: &[u8]) -> Result<Pin, PinFormatError> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    // Not UTF-8 cannot be a PIN: a format error like any other, nothing is sent.
    let text = std::str::from_utf8(line).map_err(|_| PinFormatError {
        kind,
        problem: if kind == PinKind::Sign {
            FormatProblem::NotLettersAndDigits
        } else {
            FormatProblem::NotDigits
        },
    })?;
    Pin::new(kind, text)
}

/// The next step after a malformed entry at the prompt.
pub fn type_again(lang: Lang) -> &'static str {
    lang.pick("Type it again.", "もう一度入力してください。")
}

/// Reads the PIN line from stdin: from a terminal with its echo off after showing `prompt` (on
/// the terminal), else (a pipe, a file) as it comes, without a prompt. Never echoes the PIN.
pub fn read_pin_line(prompt: &str) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut input = stdin_unbuffered()?;
    if !std::io::stdin().is_terminal() {
        return read_line(&mut input);
    }
    let _echo_off = terminal::EchoOff::new(&input)?;
    show_on_terminal(prompt);
    let line = read_line(&mut input);
    // The Enter the person typed was not echoed either.
    show_on_terminal("\n");
    line
}

/// Reads one line, byte by byte, into a buffer allocated once with room for [`MAX_PIN_LINE`] + 1
/// bytes and never grown (no freed copy of its start is left behind) and zeroized on drop.
/// Anything longer is cut there and fails the format check; reading stops at once (the input may
/// never end).
pub fn read_line(input: &mut impl Read) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_PIN_LINE + 1));
    let mut byte = [0u8; 1];
    let result = loop {
        match input.read(&mut byte) {
            Ok(0) => break Ok(()),
            Ok(_) if byte[0] == b'\n' => break Ok(()),
            Ok(_) if line.len() <= MAX_PIN_LINE => line.push(byte[0]),
            Ok(_) => break Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => break Err(error),
        }
    };
    byte.zeroize();
    result.map(|()| line)
}

/// Writes to the terminal itself (`/dev/tty`, `CONOUT$`), so that a prompt, or what is wrong with
/// an entry, shows even when stderr is redirected; to stderr if there is none.
pub fn show_on_terminal(text: &str) {
    let text = super::output::wrap_lines(text, 0);
    let terminal = if cfg!(windows) { "CONOUT$" } else { "/dev/tty" };
    let written = std::fs::OpenOptions::new()
        .write(true)
        .open(terminal)
        .and_then(|mut tty| tty.write_all(text.as_bytes()).and_then(|()| tty.flush()));
    if written.is_err() {
        let mut stderr = std::io::stderr();
        let _ = stderr.write_all(text.as_bytes());
        let _ = stderr.flush();
    }
}

#[cfg(unix)]
fn stdin_unbuffered() -> std::io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    Ok(std::fs::File::from(
        std::io::stdin().as_fd().try_clone_to_owned()?,
    ))
}

#[cfg(windows)]
fn stdin_unbuffered() -> std::io::Result<std::fs::File> {
    use std::os::windows::io::AsHandle;
    Ok(std::fs::File::from(
        std::io::stdin().as_handle().try_clone_to_owned()?,
    ))
}

/// The terminal's echo, off while an `EchoOff` lives. The terminal keeps its line
/// editing (backspace works), and the typed line stays in the terminal driver until read.
#[cfg(unix)]
mod terminal {
    use nix::sys::termios::{tcgetattr, tcsetattr, LocalFlags, SetArg, Termios};

    pub struct EchoOff {
        terminal: std::fs::File,
        original: Termios,
    }

    impl EchoOff {
        pub fn new(input: &std::fs::File) -> std::io::Result<Self> {
            let terminal = input.try_clone()?;
            let original = tcgetattr(&terminal)?;
            let mut hidden = original.clone();
            hidden.local_flags.remove(LocalFlags::ECHO);
            // Flush what was typed before the prompt: it was echoed, and is not this PIN.
            tcsetattr(&terminal, SetArg::TCSAFLUSH, &hidden)?;
            Ok(EchoOff { terminal, original })
        }
    }

    impl Drop for EchoOff {
        fn drop(&mut self) {
            if let Err(error) = tcsetattr(&self.terminal, SetArg::TCSANOW, &self.original) {
                log::warn!("could not turn the terminal's echo back on: {error}");
            }
        }
    }
}

#[cfg(windows)]
mod terminal {
    use winapi_util::console::{mode, set_mode};
    use winapi_util::HandleRef;

    /// `ENABLE_ECHO_INPUT` of the console input mode.
    const ENABLE_ECHO_INPUT: u32 = 0x0004;

    pub struct EchoOff {
        console: std::fs::File,
        original: u32,
    }

    impl EchoOff {
        pub fn new(input: &std::fs::File) -> std::io::Result<Self> {
            let console = input.try_clone()?;
            let original = mode(HandleRef::from_file(&console))?;
            set_mode(
                HandleRef::from_file(&console),
                original & !ENABLE_ECHO_INPUT,
            )?;
            Ok(EchoOff { console, original })
        }
    }

    impl Drop for EchoOff {
        fn drop(&mut self) {
            if let Err(error) = set_mode(HandleRef::from_file(&self.console), self.original) {
                log::warn!("could not turn the console's echo back on: {error}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_read_into_one_buffer_that_is_never_reallocated() {
        for input in [
            &b"1234\n"[..],
            b"ABCDEFGH12345678\n",
            &[b'A'; 200][..],
            b"",
            b"abc",
        ] {
            let mut reader = input;
            let line = read_line(&mut reader).unwrap();
            // Allocated once with room for the longest line kept: it never grew.
            assert_eq!(line.capacity(), MAX_PIN_LINE + 1, "{input:?}");
            let expected = input.split(|b| *b == b'\n').next().unwrap_or_default();
            assert_eq!(
                *line,
                expected[..expected.len().min(MAX_PIN_LINE + 1)],
                "{input:?}"
            );
        }
    }

    #[test]
    fn reading_stops_at_the_limit_of_an_endless_line() {
        let mut endless = std::io::repeat(b'1');
        let line = read_line(&mut endless).unwrap();
        assert_eq!(line.len(), MAX_PIN_LINE + 1);
    }
}
