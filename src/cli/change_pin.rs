//! `mynapin change-pin`: the guarded PIN change. The counter is read and shown first; with one
//! try left, blocked or unknown, nothing is asked and nothing sent. Otherwise the current PIN and
//! the new one (twice, or once with `--pin-stdin`) are read and checked before either reaches the
//! card; then one transaction: counter again, VERIFY, and only on 9000 the CHANGE.

use serde::Serialize;

use super::args::Options;
use super::backend::Backend;
use super::output::Output;
use super::pin_input::{check_pin_source, read_pin_with_prompt};
use super::pin_text::{refusal_text, unknown_cause};
use super::render::counter_text;
use super::{CliError, ExitCode};
use crate::i18n::{Lang, Localized};
use crate::jpki::{
    guarded_change_after, read_counter, ChangeOutcome, Pin, PinChange, PinKind, Refusal,
};

/// Runs the guarded change and prints the result.
pub fn run(
    options: &Options,
    out: &Output,
    kind: PinKind,
    pin_stdin: bool,
) -> Result<ExitCode, CliError> {
    check_pin_source(pin_stdin)?;
    super::wait::wait_if_asked(options, out)?;
    let (reader, outcome) = Backend::run_pin_attempt(
        options,
        out,
        |backend| attempt(backend, out, kind, pin_stdin),
        |outcome, lang| outcome_text(outcome, kind, lang),
    )?;
    let (result, code) = classify(&outcome);
    if out.json {
        out.print_json(&ChangeJson {
            reader,
            pin: kind.name(),
            result,
            tries_left: outcome.tries_left(kind),
            reason: match outcome {
                ChangeOutcome::Refused(Refusal::LastTry) => Some("last-try"),
                ChangeOutcome::Refused(Refusal::CounterUnknown(_)) => Some("counter-unknown"),
                _ => None,
            },
            sw: match outcome {
                ChangeOutcome::Rejected(sw) => Some(sw.to_string()),
                _ => None,
            },
        });
    } else {
        out.text(outcome_text(&outcome, kind, out.lang));
    }
    Ok(code)
}

/// Reads the counter, asks for the PINs with no transaction open, then the guarded change.
fn attempt(
    backend: &mut Backend,
    out: &Output,
    kind: PinKind,
    pin_stdin: bool,
) -> Result<ChangeOutcome, CliError> {
    let shown = read_counter(backend, kind)?;
    let counter = shown.counter;
    out.text(format!(
        "{}: {}",
        kind.title(out.lang),
        counter_text(kind, counter, out.lang)
    ));
    if let Some(refusal) = counter.refusal() {
        return Ok(ChangeOutcome::Refused(refusal));
    }
    let change = read_change(kind, pin_stdin, out.lang)?;
    Ok(guarded_change_after(backend, &shown, &change)?)
}

/// The current PIN, then the new one: twice from the terminal, once from stdin. Each is
/// format-checked as soon as it is read; a new PIN typed differently twice, or equal to the
/// current one, is a usage error. Nothing reaches the card before this returns.
fn read_change(kind: PinKind, pin_stdin: bool, lang: Lang) -> Result<PinChange, CliError> {
    let hint = kind.format_hint(lang);
    let title = kind.title(lang);
    let (current_prompt, new_prompt, again_prompt) = match lang {
        Lang::En => (
            format!("Current {title} ({hint}): "),
            format!("New {title} ({hint}): "),
            format!("New {title} again: "),
        ),
        Lang::Ja => (
            format!("現在の{title}（{hint}）: "),
            format!("新しい{title}（{hint}）: "),
            format!("新しい{title}（確認）: "),
        ),
    };
    let current = read_pin_with_prompt(kind, &current_prompt)?;
    let new = read_pin_with_prompt(kind, &new_prompt)?;
    if !pin_stdin {
        let again: Pin = read_pin_with_prompt(kind, &again_prompt)?;
        if again.expose() != new.expose() {
            return Err(CliError::usage(
                "The two entries of the new PIN differ. Nothing was sent to the card; run again.",
                "新しい暗証番号の2回の入力が一致しません。カードには何も送っていません。もう一度実行してください。",
            ));
        }
    }
    PinChange::new(current, new)
        .map_err(|error| CliError::usage(error.localized(Lang::En), error.localized(Lang::Ja)))
}

/// JSON `result` and the exit code.
fn classify(outcome: &ChangeOutcome) -> (&'static str, ExitCode) {
    match outcome {
        ChangeOutcome::Changed => ("changed", ExitCode::Success),
        ChangeOutcome::WrongCurrent { .. } => ("wrong-pin", ExitCode::WrongPin),
        ChangeOutcome::Blocked { .. } | ChangeOutcome::Refused(Refusal::Blocked(_)) => {
            ("blocked", ExitCode::Blocked)
        }
        ChangeOutcome::Refused(_) => ("refused", ExitCode::Refused),
        ChangeOutcome::Rejected(_) => ("rejected", ExitCode::Other),
        ChangeOutcome::Unknown(_) => ("unknown", ExitCode::Other),
        ChangeOutcome::UnknownVerify(_) => ("unknown-verify", ExitCode::Other),
    }
}

