//! The texts the window shows about PINs, counters and outcomes.
//!
//! TODO(texts): a temporary copy of the CLI's texts (src/cli/pin_text.rs, render/counter.rs,
//! verify.rs, change_pin.rs, render/certificate.rs) until the library's front-end-neutral texts
//! module is on main; then this file keeps only the window's own texts and calls that module.

use std::time::SystemTime;

use mynapin::card::{Counter, PinKind, Refusal, UnknownOutcome, VerifyOutcome};
use mynapin::i18n::{Lang, Localized};
use mynapin::jpki::{
    CardIdentity, CardType, ChangeOutcome, CheckStep, ExpiryState, StepResult, ValidityPeriod,
    Verdict,
};

/// The two languages as an exhaustive enum (`Lang` is non-exhaustive).
#[derive(Clone, Copy)]
enum L {
    En,
    Ja,
}

fn l(lang: Lang) -> L {
    match lang {
        Lang::Ja => L::Ja,
        _ => L::En,
    }
}

/// An outcome this copy does not know yet (the library's texts module will).
fn unexpected(lang: Lang) -> String {
    lang.pick(
        "Unexpected result. Read the card again to see the counter.",
        "想定外の結果です。カードを読み直して残り回数を確認してください。",
    )
    .to_string()
}

/// What the secret is called in running text: the signature password is a password.
pub fn noun(kind: PinKind, lang: Lang) -> &'static str {
    match (kind, l(lang)) {
        (PinKind::Sign, L::En) => "password",
        (PinKind::Sign, L::Ja) => "パスワード",
        (_, L::En) => "PIN",
        (_, L::Ja) => "暗証番号",
    }
}

/// At one try left: where a correct entry restores the tries, and only if the person is sure.
pub fn last_try_advice(kind: PinKind, lang: Lang) -> &'static str {
    match (kind, l(lang)) {
        (PinKind::Auth, L::En) => "Only if you are sure of the PIN: entering it correctly once (at the clinic's card reader, or on Mynaportal) restores all tries. Do not guess.",
        (PinKind::Auth, L::Ja) => "暗証番号が確実に分かっている場合だけ、医療機関のカードリーダーやマイナポータルで正しく入力してください。1回正しく入力すると回数は元に戻ります。推測で入力しないでください。",
        (PinKind::Sign, L::En) => "Only if you are sure of the password: entering it correctly once (in e-Tax or the JPKI user software, JPKI利用者ソフト) restores all tries. Do not guess.",
        (PinKind::Sign, L::Ja) => "パスワードが確実に分かっている場合だけ、e-Tax や JPKI利用者ソフトで正しく入力してください。1回正しく入力すると回数は元に戻ります。推測で入力しないでください。",
        (PinKind::CardInfo, L::En) => "Only if you are sure of the PIN: entering it correctly once (in an app that reads the card's details) restores all tries. Do not guess.",
        (PinKind::CardInfo, L::Ja) => "暗証番号が確実に分かっている場合だけ、カードの情報を読み取るアプリで正しく入力してください。1回正しく入力すると回数は元に戻ります。推測で入力しないでください。",
    }
}

/// Why the guard did not send the PIN, and what to do.
pub fn refusal_text(refusal: Refusal, kind: PinKind, lang: Lang) -> String {
    let noun = noun(kind, lang);
    let next = next_steps_text(kind, lang);
    match (refusal, l(lang)) {
        (Refusal::LastTry, L::En) => format!("Only one try is left: one more wrong entry would lock it, so mynapin did not send the {noun} (no try was spent). {} If it does get locked: {next}", last_try_advice(kind, lang)),
        (Refusal::LastTry, L::Ja) => format!("残り1回です。あと1回間違えるとロックされるため、mynapin は{noun}を送っていません（回数は減っていません）。{}ロックされた場合: {next}", last_try_advice(kind, lang)),
        (Refusal::Blocked(sw), L::En) => format!("The {noun} is blocked ({sw}); mynapin did not send it. {next}"),
        (Refusal::Blocked(sw), L::Ja) => format!("{noun}はロックされています（{sw}）。送信していません。{next}"),
        (Refusal::CounterUnknown(sw), L::En) => format!("The card did not report how many tries are left (it answered {sw}). mynapin sends a {noun} only when it can see at least two tries left, so it was not sent."),
        (Refusal::CounterUnknown(sw), L::Ja) => format!("カードが残り回数を返しませんでした（応答 {sw}）。mynapin は残り2回以上を確認できたときだけ{noun}を送るため、送信していません。"),
        _ => unexpected(lang),
    }
}

