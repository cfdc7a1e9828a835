//! The built-in demo card's state file and APDU log, for the commands that open it (`--demo`) and
//! `reset-demo`.

use std::path::PathBuf;

use super::CliError;
use crate::card_model::{CardModel, CardState};

/// Overrides where the demo card keeps its state (tests use it).
pub const STATE_ENV: &str = "MYNAPIN_DEMO_STATE";

/// When set, the demo card appends every APDU it received to this file (PIN bytes masked), so
/// scripts and tests can see exactly what mynapin sent.
pub const APDU_LOG_ENV: &str = "MYNAPIN_DEMO_APDU_LOG";

/// Appends the demo card's log to `$MYNAPIN_DEMO_APDU_LOG`: one line per command,
/// in the format of [`crate::card_model::LogEntry::line`].
pub fn append_apdu_log(card: &CardModel) -> Result<(), CliError> {
    let Some(path) = std::env::var_os(APDU_LOG_ENV).filter(|path| !path.is_empty()) else {
        return Ok(());
    };
    let text: String = card.log().iter().map(|entry| entry.line() + "\n").collect();
    let mut file = crate::files::open_append(std::path::Path::new(&path))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|source| CliError::Io {
        path: Some(PathBuf::from(&path)),
        source,
    })
}

/// The demo card's state file: `$MYNAPIN_DEMO_STATE`, else `mynapin/demo-card.json` in the user's
/// cache directory.
pub fn state_path() -> Result<PathBuf, CliError> {
    if let Some(path) = std::env::var_os(STATE_ENV).filter(|path| !path.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    match dirs::cache_dir() {
        Some(dir) => Ok(dir.join("mynapin").join("demo-card.json")),
        None => Err(CliError::usage(
            format!("There is no cache directory for the demo card's state. Set {STATE_ENV} to a file path."),
            format!("デモカードの状態を置くキャッシュディレクトリがありません。{STATE_ENV} にファイルのパスを設定してください。"),
        )),
    }
}

/// The saved state, or a fresh demo card when there is none yet.
pub fn load_state(path: &std::path::Path) -> Result<CardState, CliError> {
    if crate::files::is_regular_file(path).map_err(crate::card_model::StateError::NotAFile)? {
        Ok(CardState::load(path)?)
    } else {
        Ok(CardState::demo())
    }
}
