//! Texts shared by the commands that send a PIN (`verify`, `change-pin`, `check`) and `status`:
//! what the secret is called, why it was not sent, why an outcome is unknown, and what to do when
//! it is blocked or one try from it. Each PIN kind gets its own advice: the clinic asks only for
//! the user-authentication PIN.

use crate::i18n::{Lang, Localized};
use crate::jpki::{PinKind, Refusal, UnknownOutcome};

/// What the secret is called in running text: the signature password is a password.
pub fn noun(kind: PinKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (PinKind::Sign, Lang::En) => "password",
        (PinKind::Sign, Lang::Ja) => "パスワード",
        (_, Lang::En) => "PIN",
        (_, Lang::Ja) => "暗証番号",
    }
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

/// Why the guard did not send the PIN, and what to do.
pub fn refusal_text(refusal: Refusal, kind: PinKind, lang: Lang) -> String {
    let noun = noun(kind, lang);
    let next = next_steps_text(kind, lang);
    match (refusal, lang) {
        (Refusal::LastTry, Lang::En) => format!("Only one try is left: one more wrong entry would lock it, so mynapin did not send the {noun} (no try was spent). {} If it does get locked: {next}", last_try_advice(kind, lang)),
        (Refusal::LastTry, Lang::Ja) => format!("残り1回です。あと1回間違えるとロックされるため、mynapin は{noun}を送っていません（回数は減っていません）。{}ロックされた場合: {next}", last_try_advice(kind, lang)),
        (Refusal::Blocked(sw), Lang::En) => format!("The {noun} is blocked ({sw}); mynapin did not send it. {next}"),
        (Refusal::Blocked(sw), Lang::Ja) => format!("{noun}はロックされています（{sw}）。送信していません。{next}"),
        (Refusal::CounterUnknown(sw), Lang::En) => format!("The card did not report how many tries are left (it answered {sw}). mynapin sends a {noun} only when it can see at least two tries left, so it was not sent."),
        (Refusal::CounterUnknown(sw), Lang::Ja) => format!("カードが残り回数を返しませんでした（応答 {sw}）。mynapin は残り2回以上を確認できたときだけ{noun}を送るため、送信していません。"),
    }
}

/// Why the outcome of a sent PIN is unknown.
pub fn unknown_cause(cause: &UnknownOutcome, lang: Lang) -> String {
    match (cause, lang) {
        (UnknownOutcome::Exchange(error), _) => error.localized(lang),
        (UnknownOutcome::Transport(error), _) => error.localized(lang),
        (UnknownOutcome::UnexpectedStatus(sw), Lang::En) => {
            format!("the card answered {sw}, which it never answers to a PIN check.")
        }
        (UnknownOutcome::UnexpectedStatus(sw), Lang::Ja) => {
            format!("カードが、照合には返さないはずの応答 {sw} を返しました。")
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