fn outcome_text(outcome: &ChangeOutcome, kind: PinKind, lang: Lang) -> String {
    let max = kind.max_tries();
    let title = kind.title(lang);
    let name = kind.name();
    match (outcome, lang) {
        (ChangeOutcome::Changed, Lang::En) => format!("The {title} is changed: use the new one from now on ({max} of {max} tries left)."),
        (ChangeOutcome::Changed, Lang::Ja) => format!("{title}を変更しました。これからは新しいものを使ってください（残り {max} 回）。"),
        (ChangeOutcome::WrongCurrent { tries_left: 1 }, Lang::En) => format!(
            "The current PIN is wrong; the new one was not sent. 1 of {max} tries left: one more wrong try locks it, so mynapin will not send another PIN for it. A correct PIN entered elsewhere (the clinic, the official software) restores all tries."
        ),
        (ChangeOutcome::WrongCurrent { tries_left: 1 }, Lang::Ja) => format!(
            "現在の暗証番号が違います。新しい暗証番号は送っていません。残り 1 回（最大 {max} 回）です。あと1回間違えるとロックされるため、mynapin はもう送りません。別の場所（医療機関、公式ソフト）で正しい暗証番号を入力すると回数は元に戻ります。"
        ),
        (ChangeOutcome::WrongCurrent { tries_left }, Lang::En) => format!("The current PIN is wrong; the new one was not sent. {tries_left} of {max} tries left."),
        (ChangeOutcome::WrongCurrent { tries_left }, Lang::Ja) => format!("現在の暗証番号が違います。新しい暗証番号は送っていません。残り {tries_left} 回（最大 {max} 回）です。"),
        (ChangeOutcome::Blocked { sw }, Lang::En) => format!("The current PIN was wrong and the PIN is now blocked ({sw}); the new one was not sent. Unlocking needs a visit to your city office with the card and an ID."),
        (ChangeOutcome::Blocked { sw }, Lang::Ja) => format!("現在の暗証番号が違い、ロックされました（{sw}）。新しい暗証番号は送っていません。解除には、カードを持って市区町村の窓口へ行く必要があります。"),
        (ChangeOutcome::Refused(refusal), _) => refusal_text(*refusal, kind, lang),
        (ChangeOutcome::Rejected(sw), Lang::En) => format!(
            "The current PIN was right, but the card refused the change (it answered {sw}, {}). As far as the card said, the old PIN still holds. Check it with `mynapin verify --pin {name}` before trying again.",
            sw.status()
        ),
        (ChangeOutcome::Rejected(sw), Lang::Ja) => format!(
            "現在の暗証番号は正しいですが、カードが変更を拒否しました（応答 {sw}）。カードの応答どおりなら、古い暗証番号のままです。もう一度試す前に `mynapin verify --pin {name}` で確かめてください。"
        ),
        (ChangeOutcome::Unknown(cause), Lang::En) => format!(
            "The change was sent but its answer was lost: {} The PIN is now either the old one or the new one; mynapin does not send the change again. To find out safely, run `mynapin verify --pin {name}` with the NEW one first (verify is guarded and stops at one try left); if it says wrong, the old one still holds.",
            unknown_cause(cause, lang)
        ),
        (ChangeOutcome::Unknown(cause), Lang::Ja) => format!(
            "変更を送りましたが、応答が途切れました: {} 暗証番号は古いものか新しいもののどちらかです。mynapin は変更を再送しません。安全に確かめるには、まず新しい暗証番号で `mynapin verify --pin {name}` を実行してください（verify は残り1回で止まります）。違うと言われたら、古い暗証番号のままです。",
            unknown_cause(cause, lang)
        ),
        (ChangeOutcome::UnknownVerify(cause), Lang::En) => format!(
            "The current PIN was sent, but its result is unknown: {} The new PIN was not sent, so the old one still holds. Whether a try was spent is not known, and mynapin will not send the PIN again. Run `mynapin status` to see the counter before anything else.",
            unknown_cause(cause, lang)
        ),
        (ChangeOutcome::UnknownVerify(cause), Lang::Ja) => format!(
            "現在の暗証番号を送りましたが、結果が分かりません: {} 新しい暗証番号は送っていないため、古い暗証番号のままです。試行回数が減ったかどうかは不明で、mynapin は再送しません。まず `mynapin status` で残り回数を確認してください。",
            unknown_cause(cause, lang)
        ),
    }
}

#[derive(Serialize)]
struct ChangeJson {
    reader: String,
    pin: &'static str,
    result: &'static str,
    tries_left: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sw: Option<String>,
}
