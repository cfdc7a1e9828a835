//! Behaviour of the card model, byte for byte, as the tools see it.

use apdu::{exchange, Command, Connection, Disposition, Transport, TransportError};

use super::*;

const AUTH_DER: &[u8] = include_bytes!("../../tests/fixtures/auth.der");
const AUTH_CA_DER: &[u8] = include_bytes!("../../tests/fixtures/auth-ca.der");
const SIGN_DER: &[u8] = include_bytes!("../../tests/fixtures/sign.der");
const SIGN_CA_DER: &[u8] = include_bytes!("../../tests/fixtures/sign-ca.der");

const EMPTY_VERIFY: [u8; 4] = [0x00, 0x20, 0x00, 0x80];

fn select_app(aid: &[u8]) -> Vec<u8> {
    let mut command = vec![0x00, 0xA4, 0x04, 0x0C, aid.len() as u8];
    command.extend_from_slice(aid);
    command
}

fn select_ef(id: u16) -> Vec<u8> {
    let [hi, lo] = id.to_be_bytes();
    vec![0x00, 0xA4, 0x02, 0x0C, 0x02, hi, lo]
}

fn verify(pin: &[u8]) -> Vec<u8> {
    let mut command = vec![0x00, 0x20, 0x00, 0x80, pin.len() as u8];
    command.extend_from_slice(pin);
    command
}

fn read_binary(offset: u16, le: u8) -> Vec<u8> {
    let [hi, lo] = offset.to_be_bytes();
    vec![0x00, 0xB0, hi, lo, le]
}

/// The answer split into data and status word; panics when the card did not answer.
fn send(card: &mut CardModel, command: &[u8]) -> (Vec<u8>, u16) {
    match card.respond(command) {
        Reply::Answer(mut bytes) => {
            assert!(bytes.len() >= 2, "answer without status word");
            let sw = bytes.split_off(bytes.len() - 2);
            (bytes, u16::from_be_bytes([sw[0], sw[1]]))
        }
        other => panic!("no answer to {}: {other:?}", masked_hex(command)),
    }
}

fn sw_of(card: &mut CardModel, command: &[u8]) -> u16 {
    let (data, sw) = send(card, command);
    assert!(data.is_empty(), "unexpected data with {sw:04X}");
    sw
}

/// Selects an EF of an application; both must answer 9000.
fn open(card: &mut CardModel, aid: &[u8], ef: u16) {
    assert_eq!(sw_of(card, &select_app(aid)), 0x9000);
    assert_eq!(sw_of(card, &select_ef(ef)), 0x9000);
}

/// Reads the selected EF with 256-byte READ BINARY commands until the card says 6B00.
fn read_whole(card: &mut CardModel) -> Result<Vec<u8>, u16> {
    let mut contents = Vec::new();
    loop {
        let (data, sw) = send(card, &read_binary(contents.len() as u16, 0));
        match sw {
            0x9000 => contents.extend_from_slice(&data),
            0x6B00 if !contents.is_empty() => return Ok(contents),
            other => return Err(other),
        }
    }
}

struct PinCase {
    kind: PinKind,
    aid: [u8; 10],
    ef: u16,
    correct: &'static [u8],
    wrong: &'static [u8],
    max: u8,
}

const PIN_CASES: [PinCase; 3] = [
    PinCase {
        kind: PinKind::Auth,
        aid: JPKI_AID,
        ef: 0x0018,
        correct: b"1234",
        wrong: b"0000",
        max: 3,
    },
    PinCase {
        kind: PinKind::Sign,
        aid: JPKI_AID,
        ef: 0x001B,
        correct: b"ABC123",
        wrong: b"ABC124",
        max: 5,
    },
    PinCase {
        kind: PinKind::CardInfo,
        aid: CARD_INFO_AID,
        ef: 0x0011,
        correct: b"5678",
        wrong: b"8765",
        max: 3,
    },
];

// --- PINs -------------------------------------------------------------------------------------

#[test]
fn wrong_pins_count_down_to_63c0_then_every_verify_is_6984() {
    for case in &PIN_CASES {
        let mut card = CardModel::demo();
        open(&mut card, &case.aid, case.ef);
        assert_eq!(
            sw_of(&mut card, &EMPTY_VERIFY),
            0x63C0 | u16::from(case.max)
        );
        for left in (0..case.max).rev() {
            assert_eq!(
                sw_of(&mut card, &verify(case.wrong)),
                0x63C0 | u16::from(left),
                "{:?}",
                case.kind
            );
            assert_eq!(card.state().pin(case.kind).tries_left, left);
            assert_eq!(sw_of(&mut card, &EMPTY_VERIFY), 0x63C0 | u16::from(left));
        }
        assert_eq!(sw_of(&mut card, &verify(case.wrong)), 0x6984);
        assert_eq!(sw_of(&mut card, &verify(case.correct)), 0x6984);
        assert_eq!(sw_of(&mut card, &EMPTY_VERIFY), 0x63C0);
        assert_eq!(card.state().pin(case.kind).tries_left, 0);
        assert!(!card.is_verified(case.kind));
    }
}

