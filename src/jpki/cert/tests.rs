use std::time::{Duration, SystemTime, UNIX_EPOCH};

use apdu::StatusWord;
use x509_cert::der;

use super::*;
use crate::i18n::{Lang, Localized};
use crate::jpki::JpkiError;
use proptest::prelude::*;

const AUTH: &[u8] = include_bytes!("../../../tests/fixtures/auth.der");
const SMALL: &[u8] = include_bytes!("../../../tests/fixtures/small.der");
const EXACT512: &[u8] = include_bytes!("../../../tests/fixtures/exact512.der");
const EXPIRED: &[u8] = include_bytes!("../../../tests/fixtures/expired.der");
const FILE: CertificateFile = CertificateFile::Auth;

/// 2026-11-28T00:00:00Z.
fn nov_28_2026() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_824_000)
}

fn auth_expiry() -> ValidityPeriod {
    validity_from_start(FILE, &AUTH[..READ_CHUNK]).unwrap()
}

fn not_after(expiry: &ValidityPeriod) -> SystemTime {
    UNIX_EPOCH + expiry.not_after.unix_duration()
}

#[test]
fn length_comes_from_the_header() {
    for fixture in [AUTH, SMALL, EXACT512, EXPIRED] {
        assert_eq!(
            certificate_length(FILE, &fixture[..fixture.len().min(READ_CHUNK)]).unwrap(),
            fixture.len()
        );
    }
    assert_eq!(
        certificate_length(FILE, &[0x30, 0x82, 0x04, 0xC6]).unwrap(),
        1226
    );
    assert_eq!(certificate_length(FILE, &[0x30, 0x81, 0xD6]).unwrap(), 217);
    assert_eq!(certificate_length(FILE, &[0x30, 0x05]).unwrap(), 7);
}

#[test]
fn headers_that_are_not_a_der_sequence_are_refused() {
    let refused = [
        &[0x31, 0x82, 0x04, 0xC6][..], // SET, not SEQUENCE
        &[0x30, 0x81, 0x7F],           // long form for a short length: not DER
        &[0x30, 0x82, 0x00, 0xFF],     // two length bytes for one
        &[0x30, 0x80],                 // indefinite length
        &[0x30, 0x82, 0x04],           // cut inside the length
        &[0x30],
        &[],
        &[0xFF; 4],
        &[0x00; 4],
    ];
    for start in refused {
        match certificate_length(FILE, start) {
            Err(CertificateError::NotACertificate { start: shown, .. }) => {
                assert_eq!(shown, &start[..start.len().min(4)])
            }
            other => panic!("{start:02X?}: {other:?}"),
        }
    }
}

#[test]
fn lengths_beyond_a_card_file_are_refused() {
    assert!(matches!(
        certificate_length(FILE, &[0x30, 0x82, 0xFF, 0xFF]),
        Err(CertificateError::TooLarge { total: 65_539, .. })
    ));
    assert_eq!(
        certificate_length(FILE, &[0x30, 0x82, 0x7F, 0xFC]).unwrap(),
        MAX_CERTIFICATE_LEN
    );
    assert!(certificate_length(FILE, &[0x30, 0x82, 0x7F, 0xFD]).is_err());
    // Three length bytes are DER too, and announce more than a card file holds.
    assert!(matches!(
        certificate_length(FILE, &[0x30, 0x83, 0x01, 0x00, 0x00]),
        Err(CertificateError::TooLarge { total: 65_541, .. })
    ));
}

#[test]
fn validity_from_the_first_256_bytes_matches_the_full_parse() {
    for fixture in [AUTH, SMALL, EXACT512, EXPIRED] {
        let start = &fixture[..fixture.len().min(READ_CHUNK)];
        let full = CertificateInfo::parse(FILE, fixture).unwrap();
        assert_eq!(validity_from_start(FILE, start).unwrap(), full.validity);
    }
    let auth = auth_expiry();
    assert_eq!(auth.not_before.to_string(), "2026-06-01T00:00:00Z");
    assert_eq!(auth.not_after.to_string(), "2031-05-31T14:59:59Z");
    assert_eq!(
        validity_from_start(FILE, EXPIRED)
            .unwrap()
            .not_after
            .to_string(),
        "2025-01-01T14:59:59Z"
    );
}

