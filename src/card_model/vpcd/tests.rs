//! The vpcd protocol without a network: framing over streams that split messages anywhere,
//! control bytes, and whole sessions with the log and state files.

use std::io::{self, Read, Write};

use super::*;
use crate::card_model::{Faults, Removal};

const SELECT_JPKI: &[u8] = &[
    0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01,
];
const SELECT_AUTH_PIN: &[u8] = &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18];
const EMPTY_VERIFY: &[u8] = &[0x00, 0x20, 0x00, 0x80];
const VERIFY_1234: &[u8] = &[0x00, 0x20, 0x00, 0x80, 0x04, b'1', b'2', b'3', b'4'];
const VERIFY_9999: &[u8] = &[0x00, 0x20, 0x00, 0x80, 0x04, b'9', b'9', b'9', b'9'];
const DEMO_ATR: &[u8] = &[0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14];

/// A stream that hands out its input at most `chunk` bytes per read and records what is written.
struct Trickle {
    input: Vec<u8>,
    position: usize,
    chunk: usize,
    output: Vec<u8>,
    reads: usize,
}

impl Trickle {
    fn new(input: Vec<u8>, chunk: usize) -> Self {
        Trickle {
            input,
            position: 0,
            chunk,
            output: Vec::new(),
            reads: 0,
        }
    }
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads += 1;
        let n = buf
            .len()
            .min(self.chunk)
            .min(self.input.len() - self.position);
        buf[..n].copy_from_slice(&self.input[self.position..self.position + n]);
        self.position += n;
        Ok(n)
    }
}

impl Write for Trickle {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.output.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn frame(payload: &[u8]) -> Vec<u8> {
    let mut bytes = (payload.len() as u16).to_be_bytes().to_vec();
    bytes.extend_from_slice(payload);
    bytes
}

fn frames(payloads: &[&[u8]]) -> Vec<u8> {
    payloads.iter().flat_map(|payload| frame(payload)).collect()
}

/// Splits written output back into payloads; panics on a truncated frame.
fn unframe(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut payloads = Vec::new();
    while !bytes.is_empty() {
        let len = usize::from(u16::from_be_bytes([bytes[0], bytes[1]]));
        payloads.push(bytes[2..2 + len].to_vec());
        bytes = &bytes[2 + len..];
    }
    payloads
}

fn apdu(bytes: &[u8]) -> Message {
    Message::Apdu(Zeroizing::new(bytes.to_vec()))
}

#[test]
fn messages_are_read_whole_however_the_stream_splits_them() {
    let long: Vec<u8> = (0..=255u8).cycle().take(300).collect();
    let input = frames(&[&[POWER_ON], SELECT_JPKI, &long, &[GET_ATR]]);
    for chunk in [1, 2, 3, 7, 1000] {
        let mut stream = Trickle::new(input.clone(), chunk);
        assert_eq!(read_message(&mut stream).unwrap(), Some(Message::PowerOn));
        assert_eq!(read_message(&mut stream).unwrap(), Some(apdu(SELECT_JPKI)));
        assert_eq!(read_message(&mut stream).unwrap(), Some(apdu(&long)));
        assert_eq!(read_message(&mut stream).unwrap(), Some(Message::GetAtr));
        assert_eq!(read_message(&mut stream).unwrap(), None, "chunk {chunk}");
    }
}

#[test]
fn a_read_of_one_byte_at_a_time_takes_one_read_per_byte() {
    // Proof that the trickle really splits: 2 length bytes + 15 payload bytes.
    let mut stream = Trickle::new(frame(SELECT_JPKI), 1);
    read_message(&mut stream).unwrap();
    assert_eq!(stream.reads, 17);
}

#[test]
fn control_bytes_and_short_payloads_are_told_apart() {
    let input = frames(&[
        &[0x00],
        &[0x01],
        &[0x02],
        &[0x04],
        &[0x03],
        &[],
        &[0x00, 0xB0],
    ]);
    let mut stream = Trickle::new(input, 1000);
    let mut seen = Vec::new();
    while let Some(message) = read_message(&mut stream).unwrap() {
        seen.push(message);
    }
    assert_eq!(
        seen,
        [
            Message::PowerOff,
            Message::PowerOn,
            Message::Reset,
            Message::GetAtr,
            Message::UnknownControl(0x03),
            Message::Empty,
            apdu(&[0x00, 0xB0]),
        ]
    );
}

#[test]
fn a_close_inside_a_message_is_an_error_and_between_messages_is_not() {
    assert_eq!(read_message(&mut Trickle::new(vec![], 1)).unwrap(), None);
    for cut in [1, 2, 5] {
        let mut input = frame(SELECT_JPKI);
        input.truncate(cut);
        let error = read_message(&mut Trickle::new(input, 1)).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof, "cut at {cut}");
    }
}