/// Why the outcome of a sent PIN is unknown.
pub fn unknown_cause(cause: &UnknownOutcome, lang: Lang) -> String {
    match (cause, l(lang)) {
        (UnknownOutcome::Exchange(error), _) => error.localized(lang),
        (UnknownOutcome::Transport(error), _) => error.localized(lang),
        (UnknownOutcome::UnexpectedStatus(sw), L::En) => {
            format!("the card answered {sw}, which it never answers to a PIN check.")
        }
        (UnknownOutcome::UnexpectedStatus(sw), L::Ja) => {
            format!("カードが、照合には返さないはずの応答 {sw} を返しました。")
        }
        _ => unexpected(lang),
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
    match l(lang) {
        L::En => format!(
            "If you know your {}, you can reset it yourself with the smartphone app \"JPKI暗証番号リセット\" and then a kiosk (multi-copy machine) at a convenience store that offers it; otherwise at your city office, with the card and an ID.",
            other.title(lang)
        ),
        L::Ja => format!(
            "{}が分かれば、スマートフォンアプリ「JPKI暗証番号リセット」と、対応するコンビニ等のキオスク端末（マルチコピー機）で自分で初期化できます。分からなければ、カードと本人確認書類を持って市区町村の窓口で手続きしてください。",
            other.title(lang)
        ),
    }
}

/// The counter in words, short.
pub fn counter_text(kind: PinKind, counter: Counter, lang: Lang) -> String {
    let max = kind.max_tries();
    match (counter, l(lang)) {
        (Counter::TriesLeft(tries), L::En) => format!("{tries} of {max} tries left"),
        (Counter::TriesLeft(tries), L::Ja) => format!("残り{tries}回（最大{max}回）"),
        (Counter::Blocked(sw), L::En) => format!("blocked ({sw})"),
        (Counter::Blocked(sw), L::Ja) => format!("ロック中（{sw}）"),
        (Counter::Unknown(sw), L::En) => format!("unknown (the card answered {sw})"),
        (Counter::Unknown(sw), L::Ja) => format!("不明（カードの応答 {sw}）"),
    }
}

/// What a counter means for the person when it needs their attention: at one try left, blocked,
/// or unknown. `None` at two or more tries left.
pub fn counter_advice(kind: PinKind, counter: Counter, lang: Lang) -> Option<String> {
    let noun = noun(kind, lang);
    Some(match (counter, l(lang)) {
        (Counter::TriesLeft(1), L::En) => format!(
            "One more wrong entry locks it, so mynapin will not send the {noun}. {}",
            last_try_advice(kind, lang)
        ),
        (Counter::TriesLeft(1), L::Ja) => format!(
            "あと1回間違えるとロックされるため、mynapin は{noun}を送りません。{}",
            last_try_advice(kind, lang)
        ),
        (Counter::TriesLeft(_), _) => return None,
        (Counter::Blocked(_), _) => next_steps_text(kind, lang),
        (Counter::Unknown(_), L::En) => {
            format!("mynapin sends no {noun} while the counter cannot be read.")
        }
        (Counter::Unknown(_), L::Ja) => {
            format!("残り回数が読み取れない間、mynapin は{noun}を送りません。")
        }
    })
}

pub fn card_type_text(card_type: &CardType, lang: Lang) -> &'static str {
    match (card_type, l(lang)) {
        (CardType::MyNumberCard, L::En) => "My Number card",
        (CardType::MyNumberCard, L::Ja) => "マイナンバーカード",
        (CardType::JukiCard, L::En) => "Juki card (住基カード)",
        (CardType::JukiCard, L::Ja) => "住基カード",
        (CardType::OtherJpki, L::En) => "JPKI card of an unknown kind",
        (CardType::OtherJpki, L::Ja) => "種類不明の公的個人認証カード",
        _ => lang.pick("card of an unknown kind", "種類不明のカード"),
    }
}

