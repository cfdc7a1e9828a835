//! The clinic checklist (`check` in the command line, the check screen in the window): each
//! step's title, its verdict, and what it found with the next step.

use super::pin::{card_type, last_try_advice, next_steps};
use super::{FollowUp, Message};
use crate::i18n::Lang;
use crate::jpki::{CheckStep, Finding, PinKind, StepResult, Verdict, EXPIRY_WARNING_DAYS};

/// What the step checks, for people.
pub fn check_step_title(step: CheckStep, lang: Lang) -> &'static str {
    match (step, lang) {
        (CheckStep::Card, Lang::En) => "reader and My Number card",
        (CheckStep::Card, Lang::Ja) => "カードリーダーとマイナンバーカード",
        (CheckStep::PinCounter, Lang::En) => "user-authentication PIN tries left",
        (CheckStep::PinCounter, Lang::Ja) => "利用者証明用暗証番号の残り回数",
        (CheckStep::CertificateValidity, Lang::En) => "user-authentication certificate validity",
        (CheckStep::CertificateValidity, Lang::Ja) => "利用者証明用電子証明書の有効期間",
        (CheckStep::CertificateIssuer, Lang::En) => "certificate issued by the card's CA",
        (CheckStep::CertificateIssuer, Lang::Ja) => "カード内の認証局による証明書の発行",
        (CheckStep::PinAndKey, Lang::En) => "PIN and signature with the card's key",
        (CheckStep::PinAndKey, Lang::Ja) => "暗証番号とカードの鍵による署名",
        (CheckStep::Revocation, Lang::En) => "revocation status",
        (CheckStep::Revocation, Lang::Ja) => "失効状態",
    }
}

/// The checklist's last line: whether the card should work at the clinic.
pub fn check_summary(passed: bool, lang: Lang) -> &'static str {
    match (passed, lang) {
        (true, Lang::En) => "Every check passed: the card should work with this PIN at the clinic. (Revocation cannot be checked from here.)",
        (true, Lang::Ja) => "すべての確認に合格しました。このカードと暗証番号は医療機関で使えるはずです（失効状態はここでは確認できません）。",
        (false, Lang::En) => "Not every check passed: see the steps above for what to do.",
        (false, Lang::Ja) => "合格しなかった確認があります。上の各項目の対処を参照してください。",
    }
}

/// The verdict in a word.
pub fn verdict_label(verdict: Verdict, lang: Lang) -> &'static str {
    match (verdict, lang) {
        (Verdict::Passed, Lang::En) => "passed",
        (Verdict::Failed, Lang::En) => "FAILED",
        (Verdict::NotChecked, Lang::En) => "not checked",
        (Verdict::Passed, Lang::Ja) => "合格",
        (Verdict::Failed, Lang::Ja) => "不合格",
        (Verdict::NotChecked, Lang::Ja) => "未確認",
    }
}

