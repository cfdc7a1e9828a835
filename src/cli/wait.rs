//! `--wait` for `status`, `verify`, `change-pin` and `check`: wait for a card (and a reader) before
//! the command talks to it. The waiting itself is in `crate::reader::watch`.

use std::time::Duration;

use super::args::Options;
use super::output::{stderr_line, Output};
use super::CliError;
use crate::reader::watch::{wait_for_card_with, CANCEL_PATIENCE};
use crate::reader::{Canceller, ReaderError};

/// Installs the Ctrl-C handler: it cancels what `canceller` waits for; when nothing is waiting
/// (or it does not stop within [`CANCEL_PATIENCE`]) the process exits with 130, as if the handler
/// were not there. If the handler cannot be installed, Ctrl-C keeps its default (the process ends
/// with SIGINT), which is only less tidy.
pub(crate) fn interrupt_canceller() -> Canceller {
    let canceller = Canceller::new();
    let handler = canceller.clone();
    if let Err(error) = ctrlc::set_handler(move || {
        if !handler.cancel(CANCEL_PATIENCE) {
            super::interrupt::exit();
        }
    }) {
        log::warn!("cannot handle Ctrl-C ({error}); it will end mynapin at once");
    }
    canceller
}

/// For `status --wait` and `verify --wait`: returns once a card is there for `--reader` (at once
/// if it already is). Text mode says on stderr that it waits. Ctrl-C is
/// [`ReaderError::Cancelled`] (exit 1); the timeout gives the usual no-card error (exit 6).
pub fn wait_if_asked(options: &Options, out: &Output) -> Result<(), CliError> {
    if !options.wait.wait || options.demo {
        return Ok(());
    }
    let choice = options.reader.as_deref();
    let canceller = interrupt_canceller();
    match wait_for_card_with(choice, Some(Duration::ZERO), &canceller) {
        Ok(()) => return Ok(()),
        Err(
            ReaderError::NoReader | ReaderError::NoCard { .. } | ReaderError::UnknownReader { .. },
        ) => {}
        Err(error) => return Err(error.into()),
    }
    if !out.json {
        stderr_line(out.pick(
            "Waiting for a card… (Ctrl-C to stop)",
            "カードを待っています…（Ctrl-C で中止）",
        ));
    }
    Ok(wait_for_card_with(
        choice,
        options.wait.timeout,
        &canceller,
    )?)
}