#[test]
fn a_message_is_written_as_length_and_payload_in_one_write() {
    struct CountWrites(Vec<Vec<u8>>);
    impl Write for CountWrites {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut writer = CountWrites(Vec::new());
    write_message(&mut writer, &[0x63, 0xC3]).unwrap();
    write_message(&mut writer, &[]).unwrap();
    assert_eq!(writer.0, [vec![0x00, 0x02, 0x63, 0xC3], vec![0x00, 0x00]]);

    let too_long = vec![0u8; 65536];
    let error = write_message(&mut writer, &too_long).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    let longest = vec![0u8; 65535];
    write_message(&mut writer, &longest).unwrap();
    assert_eq!(writer.0[2][..2], [0xFF, 0xFF]);
}

#[test]
fn debug_of_a_message_never_shows_the_apdu() {
    let text = format!("{:?}", apdu(VERIFY_1234));
    assert_eq!(text, "Apdu(9 bytes)");
}

#[test]
fn control_bytes_get_no_reply_and_the_atr_request_gets_the_atr_at_any_time() {
    let mut card = VirtualCard::new(CardModel::demo());
    assert_eq!(
        card.handle(&Message::GetAtr).unwrap(),
        Action::Reply(DEMO_ATR.to_vec())
    );
    assert_eq!(card.handle(&Message::PowerOff).unwrap(), Action::Nothing);
    // Unpowered: the ATR is still answered (pcscd polls it every 400 ms).
    assert_eq!(
        card.handle(&Message::GetAtr).unwrap(),
        Action::Reply(DEMO_ATR.to_vec())
    );
    assert_eq!(card.handle(&Message::PowerOn).unwrap(), Action::Nothing);
    assert_eq!(card.handle(&Message::Reset).unwrap(), Action::Nothing);
    assert_eq!(
        card.handle(&Message::UnknownControl(3)).unwrap(),
        Action::Nothing
    );
    assert_eq!(card.handle(&Message::Empty).unwrap(), Action::Nothing);
    let lines: Vec<String> = card.card().log().iter().map(LogEntry::line).collect();
    assert_eq!(lines, ["power-off", "power-on", "reset"]);

    card.set_atr(vec![0x3B, 0x00]);
    assert_eq!(
        card.handle(&Message::GetAtr).unwrap(),
        Action::Reply(vec![0x3B, 0x00])
    );
}

#[test]
fn a_session_answers_apdus_in_order_and_logs_them_with_the_pin_masked() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("apdu.log");
    let state = dir.path().join("state.json");
    let mut card = VirtualCard::with_state_file(&state).unwrap();
    card.log_to(&log).unwrap();
    let input = frames(&[
        &[GET_ATR],
        &[POWER_ON],
        SELECT_JPKI,
        SELECT_AUTH_PIN,
        EMPTY_VERIFY,
        VERIFY_9999,
        &[RESET],
        &[POWER_OFF],
    ]);
    let mut stream = Trickle::new(input, 3);
    let mut before_reads = 0;
    let ending = card
        .serve(&mut stream, |_| {
            before_reads += 1;
            Ok(())
        })
        .unwrap();
    assert!(matches!(ending, Ending::Lost(None)), "{ending:?}");
    // Once before each of the 8 messages and before the read that found the end.
    assert_eq!(before_reads, 9);
    assert_eq!(
        unframe(&stream.output),
        [
            DEMO_ATR.to_vec(),
            vec![0x90, 0x00],
            vec![0x90, 0x00],
            vec![0x63, 0xC3],
            vec![0x63, 0xC2],
        ]
    );
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "power-on\n\
         00A4040C0AD392F000260100000001 -> 9000\n\
         00A4020C020018 -> 9000\n\
         00200080 -> 63C3\n\
         0020008004******** -> 63C2\n\
         reset\n\
         power-off\n"
    );
    // The spent try was saved at once.
    assert_eq!(CardState::load(&state).unwrap().auth.tries_left, 2);
}

