//! The exchange engine against a scripted card: GET RESPONSE chains, the round bound, the 6Cxx
//! rule, no resend after a transport error, short answers, and secret masking in errors and logs.

use std::collections::VecDeque;
use std::sync::{Mutex, Once};
use std::thread::{self, ThreadId};

use apdu::{
    exchange, Command, ExchangeError, ResponseError, StatusWord, Transport, TransportError,
    MAX_GET_RESPONSE_ROUNDS,
};

/// A card that answers from a script and records every command it received.
#[derive(Default)]
struct ScriptedTransport {
    script: VecDeque<Result<Vec<u8>, TransportError>>,
    /// Answer given once the script is used up (a card stuck in a loop).
    forever: Option<Vec<u8>>,
    received: Vec<Vec<u8>>,
}

impl ScriptedTransport {
    fn new(answers: impl IntoIterator<Item = Result<Vec<u8>, TransportError>>) -> Self {
        ScriptedTransport {
            script: answers.into_iter().collect(),
            ..Default::default()
        }
    }

    fn answering(answers: &[&[u8]]) -> Self {
        Self::new(answers.iter().map(|a| Ok(a.to_vec())))
    }
}

impl Transport for ScriptedTransport {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.received.push(command.to_vec());
        match self.script.pop_front() {
            Some(answer) => answer,
            None => match &self.forever {
                Some(answer) => Ok(answer.clone()),
                None => panic!("unscripted command {}", hex::encode_upper(command)),
            },
        }
    }
}

/// Log lines captured per test thread, so tests running in parallel do not see each other's.
static LOG_LINES: Mutex<Vec<(ThreadId, String)>> = Mutex::new(Vec::new());

struct CaptureLogger;

impl log::Log for CaptureLogger {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        let line = format!("{} {}", record.level(), record.args());
        if let Ok(mut lines) = LOG_LINES.lock() {
            lines.push((thread::current().id(), line));
        }
    }
    fn flush(&self) {}
}

fn capture_logs() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        log::set_logger(&CaptureLogger).expect("no other logger in this test binary");
        log::set_max_level(log::LevelFilter::Trace);
    });
}

fn my_log_lines() -> Vec<String> {
    let me = thread::current().id();
    LOG_LINES
        .lock()
        .expect("log lock")
        .iter()
        .filter(|(id, _)| *id == me)
        .map(|(_, line)| line.clone())
        .collect()
}

const READ_RETRIES: [u8; 4] = [0x00, 0x20, 0x00, 0x80];

fn verify(pin: &[u8]) -> Command {
    Command::new(0x00, 0x20, 0x00, 0x80).with_secret_data(pin)
}

fn read_binary(le: usize) -> Command {
    Command::new(0x00, 0xB0, 0x00, 0x00).with_le(le)
}

#[test]
fn plain_answer_is_returned_after_one_command() {
    let mut card = ScriptedTransport::answering(&[&[0x63, 0xC3]]);
    let response = exchange(&mut card, &Command::new(0x00, 0x20, 0x00, 0x80)).expect("answer");
    assert_eq!(response.sw(), StatusWord(0x63C3));
    assert!(response.data().is_empty());
    assert_eq!(card.received, [READ_RETRIES.to_vec()]);
}

#[test]
fn get_response_chain_is_concatenated_and_6100_asks_for_256() {
    let second: Vec<u8> = (0..16).chain([0x61, 0x00]).collect();
    let third: Vec<u8> = std::iter::repeat(0xEE)
        .take(256)
        .chain([0x90, 0x00])
        .collect();
    let mut card = ScriptedTransport::answering(&[&[0xAA, 0xBB, 0x61, 0x10], &second, &third]);

    let response = exchange(&mut card, &read_binary(256)).expect("answer");

    assert_eq!(
        card.received,
        [
            vec![0x00, 0xB0, 0x00, 0x00, 0x00],
            vec![0x00, 0xC0, 0x00, 0x00, 0x10],
            vec![0x00, 0xC0, 0x00, 0x00, 0x00],
        ]
    );
    let expected: Vec<u8> = [0xAA, 0xBB]
        .into_iter()
        .chain(0..16)
        .chain(std::iter::repeat(0xEE).take(256))
        .collect();
    assert_eq!(response.data(), expected);
    assert_eq!(response.sw(), StatusWord::SUCCESS);
}

