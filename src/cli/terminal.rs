//! The terminal (the console on Windows) a PIN is typed on: its echo off while the PIN is read,
//! and the mode the person had put back on every way out, Ctrl-C included; on Unix the echo
//! turned off again when a stopped mynapin is continued (`fg`); input typed ahead dropped when a
//! prompt gives up, so that it does not go to the shell.

use std::sync::{Mutex, MutexGuard};

/// The mode before the hidden prompt, while one is open, for whichever way out comes first:
/// the prompt's end, or the Ctrl-C handler (which exits without unwinding).
static SAVED: Mutex<Option<imp::Saved>> = Mutex::new(None);

fn saved() -> MutexGuard<'static, Option<imp::Saved>> {
    // Only plain data behind it: a panic elsewhere leaves it usable.
    SAVED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The terminal's echo, off while an `EchoOff` lives. The terminal keeps its line editing
/// (backspace works), and the typed line stays in the terminal driver until read.
pub struct EchoOff(());

impl EchoOff {
    /// Turns the echo of `input` (a terminal) off, dropping what was typed before the prompt (it
    /// was echoed, and is not this PIN).
    pub fn new(input: &std::fs::File) -> std::io::Result<Self> {
        let mut slot = saved();
        let hidden = imp::hide(input)?;
        *slot = Some(hidden);
        drop(slot);
        imp::watch_continue();
        Ok(EchoOff(()))
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts back the mode the terminal had before the hidden prompt, if one is open.
pub fn restore() {
    if let Some(saved) = saved().take() {
        imp::restore(&saved);
    }
}

/// Drops whatever was typed and not read yet (`tcflush(TCIFLUSH)` on Unix, the console's input
/// records on Windows), so that what the person goes on typing after a prompt gave up does not
/// reach the shell, echoed and into its history. Nothing when `input` is not a terminal.
pub fn discard_typed_ahead(input: &std::fs::File) {
    imp::discard_typed_ahead(input);
}

#[cfg(unix)]
mod imp {
    use nix::sys::termios::{tcflush, tcgetattr, tcsetattr, FlushArg, LocalFlags, SetArg, Termios};

    pub struct Saved {
        terminal: std::fs::File,
        original: Termios,
        hidden: Termios,
    }

    pub fn hide(input: &std::fs::File) -> std::io::Result<Saved> {
        let terminal = input.try_clone()?;
        let original = tcgetattr(&terminal)?;
        let mut hidden = original.clone();
        hidden.local_flags.remove(LocalFlags::ECHO);
        tcsetattr(&terminal, SetArg::TCSAFLUSH, &hidden)?;
        Ok(Saved {
            terminal,
            original,
            hidden,
        })
    }

    pub fn restore(saved: &Saved) {
        if let Err(error) = tcsetattr(&saved.terminal, SetArg::TCSANOW, &saved.original) {
            log::warn!("could not give the terminal its mode back: {error}");
        }
    }

    /// A shell that stops a job (Ctrl-Z) puts its own terminal mode back, echo on, and does not
    /// restore the job's on `fg`: on SIGCONT, a hidden prompt turns the echo off again. Started
    /// once, by the first hidden prompt.
    pub fn watch_continue() {
        static STARTED: std::sync::Once = std::sync::Once::new();
        STARTED.call_once(|| {
            let signals = match signal_hook::iterator::Signals::new([signal_hook::consts::SIGCONT])
            {
                Ok(signals) => signals,
                Err(error) => {
                    log::warn!("cannot watch for SIGCONT ({error}): after Ctrl-Z and fg the prompt may echo");
                    return;
                }
            };
            let spawned = std::thread::Builder::new()
                .name("sigcont".into())
                .spawn(move || {
                    let mut signals = signals;
                    for _ in signals.forever() {
                        if let Some(saved) = &*super::saved() {
                            if let Err(error) =
                                tcsetattr(&saved.terminal, SetArg::TCSANOW, &saved.hidden)
                            {
                                log::warn!("could not turn the echo off again: {error}");
                            }
                        }
                    }
                });
            if let Err(error) = spawned {
                log::warn!("cannot watch for SIGCONT ({error})");
            }
        });
    }

    pub fn discard_typed_ahead(input: &std::fs::File) {
        if let Err(error) = tcflush(input, FlushArg::TCIFLUSH) {
            log::debug!("could not drop the input typed ahead: {error}");
        }
    }
}

#[cfg(windows)]
mod imp {
    use winapi_util::console::{mode, set_mode};
    use winapi_util::HandleRef;

    /// `ENABLE_ECHO_INPUT` of the console input mode.
    const ENABLE_ECHO_INPUT: u32 = 0x0004;

    pub struct Saved {
        console: std::fs::File,
        original: u32,
    }

    pub fn hide(input: &std::fs::File) -> std::io::Result<Saved> {
        let console = input.try_clone()?;
        let original = mode(HandleRef::from_file(&console))?;
        set_mode(
            HandleRef::from_file(&console),
            original & !ENABLE_ECHO_INPUT,
        )?;
        Ok(Saved { console, original })
    }

    pub fn restore(saved: &Saved) {
        if let Err(error) = set_mode(HandleRef::from_file(&saved.console), saved.original) {
            log::warn!("could not give the console its mode back: {error}");
        }
    }

    /// A Windows console has no job control: a process is never stopped and continued under a
    /// prompt, so there is nothing to watch.
    pub fn watch_continue() {}

    /// Most console input records read here in one go: a paste still being delivered cannot
    /// keep the exit waiting.
    const MAX_RECORDS: usize = 4096;

    /// Reads and drops the console input records not read yet (keys typed ahead, mouse, focus),
    /// as `FlushConsoleInputBuffer` would; this crate forbids `unsafe`, so through the safe
    /// `ReadConsoleInputW` of `crossterm_winapi`, one record at a time (no heap copy of what
    /// was typed). Only when `input` (standard input) is a console: a pipe, a file or an MSYS
    /// terminal (mintty; a pipe to Windows) is never read from here.
    pub fn discard_typed_ahead(input: &std::fs::File) {
        if mode(HandleRef::from_file(input)).is_err() {
            return;
        }
        let console = match crossterm_winapi::Handle::input_handle() {
            Ok(handle) => crossterm_winapi::Console::from(handle),
            Err(error) => {
                log::debug!("no console input to drop typed-ahead input from: {error}");
                return;
            }
        };
        for _ in 0..MAX_RECORDS {
            // Read only what is there: `ReadConsoleInputW` waits when the buffer is empty.
            match console.number_of_console_input_events() {
                Ok(0) => return,
                Ok(_) => {}
                Err(error) => {
                    log::debug!("could not drop the input typed ahead: {error}");
                    return;
                }
            }
            if let Err(error) = console.read_single_input_event() {
                log::debug!("could not drop the input typed ahead: {error}");
                return;
            }
        }
    }
}
