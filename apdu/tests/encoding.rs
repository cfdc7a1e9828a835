//! Property tests: encoding parses back to the same fields, and parsing never panics. The
//! response-parsing fuzz target of docs/testing.md ("Fuzzing"): fixed case counts, and every one
//! of the 65 536 status words.

use apdu::{Command, EncodeError, LengthEncoding, Response, StatusWord};
use proptest::prelude::*;

/// The fields of a command APDU as ISO 7816-4 reads them back.
#[derive(Debug, PartialEq, Eq)]
struct Decoded {
    header: [u8; 4],
    data: Vec<u8>,
    le: Option<usize>,
    /// `None` for case 1, which looks the same in both encodings.
    encoding: Option<LengthEncoding>,
}

/// A test-only decoder for the four cases, short and extended.
fn decode(bytes: &[u8]) -> Option<Decoded> {
    let header: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
    let body = &bytes[4..];
    let decoded = |data: &[u8], le, encoding| {
        Some(Decoded {
            header,
            data: data.to_vec(),
            le,
            encoding,
        })
    };
    let short_le = |b: u8| if b == 0 { 256 } else { usize::from(b) };
    let extended_len = |hi: u8, lo: u8| usize::from(u16::from_be_bytes([hi, lo]));
    let extended_le = |hi, lo| match extended_len(hi, lo) {
        0 => 65_536,
        n => n,
    };
    match *body {
        [] => decoded(&[], None, None),
        [le] => decoded(&[], Some(short_le(le)), Some(LengthEncoding::Short)),
        [0, hi, lo] => decoded(
            &[],
            Some(extended_le(hi, lo)),
            Some(LengthEncoding::Extended),
        ),
        [0, hi, lo, ref rest @ ..] => {
            let lc = extended_len(hi, lo);
            if lc == 0 {
                None
            } else if rest.len() == lc {
                decoded(rest, None, Some(LengthEncoding::Extended))
            } else if rest.len() == lc + 2 {
                let le = extended_le(rest[lc], rest[lc + 1]);
                decoded(&rest[..lc], Some(le), Some(LengthEncoding::Extended))
            } else {
                None
            }
        }
        [lc, ref rest @ ..] => {
            let lc = usize::from(lc);
            if rest.len() == lc {
                decoded(rest, None, Some(LengthEncoding::Short))
            } else if rest.len() == lc + 1 {
                decoded(
                    &rest[..lc],
                    Some(short_le(rest[lc])),
                    Some(LengthEncoding::Short),
                )
            } else {
                None
            }
        }
    }
}

fn data_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::collection::vec(any::<u8>(), 0..=300),
        1 => (any::<u8>(), 65_530usize..=65_540).prop_map(|(b, n)| vec![b; n]),
    ]
}

fn le_strategy() -> impl Strategy<Value = Option<usize>> {
    prop_oneof![
        Just(None),
        (0usize..=300).prop_map(Some),
        (65_530usize..=65_540).prop_map(Some),
    ]
}

/// Cases per run (fixed: `PROPTEST_CASES` does not change them).
const ENCODING_CASES: u32 = 1024;
const PARSE_CASES: u32 = 8192;

