//! A PIN's counter in words (`status`, `verify`, `change-pin`, `watch`) and in JSON, and the card
//! type in words.

use crate::i18n::Lang;
use crate::jpki::{CardType, Counter, PinKind, PinStatus};

use crate::cli::output::pad;
use crate::cli::pin_text::{last_try_advice, next_steps_text, noun};

/// One line per PIN: name, title (padded to `title_width` columns), counter. The format is asked
/// at the prompt, not shown here: the lines fit an 80-column terminal.
pub(crate) fn pin_line(pin: &PinStatus, title_width: usize, lang: Lang) -> String {
    let kind = pin.kind;
    format!(
        "{} {} {}",
        pad(kind.name(), 10),
        pad(kind.title(lang), title_width),
        counter_text(kind, pin.counter, lang)
    )
}

/// The line `verify` and `change-pin` show before asking for the PIN: its name and its counter.
pub(crate) fn counter_line(kind: PinKind, counter: Counter, lang: Lang) -> String {
    format!(
        "{}: {}",
        kind.title(lang),
        counter_text(kind, counter, lang)
    )
}

/// The counter in words, short.
pub(crate) fn counter_text(kind: PinKind, counter: Counter, lang: Lang) -> String {
    let max = kind.max_tries();
    match (counter, lang) {
        (Counter::TriesLeft(tries), Lang::En) => format!("{tries} of {max} tries left"),
        (Counter::TriesLeft(tries), Lang::Ja) => format!("残り{tries}回（最大{max}回）"),
        (Counter::Blocked(sw), Lang::En) => format!("blocked ({sw})"),
        (Counter::Blocked(sw), Lang::Ja) => format!("ロック中（{sw}）"),
        (Counter::Unknown(sw), Lang::En) => format!("unknown (the card answered {sw})"),
        (Counter::Unknown(sw), Lang::Ja) => format!("不明（カードの応答 {sw}）"),
    }
}

/// What a counter means for the person when it needs their attention: at one try left, blocked,
/// or unknown. `None` at two or more tries left.
pub(crate) fn counter_advice(kind: PinKind, counter: Counter, lang: Lang) -> Option<String> {
    let noun = noun(kind, lang);
    Some(match (counter, lang) {
        (Counter::TriesLeft(1), Lang::En) => format!(
            "One more wrong entry locks it, so mynapin will not send the {noun}. {}",
            last_try_advice(kind, lang)
        ),
        (Counter::TriesLeft(1), Lang::Ja) => format!(
            "あと1回間違えるとロックされるため、mynapin は{noun}を送りません。{}",
            last_try_advice(kind, lang)
        ),
        (Counter::TriesLeft(_), _) => return None,
        (Counter::Blocked(_), _) => next_steps_text(kind, lang),
        (Counter::Unknown(_), Lang::En) => {
            format!("mynapin sends no {noun} while the counter cannot be read.")
        }
        (Counter::Unknown(_), Lang::Ja) => {
            format!("残り回数が読み取れない間、mynapin は{noun}を送りません。")
        }
    })
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