pub fn verify_outcome(outcome: &VerifyOutcome, kind: PinKind, lang: Lang) -> String {
    let max = kind.max_tries();
    let noun = noun(kind, lang);
    let next = next_steps_text(kind, lang);
    match (outcome, l(lang)) {
        (VerifyOutcome::Verified, L::En) => format!("The {noun} is correct. The counter is back at {max} of {max} tries."),
        (VerifyOutcome::Verified, L::Ja) => format!("{noun}は正しいです。残り回数は{max}回に戻りました。"),
        (VerifyOutcome::WrongPin { tries_left: 1 }, L::En) => format!(
            "Wrong {noun}. 1 of {max} tries left: one more wrong entry locks it, so mynapin will not send a {noun} for it while only one try is left. {} If it gets locked: {next}",
            last_try_advice(kind, lang)
        ),
        (VerifyOutcome::WrongPin { tries_left: 1 }, L::Ja) => format!(
            "{noun}が違います。残り1回（最大{max}回）です。あと1回間違えるとロックされるため、残り1回の間、mynapin は{noun}を送りません。{}ロックされた場合: {next}",
            last_try_advice(kind, lang)
        ),
        (VerifyOutcome::WrongPin { tries_left }, L::En) => format!("Wrong {noun}. {tries_left} of {max} tries left."),
        (VerifyOutcome::WrongPin { tries_left }, L::Ja) => format!("{noun}が違います。残り{tries_left}回（最大{max}回）です。"),
        (VerifyOutcome::Blocked { sw }, L::En) => format!("Wrong {noun}, and it is now blocked ({sw}). {next}"),
        (VerifyOutcome::Blocked { sw }, L::Ja) => format!("{noun}が違い、ロックされました（{sw}）。{next}"),
        (VerifyOutcome::Refused(refusal), _) => refusal_text(*refusal, kind, lang),
        (VerifyOutcome::Unknown(cause), L::En) => format!(
            "The {noun} was sent, but its result is unknown: {} Whether a try was spent is not known, and mynapin will not send it again. Run `mynapin status` to see the counter before anything else.",
            unknown_cause(cause, lang)
        ),
        (VerifyOutcome::Unknown(cause), L::Ja) => format!(
            "{noun}を送りましたが、結果が分かりません。{}回数が減ったかどうかは不明で、mynapin は再送しません。まず `mynapin status` で残り回数を確認してください。",
            unknown_cause(cause, lang)
        ),
        _ => unexpected(lang),
    }
}

