//! `mynapin completions <shell>` and `mynapin man`: generated from the clap definition.

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

/// Prints the man page of mynapin (section 1) in `lang`, with the Japanese help for `--lang ja`.
pub fn man(lang: crate::i18n::Lang) -> Result<ExitCode, CliError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(super::help::localized(Cli::command(), lang))
        .render(&mut page)
        .map_err(|source| CliError::Io { path: None, source })?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&page)
        .and_then(|()| stdout.flush())
        .map_err(|source| CliError::Io { path: None, source })?;
    Ok(ExitCode::Success)
}
