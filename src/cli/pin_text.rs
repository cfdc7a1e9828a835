//! Texts shared by the commands that send a PIN (`verify`, `change-pin`, `check`): why a PIN was
//! not sent, why an outcome is unknown, and what to do when a PIN is blocked or nearly so.

use crate::i18n::{Lang, Localized};
use crate::jpki::{PinKind, Refusal, UnknownOutcome};

pub fn refusal_text(refusal: Refusal, kind: PinKind, lang: Lang) -> String {
    let next = next_steps_text(kind, lang);
    match (refusal, lang) {
        (Refusal::LastTry, Lang::En) => format!("Only one try is left. One more wrong PIN would lock it, so mynapin will not send it. The PIN was not sent. A correct PIN entered elsewhere (the clinic, the official software) restores all tries. If it gets locked: {next}"),
        (Refusal::LastTry, Lang::Ja) => format!("残り 1 回です。あと1回間違えるとロックされるため、mynapin は暗証番号を送りません（送信していません）。別の場所（医療機関、公式ソフト）で正しい暗証番号を入力すると回数は元に戻ります。ロックされた場合: {next}"),
        (Refusal::Blocked(sw), Lang::En) => format!("The PIN is blocked ({sw}); the PIN was not sent. {next}"),
        (Refusal::Blocked(sw), Lang::Ja) => format!("暗証番号はロックされています（{sw}）。送信していません。{next}"),
        (Refusal::CounterUnknown(sw), Lang::En) => format!("The card did not report how many tries are left (it answered {sw}). mynapin sends a PIN only when it can see at least two tries left, so the PIN was not sent."),
        (Refusal::CounterUnknown(sw), Lang::Ja) => format!("カードが残り回数を返しませんでした（応答 {sw}）。mynapin は残り2回以上を確認できたときだけ暗証番号を送るため、送信していません。"),
    }
}

pub fn unknown_cause(cause: &UnknownOutcome, lang: Lang) -> String {
    match (cause, lang) {
        (UnknownOutcome::Exchange(error), _) => error.localized(lang),
        (UnknownOutcome::Transport(error), _) => error.localized(lang),
        (UnknownOutcome::UnexpectedStatus(sw), Lang::En) => {
            format!("the card answered {sw}, which a VERIFY does not answer.")
        }
        (UnknownOutcome::UnexpectedStatus(sw), Lang::Ja) => {
            format!("カードが VERIFY には返さないはずの {sw} を返しました。")
        }
    }
}

/// What the holder can do when the PIN is blocked (or one try from it), as stable codes. Source:
/// docs/safety.md ("Next steps for a blocked PIN"): the auth PIN and the signature password can be
/// reset with the smartphone app and a convenience-store kiosk by someone who knows the other of
/// the two; otherwise, and for the card-info PIN always, at the city office.
pub fn next_steps(kind: PinKind) -> &'static [&'static str] {
    match kind {
        PinKind::Auth => &["convenience-store-with-sign-password", "city-office"],
        PinKind::Sign => &["convenience-store-with-auth-pin", "city-office"],
        PinKind::CardInfo => &["city-office"],
    }
}

/// [`next_steps`] in words.
pub fn next_steps_text(kind: PinKind, lang: Lang) -> String {
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
            "If you know your {}, you can reset it yourself with the smartphone app \"JPKI暗証番号リセット\" and then a kiosk (multi-copy machine) at a convenience store that offers it; otherwise at your city office, with the card and an ID.",
            other.title(lang)
        ),
        Lang::Ja => format!(
            "{}が分かれば、スマートフォンアプリ「JPKI暗証番号リセット」と、対応するコンビニ等のキオスク端末（マルチコピー機）で自分で初期化できます。分からなければ、カードと本人確認書類を持って市区町村の窓口で手続きしてください。",
            other.title(lang)
        ),
    }
}