proptest! {
    #![proptest_config(ProptestConfig { cases: ENCODING_CASES, ..ProptestConfig::default() })]

    #[test]
    fn encoding_parses_back_to_the_same_fields(
        header in any::<[u8; 4]>(),
        data in data_strategy(),
        le in le_strategy(),
        extended in any::<bool>(),
        secret in any::<bool>(),
    ) {
        let mut command = Command::new(header[0], header[1], header[2], header[3]);
        command = if secret { command.with_secret_data(&data) } else { command.with_data(&data) };
        if let Some(le) = le {
            command = command.with_le(le);
        }
        let encoding = if extended {
            command = command.extended();
            LengthEncoding::Extended
        } else {
            LengthEncoding::Short
        };
        let (max_data, max_le) = if extended { (65_535, 65_536) } else { (255, 256) };

        match command.encode() {
            Ok(bytes) => {
                prop_assert!(data.len() <= max_data);
                prop_assert!(le.map_or(true, |le| (1..=max_le).contains(&le)));
                let expected = Decoded {
                    header,
                    data: data.clone(),
                    le,
                    encoding: (!data.is_empty() || le.is_some()).then_some(encoding),
                };
                prop_assert_eq!(decode(&bytes), Some(expected));
                // The masked form has one token per byte and hides exactly the data when secret.
                let masked = command.masked_hex();
                let tokens: Vec<&str> = masked.split(' ').collect();
                prop_assert_eq!(tokens.len(), bytes.len());
                let stars = tokens.iter().filter(|t| **t == "**").count();
                prop_assert_eq!(stars, if secret { data.len() } else { 0 });
            }
            Err(EncodeError::DataTooLong { len, max, encoding: e }) => {
                prop_assert_eq!((len, max, e), (data.len(), max_data, encoding));
                prop_assert!(data.len() > max_data);
            }
            Err(EncodeError::LeOutOfRange { le: bad, max, encoding: e }) => {
                prop_assert!(data.len() <= max_data);
                prop_assert_eq!((Some(bad), max, e), (le, max_le, encoding));
                prop_assert!(bad == 0 || bad > max_le);
            }
            Err(other) => prop_assert!(false, "an encoding error this test does not know: {other}"),
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: PARSE_CASES, ..ProptestConfig::default() })]

    #[test]
    fn parsing_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        match Response::parse(&bytes) {
            Ok(response) => {
                prop_assert!(bytes.len() >= 2);
                let n = bytes.len();
                prop_assert_eq!(response.data(), &bytes[..n - 2]);
                prop_assert_eq!(response.sw(), StatusWord::from_bytes(bytes[n - 2], bytes[n - 1]));
                prop_assert_eq!(response.to_bytes(), bytes);
            }
            Err(_) => prop_assert!(bytes.len() < 2),
        }
    }

    #[test]
    fn response_parts_round_trip(data in proptest::collection::vec(any::<u8>(), 0..600), code in any::<u16>()) {
        let response = Response::new(data, StatusWord(code));
        prop_assert_eq!(Response::parse(&response.to_bytes()), Ok(response));
    }
}

/// Every status word: its meaning, its text and its round trip, without a panic.
#[test]
fn every_status_word_has_a_meaning_and_a_text() {
    for code in 0..=u16::MAX {
        let sw = StatusWord(code);
        let [sw1, sw2] = sw.to_bytes();
        assert_eq!(StatusWord::from_bytes(sw1, sw2), sw);
        assert_eq!(Response::parse(&[sw1, sw2]).map(|r| r.sw()), Ok(sw));
        let status = sw.status();
        let _ = status.is_blocked();
        assert_eq!(sw.to_string(), format!("{code:04X}"));
        assert!(!format!("{sw:?}").is_empty());
        if let apdu::Status::RetriesLeft(tries) = status {
            assert_eq!(code & 0xFFF0, 0x63C0, "{sw}");
            assert_eq!(u16::from(tries), code & 0x000F);
        }
    }
}

#[test]
fn decoder_reads_known_encodings() {
    // Guards the decoder itself against agreeing with a wrong encoder.
    assert_eq!(
        decode(&[0x00, 0x20, 0x00, 0x80, 0x04, 1, 2, 3, 4]),
        Some(Decoded {
            header: [0x00, 0x20, 0x00, 0x80],
            data: vec![1, 2, 3, 4],
            le: None,
            encoding: Some(LengthEncoding::Short),
        })
    );
    assert_eq!(
        decode(&[0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00]).map(|d| d.le),
        Some(Some(65_536))
    );
    assert_eq!(
        decode(&[0x00, 0xB0, 0x00, 0x00, 0x00]).map(|d| d.le),
        Some(Some(256))
    );
    assert_eq!(decode(&[0x00, 0xB0, 0x00, 0x00, 0x02, 0x01]), None);
}