#[test]
fn correct_pin_answers_9000_restores_tries_and_empty_verify_still_answers_63cx() {
    for case in &PIN_CASES {
        let mut card = CardModel::demo();
        card.state_mut().pin_mut(case.kind).tries_left = 1;
        open(&mut card, &case.aid, case.ef);
        assert_eq!(sw_of(&mut card, &EMPTY_VERIFY), 0x63C1);
        assert_eq!(sw_of(&mut card, &verify(case.correct)), 0x9000);
        assert!(card.is_verified(case.kind));
        assert_eq!(card.state().pin(case.kind).tries_left, case.max);
        // OpenSC PR #959: never 9000 here, even when verified.
        assert_eq!(
            sw_of(&mut card, &EMPTY_VERIFY),
            0x63C0 | u16::from(case.max)
        );
        assert!(card.is_verified(case.kind));
    }
}

#[test]
fn empty_verify_spends_no_try() {
    for case in &PIN_CASES {
        let mut card = CardModel::demo();
        open(&mut card, &case.aid, case.ef);
        for _ in 0..10 {
            assert_eq!(
                sw_of(&mut card, &EMPTY_VERIFY),
                0x63C0 | u16::from(case.max)
            );
        }
        assert_eq!(card.state().pin(case.kind).tries_left, case.max);
    }
}

#[test]
fn a_wrong_pin_after_a_correct_one_takes_a_try_and_drops_the_verified_state() {
    for case in &PIN_CASES {
        let mut card = CardModel::demo();
        open(&mut card, &case.aid, case.ef);
        assert_eq!(sw_of(&mut card, &verify(case.correct)), 0x9000);
        assert_eq!(
            sw_of(&mut card, &verify(case.wrong)),
            0x63C0 | u16::from(case.max - 1)
        );
        assert!(!card.is_verified(case.kind));
    }
}

#[test]
fn pins_compare_as_exact_bytes() {
    let mut card = CardModel::demo();
    open(&mut card, &JPKI_AID, 0x001B);
    assert_eq!(sw_of(&mut card, &verify(b"abc123")), 0x63C4);
    assert_eq!(sw_of(&mut card, &verify(b"ABC1234")), 0x63C3);
    assert_eq!(sw_of(&mut card, &verify(b"ABC12")), 0x63C2);
    assert_eq!(sw_of(&mut card, &verify(b"ABC123")), 0x9000);
    open(&mut card, &JPKI_AID, 0x0018);
    assert_eq!(sw_of(&mut card, &verify(b"1234 ")), 0x63C2);
    assert_eq!(sw_of(&mut card, &verify(b"1234\0")), 0x63C1);
    assert_eq!(sw_of(&mut card, &verify(b"1234")), 0x9000);
}

#[test]
fn each_pin_has_its_own_counter() {
    let mut card = CardModel::demo();
    open(&mut card, &JPKI_AID, 0x0018);
    assert_eq!(sw_of(&mut card, &verify(b"9999")), 0x63C2);
    open(&mut card, &JPKI_AID, 0x001B);
    assert_eq!(sw_of(&mut card, &EMPTY_VERIFY), 0x63C5);
    open(&mut card, &CARD_INFO_AID, 0x0011);
    assert_eq!(sw_of(&mut card, &EMPTY_VERIFY), 0x63C3);
    // The card-info PIN EF is not visible from JPKI, nor the JPKI PIN EFs from card-info.
    assert_eq!(sw_of(&mut card, &select_ef(0x0018)), 0x6A82);
    assert_eq!(sw_of(&mut card, &select_app(&JPKI_AID)), 0x9000);
    assert_eq!(sw_of(&mut card, &select_ef(0x0011)), 0x6A82);
}

#[test]
fn verify_without_a_pin_ef_selected_never_answers_9000_and_spends_nothing() {
    let mut card = CardModel::demo();
    let attempts: [&[u8]; 3] = [&EMPTY_VERIFY, &verify(b"1234"), &verify(b"ABC123")];
    for attempt in attempts {
        // Nothing selected.
        assert_eq!(sw_of(&mut card, attempt), 0x6985);
    }
    for (aid, ef) in [
        (JPKI_AID, None),
        (JPKI_AID, Some(0x000A)),
        (JPKI_AID, Some(0x0017)),
        (CARD_INFO_AID, None),
        (CARD_FACE_AID, None),
    ] {
        assert_eq!(sw_of(&mut card, &select_app(&aid)), 0x9000);
        if let Some(ef) = ef {
            assert_eq!(sw_of(&mut card, &select_ef(ef)), 0x9000);
        }
        for attempt in attempts {
            assert_eq!(sw_of(&mut card, attempt), 0x6985, "{aid:02X?} {ef:?}");
        }
    }
    assert_eq!(card.state(), &CardState::demo());
    for kind in PinKind::ALL {
        assert!(!card.is_verified(kind));
    }
}

#[test]
fn verify_with_other_p1_p2_or_an_le_is_refused() {
    let mut card = CardModel::demo();
    open(&mut card, &JPKI_AID, 0x0018);
    // The short form 00 20 00 98 is not modelled (the mainstream tools select the EF).
    assert_eq!(sw_of(&mut card, &[0x00, 0x20, 0x00, 0x98]), 0x6A86);
    assert_eq!(
        sw_of(
            &mut card,
            &[0x00, 0x20, 0x00, 0x81, 0x04, 0x31, 0x32, 0x33, 0x34]
        ),
        0x6A86
    );
    // `00 20 00 80 00`: Le where no data is expected.
    assert_eq!(sw_of(&mut card, &[0x00, 0x20, 0x00, 0x80, 0x00]), 0x6700);
    assert_eq!(card.state().auth.tries_left, 3);
}

