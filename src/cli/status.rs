//! `mynapin status`: the counters, spending nothing.

use std::time::SystemTime;

use serde::Serialize;

use super::args::Options;
use super::backend::Backend;
use super::output::{pad, width, Output};

/// Advice lines start under the PIN's title.
const ADVICE_INDENT: &str = "           ";
use super::render::{pin_line, status_lines, StatusFields};
use super::{CliError, ExitCode, PinChoice};
use crate::i18n::Lang;
use crate::jpki::{read_status, PinKind};
use crate::text::{card_type, counter_advice};

/// Reads and prints the counters of the chosen PINs.
pub fn run(options: &Options, out: &Output, choice: PinChoice) -> Result<ExitCode, CliError> {
    let kinds: Vec<PinKind> = match choice {
        PinChoice::All => PinKind::ALL.to_vec(),
        PinChoice::Auth => vec![PinKind::Auth],
        PinChoice::Sign => vec![PinKind::Sign],
        PinChoice::CardInfo => vec![PinKind::CardInfo],
    };
    super::wait::wait_if_asked(options, out)?;
    let mut backend = Backend::open(options)?;
    let status = read_status(&mut backend, &kinds);
    let reader = backend.reader_name();
    let atr = backend.atr();
    let finished = backend.finish();
    // The read's own error comes first: a failed close must not hide it (or its exit code).
    let status = status?;
    finished?;
    let now = SystemTime::now();
    if out.json {
        out.print_json(&StatusJson {
            reader,
            fields: StatusFields::new(&status, &atr, now, out.lang),
        });
        return Ok(ExitCode::Success);
    }
    let (certificate, status) = (status.auth_certificate, status.status);
    out.text(format!(
        "{} {reader}",
        pad(out.pick("Reader:", "リーダー:"), 9)
    ));
    let card_type = card_type(&status.identity.card_type, out.lang);
    let label = &status.identity.token_label;
    out.text(match out.lang {
        Lang::En => format!("{} {card_type} ({label})", pad("Card:", 9)),
        Lang::Ja => format!("{} {card_type}（{label}）", pad("カード:", 9)),
    });
    let title_width = status
        .pins
        .iter()
        .map(|pin| width(pin.kind.title(out.lang)))
        .max()
        .unwrap_or(0);
    for pin in &status.pins {
        out.text(pin_line(pin, title_width + 1, out.lang));
        // At one try left, blocked or unknown: what it means, under the line, within 80 columns.
        if let Some(advice) = counter_advice(pin.kind, pin.counter, out.lang) {
            out.text_hanging(format!("{ADVICE_INDENT}{advice}"), ADVICE_INDENT.len());
        }
    }
    for line in status_lines(&certificate, now, out.lang) {
        out.text_hanging(line, 10);
    }
    Ok(ExitCode::Success)
}

#[derive(Serialize)]
struct StatusJson {
    reader: String,
    #[serde(flatten)]
    fields: StatusFields,
}
