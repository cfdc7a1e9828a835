//! `mynapin completions <shell>`.

use clap::CommandFactory;

use super::{Cli, CliError, ExitCode};

/// Prints the completion script for `shell`.
pub fn run(shell: clap_complete::Shell) -> Result<ExitCode, CliError> {
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "mynapin",
        &mut std::io::stdout(),
    );
    Ok(ExitCode::Success)
}