#[test]
fn power_off_reset_and_reinsert_clear_the_verified_state_but_not_the_counters() {
    type Interrupt = fn(&mut CardModel);
    let interrupts: [(&str, Interrupt); 3] = [
        ("power cycle", |card| {
            card.power_off();
            assert_eq!(card.respond(&select_app(&JPKI_AID)), Reply::Removed);
            card.power_on();
        }),
        ("reset", |card| card.reset()),
        ("reinsert", |card| card.reinsert()),
    ];
    for (name, interrupt) in interrupts {
        let mut card = CardModel::demo();
        open(&mut card, &JPKI_AID, 0x001B);
        assert_eq!(sw_of(&mut card, &verify(b"WRONG1")), 0x63C4);
        assert_eq!(sw_of(&mut card, &verify(b"ABC123")), 0x9000);
        assert_eq!(sw_of(&mut card, &verify(b"WRONG1")), 0x63C4);
        assert_eq!(sw_of(&mut card, &verify(b"ABC123")), 0x9000);
        open(&mut card, &JPKI_AID, 0x0001);
        assert_eq!(read_whole(&mut card).as_deref(), Ok(SIGN_DER), "{name}");
        open(&mut card, &JPKI_AID, 0x001B);
        assert_eq!(sw_of(&mut card, &verify(b"WRONG1")), 0x63C4);

        interrupt(&mut card);

        assert!(!card.is_verified(PinKind::Sign), "{name}");
        // The selection is gone too.
        assert_eq!(send(&mut card, &read_binary(0, 0)).1, 0x6986, "{name}");
        open(&mut card, &JPKI_AID, 0x0001);
        assert_eq!(send(&mut card, &read_binary(0, 0)).1, 0x6982, "{name}");
        assert_eq!(card.state().sign.tries_left, 4, "{name}");
    }
}

// --- Files ------------------------------------------------------------------------------------

#[test]
fn certificates_read_in_256_byte_chunks_equal_the_fixtures() {
    let mut card = CardModel::demo();
    for (ef, der) in [
        (0x000A, AUTH_DER),
        (0x000B, AUTH_CA_DER),
        (0x0002, SIGN_CA_DER),
    ] {
        open(&mut card, &JPKI_AID, ef);
        assert_eq!(read_whole(&mut card).as_deref(), Ok(der), "EF {ef:04X}");
    }
    // 1226 bytes: four full chunks, one of 202 bytes, then 6B00.
    let reads: Vec<Vec<u8>> = card.commands().into_iter().skip(2).take(6).collect();
    assert_eq!(
        reads,
        [
            read_binary(0, 0),
            read_binary(256, 0),
            read_binary(512, 0),
            read_binary(768, 0),
            read_binary(1024, 0),
            read_binary(1226, 0),
        ]
    );
}

#[test]
fn a_certificate_read_through_exchange_by_its_length_header() {
    let mut card = CardModel::demo();
    open(&mut card, &JPKI_AID, 0x000A);
    let header = exchange(&mut card, &Command::new(0x00, 0xB0, 0x00, 0x00).with_le(4)).unwrap();
    assert!(header.is_success());
    assert_eq!(header.data()[..2], [0x30, 0x82]);
    let total = usize::from(u16::from_be_bytes([header.data()[2], header.data()[3]])) + 4;
    assert_eq!(total, AUTH_DER.len());
    let mut contents = Vec::new();
    while contents.len() < total {
        let [hi, lo] = (contents.len() as u16).to_be_bytes();
        let le = (total - contents.len()).min(256);
        let response = exchange(&mut card, &Command::new(0x00, 0xB0, hi, lo).with_le(le)).unwrap();
        assert!(response.is_success());
        contents.extend_from_slice(response.data());
    }
    assert_eq!(contents, AUTH_DER);
}

#[test]
fn the_signature_certificate_needs_the_signature_password() {
    let mut card = CardModel::demo();
    open(&mut card, &JPKI_AID, 0x0001);
    assert_eq!(send(&mut card, &read_binary(0, 0)), (vec![], 0x6982));
    // The auth PIN does not open it.
    open(&mut card, &JPKI_AID, 0x0018);
    assert_eq!(sw_of(&mut card, &verify(b"1234")), 0x9000);
    open(&mut card, &JPKI_AID, 0x0001);
    assert_eq!(send(&mut card, &read_binary(0, 0)), (vec![], 0x6982));
    open(&mut card, &JPKI_AID, 0x001B);
    assert_eq!(sw_of(&mut card, &verify(b"ABC123")), 0x9000);
    open(&mut card, &JPKI_AID, 0x0001);
    assert_eq!(read_whole(&mut card).as_deref(), Ok(SIGN_DER));
}

#[test]
fn token_info_starts_with_the_space_padded_label() {
    let mut card = CardModel::demo();
    open(&mut card, &JPKI_AID, 0x0006);
    let (data, sw) = send(&mut card, &read_binary(0, 32));
    assert_eq!(sw, 0x9000);
    assert_eq!(data, b"JPKIAPICCTOKEN2                 ");
    // The model's EF 0006 is exactly the 32 label bytes.
    let (data, sw) = send(&mut card, &read_binary(0, 0));
    assert_eq!((data.len(), sw), (32, 0x9000));
}

