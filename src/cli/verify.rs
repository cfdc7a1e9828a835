//! `mynapin verify`: the guarded VERIFY. The counter is read and shown first; with one try left,
//! blocked or unknown, mynapin refuses before asking for the PIN.

use std::io::IsTerminal;

use serde::Serialize;

use super::backend::{Backend, Options};
use super::output::Output;
use super::pin_input::read_pin_line;
use super::status::counter_text;
use super::{CliError, ExitCode};
use crate::i18n::Lang;
use crate::i18n::Localized;
use crate::jpki::localize_exchange;
use crate::jpki::{
    guarded_verify_after, read_counter, Pin, PinFormatError, PinKind, Refusal, UnknownOutcome,
    VerifyOutcome,
};

/// Runs the guarded verify and prints the result.
pub fn run(
    options: &Options,
    out: &Output,
    kind: PinKind,
    pin_stdin: bool,
) -> Result<ExitCode, CliError> {
    if !pin_stdin && !std::io::stdin().is_terminal() {
        return Err(CliError::NoTerminal);
    }
    super::watch::wait_if_asked(options, out)?;
    if out.json {
        // Ctrl-C still gives one JSON document (exit 130). After the wait: Ctrl-C while waiting
        // is `cancelled` (exit 1), and its handler ends here too once the wait is over.
        let lang = out.lang;
        super::interrupt::on_interrupt(move |pin_sent| {
            Output::new(true, lang).error(&CliError::Interrupted { pin_sent });
        });
    }
    let mut backend = Backend::open(options)?;
    let reader = backend.reader_name();
    let attempt = attempt(&mut backend, out, kind);
    let finished = backend.finish();
    let outcome = attempt?;
    match finished {
        // The demo card spent a try it could not record: the user must know (and in JSON the
        // error document carries the result).
        Err(CliError::DemoNotSaved { source, .. }) => {
            out.text(outcome_text(&outcome, kind, out.lang));
            return Err(CliError::DemoNotSaved {
                source,
                done: if out.json {
                    (
                        outcome_text(&outcome, kind, Lang::En),
                        outcome_text(&outcome, kind, Lang::Ja),
                    )
                } else {
                    Default::default()
                },
            });
        }
        Err(error) => log::warn!("closing the card failed after the attempt: {error}"),
        Ok(()) => {}
    }
    let (result, code) = classify(&outcome);
    if out.json {
        out.print_json(&VerifyJson {
            reader,
            pin: kind.name(),
            result,
            tries_left: outcome.tries_left(kind),
            reason: match outcome {
                VerifyOutcome::Refused(Refusal::LastTry) => Some("last-try"),
                VerifyOutcome::Refused(Refusal::CounterUnknown(_)) => Some("counter-unknown"),
                _ => None,
            },
            next_steps: matches!(outcome.tries_left(kind), Some(0 | 1)).then(|| next_steps(kind)),
        });
    } else {
        out.text(outcome_text(&outcome, kind, out.lang));
    }
    Ok(code)
}

/// Reads the counter, asks for the PIN with no transaction open, then the guarded VERIFY.
fn attempt(backend: &mut Backend, out: &Output, kind: PinKind) -> Result<VerifyOutcome, CliError> {
    let shown = read_counter(backend, kind)?;
    out.text(format!(
        "{}: {}",
        kind.title(out.lang),
        counter_text(kind, shown.counter, out.lang)
    ));
    if let Some(refusal) = shown.counter.refusal() {
        return Ok(VerifyOutcome::Refused(refusal));
    }
    let pin = read_pin(kind, out.lang)?;
    super::interrupt::pin_sent();
    Ok(guarded_verify_after(backend, &shown, &pin)?)
}

/// Reads the PIN, hidden on a terminal (with or without `--pin-stdin`) or one line of a pipe,
/// and checks its format at once.
pub(super) fn read_pin(kind: PinKind, lang: Lang) -> Result<Pin, CliError> {
    let prompt = format!("{} ({}): ", kind.title(lang), kind.format_hint(lang));
    read_pin_with_prompt(kind, &prompt)
}

/// [`read_pin`] with the prompt given (`change-pin` asks three times).
pub(super) fn read_pin_with_prompt(kind: PinKind, prompt: &str) -> Result<Pin, CliError> {
    let line = read_pin_line(prompt).map_err(CliError::PinInput)?;
    let line = line.strip_suffix(b"\r").unwrap_or(&line);
    // Not UTF-8 cannot be a PIN: a format error like any other, nothing is sent.
    let text = std::str::from_utf8(line).map_err(|_| PinFormatError { kind })?;
    Ok(Pin::new(kind, text)?)
}

