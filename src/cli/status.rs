//! `mynapin status`: the counters, spending nothing.

use std::time::SystemTime;

use serde::Serialize;

use super::backend::{Backend, Options};
use super::cert::{status_lines, CertificateErrorJson, CertificateStatusJson};
use super::output::{pad, width, Output};
use super::{CliError, ExitCode, PinChoice};
use crate::i18n::Lang;
use crate::jpki::{
    read_status_with_expiry, CardIdentity, CardType, Counter, PinKind, PinStatus, StatusWithExpiry,
};

/// Reads and prints the counters of the chosen PINs.
pub fn run(options: &Options, out: &Output, choice: PinChoice) -> Result<ExitCode, CliError> {
    let kinds: Vec<PinKind> = match choice {
        PinChoice::All => PinKind::ALL.to_vec(),
        PinChoice::Auth => vec![PinKind::Auth],
        PinChoice::Sign => vec![PinKind::Sign],
        PinChoice::CardInfo => vec![PinKind::CardInfo],
    };
    super::watch::wait_if_asked(options, out)?;
    let mut backend = Backend::open(options)?;
    let status = read_status_with_expiry(&mut backend, &kinds);
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
    out.text(format!(
        "{} {} ({})",
        pad(out.pick("Card:", "カード:"), 9),
        card_type_text(&status.identity.card_type, out.lang),
        status.identity.token_label
    ));
    let title_width = status
        .pins
        .iter()
        .map(|pin| width(&pin_title(pin.kind, out.lang)))
        .max()
        .unwrap_or(0);
    for pin in &status.pins {
        out.text(pin_line(pin, title_width + 1, out.lang));
    }
    for line in status_lines(&certificate, now, out.lang) {
        out.text(line);
    }
    Ok(ExitCode::Success)
}

/// One line per PIN: name, title and format (padded to `title_width` columns), counter.
pub fn pin_line(pin: &PinStatus, title_width: usize, lang: Lang) -> String {
    let kind = pin.kind;
    format!(
        "{} {} {}",
        pad(kind.name(), 10),
        pad(&pin_title(kind, lang), title_width),
        counter_text(kind, pin.counter, lang)
    )
}

fn pin_title(kind: PinKind, lang: Lang) -> String {
    format!("{} ({})", kind.title(lang), kind.format_hint(lang))
}

/// The counter in words, with what it means for `verify`.
pub fn counter_text(kind: PinKind, counter: Counter, lang: Lang) -> String {
    let max = kind.max_tries();
    match (counter, lang) {
        (Counter::TriesLeft(1), Lang::En) => {
            format!("1 of {max} tries left: one more wrong try locks it; verify will refuse")
        }
        (Counter::TriesLeft(1), Lang::Ja) => {
            format!("残り 1 回（最大 {max} 回）: あと1回間違えるとロックされるため、verify は送信しません")
        }
        (Counter::TriesLeft(tries), Lang::En) => format!("{tries} of {max} tries left"),
        (Counter::TriesLeft(tries), Lang::Ja) => format!("残り {tries} 回（最大 {max} 回）"),
        (Counter::Blocked(sw), Lang::En) => {
            format!("blocked ({sw}): unlock it at your city office")
        }
        (Counter::Blocked(sw), Lang::Ja) => {
            format!("ロック中 ({sw}): 市区町村の窓口で解除してください")
        }
        (Counter::Unknown(sw), Lang::En) => format!("unknown (the card answered {sw})"),
        (Counter::Unknown(sw), Lang::Ja) => format!("不明（カードの応答 {sw}）"),
    }
}

pub(super) fn card_type_text(card_type: &CardType, lang: Lang) -> &'static str {
    match (card_type, lang) {
        (CardType::MyNumberCard, Lang::En) => "My Number card",
        (CardType::MyNumberCard, Lang::Ja) => "マイナンバーカード",
        (CardType::JukiCard, Lang::En) => "Juki card (住基カード)",
        (CardType::JukiCard, Lang::Ja) => "住基カード",
        (CardType::OtherJpki, Lang::En) => "JPKI card of an unknown kind",
        (CardType::OtherJpki, Lang::Ja) => "種類不明の公的個人認証カード",
    }
}

/// `state` in JSON: `ok`, `last-try`, `blocked` or `unknown`.
pub fn counter_state(counter: Counter) -> &'static str {
    match counter {
        Counter::TriesLeft(1) => "last-try",
        Counter::TriesLeft(_) => "ok",
        Counter::Blocked(_) => "blocked",
        Counter::Unknown(_) => "unknown",
    }
}

#[derive(Serialize)]
struct StatusJson {
    reader: String,
    #[serde(flatten)]
    fields: StatusFields,
}

/// The fields of `status --json` other than `reader` (also in `watch --json`'s status events).
#[derive(Serialize)]
pub(super) struct StatusFields {
    card: CardJson,
    pins: Vec<PinJson>,
    certificate: Option<CertificateStatusJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_error: Option<CertificateErrorJson>,
}

impl StatusFields {
    pub(super) fn new(status: &StatusWithExpiry, atr: &[u8], now: SystemTime, lang: Lang) -> Self {
        let certificate = &status.auth_certificate;
        StatusFields {
            card: CardJson::new(&status.status.identity, atr),
            pins: status.status.pins.iter().map(PinJson::from).collect(),
            certificate: certificate
                .as_ref()
                .ok()
                .map(|expiry| CertificateStatusJson::new(expiry, now)),
            certificate_error: certificate
                .as_ref()
                .err()
                .map(|error| CertificateErrorJson::new(error, lang)),
        }
    }
}

#[derive(Serialize)]
pub(super) struct CardJson {
    #[serde(rename = "type")]
    card_type: &'static str,
    token_label: String,
    atr: String,
}

impl CardJson {
    pub(super) fn new(identity: &CardIdentity, atr: &[u8]) -> Self {
        CardJson {
            card_type: identity.card_type.name(),
            token_label: identity.token_label.clone(),
            atr: hex::encode(atr),
        }
    }
}

#[derive(Serialize)]
pub(super) struct PinJson {
    pin: &'static str,
    tries_left: Option<u8>,
    max_tries: u8,
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sw: Option<String>,
}

impl From<&PinStatus> for PinJson {
    fn from(pin: &PinStatus) -> Self {
        PinJson {
            pin: pin.kind.name(),
            tries_left: pin.counter.tries_left(),
            max_tries: pin.kind.max_tries(),
            state: counter_state(pin.counter),
            sw: match pin.counter {
                Counter::Blocked(sw) | Counter::Unknown(sw) => Some(sw.to_string()),
                Counter::TriesLeft(_) => None,
            },
        }
    }
}