#[test]
fn reads_past_the_end() {
    let mut card = CardModel::demo();
    open(&mut card, &JPKI_AID, 0x000A);
    let len = AUTH_DER.len() as u16;
    assert_eq!(send(&mut card, &read_binary(len, 1)), (vec![], 0x6B00));
    assert_eq!(send(&mut card, &read_binary(0x7FFF, 0)), (vec![], 0x6B00));
    // Asking past the end gives what is there.
    let (data, sw) = send(&mut card, &read_binary(len - 10, 0));
    assert_eq!(sw, 0x9000);
    assert_eq!(data, &AUTH_DER[AUTH_DER.len() - 10..]);
    let (data, sw) = send(&mut card, &read_binary(len - 1, 200));
    assert_eq!(
        (data.as_slice(), sw),
        (&AUTH_DER[AUTH_DER.len() - 1..], 0x9000)
    );
}

#[test]
fn keys_and_pin_files_are_not_readable() {
    let mut card = CardModel::demo();
    open(&mut card, &JPKI_AID, 0x0018);
    assert_eq!(sw_of(&mut card, &verify(b"1234")), 0x9000);
    open(&mut card, &JPKI_AID, 0x001B);
    assert_eq!(sw_of(&mut card, &verify(b"ABC123")), 0x9000);
    for ef in [0x0017, 0x001A, 0x0018, 0x001B] {
        open(&mut card, &JPKI_AID, ef);
        assert_eq!(
            send(&mut card, &read_binary(0, 0)),
            (vec![], 0x6982),
            "{ef:04X}"
        );
    }
    open(&mut card, &CARD_INFO_AID, 0x0011);
    assert_eq!(send(&mut card, &read_binary(0, 0)), (vec![], 0x6982));
}

#[test]
fn read_binary_needs_a_selected_ef_and_an_le() {
    let mut card = CardModel::demo();
    assert_eq!(sw_of(&mut card, &read_binary(0, 0)), 0x6986);
    assert_eq!(sw_of(&mut card, &select_app(&JPKI_AID)), 0x9000);
    assert_eq!(sw_of(&mut card, &read_binary(0, 0)), 0x6986);
    assert_eq!(sw_of(&mut card, &select_ef(0x000A)), 0x9000);
    assert_eq!(sw_of(&mut card, &[0x00, 0xB0, 0x00, 0x00]), 0x6700);
    assert_eq!(
        sw_of(&mut card, &[0x00, 0xB0, 0x00, 0x00, 0x01, 0x00, 0x00]),
        0x6700
    );
    // Short EF identifier in P1.
    assert_eq!(sw_of(&mut card, &[0x00, 0xB0, 0x8A, 0x00, 0x00]), 0x6A86);
    // Selecting another application drops the EF.
    assert_eq!(sw_of(&mut card, &select_app(&CARD_FACE_AID)), 0x9000);
    assert_eq!(sw_of(&mut card, &read_binary(0, 0)), 0x6986);
    assert_eq!(sw_of(&mut card, &select_ef(0x000A)), 0x6A82);
}

// --- Error codes and probes --------------------------------------------------------------------

#[test]
fn unknown_applications_files_and_the_mf_are_not_found() {
    let mut card = CardModel::demo();
    let resident_register_ap = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x01];
    assert_eq!(sw_of(&mut card, &select_app(&resident_register_ap)), 0x6A82);
    assert_eq!(sw_of(&mut card, &select_app(&JPKI_AID[..9])), 0x6A82);
    // EF select before any application.
    assert_eq!(sw_of(&mut card, &select_ef(0x000A)), 0x6A82);
    // The MF, by identifier and by P1 00 without data.
    assert_eq!(
        sw_of(&mut card, &[0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00]),
        0x6A82
    );
    assert_eq!(sw_of(&mut card, &[0x00, 0xA4, 0x00, 0x00]), 0x6A82);
    assert_eq!(sw_of(&mut card, &select_ef(0x3F00)), 0x6A82);
    open(&mut card, &JPKI_AID, 0x000A);
    for ef in [0x0000, 0x0003, 0x000C, 0x0011, 0x001C, 0x3F00, 0xFFFF] {
        assert_eq!(sw_of(&mut card, &select_ef(ef)), 0x6A82, "{ef:04X}");
    }
    // A failed SELECT keeps the selection.
    assert_eq!(sw_of(&mut card, &select_app(&resident_register_ap)), 0x6A82);
    assert_eq!(
        send(&mut card, &read_binary(0, 2)),
        (vec![0x30, 0x82], 0x9000)
    );
}

#[test]
fn select_with_p2_other_than_0c_is_wrong_p1_p2_for_known_names_only() {
    let mut card = CardModel::demo();
    let mut with_fci = select_app(&JPKI_AID);
    with_fci[3] = 0x00;
    assert_eq!(sw_of(&mut card, &with_fci), 0x6A86);
    let mut unknown = select_app(&[0xA0, 0x00, 0x00, 0x03, 0x08]);
    unknown[3] = 0x00;
    unknown.push(0x00);
    assert_eq!(sw_of(&mut card, &unknown), 0x6A82);
}

