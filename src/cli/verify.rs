//! `mynapin verify`: the guarded VERIFY. The counter is read and shown first; with one try left,
//! blocked or unknown, mynapin refuses before asking for the PIN.

use serde::Serialize;

use super::args::Options;
use super::backend::Backend;
use super::output::Output;
use super::pin_input::{check_pin_source, read_pin};
use super::render::{next_step_codes, say};
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
    // Ctrl-C says so (one JSON document with --json, exit 130) and gives the terminal its mode
    // back. After the wait: Ctrl-C while waiting is `cancelled` (exit 1), and its handler ends
    // here too once the wait is over.
    super::interrupt::say_interrupted(out);
    let (reader, outcome) = Backend::run_pin_attempt(
        options,
        out,
        |backend| attempt(backend, out, kind),
        |outcome, lang| outcome_text(outcome, kind, lang),
    )?;
    let (result, code) = classify(&outcome);
    super::interrupt::answer(|| {
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
                next_steps: matches!(outcome.tries_left(kind), Some(0 | 1))
                    .then(|| next_step_codes(kind)),
            });
        } else {
            out.text(outcome_text(&outcome, kind, out.lang));
        }
    });
    Ok(code)
}

/// Reads the counter, asks for the PIN with no transaction open, then the guarded VERIFY.
fn attempt(backend: &mut Backend, out: &Output, kind: PinKind) -> Result<VerifyOutcome, CliError> {
    let shown = read_counter(backend, kind)?;
    let counter_line = crate::text::counter_line(kind, shown.counter(), out.lang);
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

/// The outcome in words, with the command to run next.
pub(super) fn outcome_text(outcome: &VerifyOutcome, kind: PinKind, lang: Lang) -> String {
    say(crate::text::verify_outcome(outcome, kind, lang), lang)
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
