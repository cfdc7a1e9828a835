//! A library message with the command line's own next step: the command to run.

use crate::i18n::Lang;
use crate::jpki::PinKind;
use crate::text::{pin_noun, FollowUp, Message};

/// The message, then what to run.
pub(crate) fn say(message: Message, lang: Lang) -> String {
    match message.follow_up {
        None => message.text,
        Some(follow_up) => {
            let space = lang.pick(" ", "");
            format!("{}{space}{}", message.text, follow_up_text(follow_up, lang))
        }
    }
}

/// The command that does the follow-up, in a sentence.
fn follow_up_text(follow_up: FollowUp, lang: Lang) -> String {
    let verify = |kind: PinKind| format!("`mynapin verify --pin {}`", kind.name());
    match (follow_up, lang) {
        (FollowUp::ReadCounters, Lang::En) => {
            "Run `mynapin status` to see the counter before anything else.".into()
        }
        (FollowUp::ReadCounters, Lang::Ja) => {
            "まず `mynapin status` で残り回数を確認してください。".into()
        }
        (FollowUp::TestPin(kind), Lang::En) => {
            format!("Check it with {} before trying again.", verify(kind))
        }
        (FollowUp::TestPin(kind), Lang::Ja) => {
            format!("もう一度試す前に {} で確かめてください。", verify(kind))
        }
        (FollowUp::TestNewPin(kind), Lang::En) => format!(
            "To find out safely, run {} with the NEW one first (it is guarded and stops at one try left); if it says wrong, the old one still holds.",
            verify(kind)
        ),
        (FollowUp::TestNewPin(kind), Lang::Ja) => {
            let noun = pin_noun(kind, lang);
            format!(
                "安全に確かめるには、まず新しい{noun}で {} を実行してください（この確認は残り1回になると止まります）。違うと表示されたら、古い{noun}のままです。",
                verify(kind)
            )
        }
        (FollowUp::ShowCaCertificate, Lang::En) => {
            "Run `mynapin cert --which auth-ca` for details.".into()
        }
        (FollowUp::ShowCaCertificate, Lang::Ja) => {
            "`mynapin cert --which auth-ca` で詳しく確認してください。".into()
        }
    }
}
