//! Reading a PIN: one line into a fixed, zeroized buffer, never reallocated, past std's stdin
//! buffer (the library's [`crate::jpki::read_pin_line`]); from a terminal with its echo off.

use std::io::{IsTerminal, Write};

use zeroize::Zeroizing;

use super::output::Output;
use super::CliError;
use crate::i18n::{Lang, Localized};
use crate::jpki::{pin_from_line, unbuffered_stdin, Pin, PinKind};

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
        match pin_from_line(kind, &line) {
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
            Err(error) => {
                if at_terminal {
                    discard_typed_ahead();
                }
                return Err(error.into());
            }
        }
    }
}

/// When a prompt gives up: drops what the person typed after the last entry read, so that it
/// does not go to the shell (visible, and into its history).
pub fn discard_typed_ahead() {
    if std::io::stdin().is_terminal() {
        match unbuffered_stdin() {
            Ok(input) => super::terminal::discard_typed_ahead(&input),
            Err(error) => log::debug!("no stdin to drop typed-ahead input from: {error}"),
        }
    }
}

/// The next step after a malformed entry at the prompt.
pub fn type_again(lang: Lang) -> &'static str {
    lang.pick("Type it again.", "もう一度入力してください。")
}

/// Reads the PIN line from stdin: from a terminal with its echo off after showing `prompt` (on
/// the terminal), else (a pipe, a file) as it comes, without a prompt. Never echoes the PIN.
pub fn read_pin_line(prompt: &str) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut input = unbuffered_stdin()?;
    if !std::io::stdin().is_terminal() {
        return crate::jpki::read_pin_line(&mut input);
    }
    let _echo_off = super::terminal::EchoOff::new(&input)?;
    show_on_terminal(prompt);
    let line = crate::jpki::read_pin_line(&mut input);
    // The Enter the person typed was not echoed either.
    show_on_terminal("\n");
    line
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

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};

    use crate::jpki::unbuffered_stdin;

    /// Set in the child run of the test below: the file to write what stdin still held to.
    const CHILD_OUTPUT: &str = "MYNAPIN_TEST_DISCARD_CHILD_OUTPUT";

    /// Dropping typed-ahead input is for a terminal (a console on Windows) only: with a pipe for
    /// stdin (`--pin-stdin` from a script), the prompt's way out and the terminal module's own
    /// check both leave every byte for the next reader. Runs itself as a child with a pipe.
    #[test]
    fn dropping_typed_ahead_input_never_reads_from_a_pipe() {
        if let Some(output) = std::env::var_os(CHILD_OUTPUT) {
            super::discard_typed_ahead();
            let mut input = unbuffered_stdin().unwrap();
            crate::cli::terminal::discard_typed_ahead(&input);
            let mut left = Vec::new();
            input.read_to_end(&mut left).unwrap();
            std::fs::write(output, left).unwrap();
            return;
        }
        let output = tempfile::NamedTempFile::new().unwrap();
        let name = module_path!()
            .split_once("::")
            .map_or(module_path!(), |(_, path)| path)
            .to_string()
            + "::dropping_typed_ahead_input_never_reads_from_a_pipe";
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([name.as_str(), "--exact", "--test-threads=1"])
            .env(CHILD_OUTPUT, output.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let piped = b"1234\nmore input for the next reader\n";
        child.stdin.take().unwrap().write_all(piped).unwrap();
        assert!(child.wait().unwrap().success());
        assert_eq!(std::fs::read(output.path()).unwrap(), piped);
    }
}
