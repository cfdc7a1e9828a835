//! `mynapin virtual-card`: the card model attached to pcscd through vsmartcard-vpcd.

use std::path::PathBuf;

use super::output::Output;
use super::{CliError, ExitCode};

/// Options of `virtual-card`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// vpcd's address: slot 0 listens on 35963, slot 1 on 35964.
    #[arg(long, default_value = "127.0.0.1:35963")]
    pub vpcd: String,
    /// State file: loaded at start (created if missing) and saved after every change.
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// ATR to present, in hex (default: the state's, 3BE000FF8131FE4514).
    #[arg(long)]
    pub atr: Option<String>,
}

/// Runs the virtual card until it is stopped.
pub fn run(_args: &Args, _out: &Output) -> Result<ExitCode, CliError> {
    Err(CliError::usage(
        "virtual-card is not built yet",
        "virtual-card はまだありません",
    ))
}