/// JSON `result` and the exit code.
fn classify(outcome: &VerifyOutcome) -> (&'static str, ExitCode) {
    match outcome {
        VerifyOutcome::Verified => ("verified", ExitCode::Success),
        VerifyOutcome::WrongPin { .. } => ("wrong-pin", ExitCode::WrongPin),
        VerifyOutcome::Blocked { .. } | VerifyOutcome::Refused(Refusal::Blocked(_)) => {
            ("blocked", ExitCode::Blocked)
        }
        VerifyOutcome::Refused(_) => ("refused", ExitCode::Refused),
        VerifyOutcome::Unknown(_) => ("unknown", ExitCode::Other),
    }
}

fn outcome_text(outcome: &VerifyOutcome, kind: PinKind, lang: Lang) -> String {
    let max = kind.max_tries();
    match (outcome, lang) {
        (VerifyOutcome::Verified, Lang::En) => format!("The PIN is correct. The counter is back at {max} of {max} tries."),
        (VerifyOutcome::Verified, Lang::Ja) => format!("暗証番号は正しいです。残り回数は {max} 回に戻りました。"),
        (VerifyOutcome::WrongPin { tries_left: 1 }, Lang::En) => format!(
            "Wrong PIN. 1 of {max} tries left. One more wrong try locks it, so mynapin will not send another PIN for it while only one try is left. A correct PIN entered elsewhere (the clinic, the official software) restores all tries. If it gets locked: {}",
            next_steps_text(kind, lang)
        ),
        (VerifyOutcome::WrongPin { tries_left: 1 }, Lang::Ja) => format!(
            "暗証番号が違います。残り 1 回（最大 {max} 回）です。あと1回間違えるとロックされるため、残り 1 回の間、mynapin は暗証番号を送りません。別の場所（医療機関、公式ソフト）で正しい暗証番号を入力すると回数は元に戻ります。ロックされた場合: {}",
            next_steps_text(kind, lang)
        ),
        (VerifyOutcome::WrongPin { tries_left }, Lang::En) => format!("Wrong PIN. {tries_left} of {max} tries left."),
        (VerifyOutcome::WrongPin { tries_left }, Lang::Ja) => format!("暗証番号が違います。残り {tries_left} 回（最大 {max} 回）です。"),
        (VerifyOutcome::Blocked { sw }, Lang::En) => format!(
            "Wrong PIN, and it is now blocked ({sw}). {}",
            next_steps_text(kind, lang)
        ),
        (VerifyOutcome::Blocked { sw }, Lang::Ja) => format!(
            "暗証番号が違い、ロックされました（{sw}）。{}",
            next_steps_text(kind, lang)
        ),
        (VerifyOutcome::Refused(refusal), _) => refusal_text(*refusal, kind, lang),
        (VerifyOutcome::Unknown(cause), Lang::En) => format!(
            "The PIN was sent, but its result is unknown: {} Whether a try was spent is not known, and mynapin will not send the PIN again. Run `mynapin status` to see the counter before anything else.",
            unknown_cause(cause, lang)
        ),
        (VerifyOutcome::Unknown(cause), Lang::Ja) => format!(
            "暗証番号を送りましたが、結果が分かりません: {} 試行回数が減ったかどうかは不明で、mynapin は暗証番号を再送しません。まず `mynapin status` で残り回数を確認してください。",
            unknown_cause(cause, lang)
        ),
    }
}

pub(super) fn refusal_text(refusal: Refusal, kind: PinKind, lang: Lang) -> String {
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

pub(super) fn unknown_cause(cause: &UnknownOutcome, lang: Lang) -> String {
    match (cause, lang) {
        (UnknownOutcome::Exchange(error), _) => localize_exchange(error, lang),
        (UnknownOutcome::Transport(error), _) => error.localized(lang),
        (UnknownOutcome::UnexpectedStatus(sw), Lang::En) => {
            format!("the card answered {sw}, which a VERIFY does not answer.")
        }
        (UnknownOutcome::UnexpectedStatus(sw), Lang::Ja) => {
            format!("カードが VERIFY には返さないはずの {sw} を返しました。")
        }
    }
}

#[derive(Serialize)]
struct VerifyJson {
    reader: String,
    pin: &'static str,
    result: &'static str,
    tries_left: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_steps: Option<&'static [&'static str]>,
}

/// What the holder can do when the PIN is blocked (or one try from it), as stable codes. Source:
/// docs/safety.md ("Next steps for a blocked PIN"): the auth PIN and the signature password can be
/// reset with the smartphone app and a convenience-store kiosk by someone who knows the other of
/// the two; otherwise, and for the card-info PIN always, at the city office.
fn next_steps(kind: PinKind) -> &'static [&'static str] {
    match kind {
        PinKind::Auth => &["convenience-store-with-sign-password", "city-office"],
        PinKind::Sign => &["convenience-store-with-auth-pin", "city-office"],
        PinKind::CardInfo => &["city-office"],
    }
}

/// [`next_steps`] in words.
fn next_steps_text(kind: PinKind, lang: Lang) -> String {
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