#[test]
fn a_missing_state_file_is_created_with_the_demo_state_and_an_existing_one_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("state.json");
    VirtualCard::with_state_file(&path).unwrap();
    assert_eq!(CardState::load(&path).unwrap(), CardState::demo());

    let mut state = CardState::demo();
    state.sign.tries_left = 1;
    state.save(&path).unwrap();
    let card = VirtualCard::with_state_file(&path).unwrap();
    assert_eq!(card.card().state().sign.tries_left, 1);
}

#[test]
fn the_state_file_is_written_only_when_a_counter_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let mut card = VirtualCard::with_state_file(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    for command in [SELECT_JPKI, SELECT_AUTH_PIN, EMPTY_VERIFY] {
        card.handle(&apdu(command)).unwrap();
    }
    assert!(!path.exists(), "saved although nothing changed");
    card.handle(&apdu(VERIFY_9999)).unwrap();
    assert_eq!(CardState::load(&path).unwrap().auth.tries_left, 2);
    card.handle(&apdu(VERIFY_1234)).unwrap();
    assert_eq!(CardState::load(&path).unwrap().auth.tries_left, 3);
}

#[test]
fn a_removal_ends_the_session_without_an_answer_and_a_hang_answers_nothing() {
    let mut model = CardModel::demo();
    *model.faults_mut() = Faults {
        remove: Some(Removal::AfterCommand(4)),
        hang_at: Some(2),
        ..Faults::default()
    };
    let mut card = VirtualCard::new(model);
    let input = frames(&[
        SELECT_JPKI,
        SELECT_AUTH_PIN,
        EMPTY_VERIFY,
        VERIFY_9999,
        EMPTY_VERIFY,
    ]);
    let mut stream = Trickle::new(input, 1000);
    let ending = card.serve(&mut stream, |_| Ok(())).unwrap();
    assert!(matches!(ending, Ending::Removed), "{ending:?}");
    // SELECT answered, the hung SELECT EF not, the empty VERIFY then has no EF (6985), the
    // VERIFY ran and was not answered; the last command was never read.
    assert_eq!(
        unframe(&stream.output),
        [vec![0x90, 0x00], vec![0x69, 0x85]]
    );
    let lines: Vec<String> = card.card().log().iter().map(LogEntry::line).collect();
    assert_eq!(
        lines,
        [
            "00A4040C0AD392F000260100000001 -> 9000",
            "00A4020C020018 -> (none)",
            "00200080 -> 6985",
            "0020008004******** -> (none)",
            "removed",
        ]
    );
}

#[test]
fn a_failing_hook_or_stream_ends_the_session_as_lost() {
    let mut card = VirtualCard::new(CardModel::demo());
    let mut stream = Trickle::new(frame(SELECT_JPKI), 1000);
    let ending = card
        .serve(&mut stream, |_| Err(io::Error::other("no quickack")))
        .unwrap();
    assert!(matches!(ending, Ending::Lost(Some(_))), "{ending:?}");
    assert!(card.card().log().is_empty());
}

#[test]
fn a_log_file_that_cannot_be_opened_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-dir").join("apdu.log");
    let mut card = VirtualCard::new(CardModel::demo());
    let error = card.log_to(&path).unwrap_err();
    assert!(error.localized(Lang::En).contains("missing-dir"), "{error}");
}
