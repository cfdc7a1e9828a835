//! What a PIN is called, its counter in words, what to do at one try left or when it is blocked,
//! why the guard did not send it, and why an outcome is unknown. Each PIN kind gets its own
//! advice: the clinic asks only for the user-authentication PIN.

use apdu::{ExchangeError, TransportError};

use crate::i18n::Lang;
use crate::jpki::{CardType, Counter, PinKind, Refusal, UnknownOutcome};

/// What the secret is called in running text: the signature password is a password.
pub fn pin_noun(kind: PinKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (PinKind::Sign, Lang::En) => "password",
        (PinKind::Sign, Lang::Ja) => "パスワード",
        (_, Lang::En) => "PIN",
        (_, Lang::Ja) => "暗証番号",
    }
}

/// The counter in words, short: "3 of 3 tries left", 残り3回（最大3回）.
pub fn counter(kind: PinKind, counter: Counter, lang: Lang) -> String {
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

/// The PIN's title and its counter, as shown before the PIN is asked for.
pub fn counter_line(kind: PinKind, counter_read: Counter, lang: Lang) -> String {
    format!(
        "{}: {}",
        kind.title(lang),
        counter(kind, counter_read, lang)
    )
}

/// What a counter means for the person when it needs their attention: at one try left, blocked,
/// or unknown. `None` at two or more tries left.
pub fn counter_advice(kind: PinKind, counter: Counter, lang: Lang) -> Option<String> {
    let noun = pin_noun(kind, lang);
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
        (Counter::Blocked(_), _) => next_steps(kind, lang),
        (Counter::Unknown(_), Lang::En) => {
            format!("mynapin sends no {noun} while the counter cannot be read.")
        }
        (Counter::Unknown(_), Lang::Ja) => {
            format!("残り回数が読み取れない間、mynapin は{noun}を送りません。")
        }
    })
}

/// At one try left: where a correct entry restores the tries, and only if the person is sure.
pub fn last_try_advice(kind: PinKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (PinKind::Auth, Lang::En) => "Only if you are sure of the PIN: entering it correctly once (at the clinic's card reader, or on Mynaportal) restores all tries. Do not guess.",
        (PinKind::Auth, Lang::Ja) => "暗証番号が確実に分かっている場合だけ、医療機関のカードリーダーやマイナポータルで正しく入力してください。1回正しく入力すると回数は元に戻ります。推測で入力しないでください。",
        (PinKind::Sign, Lang::En) => "Only if you are sure of the password: entering it correctly once (in e-Tax or the JPKI user software, JPKI利用者ソフト) restores all tries. Do not guess.",
        (PinKind::Sign, Lang::Ja) => "パスワードが確実に分かっている場合だけ、e-Tax や JPKI利用者ソフトで正しく入力してください。1回正しく入力すると回数は元に戻ります。推測で入力しないでください。",
        (PinKind::CardInfo, Lang::En) => "Only if you are sure of the PIN: entering it correctly once (in an app that reads the card's details) restores all tries. Do not guess.",
        (PinKind::CardInfo, Lang::Ja) => "暗証番号が確実に分かっている場合だけ、カードの情報を読み取るアプリで正しく入力してください。1回正しく入力すると回数は元に戻ります。推測で入力しないでください。",
    }
}

/// What the holder can do when the PIN is blocked (or one try from it). Source: docs/safety.md
/// ("Next steps for a blocked PIN"): the auth PIN and the signature password can be reset with
/// the smartphone app and a convenience-store kiosk by someone who knows the other of the two;
/// otherwise, and for the card-info PIN always, at the city office.
pub fn next_steps(kind: PinKind, lang: Lang) -> String {
    let other = match kind {
        PinKind::Auth => PinKind::Sign,
        PinKind::Sign => PinKind::Auth,
        PinKind::CardInfo => {
            return lang
                .pick(
                    "Only your city office can reset it: go there with the card and an ID.",
                    "初期化は市区町村の窓口でのみできます。カードと本人確認書類を持って行ってください。",
                )
                .into()
        }
    };
    match lang {
        Lang::En => format!(
            "To reset it yourself, you need your {}: use the smartphone app \"JPKI暗証番号リセット\", then a kiosk (multi-copy machine) at a convenience store that offers it. If you do not know it, go to your city office with the card and an ID.",
            other.title(lang)
        ),
        Lang::Ja => format!(
            "{}が分かれば、スマートフォンアプリ「JPKI暗証番号リセット」と、対応するコンビニ等のキオスク端末（マルチコピー機）で自分で初期化できます。分からなければ、カードと本人確認書類を持って市区町村の窓口で手続きしてください。",
            other.title(lang)
        ),
    }
}

/// At one try left, after the advice: what it takes once the PIN is locked.
pub(crate) fn once_locked(kind: PinKind, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "Once it is locked, it has to be reset. {}",
            next_steps(kind, lang)
        ),
        Lang::Ja => format!("ロックされると初期化が必要です。{}", next_steps(kind, lang)),
    }
}