#[test]
fn more_data_to_a_command_without_le_is_returned_not_fetched() {
    let mut card = ScriptedTransport::answering(&[&[0x61, 0x10]]);
    let response = exchange(&mut card, &Command::new(0x00, 0x20, 0x00, 0x80)).expect("answer");
    assert_eq!(response.sw(), StatusWord(0x6110));
    assert_eq!(card.received, [vec![0x00, 0x20, 0x00, 0x80]]);
}

#[test]
fn get_response_chain_ends_on_any_other_status() {
    let mut card = ScriptedTransport::answering(&[&[0x61, 0x02], &[0x01, 0x02, 0x6A, 0x82]]);
    let response = exchange(&mut card, &read_binary(256)).expect("answer");
    assert_eq!(response.data(), [0x01, 0x02]);
    assert_eq!(response.sw(), StatusWord(0x6A82));
    assert_eq!(card.received.len(), 2);
}

#[test]
fn chain_of_exactly_max_rounds_succeeds() {
    let mut answers = vec![Ok(vec![0x61, 0x01])];
    answers.extend((1..MAX_GET_RESPONSE_ROUNDS).map(|i| Ok(vec![i as u8, 0x61, 0x01])));
    answers.push(Ok(vec![0xFF, 0x90, 0x00]));
    let mut card = ScriptedTransport::new(answers);

    let response = exchange(&mut card, &read_binary(256)).expect("answer");

    assert_eq!(card.received.len(), 1 + MAX_GET_RESPONSE_ROUNDS);
    assert_eq!(response.data().len(), MAX_GET_RESPONSE_ROUNDS);
    assert_eq!(response.sw(), StatusWord::SUCCESS);
}

#[test]
fn card_answering_61xx_forever_is_an_error_after_max_rounds() {
    let mut card = ScriptedTransport {
        forever: Some(vec![0x61, 0x05]),
        ..Default::default()
    };

    let error = exchange(&mut card, &read_binary(256)).expect_err("endless chain");

    assert!(
        matches!(error, ExchangeError::TooManyGetResponse { rounds } if rounds == MAX_GET_RESPONSE_ROUNDS),
        "{error:?}"
    );
    assert_eq!(card.received.len(), 1 + MAX_GET_RESPONSE_ROUNDS);
    assert!(card.received[1..]
        .iter()
        .all(|c| c == &[0x00, 0xC0, 0x00, 0x00, 0x05]));
}

#[test]
fn wrong_le_resends_once_with_the_card_s_le() {
    let mut answers: Vec<&[u8]> = vec![&[0x6C, 0x10]];
    let data: Vec<u8> = (0..16).chain([0x90, 0x00]).collect();
    answers.push(&data);
    let mut card = ScriptedTransport::answering(&answers);

    let response = exchange(&mut card, &read_binary(256)).expect("answer");

    assert_eq!(
        card.received,
        [
            vec![0x00, 0xB0, 0x00, 0x00, 0x00],
            vec![0x00, 0xB0, 0x00, 0x00, 0x10],
        ]
    );
    assert_eq!(response.data(), (0..16).collect::<Vec<u8>>());
    assert_eq!(response.sw(), StatusWord::SUCCESS);
}

#[test]
fn wrong_le_6c00_means_256() {
    let data: Vec<u8> = std::iter::repeat(0x11)
        .take(256)
        .chain([0x90, 0x00])
        .collect();
    let mut card = ScriptedTransport::answering(&[&[0x6C, 0x00], &data]);
    let response = exchange(&mut card, &read_binary(5)).expect("answer");
    assert_eq!(card.received[1], [0x00, 0xB0, 0x00, 0x00, 0x00]);
    assert_eq!(response.data().len(), 256);
}

