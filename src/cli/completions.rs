//! `mynapin completions <shell>`: generated from the clap definition.

use std::io::Write;

use clap::CommandFactory;

use super::{Cli, CliError, ExitCode};

/// Prints the completion script for `shell`.
pub fn run(shell: clap_complete::Shell) -> Result<ExitCode, CliError> {
    // Generated into memory first: clap_complete panics when its writer fails.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "mynapin", &mut script);
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&script)
        .and_then(|()| stdout.flush())
        .map_err(|source| CliError::Io { path: None, source })?;
    Ok(ExitCode::Success)
}