#[test]
fn unknown_instructions_classes_and_bad_lengths() {
    let mut card = CardModel::demo();
    // GET DATA, GET CHALLENGE, INTERNAL AUTHENTICATE, GET RESPONSE with nothing waiting.
    for command in [
        &[0x00, 0xCA, 0x01, 0x01, 0x00][..],
        &[0x00, 0x84, 0x00, 0x00, 0x08],
        &[0x00, 0x88, 0x00, 0x00, 0x01, 0x00, 0x00],
        &[0x00, 0xC0, 0x00, 0x00, 0x10],
    ] {
        assert_eq!(sw_of(&mut card, command), 0x6D00, "{command:02X?}");
    }
    // CLA 80 is the proprietary class of COMPUTE DIGITAL SIGNATURE only; it never reaches the
    // ISO commands. Without a key EF selected, the signature's conditions are not satisfied.
    let mut select_80 = select_app(&JPKI_AID);
    select_80[0] = 0x80;
    assert_eq!(sw_of(&mut card, &select_80), 0x6D00);
    assert_eq!(
        sw_of(&mut card, &[0x80, 0x2A, 0x00, 0x80, 0x01, 0x00, 0x00]),
        0x6985
    );
    for cla in [0x01, 0x0C, 0x10, 0x84, 0x90, 0xA0, 0xFF] {
        assert_eq!(
            sw_of(&mut card, &[cla, 0xA4, 0x04, 0x0C]),
            0x6E00,
            "{cla:02X}"
        );
    }
    // Lc one short, one too long (two extra bytes cannot be an Le), zero, and no header.
    let mut short = select_app(&JPKI_AID);
    short.pop();
    assert_eq!(sw_of(&mut card, &short), 0x6700);
    let mut long = select_app(&JPKI_AID);
    long.extend_from_slice(&[0x00, 0x00]);
    assert_eq!(sw_of(&mut card, &long), 0x6700);
    assert_eq!(
        sw_of(&mut card, &[0x00, 0xA4, 0x04, 0x0C, 0x00, 0xD3]),
        0x6700
    );
    assert_eq!(sw_of(&mut card, &[0x00, 0xA4, 0x04]), 0x6700);
    assert_eq!(sw_of(&mut card, &[]), 0x6700);
    assert_eq!(
        sw_of(&mut card, &[0x00, 0xA4, 0x02, 0x0C, 0x01, 0x0A]),
        0x6700
    );
    assert_eq!(sw_of(&mut card, &[0x00, 0xA4, 0x04, 0x0C]), 0x6700);
    // None of it selected anything.
    assert_eq!(sw_of(&mut card, &read_binary(0, 0)), 0x6986);
}

#[test]
fn opensc_style_probes_never_answer_9000() {
    let probes: [&[u8]; 10] = [
        // PIV, OpenPGP, PKCS#15, a GlobalPlatform card manager.
        &[
            0x00, 0xA4, 0x04, 0x00, 0x09, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00,
            0x00,
        ],
        &[
            0x00, 0xA4, 0x04, 0x00, 0x06, 0xD2, 0x76, 0x00, 0x01, 0x24, 0x01, 0x00,
        ],
        &[
            0x00, 0xA4, 0x04, 0x0C, 0x0C, 0xA0, 0x00, 0x00, 0x00, 0x63, 0x50, 0x4B, 0x43, 0x53,
            0x2D, 0x31, 0x35,
        ],
        &[0x00, 0xA4, 0x04, 0x00, 0x00],
        &[0x00, 0xA4, 0x00, 0x00, 0x02, 0x3F, 0x00, 0x00],
        &[0x00, 0xA4, 0x08, 0x0C, 0x04, 0x3F, 0x00, 0x50, 0x15],
        &[0x00, 0xCA, 0x9F, 0x7F, 0x00],
        &[0x80, 0xCA, 0x9F, 0x7F, 0x00],
        &[0x80, 0x50, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00],
        &[0xFF, 0xCA, 0x00, 0x00, 0x00],
    ];
    let mut card = CardModel::demo();
    for probe in probes {
        let sw = send(&mut card, probe).1;
        assert!(
            matches!(sw, 0x6A82 | 0x6D00 | 0x6E00 | 0x6700),
            "{probe:02X?} answered {sw:04X}"
        );
    }
    assert_eq!(sw_of(&mut card, &read_binary(0, 0)), 0x6986);
    assert_eq!(card.state(), &CardState::demo());
}

// --- Faults -----------------------------------------------------------------------------------

#[test]
fn response_chunking_answers_61xx_and_exchange_reassembles() {
    let mut card = CardModel::demo();
    card.faults_mut().response_chunk = Some(100);
    open(&mut card, &JPKI_AID, 0x000A);

    let (data, sw) = send(&mut card, &read_binary(0, 0));
    assert_eq!((data.as_slice(), sw), (&AUTH_DER[..100], 0x619C));
    let (data, sw) = send(&mut card, &[0x00, 0xC0, 0x00, 0x00, 0x9C]);
    assert_eq!((data.as_slice(), sw), (&AUTH_DER[100..200], 0x6138));
    let (data, sw) = send(&mut card, &[0x00, 0xC0, 0x00, 0x00, 0x38]);
    assert_eq!((data.as_slice(), sw), (&AUTH_DER[200..256], 0x9000));

    card.clear_log();
    let response = exchange(
        &mut card,
        &Command::new(0x00, 0xB0, 0x01, 0x00).with_le(256),
    )
    .unwrap();
    assert!(response.is_success());
    assert_eq!(response.data(), &AUTH_DER[256..512]);
    assert_eq!(
        card.commands(),
        [
            vec![0x00, 0xB0, 0x01, 0x00, 0x00],
            vec![0x00, 0xC0, 0x00, 0x00, 0x9C],
            vec![0x00, 0xC0, 0x00, 0x00, 0x38],
        ]
    );

    // Status words without data pass unchanged.
    open(&mut card, &JPKI_AID, 0x0018);
    assert_eq!(sw_of(&mut card, &EMPTY_VERIFY), 0x63C3);
}

