//! `mynapin verify`: the guarded VERIFY. The counter is read and shown first; with one try left,
//! blocked or unknown, mynapin refuses before asking for the PIN.

use serde::Serialize;

use super::args::Options;
use super::backend::Backend;
use super::output::Output;
use super::pin_input::{check_pin_source, read_pin};
use super::pin_text::{
    last_try_advice, next_steps, next_steps_text, noun, refusal_text, unknown_cause,
};
use super::render::counter_line;
use super::{CliError, ExitCode};
use crate::i18n::Lang;
use crate::jpki::{guarded_verify, read_counter, PinKind, Refusal, VerifyOutcome};

/// Runs the guarded verify and prints the result.
pub fn run(
    options: &Options,
    out: &Output,
    kind: PinKind,
    pin_stdin: bool,
) -> Result<ExitCode, CliError> {
    check_pin_source(pin_stdin)?;
    super::wait::wait_if_asked(options, out)?;
    if out.json {
        // Ctrl-C still gives one JSON document (exit 130). After the wait: Ctrl-C while waiting
        // is `cancelled` (exit 1), and its handler ends here too once the wait is over.
        let lang = out.lang;
        super::interrupt::on_interrupt(move |pin_sent| {
            Output::new(true, lang).error(&CliError::Interrupted { pin_sent });
        });
    }
    let (reader, outcome) = Backend::run_pin_attempt(
        options,
        out,
        |backend| attempt(backend, out, kind),
        |outcome, lang| outcome_text(outcome, kind, lang),
    )?;
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
    let counter_line = counter_line(kind, shown.counter(), out.lang);
    out.text(&counter_line);
    if let Some(refusal) = shown.counter().refusal() {
        return Ok(VerifyOutcome::Refused(refusal));
    }
    let pin = read_pin(kind, out, &counter_line)?;
    super::interrupt::pin_sent();
    Ok(guarded_verify(backend, shown, &pin)?)
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

pub(super) fn outcome_text(outcome: &VerifyOutcome, kind: PinKind, lang: Lang) -> String {
    let max = kind.max_tries();
    let noun = noun(kind, lang);
    let next = next_steps_text(kind, lang);
    match (outcome, lang) {
        (VerifyOutcome::Verified, Lang::En) => format!("The {noun} is correct. The counter is back at {max} of {max} tries."),
        (VerifyOutcome::Verified, Lang::Ja) => format!("{noun}は正しいです。残り回数は{max}回に戻りました。"),
        (VerifyOutcome::WrongPin { tries_left: 1 }, Lang::En) => format!(
            "Wrong {noun}. 1 of {max} tries left: one more wrong entry locks it, so mynapin will not send a {noun} for it while only one try is left. {} If it gets locked: {next}",
            last_try_advice(kind, lang)
        ),
        (VerifyOutcome::WrongPin { tries_left: 1 }, Lang::Ja) => format!(
            "{noun}が違います。残り1回（最大{max}回）です。あと1回間違えるとロックされるため、残り1回の間、mynapin は{noun}を送りません。{}ロックされた場合: {next}",
            last_try_advice(kind, lang)
        ),
        (VerifyOutcome::WrongPin { tries_left }, Lang::En) => format!("Wrong {noun}. {tries_left} of {max} tries left."),
        (VerifyOutcome::WrongPin { tries_left }, Lang::Ja) => format!("{noun}が違います。残り{tries_left}回（最大{max}回）です。"),
        (VerifyOutcome::Blocked { sw }, Lang::En) => format!("Wrong {noun}, and it is now blocked ({sw}). {next}"),
        (VerifyOutcome::Blocked { sw }, Lang::Ja) => format!("{noun}が違い、ロックされました（{sw}）。{next}"),
        (VerifyOutcome::Refused(refusal), _) => refusal_text(*refusal, kind, lang),
        (VerifyOutcome::Unknown(cause), Lang::En) => format!(
            "The {noun} was sent, but its result is unknown: {} Whether a try was spent is not known, and mynapin will not send it again. Run `mynapin status` to see the counter before anything else.",
            unknown_cause(cause, lang)
        ),
        (VerifyOutcome::Unknown(cause), Lang::Ja) => format!(
            "{noun}を送りましたが、結果が分かりません。{}回数が減ったかどうかは不明で、mynapin は再送しません。まず `mynapin status` で残り回数を確認してください。",
            unknown_cause(cause, lang)
        ),
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
