//! The card model's log as lines, for byte-exact assertions on what the card received.

use mynapin::card_model::{CardModel, LogEntry};

/// One line per entry: `COMMAND -> ANSWER` in hex (commands in clear: the test knows the PINs;
/// `(none)` when the card never answered), `[` and `] Disposition` for a transaction's bounds.
pub fn log_lines(card: &CardModel) -> Vec<String> {
    card.log()
        .iter()
        .filter_map(|entry| match entry {
            LogEntry::Command { command, response } => Some(format!(
                "{} -> {}",
                hex::encode_upper(command),
                response
                    .as_deref()
                    .map_or("(none)".to_string(), hex::encode_upper)
            )),
            LogEntry::TransactionBegin => Some("[".into()),
            LogEntry::TransactionEnd(disposition) => Some(format!("] {disposition:?}")),
            _ => None,
        })
        .collect()
}