/// What the step found and, when it did not pass, what to do.
pub fn check_step(result: &StepResult, lang: Lang) -> Message {
    let max = PinKind::Auth.max_tries();
    let date = |end| super::date(end, lang);
    let text = match (&result.finding, lang) {
        (Finding::Said { en, .. }, Lang::En) => en.clone(),
        (Finding::Said { ja, .. }, Lang::Ja) => ja.clone(),
        (Finding::NeedsEarlier(after), Lang::En) => format!("it needs \"{}\" to pass first", check_step_title(*after, lang)),
        (Finding::NeedsEarlier(after), Lang::Ja) => format!("先に「{}」の合格が必要です", check_step_title(*after, lang)),
        (Finding::NoPin, Lang::En) => "no PIN was given".into(),
        (Finding::NoPin, Lang::Ja) => "暗証番号が入力されませんでした".into(),
        (Finding::Card { card_type: kind, token_label, reader }, Lang::En) => match result.verdict {
            Verdict::Passed => format!("{} ({token_label}) in {reader}", card_type(kind, lang)),
            _ => format!("{} ({token_label}): clinics take only My Number cards.", card_type(kind, lang)),
        },
        (Finding::Card { card_type: kind, token_label, reader }, Lang::Ja) => match result.verdict {
            Verdict::Passed => format!("{}（{token_label}）: {reader}", card_type(kind, lang)),
            _ => format!("{}（{token_label}）: 医療機関で使えるのはマイナンバーカードだけです。", card_type(kind, lang)),
        },
        (Finding::TriesLeft(tries), Lang::En) => format!("{tries} of {max} tries left"),
        (Finding::TriesLeft(tries), Lang::Ja) => format!("残り{tries}回（最大{max}回）"),
        (Finding::LastTry, Lang::En) => format!("1 of {max} tries left: one more wrong entry locks it, so the PIN is not asked for. {}", last_try_advice(PinKind::Auth, lang)),
        (Finding::LastTry, Lang::Ja) => format!("残り1回（最大{max}回）です。あと1回間違えるとロックされるため、暗証番号を尋ねません。{}", last_try_advice(PinKind::Auth, lang)),
        (Finding::Blocked(sw), Lang::En) => format!("blocked ({sw}): the clinic cannot use it. {}", next_steps(PinKind::Auth, lang)),
        (Finding::Blocked(sw), Lang::Ja) => format!("ロック中（{sw}）です。医療機関では使えません。{}", next_steps(PinKind::Auth, lang)),
        (Finding::CounterUnknown(sw), Lang::En) => return Message::then(format!("the card did not report its tries left (it answered {sw}), so the PIN is not asked for. Reinsert the card."), FollowUp::ReadCounters),
        (Finding::CounterUnknown(sw), Lang::Ja) => return Message::then(format!("カードが残り回数を返しませんでした（応答 {sw}）。暗証番号は尋ねません。カードを差し直してください。"), FollowUp::ReadCounters),
        (Finding::Valid { end, days }, Lang::En) => format!("valid until {}, {days} days left", date(end)),
        (Finding::Valid { end, days }, Lang::Ja) => format!("{}まで有効（残り{days}日）", date(end)),
        (Finding::Expiring { end, days }, Lang::En) => format!("valid until {}, only {days} days left (fewer than {EXPIRY_WARNING_DAYS}). Renew it at your city office before it ends (possible from three months before).", date(end)),
        (Finding::Expiring { end, days }, Lang::Ja) => format!("{}まで有効ですが、残り{days}日です（{EXPIRY_WARNING_DAYS}日未満）。期限が切れる前に市区町村の窓口で更新してください（3か月前から可能です）。", date(end)),
        (Finding::Expired { end }, Lang::En) => format!("expired on {}: the clinic cannot use it. Renew it at your city office.", date(end)),
        (Finding::Expired { end }, Lang::Ja) => format!("{}に期限切れです。医療機関では使えません。市区町村の窓口で更新してください。", date(end)),
        (Finding::NotYetValid, Lang::En) => "not valid yet: check the computer's date and time, then try again.".into(),
        (Finding::NotYetValid, Lang::Ja) => "まだ有効期間が始まっていません。コンピューターの日付と時刻を確認してから、もう一度試してください。".into(),
        (Finding::NotX509, Lang::En) => return Message::then("a certificate on the card is not X.509; the card may need replacing at your city office.", FollowUp::ShowCaCertificate),
        (Finding::NotX509, Lang::Ja) => return Message::then("カード内の証明書が X.509 ではありません。市区町村の窓口でカードの交換が必要かもしれません。", FollowUp::ShowCaCertificate),
        (Finding::IssuerMismatch, Lang::En) => "the certificate's issuer is not the CA certificate the card carries (EF 000B). The card's data is inconsistent: ask your city office.".into(),
        (Finding::IssuerMismatch, Lang::Ja) => "証明書の発行者がカード内の認証局証明書（EF 000B）と一致しません。カードのデータに不整合があります。市区町村の窓口に相談してください。".into(),
        (Finding::BadSignature, Lang::En) => "the certificate's signature does not verify under the card's CA certificate (EF 000B). The certificate cannot be trusted: ask your city office.".into(),
        (Finding::BadSignature, Lang::Ja) => "証明書の署名がカード内の認証局証明書（EF 000B）で検証できません。この証明書は信頼できません。市区町村の窓口に相談してください。".into(),
        (Finding::UnsupportedAlgorithm, Lang::En) => "the certificate is signed with an algorithm mynapin does not verify (only sha256WithRSAEncryption). Please report it.".into(),
        (Finding::UnsupportedAlgorithm, Lang::Ja) => "mynapin が検証しない署名方式です（sha256WithRSAEncryption のみ対応）。報告してください。".into(),
        (Finding::SignedByValidCa, Lang::En) => "signed by the CA certificate on the card (EF 000B), which is valid".into(),
        (Finding::SignedByValidCa, Lang::Ja) => "カード内の認証局証明書（EF 000B）による署名で、認証局証明書も有効です".into(),
        (Finding::CaNotValid, Lang::En) => "the card's CA certificate (EF 000B) is outside its validity. Check the computer's date; if it is right, ask your city office.".into(),
        (Finding::CaNotValid, Lang::Ja) => "カード内の認証局証明書（EF 000B）が有効期間外です。コンピューターの日付を確認し、正しければ市区町村の窓口に相談してください。".into(),
        (Finding::Signed, Lang::En) => format!("the PIN is right ({max} of {max} tries left again) and the card's key signed a fresh challenge that verifies under the certificate"),
        (Finding::Signed, Lang::Ja) => format!("暗証番号は正しく（残り回数は{max}回に戻りました）、カードの鍵による新しいチャレンジへの署名が証明書で検証できました"),
        (Finding::SignatureMismatch, Lang::En) => "the PIN is right, but the card's signature does not verify under its certificate: the key and the certificate do not match. The clinic's reader will refuse it; ask your city office to reissue the certificate.".into(),
        (Finding::SignatureMismatch, Lang::Ja) => "暗証番号は正しいですが、カードの署名が証明書で検証できません（鍵と証明書が一致しません）。医療機関では使えません。市区町村の窓口で証明書の再発行を相談してください。".into(),
        (Finding::SignatureRefused { command, sw }, Lang::En) => format!("the PIN is right, but the card answered {sw} to {command}. Reinsert the card and try again; if it persists, ask your city office."),
        (Finding::SignatureRefused { command, sw }, Lang::Ja) => format!("暗証番号は正しいですが、カードが {command} に {sw} と応答しました。差し直してもう一度試し、続く場合は市区町村の窓口に相談してください。"),
        (Finding::SignatureLost, Lang::En) => "the PIN is right, but the signature's answer was lost (the card may have left the reader). Reinsert it and try again.".into(),
        (Finding::SignatureLost, Lang::Ja) => "暗証番号は正しいですが、署名の応答が途切れました（カードが外れた可能性があります）。差し直してもう一度試してください。".into(),
        (Finding::WrongPin { tries_left: 1 }, Lang::En) => format!("wrong PIN: 1 of {max} tries left. One more wrong entry locks it, so mynapin will not send another. {}", last_try_advice(PinKind::Auth, lang)),
        (Finding::WrongPin { tries_left: 1 }, Lang::Ja) => format!("暗証番号が違います。残り1回（最大{max}回）です。あと1回間違えるとロックされるため、mynapin はもう送りません。{}", last_try_advice(PinKind::Auth, lang)),
        (Finding::WrongPin { tries_left }, Lang::En) => format!("wrong PIN: {tries_left} of {max} tries left. Find the PIN you chose (4 digits) before the clinic visit."),
        (Finding::WrongPin { tries_left }, Lang::Ja) => format!("暗証番号が違います。残り{tries_left}回（最大{max}回）です。受診前に、設定した暗証番号（半角数字4桁）を確認してください。"),
        (Finding::PinBlocked(sw), Lang::En) => format!("the PIN is now blocked ({sw}). {}", next_steps(PinKind::Auth, lang)),
        (Finding::PinBlocked(sw), Lang::Ja) => format!("暗証番号はロックされています（{sw}）。{}", next_steps(PinKind::Auth, lang)),
        (Finding::PinRefused, Lang::En) => return Message::then("the counter read just before the PIN no longer allowed it, so the PIN was not sent.", FollowUp::ReadCounters),
        (Finding::PinRefused, Lang::Ja) => return Message::then("暗証番号を送る直前に読んだ残り回数が送信を許さなかったため、送信していません。", FollowUp::ReadCounters),
        (Finding::PinUnknown, Lang::En) => return Message::then("the PIN was sent but the card's answer was lost: whether a try was spent is unknown, and mynapin does not send it again. Reinsert the card.", FollowUp::ReadCounters),
        (Finding::PinUnknown, Lang::Ja) => return Message::then("暗証番号を送りましたが、カードの応答が途切れました。試行回数が減ったかどうかは不明で、mynapin は再送しません。カードを差し直してください。", FollowUp::ReadCounters),
        (Finding::RevocationNeedsJLis, Lang::En) => "only verifiers registered with J-LIS can learn it. If you reported the card lost or moved house, ask your city office.".into(),
        (Finding::RevocationNeedsJLis, Lang::Ja) => "失効情報は J-LIS に登録された検証者にしか提供されません。カードの紛失届や転居をした場合は、市区町村の窓口に確認してください。".into(),
    };
    Message::new(text)
}