#[test]
fn second_wrong_le_is_returned_not_resent() {
    let mut card = ScriptedTransport::answering(&[&[0x6C, 0x10], &[0x6C, 0x08]]);
    let response = exchange(&mut card, &read_binary(256)).expect("answer");
    assert_eq!(response.sw(), StatusWord(0x6C08));
    assert_eq!(card.received.len(), 2);
}

#[test]
fn wrong_le_on_a_secret_command_is_not_resent() {
    let command = verify(b"1234").with_le(256);
    let mut card = ScriptedTransport::answering(&[&[0x6C, 0x02]]);
    let response = exchange(&mut card, &command).expect("answer");
    assert_eq!(response.sw(), StatusWord(0x6C02));
    assert_eq!(
        card.received,
        [vec![
            0x00, 0x20, 0x00, 0x80, 0x04, b'1', b'2', b'3', b'4', 0x00
        ]]
    );
}

#[test]
fn wrong_le_on_a_case_4_command_not_marked_secret_is_not_resent() {
    // A library user's VERIFY with data and Le, built with plain data: ISO 7816-3 defines 6Cxx for
    // case 2 only, and a resend would present the PIN twice.
    let command = Command::new(0x00, 0x20, 0x00, 0x80)
        .with_data(b"1234")
        .with_le(256);
    assert!(!command.is_secret());
    let mut card = ScriptedTransport::answering(&[&[0x6C, 0x02]]);
    let response = exchange(&mut card, &command).expect("answer");
    assert_eq!(response.sw(), StatusWord(0x6C02));
    assert_eq!(
        card.received,
        [vec![
            0x00, 0x20, 0x00, 0x80, 0x04, b'1', b'2', b'3', b'4', 0x00
        ]]
    );
}

#[test]
fn wrong_le_on_a_command_without_le_is_not_resent() {
    let mut card = ScriptedTransport::answering(&[&[0x6C, 0x02]]);
    let response = exchange(&mut card, &Command::new(0x00, 0x20, 0x00, 0x80)).expect("answer");
    assert_eq!(response.sw(), StatusWord(0x6C02));
    assert_eq!(card.received, [READ_RETRIES.to_vec()]);
}

#[test]
fn wrong_le_on_get_response_is_corrected_once() {
    let mut card = ScriptedTransport::answering(&[
        &[0x61, 0x00],
        &[0x6C, 0x03],
        &[0x01, 0x02, 0x03, 0x90, 0x00],
    ]);
    let response = exchange(&mut card, &read_binary(256)).expect("answer");
    assert_eq!(
        card.received[1..],
        [
            vec![0x00, 0xC0, 0x00, 0x00, 0x00],
            vec![0x00, 0xC0, 0x00, 0x00, 0x03],
        ]
    );
    assert_eq!(response.data(), [0x01, 0x02, 0x03]);
}

#[test]
fn transport_error_after_verify_sends_nothing_more() {
    let mut card = ScriptedTransport::new([Err(TransportError::CardRemoved)]);
    let error = exchange(&mut card, &verify(b"1234")).expect_err("card removed");
    assert!(matches!(
        error.transport_error(),
        Some(TransportError::CardRemoved)
    ));
    assert_eq!(card.received.len(), 1, "VERIFY must never be resent");
}

#[test]
fn transport_error_during_get_response_is_returned() {
    let mut card = ScriptedTransport::new([Ok(vec![0x61, 0x10]), Err(TransportError::Timeout)]);
    let error = exchange(&mut card, &read_binary(256)).expect_err("timeout");
    assert!(matches!(
        error.transport_error(),
        Some(TransportError::Timeout)
    ));
    assert_eq!(card.received.len(), 2);
}