#[test]
fn response_chunking_keeps_what_a_short_get_response_left() {
    let mut card = CardModel::demo();
    card.faults_mut().response_chunk = Some(10);
    open(&mut card, &JPKI_AID, 0x000A);
    assert_eq!(send(&mut card, &read_binary(0, 30)).1, 0x6114);
    let (data, sw) = send(&mut card, &[0x00, 0xC0, 0x00, 0x00, 0x05]);
    assert_eq!((data.as_slice(), sw), (&AUTH_DER[10..15], 0x610F));
    // Asking for 12 of the 15: 10 now (the chunk), 2 + 3 still waiting.
    let (data, sw) = send(&mut card, &[0x00, 0xC0, 0x00, 0x00, 0x0C]);
    assert_eq!((data.as_slice(), sw), (&AUTH_DER[15..25], 0x6105));
    let (data, sw) = send(&mut card, &[0x00, 0xC0, 0x00, 0x00, 0x05]);
    assert_eq!((data.as_slice(), sw), (&AUTH_DER[25..30], 0x9000));
    // Any other command drops the waiting bytes.
    assert_eq!(send(&mut card, &read_binary(0, 2)).1, 0x9000);
    assert_eq!(sw_of(&mut card, &[0x00, 0xC0, 0x00, 0x00, 0x05]), 0x6D00);
}

#[test]
fn whole_certificate_through_exchange_with_chunking() {
    let mut card = CardModel::demo();
    card.faults_mut().response_chunk = Some(64);
    open(&mut card, &JPKI_AID, 0x000A);
    let mut contents = Vec::new();
    while contents.len() < AUTH_DER.len() {
        let [hi, lo] = (contents.len() as u16).to_be_bytes();
        let response = exchange(&mut card, &Command::new(0x00, 0xB0, hi, lo).with_le(256)).unwrap();
        assert!(response.is_success());
        contents.extend_from_slice(response.data());
    }
    assert_eq!(contents, AUTH_DER);
}

#[test]
fn strict_le_answers_6cxx_and_exchange_resends_once() {
    let mut card = CardModel::demo();
    card.faults_mut().strict_le = true;
    open(&mut card, &JPKI_AID, 0x000A);
    // 1226 − 1024 = 202 = CA.
    assert_eq!(send(&mut card, &read_binary(1024, 0)), (vec![], 0x6CCA));
    // An Le that fits is answered as usual.
    assert_eq!(
        send(&mut card, &read_binary(0, 2)),
        (vec![0x30, 0x82], 0x9000)
    );

    card.clear_log();
    let response = exchange(
        &mut card,
        &Command::new(0x00, 0xB0, 0x04, 0x00).with_le(256),
    )
    .unwrap();
    assert!(response.is_success());
    assert_eq!(response.data(), &AUTH_DER[1024..]);
    assert_eq!(
        card.commands(),
        [read_binary(1024, 0x00), read_binary(1024, 0xCA)]
    );

    card.faults_mut().strict_le = false;
    assert_eq!(send(&mut card, &read_binary(1024, 0)).0, &AUTH_DER[1024..]);
}

#[test]
fn empty_verify_answers_9000_fault_hides_the_counter_only() {
    let mut card = CardModel::demo();
    card.faults_mut().empty_verify_answers_9000 = true;
    open(&mut card, &JPKI_AID, 0x0018);
    assert_eq!(sw_of(&mut card, &EMPTY_VERIFY), 0x9000);
    assert!(!card.is_verified(PinKind::Auth));
    assert_eq!(sw_of(&mut card, &verify(b"0000")), 0x63C2);
    assert_eq!(sw_of(&mut card, &EMPTY_VERIFY), 0x9000);
    assert_eq!(card.state().auth.tries_left, 2);
}

#[test]
fn status_override_by_prefix_answers_without_running_the_command() {
    let mut card = CardModel::demo();
    card.faults_mut()
        .status_overrides
        .push(StatusOverride::prefix(&EMPTY_VERIFY, 0x6581));
    open(&mut card, &JPKI_AID, 0x0018);
    assert_eq!(sw_of(&mut card, &EMPTY_VERIFY), 0x6581);
    assert_eq!(sw_of(&mut card, &verify(b"0000")), 0x6581);
    assert_eq!(sw_of(&mut card, &verify(b"1234")), 0x6581);
    assert_eq!(card.state().auth.tries_left, 3);
    assert!(!card.is_verified(PinKind::Auth));
    assert_eq!(
        card.log().last(),
        Some(&LogEntry::Command {
            command: verify(b"1234"),
            response: Some(vec![0x65, 0x81]),
        })
    );
}