pub fn change_outcome(outcome: &ChangeOutcome, kind: PinKind, lang: Lang) -> String {
    let max = kind.max_tries();
    let title = kind.title(lang);
    let name = kind.name();
    let noun = noun(kind, lang);
    let next = next_steps_text(kind, lang);
    match (outcome, l(lang)) {
        (ChangeOutcome::Changed, L::En) => format!("The {title} is changed: use the new one from now on ({max} of {max} tries left)."),
        (ChangeOutcome::Changed, L::Ja) => format!("{title}を変更しました。これからは新しいものを使ってください（残り{max}回）。"),
        (ChangeOutcome::WrongCurrent { tries_left: 1 }, L::En) => format!(
            "The current {noun} is wrong; the new one was not sent. 1 of {max} tries left: one more wrong entry locks it, so mynapin will not send another {noun} for it. {}",
            last_try_advice(kind, lang)
        ),
        (ChangeOutcome::WrongCurrent { tries_left: 1 }, L::Ja) => format!(
            "現在の{noun}が違います。新しい{noun}は送っていません。残り1回（最大{max}回）です。あと1回間違えるとロックされるため、mynapin はもう送りません。{}",
            last_try_advice(kind, lang)
        ),
        (ChangeOutcome::WrongCurrent { tries_left }, L::En) => format!("The current {noun} is wrong; the new one was not sent. {tries_left} of {max} tries left."),
        (ChangeOutcome::WrongCurrent { tries_left }, L::Ja) => format!("現在の{noun}が違います。新しい{noun}は送っていません。残り{tries_left}回（最大{max}回）です。"),
        (ChangeOutcome::Blocked { sw }, L::En) => format!("The current {noun} was wrong and it is now blocked ({sw}); the new one was not sent. {next}"),
        (ChangeOutcome::Blocked { sw }, L::Ja) => format!("現在の{noun}が違い、ロックされました（{sw}）。新しい{noun}は送っていません。{next}"),
        (ChangeOutcome::Refused(refusal), _) => refusal_text(*refusal, kind, lang),
        (ChangeOutcome::Rejected(sw), L::En) => format!(
            "The current {noun} was right, but the card refused the change (it answered {sw}, {}). As far as the card said, the old {noun} still holds. Check it with `mynapin verify --pin {name}` before trying again.",
            sw.status()
        ),
        (ChangeOutcome::Rejected(sw), L::Ja) => format!(
            "現在の{noun}は正しいですが、カードが変更を拒否しました（応答 {sw}）。カードの応答どおりなら、古い{noun}のままです。もう一度試す前に `mynapin verify --pin {name}` で確かめてください。"
        ),
        (ChangeOutcome::Unknown(cause), L::En) => format!(
            "The change was sent but its answer was lost: {} The {noun} is now either the old one or the new one; mynapin does not send the change again. To find out safely, run `mynapin verify --pin {name}` with the NEW one first (it is guarded and stops at one try left); if it says wrong, the old one still holds.",
            unknown_cause(cause, lang)
        ),
        (ChangeOutcome::Unknown(cause), L::Ja) => format!(
            "変更を送りましたが、応答が途切れました。{}{noun}は古いものか新しいもののどちらかです。mynapin は変更を再送しません。安全に確かめるには、まず新しい{noun}で `mynapin verify --pin {name}` を実行してください（この確認は残り1回になると止まります）。違うと表示されたら、古い{noun}のままです。",
            unknown_cause(cause, lang)
        ),
        (ChangeOutcome::UnknownVerify(cause), L::En) => format!(
            "The current {noun} was sent, but its result is unknown: {} The new one was not sent, so the old one still holds. Whether a try was spent is not known, and mynapin will not send it again. Run `mynapin status` to see the counter before anything else.",
            unknown_cause(cause, lang)
        ),
        (ChangeOutcome::UnknownVerify(cause), L::Ja) => format!(
            "現在の{noun}を送りましたが、結果が分かりません。{}新しい{noun}は送っていないため、古い{noun}のままです。回数が減ったかどうかは不明で、mynapin は再送しません。まず `mynapin status` で残り回数を確認してください。",
            unknown_cause(cause, lang)
        ),
        _ => unexpected(lang),
    }
}

