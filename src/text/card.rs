//! Errors between mynapin and the card: an exchange that failed, a card that is not a My Number
//! card, a card that changed before the PIN was sent.

use apdu::ExchangeError;

use crate::i18n::{Lang, Localized};
use crate::jpki::JpkiError;

/// Cause and next step for a failed exchange, like every other error a person reads.
impl Localized for ExchangeError {
    fn localized(&self, lang: Lang) -> String {
        let error = self;
        match (error, lang) {
        (ExchangeError::Transport { source, .. }, _) => source.localized(lang),
        (ExchangeError::Response { .. }, Lang::En) => {
            "The card's answer was cut short (it may have left the reader mid-command). Reinsert it and try again.".into()
        }
        (ExchangeError::Response { .. }, Lang::Ja) => {
            "カードの応答が途中で途切れました（処理中にカードが外れた可能性があります）。差し直してから、もう一度試してください。".into()
        }
        (ExchangeError::TooManyGetResponse { .. }, Lang::En) => {
            "The card kept sending more data without end. Reinsert it and try again; if it happens again, the card or reader is faulty.".into()
        }
        (ExchangeError::TooManyGetResponse { .. }, Lang::Ja) => {
            "カードが終わりなくデータを送り続けました。差し直してもう一度試し、再発する場合はカードかリーダーの故障です。".into()
        }
        (ExchangeError::Encode { .. }, Lang::En) => format!("{error}. Nothing was sent; this is a bug in mynapin, please report it."),
        (ExchangeError::Encode { .. }, Lang::Ja) => {
            "コマンドを組み立てられませんでした（何も送っていません）。mynapin の不具合です。報告してください。".into()
        }
        // A failure the APDU layer may add later: its own words, and the safe next step.
        (error, Lang::En) => format!("Communication with the card failed: {error}. Reinsert the card and try again."),
        (error, Lang::Ja) => format!("カードとの通信に失敗しました（{error}）。カードを差し直して、もう一度試してください。"),
    }
    }
}

impl Localized for JpkiError {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (JpkiError::NotMyNumberCard, Lang::En) => {
                "This card is not a My Number card (it has no JPKI application). Insert your My Number card.".into()
            }
            (JpkiError::NotMyNumberCard, Lang::Ja) => {
                "このカードはマイナンバーカードではありません（公的個人認証の機能がありません）。マイナンバーカードを差し込んでください。".into()
            }
            (JpkiError::UnexpectedStatus { step, sw }, Lang::En) => format!(
                "The card answered {sw} ({}) to {step}. It may not be a My Number card, or the reader lost contact; reinsert it and try again.",
                sw.status()
            ),
            (JpkiError::UnexpectedStatus { step, sw }, Lang::Ja) => format!(
                "カードが {step} に {sw}（{}）と応答しました。マイナンバーカードでないか、接触不良の可能性があります。差し直してもう一度試してください。",
                sw.status()
            ),
            (JpkiError::BadTokenLabel { .. }, Lang::En) => format!("{self}. This is not a card mynapin knows."),
            (JpkiError::BadTokenLabel { .. }, Lang::Ja) => {
                "トークンラベルが読み取れません。mynapin が対応していないカードです。".into()
            }
            (JpkiError::CardChanged, Lang::En) => {
                "The card was reset, removed or changed after its counter was shown (by another program, the reader, or a card swap), so the PIN was not sent and no try was spent. Check that your card is in the reader and try again.".into()
            }
            (JpkiError::CardChanged, Lang::Ja) => {
                "残り回数を表示した後にカードがリセット、取り外し、または交換されたため（別のプログラム、カードリーダー、カードの差し替えなど）、暗証番号は送信していません（回数は減っていません）。カードがリーダーにあることを確認して、もう一度試してください。".into()
            }
            (JpkiError::CounterOfAnotherPin { shown, pin }, Lang::En) => format!(
                "The counter shown was the {}'s, not the {}'s, so the PIN was not sent and no try was spent. This is a bug in the program, please report it.",
                shown.title(lang),
                pin.title(lang)
            ),
            (JpkiError::CounterOfAnotherPin { shown, pin }, Lang::Ja) => format!(
                "表示した残り回数は{}のもので、{}のものではないため、暗証番号は送信していません（回数は減っていません）。プログラムの不具合です。報告してください。",
                shown.title(lang),
                pin.title(lang)
            ),
            (JpkiError::Exchange(error), _) => error.localized(lang),
            (JpkiError::Transport(error), _) => error.localized(lang),
        }
    }
}