/// Why the guard did not send the PIN, and what to do.
pub fn refusal(refusal: Refusal, kind: PinKind, lang: Lang) -> String {
    let noun = pin_noun(kind, lang);
    let next = next_steps(kind, lang);
    match (refusal, lang) {
        (Refusal::LastTry, Lang::En) => format!("Only one try is left: one more wrong entry would lock it, so mynapin did not send the {noun} (no try was spent). {} {}", last_try_advice(kind, lang), once_locked(kind, lang)),
        (Refusal::LastTry, Lang::Ja) => format!("残り1回です。あと1回間違えるとロックされるため、mynapin は{noun}を送っていません（回数は減っていません）。{}{}", last_try_advice(kind, lang), once_locked(kind, lang)),
        (Refusal::Blocked(sw), Lang::En) => format!("The {noun} is blocked ({sw}); mynapin did not send it. {next}"),
        (Refusal::Blocked(sw), Lang::Ja) => format!("{noun}はロックされています（{sw}）。送信していません。{next}"),
        (Refusal::CounterUnknown(sw), Lang::En) => format!("The card did not report how many tries are left (it answered {sw}). mynapin sends a {noun} only when it can see at least two tries left, so it was not sent."),
        (Refusal::CounterUnknown(sw), Lang::Ja) => format!("カードが残り回数を返しませんでした（応答 {sw}）。mynapin は残り2回以上を確認できたときだけ{noun}を送るため、送信していません。"),
    }
}

/// Why the outcome of a sent PIN is unknown: the cause alone (the outcome's text says what to
/// do), starting in lower case in English, after a colon.
pub fn unknown_cause(cause: &UnknownOutcome, lang: Lang) -> String {
    match (cause, lang) {
        (UnknownOutcome::Transport(error), _) => transport_cause(error, lang),
        (UnknownOutcome::Exchange(ExchangeError::Transport { source, .. }), _) => {
            transport_cause(source, lang)
        }
        (UnknownOutcome::Exchange(ExchangeError::Response { .. }), Lang::En) => {
            "the card's answer was cut short (it may have left the reader).".into()
        }
        (UnknownOutcome::Exchange(ExchangeError::Response { .. }), Lang::Ja) => {
            "カードの応答が途中で途切れました（カードが外れた可能性があります）。".into()
        }
        (UnknownOutcome::Exchange(error), Lang::En) => {
            format!("communication with the card failed ({error}).")
        }
        (UnknownOutcome::Exchange(error), Lang::Ja) => {
            format!("カードとの通信に失敗しました（{error}）。")
        }
        (UnknownOutcome::UnexpectedStatus(sw), Lang::En) => {
            format!("the card answered {sw}, which it never answers to a PIN check.")
        }
        (UnknownOutcome::UnexpectedStatus(sw), Lang::Ja) => {
            format!("カードが、照合には返さないはずの応答 {sw} を返しました。")
        }
    }
}

/// What broke the exchange, as a cause.
fn transport_cause(error: &TransportError, lang: Lang) -> String {
    let pcsc = match error {
        TransportError::Other(source) => source.downcast_ref::<pcsc::Error>().copied(),
        _ => None,
    };
    match (error, lang) {
        (TransportError::CardRemoved, Lang::En) => "the card was removed.".into(),
        (TransportError::CardRemoved, Lang::Ja) => "カードが取り外されました。".into(),
        (TransportError::CardReset, Lang::En) => {
            "the card was reset (by another program or the reader).".into()
        }
        (TransportError::CardReset, Lang::Ja) => {
            "カードがリセットされました（別のプログラムまたはカードリーダーによって）。".into()
        }
        (TransportError::Timeout, Lang::En) => "the card did not answer in time.".into(),
        (TransportError::Timeout, Lang::Ja) => "カードが時間内に応答しませんでした。".into(),
        (TransportError::ServiceStopped, Lang::En) => "the smart card service stopped.".into(),
        (TransportError::ServiceStopped, Lang::Ja) => {
            "スマートカードサービスが停止しました。".into()
        }
        (TransportError::Busy, Lang::En) => "another program took the card reader.".into(),
        (TransportError::Busy, Lang::Ja) => {
            "別のプログラムがカードリーダーを使い始めました。".into()
        }
        (_, Lang::En) => match pcsc {
            Some(pcsc) => {
                let cause = super::pcsc::pcsc_cause(pcsc, lang);
                // After a colon: "The smart card service ..." becomes "the smart card service ...".
                let mut chars = cause.chars();
                let first = chars.next().map(|c| c.to_ascii_lowercase());
                format!(
                    "{}{} (PC/SC error 0x{:08X}).",
                    first.map(String::from).unwrap_or_default(),
                    chars.as_str(),
                    pcsc as u32
                )
            }
            None => format!("communication with the card failed ({error})."),
        },
        (_, Lang::Ja) => match pcsc {
            Some(pcsc) => format!(
                "{}（PC/SC エラー 0x{:08X}）。",
                super::pcsc::pcsc_cause(pcsc, lang),
                pcsc as u32
            ),
            None => format!("カードとの通信に失敗しました（{error}）。"),
        },
    }
}

/// The kind of card, in words.
pub fn card_type(card_type: &CardType, lang: Lang) -> &'static str {
    match (card_type, lang) {
        (CardType::MyNumberCard, Lang::En) => "My Number card",
        (CardType::MyNumberCard, Lang::Ja) => "マイナンバーカード",
        (CardType::JukiCard, Lang::En) => "Juki card (住基カード)",
        (CardType::JukiCard, Lang::Ja) => "住基カード",
        (CardType::OtherJpki, Lang::En) => "JPKI card of an unknown kind",
        (CardType::OtherJpki, Lang::Ja) => "種類不明の公的個人認証カード",
    }
}
