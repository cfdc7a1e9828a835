//! `mynapin readers`: every reader, whether it holds a card, and what card.

use serde::Serialize;

use super::args::Options;
use super::backend::{Backend, DEMO_READER};
use super::output::{pad, Output};
use super::{CliError, ExitCode};
use crate::i18n::{Lang, Localized};
use crate::jpki::{identify, JpkiError};
use crate::reader::{list_readers, PcscConnection, ReaderInfo};

/// Lists the readers (or the demo card's one).
pub fn run(options: &Options, out: &Output) -> Result<ExitCode, CliError> {
    let rows: Vec<ReaderJson> = if options.demo {
        let mut backend = Backend::open(options)?;
        let atr = backend.atr();
        let card = identify(&mut backend);
        backend.finish()?;
        vec![row(0, DEMO_READER.into(), Some(atr), Some(card), out.lang)]
    } else {
        let deadline = options.deadline;
        deadline
            .run(list_readers)?
            .into_iter()
            .enumerate()
            .map(|(index, info)| {
                let card = info
                    .card_present
                    .then(|| deadline.run(|| identify_in(&info)));
                row(index, info.name, info.atr, card, out.lang)
            })
            .collect()
    };
    if out.json {
        out.print_json(&ReadersJson { readers: rows });
    } else if rows.is_empty() {
        // The same words (and, on Windows, the driver hint) as every other place without a reader.
        out.text(crate::text::no_reader(out.lang));
    } else {
        for reader in &rows {
            out.text_hanging(row_text(reader, out), 3);
        }
    }
    Ok(ExitCode::Success)
}

fn identify_in(info: &ReaderInfo) -> Result<crate::jpki::CardIdentity, CliError> {
    let mut connection = PcscConnection::open(Some(&info.name))?;
    let identity = identify(&mut connection);
    connection.close(apdu::Disposition::Leave)?;
    Ok(identity?)
}

fn row(
    index: usize,
    name: String,
    atr: Option<Vec<u8>>,
    card: Option<Result<crate::jpki::CardIdentity, impl Into<CliError>>>,
    lang: Lang,
) -> ReaderJson {
    let (card_type, error) = match card.map(|card| card.map_err(Into::into)) {
        None => (None, None),
        Some(Ok(identity)) => (Some(identity.card_type.name()), None),
        Some(Err(CliError::Jpki(JpkiError::NotMyNumberCard))) => (Some("other"), None),
        Some(Err(error)) => (Some("other"), Some(error.localized(lang))),
    };
    ReaderJson {
        index,
        name,
        card_present: card_type.is_some(),
        atr: atr.map(hex::encode),
        card_type,
        error,
    }
}

fn row_text(reader: &ReaderJson, out: &Output) -> String {
    let card = match reader.card_type {
        None => out.pick("(empty)", "（カードなし）").to_string(),
        Some("my-number-card") => out.pick("My Number card", "マイナンバーカード").to_string(),
        Some("juki-card") => out.pick("Juki card (住基カード)", "住基カード").to_string(),
        Some(_) => out.pick("other card", "その他のカード").to_string(),
    };
    let mut line = format!(
        "{:<3}{}  {}",
        reader.index,
        pad(&reader.name, 28),
        pad(&card, 20)
    );
    if let Some(atr) = &reader.atr {
        line.push_str(&format!("  ATR {atr}"));
    }
    if let Some(error) = &reader.error {
        line.push_str(&format!("\n   {error}"));
    }
    line
}

#[derive(Serialize)]
struct ReadersJson {
    readers: Vec<ReaderJson>,
}

#[derive(Serialize)]
struct ReaderJson {
    index: usize,
    name: String,
    card_present: bool,
    atr: Option<String>,
    card_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}
