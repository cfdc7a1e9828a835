//! `mynapin --demo reset-demo`: the demo card back to its first state.

use serde_json::json;

use super::demo::state_path;
use super::output::Output;
use super::{CliError, ExitCode};
use crate::card_model::CardState;

/// `mynapin --demo reset-demo`: every PIN back to all tries.
pub fn run(out: &Output) -> Result<ExitCode, CliError> {
    let path = state_path()?;
    CardState::demo().save(&path)?;
    if out.json {
        // Lossy: a path need not be UTF-8, and JSON strings must be.
        out.print_json(&json!({ "reset": true, "state_file": path.to_string_lossy() }));
    } else {
        out.text(match out.lang {
            crate::i18n::Lang::En => format!(
                "The demo card is back to its first state (all tries left). PINs: auth 1234, sign ABC123, card-info 5678. State: {}",
                path.display()
            ),
            crate::i18n::Lang::Ja => format!(
                "デモカードを初期状態（残り回数すべて）に戻しました。暗証番号: auth 1234、sign ABC123、card-info 5678。状態ファイル: {}",
                path.display()
            ),
        });
    }
    Ok(ExitCode::Success)
}
