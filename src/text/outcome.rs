//! What happened to a PIN that was tested (VERIFY) or changed (VERIFY, then CHANGE REFERENCE
//! DATA), and what to do next.

use super::pin::{last_try_advice, next_steps, once_locked, pin_noun, refusal, unknown_cause};
use super::{FollowUp, Message};
use crate::i18n::Lang;
use crate::jpki::{ChangeOutcome, PinKind, UnknownOutcome, VerifyOutcome};

/// The outcome of a guarded VERIFY of a `kind` PIN.
pub fn verify_outcome(outcome: &VerifyOutcome, kind: PinKind, lang: Lang) -> Message {
    let max = kind.max_tries();
    let noun = pin_noun(kind, lang);
    let next = next_steps(kind, lang);
    let text = match (outcome, lang) {
        (VerifyOutcome::Verified, Lang::En) => format!("The {noun} is correct. The counter is back at {max} of {max} tries."),
        (VerifyOutcome::Verified, Lang::Ja) => format!("{noun}は正しいです。残り回数は{max}回に戻りました。"),
        (VerifyOutcome::WrongPin { tries_left: 1 }, Lang::En) => format!(
            "Wrong {noun}. 1 of {max} tries left: one more wrong entry locks it, so mynapin will not send a {noun} for it while only one try is left. {} {}",
            last_try_advice(kind, lang),
            once_locked(kind, lang)
        ),
        (VerifyOutcome::WrongPin { tries_left: 1 }, Lang::Ja) => format!(
            "{noun}が違います。残り1回（最大{max}回）です。あと1回間違えるとロックされるため、残り1回の間、mynapin は{noun}を送りません。{}{}",
            last_try_advice(kind, lang),
            once_locked(kind, lang)
        ),
        (VerifyOutcome::WrongPin { tries_left }, Lang::En) => format!("Wrong {noun}. {tries_left} of {max} tries left."),
        (VerifyOutcome::WrongPin { tries_left }, Lang::Ja) => format!("{noun}が違います。残り{tries_left}回（最大{max}回）です。"),
        (VerifyOutcome::Blocked { sw }, Lang::En) => format!("Wrong {noun}, and it is now blocked ({sw}). {next}"),
        (VerifyOutcome::Blocked { sw }, Lang::Ja) => format!("{noun}が違い、ロックされました（{sw}）。{next}"),
        (VerifyOutcome::Refused(reason), _) => refusal(*reason, kind, lang),
        (VerifyOutcome::Unknown(cause), Lang::En) => {
            return Message::then(
                format!(
                    "The {noun} was sent, but its result is unknown: {} Whether a try was spent is not known, and mynapin will not send it again.",
                    unknown_cause(cause, lang)
                ),
                FollowUp::ReadCounters,
            )
        }
        (VerifyOutcome::Unknown(cause), Lang::Ja) => {
            return Message::then(
                format!(
                    "{noun}を送りましたが、結果が分かりません。{}回数が減ったかどうかは不明で、mynapin は再送しません。",
                    unknown_cause(cause, lang)
                ),
                FollowUp::ReadCounters,
            )
        }
    };
    Message::new(text)
}

