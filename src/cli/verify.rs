//! `mynapin verify`: the guarded VERIFY. The counter is read and shown first; with one try left,
//! blocked or unknown, mynapin refuses before asking for the PIN.

use std::io::{IsTerminal, Read};

use serde::Serialize;
use zeroize::Zeroizing;

use super::backend::{Backend, Options};
use super::output::Output;
use super::status::counter_text;
use super::{CliError, ExitCode};
use crate::i18n::Lang;
use crate::i18n::Localized;
use crate::jpki::localize_exchange;
use crate::jpki::{
    guarded_verify, read_counter, Pin, PinFormatError, PinKind, Refusal, UnknownOutcome,
    VerifyOutcome,
};

/// Longest line read from stdin for a PIN; anything longer is not a PIN.
const MAX_PIN_LINE: usize = 64;

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
    let attempt = attempt(&mut backend, out, kind, pin_stdin);
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
        });
    } else {
        out.text(outcome_text(&outcome, kind, out.lang));
    }
    Ok(code)
}

/// Reads the counter, asks for the PIN with no transaction open, then the guarded VERIFY.
fn attempt(
    backend: &mut Backend,
    out: &Output,
    kind: PinKind,
    pin_stdin: bool,
) -> Result<VerifyOutcome, CliError> {
    let counter = read_counter(backend, kind)?;
    out.text(format!(
        "{}: {}",
        kind.title(out.lang),
        counter_text(kind, counter, out.lang)
    ));
    if let Some(refusal) = counter.refusal() {
        return Ok(VerifyOutcome::Refused(refusal));
    }
    let pin = read_pin(kind, pin_stdin, out.lang)?;
    super::interrupt::pin_sent();
    Ok(guarded_verify(backend, &pin)?)
}

/// Reads the PIN from the terminal (hidden) or one line of stdin, and checks its format at once.
fn read_pin(kind: PinKind, pin_stdin: bool, lang: Lang) -> Result<Pin, CliError> {
    let line = if pin_stdin {
        read_stdin_line().map_err(CliError::PinInput)?
    } else {
        let prompt = format!("{} ({}): ", kind.title(lang), kind.format_hint(lang));
        Zeroizing::new(
            rpassword::prompt_password(prompt)
                .map_err(CliError::PinInput)?
                .into_bytes(),
        )
    };
    let line = line.strip_suffix(b"\n").unwrap_or(&line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    // Not UTF-8 cannot be a PIN: a format error like any other, nothing is sent.
    let text = std::str::from_utf8(line).map_err(|_| PinFormatError { kind })?;
    Ok(Pin::new(kind, text)?)
}

/// Reads one line from stdin, byte by byte, past std's buffer (which would keep the PIN in
/// memory nobody can clear), into a zeroized buffer of fixed size. At most
/// [`MAX_PIN_LINE`] + 1 bytes are kept: anything longer is not a PIN and fails the format check.
fn read_stdin_line() -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut input = stdin_unbuffered()?;
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_PIN_LINE + 1));
    let mut byte = Zeroizing::new([0u8; 1]);
    loop {
        match input.read(&mut *byte) {
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) if line.len() <= MAX_PIN_LINE => line.push(byte[0]),
            // Too long to be a PIN: stop reading (the input may never end).
            Ok(_) => break,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(line)
}

#[cfg(unix)]
fn stdin_unbuffered() -> std::io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    Ok(std::fs::File::from(
        std::io::stdin().as_fd().try_clone_to_owned()?,
    ))
}

#[cfg(windows)]
fn stdin_unbuffered() -> std::io::Result<std::fs::File> {
    use std::os::windows::io::AsHandle;
    Ok(std::fs::File::from(
        std::io::stdin().as_handle().try_clone_to_owned()?,
    ))
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
            "Wrong PIN. 1 of {max} tries left. One more wrong try locks it and unlocking needs a visit to the city office, so mynapin will not send another PIN for it while only one try is left. A correct PIN entered elsewhere (the clinic, the official software) restores all tries."
        ),
        (VerifyOutcome::WrongPin { tries_left: 1 }, Lang::Ja) => format!(
            "暗証番号が違います。残り 1 回（最大 {max} 回）です。あと1回間違えるとロックされ、解除には市区町村の窓口へ行く必要があるため、残り 1 回の間、mynapin は暗証番号を送りません。別の場所（医療機関、公式ソフト）で正しい暗証番号を入力すると回数は元に戻ります。"
        ),
        (VerifyOutcome::WrongPin { tries_left }, Lang::En) => format!("Wrong PIN. {tries_left} of {max} tries left."),
        (VerifyOutcome::WrongPin { tries_left }, Lang::Ja) => format!("暗証番号が違います。残り {tries_left} 回（最大 {max} 回）です。"),
        (VerifyOutcome::Blocked { sw }, Lang::En) => format!(
            "Wrong PIN, and it is now blocked ({sw}). Unlocking needs a visit to your city office with the card and an ID."
        ),
        (VerifyOutcome::Blocked { sw }, Lang::Ja) => format!(
            "暗証番号が違い、ロックされました（{sw}）。解除には、カードを持って市区町村の窓口へ行く必要があります。"
        ),
        (VerifyOutcome::Refused(refusal), _) => refusal_text(*refusal, lang),
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

fn refusal_text(refusal: Refusal, lang: Lang) -> String {
    match (refusal, lang) {
        (Refusal::LastTry, Lang::En) => "Only one try is left. One more wrong PIN would lock it, and unlocking needs a visit to the city office, so mynapin will not send it. The PIN was not sent. A correct PIN entered elsewhere (the clinic, the official software) restores all tries.".into(),
        (Refusal::LastTry, Lang::Ja) => "残り 1 回です。あと1回間違えるとロックされ、解除には市区町村の窓口へ行く必要があるため、mynapin は暗証番号を送りません（送信していません）。別の場所（医療機関、公式ソフト）で正しい暗証番号を入力すると回数は元に戻ります。".into(),
        (Refusal::Blocked(sw), Lang::En) => format!("The PIN is blocked ({sw}); the PIN was not sent. Unlocking needs a visit to your city office with the card and an ID."),
        (Refusal::Blocked(sw), Lang::Ja) => format!("暗証番号はロックされています（{sw}）。送信していません。解除には、カードを持って市区町村の窓口へ行く必要があります。"),
        (Refusal::CounterUnknown(sw), Lang::En) => format!("The card did not report how many tries are left (it answered {sw}). mynapin sends a PIN only when it can see at least two tries left, so the PIN was not sent."),
        (Refusal::CounterUnknown(sw), Lang::Ja) => format!("カードが残り回数を返しませんでした（応答 {sw}）。mynapin は残り2回以上を確認できたときだけ暗証番号を送るため、送信していません。"),
    }
}

fn unknown_cause(cause: &UnknownOutcome, lang: Lang) -> String {
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
}
