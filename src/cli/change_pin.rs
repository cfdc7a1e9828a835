//! `mynapin change-pin`: the guarded PIN change. The counter is read and shown first; with one
//! try left, blocked or unknown, nothing is asked and nothing sent. Otherwise the current PIN and
//! the new one (twice on a terminal, once from a pipe with `--pin-stdin`) are read and checked
//! before either reaches the card; then one transaction: counter again, VERIFY, and only on 9000
//! the CHANGE.

use serde::Serialize;

use super::args::Options;
use super::backend::Backend;
use super::output::Output;
use super::pin_input::{
    check_pin_source, discard_typed_ahead, prompt, read_pin_with_prompt, show_on_terminal,
    type_again, with_counter, PROMPT_ATTEMPTS,
};
use super::render::say;
use super::{CliError, ExitCode};
use crate::i18n::{Lang, Localized};
use crate::jpki::{
    guarded_change, read_counter, ChangeOutcome, FormatProblem, Pin, PinChange, PinKind, Refusal,
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
    // Ctrl-C says so (one JSON document with --json, exit 130), terminal mode restored.
    super::interrupt::say_interrupted(out);
    let (reader, outcome) = Backend::run_pin_attempt(
        options,
        out,
        |backend| attempt(backend, out, kind, pin_stdin),
        |outcome, lang| outcome_text(outcome, kind, lang),
    )?;
    let (result, code) = classify(&outcome);
    super::interrupt::answer(|| {
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
    });
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
    let counter = shown.counter();
    let counter_line = crate::text::counter_line(kind, counter, out.lang);
    out.text(&counter_line);
    if let Some(refusal) = counter.refusal() {
        return Ok(ChangeOutcome::Refused(refusal));
    }
    let change = read_change(kind, pin_stdin, out, &counter_line)?;
    super::interrupt::pin_sent();
    Ok(guarded_change(backend, shown, &change)?)
}

/// The current PIN, then the new one: twice from the terminal, once from stdin. Each is
/// format-checked as soon as it is read; a new PIN typed differently twice, or equal to the
/// current one, is a usage error. Nothing reaches the card before this returns.
fn read_change(
    kind: PinKind,
    pin_stdin: bool,
    out: &Output,
    counter_line: &str,
) -> Result<PinChange, CliError> {
    let lang = out.lang;
    let title = kind.title(lang);
    let (current, new) = (lang.pick("Current ", "現在の"), lang.pick("New ", "新しい"));
    let current_prompt = with_counter(out, counter_line, &prompt(kind, lang, current));
    let new_prompt = prompt(kind, lang, new);
    let again_prompt = match lang {
        Lang::En => format!("New {title} again (not shown as you type): "),
        Lang::Ja => format!("新しい{title}（確認、入力は表示されません）: "),
    };
    let current = read_pin_with_prompt(kind, &current_prompt, lang)?;
    let mut new = read_pin_with_prompt(kind, &new_prompt, lang).map_err(|error| match error {
        CliError::PinFormat(format) if pin_stdin && format.problem == FormatProblem::Empty => {
            no_new_line(kind)
        }
        other => other,
    })?;
    // On a terminal the new one is typed twice, hidden, `--pin-stdin` or not: one typo would set a
    // PIN nobody knows. Two entries that differ are asked for again (nothing was sent).
    if !pin_stdin || std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        let mut attempt = 1;
        loop {
            let again: Pin = read_pin_with_prompt(kind, &again_prompt, lang)?;
            if again.expose() == new.expose() {
                break;
            }
            let (en, ja) = (
                typed_differently(kind, Lang::En),
                typed_differently(kind, Lang::Ja),
            );
            if attempt == PROMPT_ATTEMPTS || !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                discard_typed_ahead();
                return Err(CliError::usage(
                    format!("{en} Run the command again."),
                    format!("{ja}もう一度実行してください。"),
                ));
            }
            let space = lang.pick(" ", "");
            show_on_terminal(&format!(
                "{}{space}{}\n",
                lang.pick(&en, &ja),
                type_again(lang)
            ));
            attempt += 1;
            new = read_pin_with_prompt(kind, &new_prompt, lang)?;
        }
    }
    PinChange::new(current, new)
        .map_err(|error| CliError::usage(error.localized(Lang::En), error.localized(Lang::Ja)))
}

/// The new PIN typed twice, not the same both times.
pub(super) fn typed_differently(kind: PinKind, lang: Lang) -> String {
    let noun = crate::text::pin_noun(kind, lang);
    match lang {
        Lang::En => format!(
            "The new {noun} was typed differently the second time. Nothing was sent to the card."
        ),
        Lang::Ja => format!(
            "新しい{noun}の1回目と2回目の入力が一致しません。カードには何も送っていません。"
        ),
    }
}

/// `--pin-stdin` gave the current PIN but no new one.
pub(super) fn no_new_line(kind: PinKind) -> CliError {
    let (en, ja) = (
        crate::text::pin_noun(kind, Lang::En),
        crate::text::pin_noun(kind, Lang::Ja),
    );
    CliError::usage(
        format!("No new {en} was given: with --pin-stdin, mynapin reads two lines, the current {en} and then the new one, and the second is missing or empty. Nothing was sent to the card."),
        format!("新しい{ja}がありません。--pin-stdin では2行（現在の{ja}、新しい{ja}）を読みますが、2行目がないか空でした。カードには何も送っていません。"),
    )
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

/// The outcome in words, with the command to run next.
pub(super) fn outcome_text(outcome: &ChangeOutcome, kind: PinKind, lang: Lang) -> String {
    say(crate::text::change_outcome(outcome, kind, lang), lang)
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