/// The outcome of a guarded change of a `kind` PIN.
pub fn change_outcome(outcome: &ChangeOutcome, kind: PinKind, lang: Lang) -> Message {
    let max = kind.max_tries();
    let title = kind.title(lang);
    let noun = pin_noun(kind, lang);
    let next = next_steps(kind, lang);
    let text = match (outcome, lang) {
        (ChangeOutcome::Changed, Lang::En) => format!("The {title} has been changed: use the new one from now on ({max} of {max} tries left)."),
        (ChangeOutcome::Changed, Lang::Ja) => format!("{title}を変更しました。これからは新しいものを使ってください（残り{max}回）。"),
        (ChangeOutcome::WrongCurrent { tries_left: 1 }, Lang::En) => format!(
            "The current {noun} is wrong; the new one was not sent. 1 of {max} tries left: one more wrong entry locks it, so mynapin will not send another {noun} for it. {}",
            last_try_advice(kind, lang)
        ),
        (ChangeOutcome::WrongCurrent { tries_left: 1 }, Lang::Ja) => format!(
            "現在の{noun}が違います。新しい{noun}は送っていません。残り1回（最大{max}回）です。あと1回間違えるとロックされるため、mynapin はもう送りません。{}",
            last_try_advice(kind, lang)
        ),
        (ChangeOutcome::WrongCurrent { tries_left }, Lang::En) => format!("The current {noun} is wrong; the new one was not sent. {tries_left} of {max} tries left."),
        (ChangeOutcome::WrongCurrent { tries_left }, Lang::Ja) => format!("現在の{noun}が違います。新しい{noun}は送っていません。残り{tries_left}回（最大{max}回）です。"),
        (ChangeOutcome::Blocked { sw }, Lang::En) => format!("The current {noun} was wrong and it is now blocked ({sw}); the new one was not sent. {next}"),
        (ChangeOutcome::Blocked { sw }, Lang::Ja) => format!("現在の{noun}が違い、ロックされました（{sw}）。新しい{noun}は送っていません。{next}"),
        (ChangeOutcome::Refused(reason), _) => refusal(*reason, kind, lang),
        (ChangeOutcome::Rejected(sw), Lang::En) => return Message::then(format!(
            "The current {noun} was right, but the card refused the change (it answered {sw}). As far as the card said, the old {noun} still holds."
        ), FollowUp::TestPin(kind)),
        (ChangeOutcome::Rejected(sw), Lang::Ja) => return Message::then(format!(
            "現在の{noun}は正しいですが、カードが変更を拒否しました（応答 {sw}）。カードの応答どおりなら、古い{noun}のままです。"
        ), FollowUp::TestPin(kind)),
        (ChangeOutcome::Unknown(UnknownOutcome::UnexpectedStatus(sw)), Lang::En) => return Message::then(format!(
            "The change was sent and the card answered {sw}, an answer that does not say whether it wrote the new one. The {noun} is now either the old one or the new one; mynapin does not send the change again."
        ), FollowUp::TestNewPin(kind)),
        (ChangeOutcome::Unknown(UnknownOutcome::UnexpectedStatus(sw)), Lang::Ja) => return Message::then(format!(
            "変更を送り、カードが {sw} と応答しました。新しい{noun}を書き込んだかどうかが分からない応答です。{noun}は古いものか新しいもののどちらかです。mynapin は変更を再送しません。"
        ), FollowUp::TestNewPin(kind)),
        (ChangeOutcome::Unknown(cause), Lang::En) => return Message::then(format!(
            "The change was sent but its answer was lost: {} The {noun} is now either the old one or the new one; mynapin does not send the change again.",
            unknown_cause(cause, lang)
        ), FollowUp::TestNewPin(kind)),
        (ChangeOutcome::Unknown(cause), Lang::Ja) => return Message::then(format!(
            "変更を送りましたが、応答が途切れました。{}{noun}は古いものか新しいもののどちらかです。mynapin は変更を再送しません。",
            unknown_cause(cause, lang)
        ), FollowUp::TestNewPin(kind)),
        (ChangeOutcome::UnknownVerify(cause), Lang::En) => return Message::then(format!(
            "The current {noun} was sent, but its result is unknown: {} The new one was not sent, so the old one still holds. Whether a try was spent is not known, and mynapin will not send it again.",
            unknown_cause(cause, lang)
        ), FollowUp::ReadCounters),
        (ChangeOutcome::UnknownVerify(cause), Lang::Ja) => return Message::then(format!(
            "現在の{noun}を送りましたが、結果が分かりません。{}新しい{noun}は送っていないため、古い{noun}のままです。回数が減ったかどうかは不明で、mynapin は再送しません。",
            unknown_cause(cause, lang)
        ), FollowUp::ReadCounters),
    };
    Message::new(text)
}
