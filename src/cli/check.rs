//! `mynapin check`: would the card work with its PIN at the clinic? A checklist, each step passed,
//! failed or not checked. The PIN is asked only when the counter allows a try (read and shown
//! first, as `verify` does), with no transaction open; exit 0 only when every step passed.

use std::time::SystemTime;

use serde::Serialize;

use super::args::Options;
use super::backend::Backend;
use super::output::Output;
use super::output::{pad, width};
use super::pin_input::{check_pin_source, read_pin};
use super::render::say;
use super::{CliError, ExitCode};
use crate::i18n::Lang;
use crate::jpki::{
    card_step, check_pin, check_start, revocation_step, Challenge, CheckStep, PinKind, StepResult,
    Verdict,
};
use crate::text::{check_step, check_step_title, check_summary, verdict_label};

/// Runs the checklist and prints it.
pub fn run(options: &Options, out: &Output, pin_stdin: bool) -> Result<ExitCode, CliError> {
    check_pin_source(pin_stdin)?;
    super::wait::wait_if_asked(options, out)?;
    // Ctrl-C says so (one JSON document with --json, exit 130), terminal mode restored.
    super::interrupt::say_interrupted(out);
    let mut steps = Vec::new();
    let mut reader = None;
    let opened = Backend::open(options);
    let ran = match opened {
        Ok(mut backend) => {
            reader = Some(backend.reader_name());
            let ran = run_steps(&mut backend, out, &mut steps);
            if let Err(error) = backend.finish() {
                log::warn!("closing the card failed after the check: {error}");
            }
            ran
        }
        Err(error) => Err(error),
    };
    let card_error = match ran {
        Ok(()) => None,
        // Bad arguments, or a PIN that could not be read: nothing was sent; the command's error.
        Err(error @ (CliError::Usage { .. } | CliError::PinFormat(_) | CliError::PinInput(_))) => {
            return Err(error)
        }
        // Reaching the card failed before any step could run: step 1 failed, the rest unchecked.
        Err(error) => {
            steps.push(StepResult::failed_with(
                CheckStep::Card,
                error.code(),
                &error,
            ));
            for step in &CheckStep::ALL[1..5] {
                steps.push(StepResult::skipped(*step, CheckStep::Card));
            }
            steps.push(revocation_step());
            print_steps(out, &steps);
            Some(error)
        }
    };
    let code = match &card_error {
        Some(error) => error.exit_code(),
        None => exit_code(&steps),
    };
    super::interrupt::answer(|| {
        if out.json {
            out.print_json(&CheckJson {
                reader,
                passed: code == ExitCode::Success,
                steps: steps
                    .iter()
                    .map(|step| StepJson::new(step, out.lang))
                    .collect(),
            });
        } else {
            out.text(check_summary(code == ExitCode::Success, out.lang));
        }
    });
    Ok(code)
}

/// Steps 1 to 6 on an open card; the text of each step is printed as soon as it is known, so the
/// counter is on screen before the PIN is asked for.
fn run_steps(
    backend: &mut Backend,
    out: &Output,
    steps: &mut Vec<StepResult>,
) -> Result<(), CliError> {
    let start = check_start(backend, SystemTime::now())?;
    let card = card_step(&start.identity, &backend.reader_name());
    let early: Vec<StepResult> = std::iter::once(card)
        .chain(start.steps.iter().cloned())
        .collect();
    print_steps(out, &early);
    steps.extend(early);
    let late = if start.needs_pin() {
        let challenge = Challenge::random().map_err(|error| {
            CliError::usage(
                format!("The operating system gave no random bytes ({error}); nothing was sent. Try again."),
                format!("OS から乱数を得られませんでした（{error}）。何も送っていません。もう一度試してください。"),
            )
        })?;
        // The counter shows on the terminal before the prompt even when stdout is a pipe or JSON.
        let counter_line = crate::text::counter_line(PinKind::Auth, start.counter(), out.lang);
        let pin = read_pin(PinKind::Auth, out, &counter_line)?;
        super::interrupt::pin_sent();
        match check_pin(backend, start, &pin, &challenge) {
            Ok(late) => late,
            // Nothing was sent (the card changed, the transaction could not begin, or selecting
            // failed).
            Err(error) => {
                let error = CliError::from(error);
                [
                    StepResult::failed_with(CheckStep::PinAndKey, error.code(), &error),
                    revocation_step(),
                ]
            }
        }
    } else {
        start.finish_without_pin()
    };
    print_steps(out, &late);
    steps.extend(late);
    Ok(())
}

/// What a step found, with the command to run next.
fn step_text(step: &StepResult, lang: Lang) -> String {
    say(check_step(step, lang), lang)
}

/// "[passed]", "[合格]".
fn mark(verdict: Verdict, lang: Lang) -> String {
    format!("[{}]", verdict_label(verdict, lang))
}

fn print_steps(out: &Output, steps: &[StepResult]) {
    // The marks line up: as wide as the widest.
    let mark_width = [Verdict::Passed, Verdict::Failed, Verdict::NotChecked]
        .map(|verdict| width(&mark(verdict, out.lang)))
        .into_iter()
        .max()
        .unwrap_or(0);
    for step in steps {
        let mark = pad(&mark(step.verdict, out.lang), mark_width);
        out.text_hanging(
            format!(
                "{mark} {}: {}",
                check_step_title(step.step, out.lang),
                step_text(step, out.lang)
            ),
            mark_width + 1,
        );
    }
}

/// 0 when every step that counts passed; else the code of the first failure: the PIN's codes
/// (3 wrong, 4 refused, 5 blocked) for the PIN steps, 1 for the rest.
fn exit_code(steps: &[StepResult]) -> ExitCode {
    let first_failure = steps
        .iter()
        .filter(|step| step.step.counts())
        .find(|step| step.verdict != Verdict::Passed);
    match first_failure.map(|step| step.reason) {
        None => ExitCode::Success,
        Some("wrong-pin") => ExitCode::WrongPin,
        Some("last-try" | "counter-unknown" | "refused") => ExitCode::Refused,
        Some("blocked") => ExitCode::Blocked,
        Some("not-my-number-card") => ExitCode::NotMyNumberCard,
        Some("no-service" | "no-reader" | "no-card" | "card-removed" | "card-changed") => {
            ExitCode::NoCard
        }
        Some(_) => ExitCode::Other,
    }
}

#[derive(Serialize)]
struct CheckJson {
    reader: Option<String>,
    passed: bool,
    steps: Vec<StepJson>,
}

#[derive(Serialize)]
struct StepJson {
    step: &'static str,
    result: &'static str,
    reason: &'static str,
    message: String,
}

impl StepJson {
    fn new(step: &StepResult, lang: Lang) -> Self {
        StepJson {
            step: step.step.name(),
            result: step.verdict.name(),
            reason: step.reason,
            message: step_text(step, lang),
        }
    }
}