#[test]
fn status_override_by_index_counts_from_clear_log() {
    let mut card = CardModel::demo();
    card.faults_mut()
        .status_overrides
        .push(StatusOverride::index(2, 0x6F00));
    assert_eq!(sw_of(&mut card, &select_app(&JPKI_AID)), 0x9000);
    assert_eq!(sw_of(&mut card, &select_ef(0x000A)), 0x6F00);
    // The overridden SELECT did not run.
    assert_eq!(sw_of(&mut card, &read_binary(0, 0)), 0x6986);
    assert_eq!(sw_of(&mut card, &select_ef(0x000A)), 0x9000);

    card.clear_log();
    assert_eq!(send(&mut card, &read_binary(0, 2)).1, 0x9000);
    assert_eq!(sw_of(&mut card, &read_binary(0, 2)), 0x6F00);

    // Prefix and index together: both must match.
    card.clear_log();
    card.faults_mut().status_overrides = vec![StatusOverride {
        prefix: Some(vec![0x00, 0xB0]),
        index: Some(1),
        status: apdu::StatusWord(0x6281),
    }];
    assert_eq!(sw_of(&mut card, &read_binary(0, 2)), 0x6281);
    assert_eq!(send(&mut card, &read_binary(0, 2)).1, 0x9000);
}

#[test]
fn removal_before_a_verify_spends_no_try() {
    let mut card = CardModel::demo();
    card.faults_mut().remove = Some(Removal::BeforeCommand(3));
    open(&mut card, &JPKI_AID, 0x0018);
    assert_eq!(card.respond(&verify(b"0000")), Reply::Removed);
    assert!(!card.is_present());
    assert_eq!(card.state().auth.tries_left, 3);
    let log = card.log();
    assert_eq!(
        log[log.len() - 2..],
        [
            LogEntry::Removed,
            LogEntry::Command {
                command: verify(b"0000"),
                response: None,
            },
        ]
    );
    // Gone for good: no answer, no transaction.
    assert_eq!(
        card.transmit(&EMPTY_VERIFY).map_err(|e| e.to_string()),
        Err(TransportError::CardRemoved.to_string())
    );
    let entries = card.log().len();
    assert!(matches!(
        card.transaction(Disposition::Leave, |_, _| ()),
        Err(TransportError::CardRemoved)
    ));
    assert_eq!(card.log().len(), entries);

    card.reinsert();
    assert!(card.is_present());
    assert_eq!(card.log().last(), Some(&LogEntry::PowerOn));
    assert_eq!(sw_of(&mut card, &EMPTY_VERIFY), 0x6985);
    open(&mut card, &JPKI_AID, 0x0018);
    assert_eq!(sw_of(&mut card, &EMPTY_VERIFY), 0x63C3);
}

#[test]
fn removal_after_a_verify_spends_the_try_without_answering() {
    let mut card = CardModel::demo();
    card.faults_mut().remove = Some(Removal::AfterCommand(3));
    open(&mut card, &JPKI_AID, 0x0018);
    assert_eq!(card.respond(&verify(b"0000")), Reply::Removed);
    assert!(!card.is_present());
    assert_eq!(card.state().auth.tries_left, 2);
    let log = card.log();
    assert_eq!(
        log[log.len() - 2..],
        [
            LogEntry::Command {
                command: verify(b"0000"),
                response: None,
            },
            LogEntry::Removed,
        ]
    );
    assert!(card.faults_mut().remove.is_none());

    // A correct PIN that ran before the removal restored the counter, but nothing stays verified.
    card.reinsert();
    card.clear_log();
    card.faults_mut().remove = Some(Removal::AfterCommand(3));
    open(&mut card, &JPKI_AID, 0x0018);
    assert_eq!(card.respond(&verify(b"1234")), Reply::Removed);
    assert_eq!(card.state().auth.tries_left, 3);
    assert!(!card.is_verified(PinKind::Auth));
}

#[test]
fn removal_through_exchange_is_a_transport_error() {
    let mut card = CardModel::demo();
    card.faults_mut().remove = Some(Removal::AfterCommand(1));
    let error = exchange(
        &mut card,
        &Command::new(0x00, 0xA4, 0x04, 0x0C).with_data(&JPKI_AID),
    )
    .unwrap_err();
    assert!(matches!(
        error.transport_error(),
        Some(TransportError::CardRemoved)
    ));
}

#[test]
fn reset_before_the_next_transaction_is_reported_and_clears_the_session() {
    let mut card = CardModel::demo();
    card.transaction(Disposition::Leave, |transport, start| {
        assert!(!start.card_was_reset);
        for command in [select_app(&JPKI_AID), select_ef(0x0018), verify(b"1234")] {
            assert_eq!(transport.transmit(&command).unwrap(), [0x90, 0x00]);
        }
    })
    .unwrap();
    assert!(card.is_verified(PinKind::Auth));

    card.faults_mut().reset_before_next_transaction = true;
    card.clear_log();
    let answer = card
        .transaction(Disposition::Leave, |transport, start| {
            assert!(start.card_was_reset);
            transport.transmit(&EMPTY_VERIFY).unwrap()
        })
        .unwrap();
    // Nothing selected any more.
    assert_eq!(answer, [0x69, 0x85]);
    assert!(!card.is_verified(PinKind::Auth));
    assert_eq!(
        card.log(),
        [
            LogEntry::TransactionBegin,
            LogEntry::Reset,
            LogEntry::Command {
                command: EMPTY_VERIFY.to_vec(),
                response: Some(vec![0x69, 0x85]),
            },
            LogEntry::TransactionEnd(Disposition::Leave),
        ]
    );
    assert!(!card.faults_mut().reset_before_next_transaction);
    card.transaction(Disposition::Leave, |_, start| {
        assert!(!start.card_was_reset)
    })
    .unwrap();
}