/// `YYYY-MM-DD` (English) or `2031年5月31日` (Japanese) of a certificate time, in Japan's time
/// (UTC+9): JPKI certificates end at 14:59:59Z, the end of a day in Japan.
pub fn japan_date(unix_seconds: u64, lang: Lang) -> String {
    let days = (unix_seconds + 9 * 3600) / 86_400;
    let (year, month, day) = civil_from_days(days as i64);
    match l(lang) {
        L::Ja => format!("{year}年{month}月{day}日"),
        _ => format!("{year:04}-{month:02}-{day:02}"),
    }
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The auth certificate's end date and days left, and a warning within 90 days of the end.
pub fn certificate_lines(
    certificate: &Result<ValidityPeriod, String>,
    now: SystemTime,
    lang: Lang,
) -> (String, Option<String>) {
    let title = lang.pick("user-authentication certificate", "利用者証明用電子証明書");
    let expiry = match certificate {
        Ok(expiry) => expiry,
        Err(error) => {
            return (
                match l(lang) {
                    L::Ja => format!("{title}を読み取れません: {error}"),
                    _ => format!("The {title} could not be read: {error}"),
                },
                None,
            )
        }
    };
    let days = expiry.days_left(now);
    let until = japan_date(expiry.not_after.unix_duration().as_secs(), lang);
    let line = match (expiry.state(now), l(lang)) {
        (ExpiryState::Expired, L::Ja) => {
            format!(
                "{title} は {until} に期限切れ（{}日前）",
                days.unsigned_abs()
            )
        }
        (ExpiryState::Expired, _) => format!(
            "The {title} expired on {until} ({} days ago)",
            days.unsigned_abs()
        ),
        (ExpiryState::NotYetValid, L::Ja) => format!("{title} はまだ有効期間前です"),
        (ExpiryState::NotYetValid, _) => format!("The {title} is not valid yet"),
        (_, L::Ja) => format!("{title}: {until} まで有効（残り{days}日）"),
        (_, _) => format!("The {title} is valid until {until}, {days} days left"),
    };
    let warning = match (expiry.state(now), l(lang)) {
        (ExpiryState::Valid, _) => None,
        (ExpiryState::Expiring, L::Ja) => Some(format!(
            "{title}の有効期限まで残り{days}日です。期限までに市区町村の窓口で更新してください（利用者証明用暗証番号が必要です）。"
        )),
        (ExpiryState::Expiring, _) => Some(format!(
            "The {title} expires in {days} days. Renew it at your city office (市区町村の窓口で更新) before then; the auth PIN is needed."
        )),
        (ExpiryState::Expired, L::Ja) => Some(format!(
            "{title}の有効期限が切れています。マイナポータルへのログインなどに使えません。市区町村の窓口で更新してください。"
        )),
        (ExpiryState::Expired, _) => Some(format!(
            "The {title} has expired; logging in with the card (e.g. to Mynaportal) no longer works. Renew it at your city office (市区町村の窓口で更新)."
        )),
        (ExpiryState::NotYetValid, L::Ja) => Some(
            "このコンピューターの時計では証明書はまだ有効期間前です。日付と時刻の設定を確認してください。".into(),
        ),
        (ExpiryState::NotYetValid, _) => Some(
            "The certificate is not valid yet by this computer's clock. Check the date and time settings.".into(),
        ),
        _ => None,
    };
    (line, warning)
}

/// The clinic check's first step: which card is in the reader.
pub fn card_step(identity: &CardIdentity, reader: Option<&str>) -> StepResult {
    let reader_en = reader.unwrap_or("the demo card");
    let reader_ja = reader.unwrap_or("デモカード");
    match identity.card_type {
        CardType::MyNumberCard => StepResult::new(
            CheckStep::Card,
            Verdict::Passed,
            "ok",
            format!(
                "{} ({}) in {reader_en}",
                card_type_text(&identity.card_type, Lang::En),
                identity.token_label
            ),
            format!(
                "{}（{}）: {reader_ja}",
                card_type_text(&identity.card_type, Lang::Ja),
                identity.token_label
            ),
        ),
        _ => StepResult::new(
            CheckStep::Card,
            Verdict::Failed,
            "not-my-number-card",
            format!(
                "{} ({}): clinics take only My Number cards.",
                card_type_text(&identity.card_type, Lang::En),
                identity.token_label
            ),
            format!(
                "{}（{}）: 医療機関で使えるのはマイナンバーカードだけです。",
                card_type_text(&identity.card_type, Lang::Ja),
                identity.token_label
            ),
        ),
    }
}

/// The check's closing sentence.
pub fn check_summary(passed: bool, lang: Lang) -> &'static str {
    if passed {
        lang.pick(
            "Every check passed: the card should work with this PIN at the clinic. (Revocation cannot be checked from here.)",
            "すべての確認に合格しました。このカードと暗証番号は医療機関で使えるはずです（失効状態はここでは確認できません）。",
        )
    } else {
        lang.pick(
            "Not every check passed: see the steps above for what to do.",
            "合格しなかった確認があります。上の各項目の対処を参照してください。",
        )
    }
}

/// A step's verdict in words (shown with an icon, never by colour alone).
pub fn verdict_text(verdict: Verdict, lang: Lang) -> &'static str {
    match verdict {
        Verdict::Passed => lang.pick("Passed", "合格"),
        Verdict::Failed => lang.pick("Failed", "不合格"),
        _ => lang.pick("Not checked", "未確認"),
    }
}
