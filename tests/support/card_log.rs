//! The card model's log as lines for byte-exact assertions: `COMMAND -> ANSWER` in hex, exactly as
//! the card saw it (PIN bytes included), and `[`, `] Disposition` around transactions.

use mynapin::card_model::{CardModel, LogEntry};

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