#[test]
fn short_answers_are_errors_and_not_resent() {
    for answer in [&[][..], &[0x90][..]] {
        let mut card = ScriptedTransport::answering(&[answer]);
        let error = exchange(&mut card, &verify(b"1234")).expect_err("short answer");
        assert!(
            matches!(
                error,
                ExchangeError::Response { source: ResponseError::TooShort { len }, .. }
                    if len == answer.len()
            ),
            "{error:?}"
        );
        // Not a single byte is how PC/SC reports a card that left mid-command.
        assert_eq!(error.card_vanished(), answer.is_empty());
        assert_eq!(card.received.len(), 1);
    }
}

#[test]
fn unencodable_command_sends_nothing() {
    let mut card = ScriptedTransport::default();
    let error = exchange(&mut card, &verify(&[0x31; 256])).expect_err("too long");
    assert!(matches!(error, ExchangeError::Encode { .. }), "{error:?}");
    assert!(card.received.is_empty());
}

// The PIN used in the masking tests, and every way its bytes could be printed.
const PIN: &[u8] = b"8642";
const PIN_FORMS: [&str; 5] = [
    "8642",
    "38363432",
    "38 36 34 32",
    "[56, 54, 52, 50]",
    "0x38",
];

fn assert_masked(text: &str) {
    assert!(text.contains("**"), "not masked: {text}");
    for form in PIN_FORMS {
        assert!(
            !text.to_uppercase().contains(&form.to_uppercase()),
            "PIN ({form}) leaked: {text}"
        );
    }
}

#[test]
fn secret_command_is_masked_in_debug_and_display() {
    let command = verify(PIN);
    assert_eq!(command.to_string(), "00 20 00 80 04 ** ** ** **");
    assert_masked(&command.to_string());
    assert_masked(&format!("{command:?}"));
    assert_masked(&format!("{command:#?}"));
}

#[test]
fn exchange_errors_for_secret_commands_are_masked() {
    let errors = [
        exchange(
            &mut ScriptedTransport::new([Err(TransportError::CardReset)]),
            &verify(PIN),
        ),
        exchange(&mut ScriptedTransport::answering(&[&[0x63]]), &verify(PIN)),
    ];
    for error in errors {
        let error = error.expect_err("fails");
        assert_masked(&error.to_string());
        assert_masked(&format!("{error:?}"));
    }
    let long_pin = PIN.repeat(70);
    let error =
        exchange(&mut ScriptedTransport::default(), &verify(&long_pin)).expect_err("too long");
    assert!(error.to_string().contains("secret"), "{error}");
    for form in PIN_FORMS {
        assert!(!error.to_string().contains(form), "{error}");
        assert!(!format!("{error:?}").contains(form), "{error:?}");
    }
}

#[test]
fn trace_logs_commands_and_answers_with_secrets_masked() {
    capture_logs();
    let mut card = ScriptedTransport::answering(&[&[0x63, 0xC2]]);
    exchange(&mut card, &verify(PIN)).expect("answer");
    let mut failing = ScriptedTransport::new([Err(TransportError::Busy)]);
    exchange(&mut failing, &verify(PIN)).expect_err("busy");

    let lines = my_log_lines();
    assert!(
        lines
            .iter()
            .any(|l| l == "DEBUG > 00 20 00 80 04 ** ** ** **"),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("DEBUG < 63C2")),
        "{lines:#?}"
    );
    for line in &lines {
        for form in PIN_FORMS {
            assert!(
                !line.to_uppercase().contains(&form.to_uppercase()),
                "PIN leaked: {line}"
            );
        }
    }
}

#[test]
fn trace_shows_plain_data_and_answers_in_hex() {
    capture_logs();
    let mut card = ScriptedTransport::answering(&[&[0x30, 0x82, 0x90, 0x00]]);
    exchange(&mut card, &read_binary(2)).expect("answer");
    let lines = my_log_lines();
    assert!(
        lines.contains(&"DEBUG > 00 B0 00 00 02".to_string()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"DEBUG < 3082 9000 (success)".to_string()),
        "{lines:#?}"
    );
}