#[test]
fn transaction_dispositions() {
    for (end, stays_verified) in [
        (Disposition::Leave, true),
        (Disposition::Reset, false),
        (Disposition::Unpower, false),
    ] {
        let mut card = CardModel::demo();
        card.transaction(end, |transport, _| {
            for command in [select_app(&JPKI_AID), select_ef(0x001B), verify(b"ABC123")] {
                assert_eq!(transport.transmit(&command).unwrap(), [0x90, 0x00]);
            }
        })
        .unwrap();
        assert_eq!(card.is_verified(PinKind::Sign), stays_verified, "{end:?}");
        assert_eq!(card.log().first(), Some(&LogEntry::TransactionBegin));
        assert_eq!(card.log().last(), Some(&LogEntry::TransactionEnd(end)));
        // The card answers again at once.
        let selected = card.transmit(&read_binary(0, 2)).unwrap();
        assert_eq!(selected == [0x69, 0x86], !stays_verified, "{end:?}");
    }
}

#[test]
fn verified_survives_reset_keeps_pins_until_power_is_cut() {
    let mut card = CardModel::demo();
    card.faults_mut().verified_survives_reset = true;
    let verify_auth = |transport: &mut dyn Transport, _| {
        for command in [select_app(&JPKI_AID), select_ef(0x0018), verify(b"1234")] {
            assert_eq!(transport.transmit(&command).unwrap(), [0x90, 0x00]);
        }
    };
    card.transaction(Disposition::Reset, verify_auth).unwrap();
    assert!(card.is_verified(PinKind::Auth));
    card.reset();
    assert!(card.is_verified(PinKind::Auth));
    // The selection is gone all the same.
    assert_eq!(sw_of(&mut card, &EMPTY_VERIFY), 0x6985);
    card.faults_mut().reset_before_next_transaction = true;
    card.transaction(Disposition::Leave, |_, start| assert!(start.card_was_reset))
        .unwrap();
    assert!(card.is_verified(PinKind::Auth));

    card.transaction(Disposition::Unpower, |_, _| ()).unwrap();
    assert!(!card.is_verified(PinKind::Auth));
    card.transaction(Disposition::Leave, verify_auth).unwrap();
    card.power_off();
    card.power_on();
    assert!(!card.is_verified(PinKind::Auth));
}

#[test]
fn a_transaction_powers_an_unpowered_card() {
    let mut card = CardModel::demo();
    card.power_off();
    card.clear_log();
    let answer = card
        .transaction(Disposition::Leave, |transport, _| {
            transport.transmit(&select_app(&JPKI_AID)).unwrap()
        })
        .unwrap();
    assert_eq!(answer, [0x90, 0x00]);
    assert_eq!(
        card.log()[..2],
        [LogEntry::TransactionBegin, LogEntry::PowerOn]
    );
}

#[test]
fn a_hung_command_is_not_run_and_never_answered() {
    let mut card = CardModel::demo();
    card.faults_mut().hang_at = Some(3);
    open(&mut card, &JPKI_AID, 0x0018);
    assert_eq!(card.respond(&verify(b"0000")), Reply::Hang);
    assert_eq!(card.state().auth.tries_left, 3);
    assert!(card.is_present());
    assert!(matches!(
        card.transmit(&EMPTY_VERIFY),
        Ok(answer) if answer == [0x63, 0xC3]
    ));
    card.clear_log();
    card.faults_mut().hang_at = Some(1);
    assert!(matches!(
        card.transmit(&EMPTY_VERIFY),
        Err(TransportError::Timeout)
    ));
    assert_eq!(
        card.log(),
        [LogEntry::Command {
            command: EMPTY_VERIFY.to_vec(),
            response: None,
        }]
    );
}

// --- Log and secrets ---------------------------------------------------------------------------

#[test]
fn the_log_records_commands_answers_and_events_in_order() {
    let mut card = CardModel::demo();
    open(&mut card, &JPKI_AID, 0x0018);
    card.power_off();
    card.power_on();
    card.reset();
    assert_eq!(
        card.log(),
        [
            LogEntry::Command {
                command: select_app(&JPKI_AID),
                response: Some(vec![0x90, 0x00]),
            },
            LogEntry::Command {
                command: select_ef(0x0018),
                response: Some(vec![0x90, 0x00]),
            },
            LogEntry::PowerOff,
            LogEntry::PowerOn,
            LogEntry::Reset,
        ]
    );
    assert_eq!(card.commands(), [select_app(&JPKI_AID), select_ef(0x0018)]);
    card.clear_log();
    assert!(card.log().is_empty());
    assert_eq!(
        card.atr(),
        [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14]
    );
}

#[test]
fn debug_output_never_shows_a_pin() {
    let mut card = CardModel::demo();
    open(&mut card, &JPKI_AID, 0x0018);
    sw_of(&mut card, &verify(b"1234"));
    let log = format!("{:?}", card.log());
    assert!(
        log.contains("Command(00 20 00 80 04 ** ** ** ** -> 90 00)"),
        "{log}"
    );
    assert!(!log.contains("31 32 33 34"), "{log}");
    let pin = format!("{:?}", card.state().sign);
    assert!(!pin.contains("ABC123"), "{pin}");
    let whole = format!("{card:?}");
    for secret in ["\"1234\"", "ABC123", "\"5678\"", "31 32 33 34"] {
        assert!(!whole.contains(secret), "{secret} in {whole}");
    }
}