#[test]
fn garbage_and_cut_certificates_do_not_parse() {
    assert!(matches!(
        CertificateInfo::parse(FILE, &AUTH[..1000]),
        Err(CertificateError::NotX509 { .. })
    ));
    let mut trailing = AUTH.to_vec();
    trailing.push(0);
    assert!(matches!(
        CertificateInfo::parse(FILE, &trailing),
        Err(CertificateError::NotX509 { .. })
    ));
    // A well-formed DER SEQUENCE that is no certificate.
    let mut not_x509 = vec![0x30, 0x82, 0x01, 0x00];
    not_x509.extend(std::iter::repeat(0x05).take(0x100));
    assert!(matches!(
        CertificateInfo::parse(FILE, &not_x509),
        Err(CertificateError::NotX509 { .. })
    ));
    assert!(matches!(
        validity_from_start(FILE, &not_x509),
        Err(CertificateError::NoValidity { .. })
    ));
}

#[test]
fn validity_beyond_the_bytes_read_is_reported() {
    let needed = (0..=AUTH.len())
        .find(|&n| validity_from_start(FILE, &AUTH[..n]).is_ok())
        .unwrap();
    assert!(needed <= READ_CHUNK, "the validity ends at {needed}");
    assert!(matches!(
        validity_from_start(FILE, &AUTH[..needed - 1]),
        Err(CertificateError::NoValidity { .. })
    ));
}

#[test]
fn days_left_are_floored_whole_days() {
    // The smallest step every platform's clock holds (Windows counts in 100 ns).
    let tick = Duration::from_micros(1);
    let auth = auth_expiry();
    assert_eq!(auth.days_left(nov_28_2026()), 1645);
    assert_eq!(auth.state(nov_28_2026()), ExpiryState::Valid);
    let end = not_after(&auth);
    let day = Duration::from_secs(86_400);
    assert_eq!(auth.days_left(end - day * 90), 90);
    assert_eq!(auth.state(end - day * 90), ExpiryState::Valid);
    assert_eq!(auth.days_left(end - day * 90 + tick), 89);
    assert_eq!(auth.state(end - day * 90 + tick), ExpiryState::Expiring);
    assert_eq!(auth.days_left(end - Duration::from_secs(1)), 0);
    assert_eq!(auth.state(end), ExpiryState::Expiring);
    assert_eq!(auth.days_left(end), 0);
    assert_eq!(auth.state(end + tick), ExpiryState::Expired);
    assert_eq!(auth.days_left(end + tick), -1);
    assert_eq!(auth.days_left(end + day), -1);
    assert_eq!(auth.days_left(end + day + Duration::from_secs(1)), -2);
}

#[test]
fn expired_and_not_yet_valid() {
    let expired = validity_from_start(FILE, EXPIRED).unwrap();
    assert_eq!(expired.state(nov_28_2026()), ExpiryState::Expired);
    assert_eq!(expired.days_left(nov_28_2026()), -696);
    let auth = auth_expiry();
    let may_2026 = UNIX_EPOCH + auth.not_before.unix_duration() - Duration::from_secs(1);
    assert_eq!(auth.state(may_2026), ExpiryState::NotYetValid);
    assert_eq!(
        auth.state(UNIX_EPOCH - Duration::from_secs(1)),
        ExpiryState::NotYetValid
    );
}

#[test]
fn names_are_stable() {
    let names: Vec<_> = CertificateFile::ALL
        .iter()
        .map(|file| (file.name(), file.ef_hex()))
        .collect();
    assert_eq!(
        names,
        [
            ("auth", "000A".to_string()),
            ("auth-ca", "000B".into()),
            ("sign-ca", "0002".into())
        ]
    );
    let states = [
        ExpiryState::Valid,
        ExpiryState::Expiring,
        ExpiryState::Expired,
        ExpiryState::NotYetValid,
    ];
    let names: Vec<_> = states.iter().map(|state| state.name()).collect();
    assert_eq!(names, ["valid", "expiring", "expired", "not-yet-valid"]);
}

