//! A PIN's counter in words (`status`, `verify`, `change-pin`, `watch`) and in JSON, and the card
//! type in words.

use crate::i18n::Lang;
use crate::jpki::{CardType, Counter, PinKind, PinStatus};

use crate::cli::output::pad;

/// One line per PIN: name, title and format (padded to `title_width` columns), counter.
pub(crate) fn pin_line(pin: &PinStatus, title_width: usize, lang: Lang) -> String {
    let kind = pin.kind;
    format!(
        "{} {} {}",
        pad(kind.name(), 10),
        pad(&pin_title(kind, lang), title_width),
        counter_text(kind, pin.counter, lang)
    )
}

pub(crate) fn pin_title(kind: PinKind, lang: Lang) -> String {
    format!("{} ({})", kind.title(lang), kind.format_hint(lang))
}

/// The counter in words, with what it means for `verify`.
pub(crate) fn counter_text(kind: PinKind, counter: Counter, lang: Lang) -> String {
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

pub(crate) fn card_type_text(card_type: &CardType, lang: Lang) -> &'static str {
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
pub(crate) fn counter_state(counter: Counter) -> &'static str {
    match counter {
        Counter::TriesLeft(1) => "last-try",
        Counter::TriesLeft(_) => "ok",
        Counter::Blocked(_) => "blocked",
        Counter::Unknown(_) => "unknown",
    }
}