#[test]
fn every_error_explains_itself_in_both_languages() {
    let errors = [
        CertificateError::Card(JpkiError::NotMyNumberCard),
        CertificateError::Select {
            file: FILE,
            sw: StatusWord(0x6A82),
        },
        CertificateError::Read {
            file: FILE,
            offset: 256,
            sw: StatusWord(0x6982),
        },
        CertificateError::NotACertificate {
            file: FILE,
            start: vec![0x31, 0x82, 0x04, 0xC6],
        },
        CertificateError::TooLarge {
            file: FILE,
            total: 65_539,
        },
        CertificateError::BeyondEndOfFile {
            file: FILE,
            offset: 512,
            total: 1226,
        },
        CertificateError::ShortRead {
            file: FILE,
            offset: 512,
            asked: 256,
            got: 88,
            total: 1226,
        },
        CertificateError::NotX509 {
            file: FILE,
            source: der::Error::from(der::ErrorKind::Failed),
        },
        CertificateError::NoValidity {
            file: FILE,
            reason: "the issuer name is missing or malformed",
        },
    ];
    for error in &errors {
        let en = error.localized(Lang::En);
        let ja = error.localized(Lang::Ja);
        assert!(en.ends_with('.'), "{en}");
        assert!(ja.ends_with('。'), "{ja}");
        assert_ne!(en, ja);
    }
    assert!(errors[3].localized(Lang::En).contains("31 82 04 C6"));
    assert!(errors[5].localized(Lang::Ja).contains("6B00"));
}

proptest! {
    // Fixed (docs/testing.md, "Fuzzing"); tests/fuzz.rs adds mutated certificates and a
    // hostile card.
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn parsing_never_panics(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = certificate_length(FILE, &data);
        let _ = validity_from_start(FILE, &data);
        let _ = CertificateInfo::parse(FILE, &data);
    }

    #[test]
    fn corrupted_certificates_never_panic(index in 0..READ_CHUNK, byte in any::<u8>()) {
        let mut start = AUTH[..READ_CHUNK].to_vec();
        start[index] = byte;
        let _ = validity_from_start(FILE, &start);
        let mut whole = AUTH.to_vec();
        whole[index] = byte;
        let _ = CertificateInfo::parse(FILE, &whole);
    }
}

// Fixed (docs/testing.md, "Fuzzing").
/// One edit of a certificate's bytes.
#[derive(Clone, Debug)]
enum Edit {
    Set(usize, u8),
    Insert(usize, u8),
    Remove(usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        6 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Edit::Set(at, byte)),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Edit::Insert(at, byte)),
        1 => any::<usize>().prop_map(Edit::Remove),
        1 => any::<usize>().prop_map(Edit::Truncate),
    ]
}

const FIXTURES: [&[u8]; 7] = [
    include_bytes!("../../../tests/fixtures/auth.der"),
    include_bytes!("../../../tests/fixtures/auth-ca.der"),
    include_bytes!("../../../tests/fixtures/sign.der"),
    include_bytes!("../../../tests/fixtures/sign-ca.der"),
    include_bytes!("../../../tests/fixtures/small.der"),
    include_bytes!("../../../tests/fixtures/exact512.der"),
    include_bytes!("../../../tests/fixtures/expired.der"),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    /// Certificate parsing of real certificates with 1 to 8 edits.
    #[test]
    fn fuzz_parse_certificate(fixture in 0usize..FIXTURES.len(), edits in proptest::collection::vec(edit(), 1..8)) {
        let mut bytes = FIXTURES[fixture].to_vec();
        for edit in edits {
            let at = |at: usize, len: usize| if len == 0 { 0 } else { at % len };
            match edit {
                Edit::Set(i, byte) if !bytes.is_empty() => { let i = at(i, bytes.len()); bytes[i] = byte }
                Edit::Insert(i, byte) => { let i = at(i, bytes.len() + 1); bytes.insert(i, byte) }
                Edit::Remove(i) if !bytes.is_empty() => { let i = at(i, bytes.len()); bytes.remove(i); }
                Edit::Truncate(len) => { let len = at(len, bytes.len() + 1); bytes.truncate(len) }
                _ => {}
            }
        }
        for file in [CertificateFile::Auth, CertificateFile::AuthCa, CertificateFile::SignCa] {
            let length = certificate_length(file, &bytes[..bytes.len().min(READ_CHUNK)]);
            let expiry = validity_from_start(file, &bytes[..bytes.len().min(READ_CHUNK)]);
            if expiry.is_ok() {
                prop_assert!(length.is_ok());
            }
            if let Ok(info) = CertificateInfo::parse(file, &bytes) {
                // What parses whole has the length its header says.
                prop_assert_eq!(length.ok(), Some(bytes.len()));
                let _ = info;
            }
        }
    }
}
