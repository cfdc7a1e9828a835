//! The state file: round trip, atomic write, and the files it refuses.

use std::fs;
use std::path::Path;

use super::*;
use crate::card_model::CardModel;
use crate::i18n::{Lang, Localized};

fn demo_json() -> serde_json::Value {
    serde_json::to_value(CardState::demo()).unwrap()
}

fn load_json(dir: &Path, json: &serde_json::Value) -> Result<CardState, StateError> {
    let path = dir.join("state.json");
    fs::write(&path, serde_json::to_vec(json).unwrap()).unwrap();
    CardState::load(&path)
}

#[test]
fn the_demo_state_is_valid_and_has_the_documented_pins() {
    let demo = CardState::demo();
    assert_eq!(demo.validate(), Ok(()));
    assert_eq!(demo.auth, PinState::new("1234", 3));
    assert_eq!(demo.sign, PinState::new("ABC123", 5));
    assert_eq!(demo.card_info, PinState::new("5678", 3));
    assert_eq!(demo.token_label, "JPKIAPICCTOKEN2");
}

#[test]
fn save_then_load_round_trips_and_keeps_counters() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/deeper/card.json");
    let mut card = CardModel::demo();
    card.respond(&[
        0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01,
    ]);
    card.respond(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18]);
    card.respond(&[0x00, 0x20, 0x00, 0x80, 0x04, 0x30, 0x30, 0x30, 0x30]);
    assert_eq!(card.state().auth.tries_left, 2);
    card.state().save(&path).unwrap();

    let loaded = CardState::load(&path).unwrap();
    assert_eq!(&loaded, card.state());
    assert_eq!(loaded.auth.tries_left, 2);
    // Only the file itself is left behind, readable by its owner only.
    let names: Vec<_> = fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, ["card.json"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Saving again replaces the file.
    let mut changed = loaded.clone();
    changed.auth.tries_left = 3;
    changed.save(&path).unwrap();
    assert_eq!(CardState::load(&path).unwrap().auth.tries_left, 3);
}

#[test]
fn the_file_format_is_readable_json_with_hex() {
    let json = demo_json();
    assert_eq!(json["atr"], "3B E0 00 FF 81 31 FE 45 14");
    assert_eq!(json["auth"]["value"], "1234");
    assert_eq!(json["sign"]["max_tries"], 5);
    let auth_hex = json["certificates"]["auth"].as_str().unwrap();
    assert!(auth_hex.starts_with("308204C6"), "{}", &auth_hex[..16]);

    // Hex is read in any case and with white space.
    let dir = tempfile::tempdir().unwrap();
    let mut json = demo_json();
    json["atr"] = "3be0 00ff\n8131fe4514".into();
    let loaded = load_json(dir.path(), &json).unwrap();
    assert_eq!(loaded.atr, CardState::demo().atr);
}

#[test]
fn out_of_range_values_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit, StateProblem); 9] = [
        (
            "tries above max",
            |json| json["auth"]["tries_left"] = 4.into(),
            StateProblem::TriesAboveMax {
                pin: PinKind::Auth,
                tries_left: 4,
                max_tries: 3,
            },
        ),
        (
            "max 0",
            |json| {
                json["card_info"]["max_tries"] = 0.into();
                json["card_info"]["tries_left"] = 0.into();
            },
            StateProblem::MaxTries {
                pin: PinKind::CardInfo,
                max_tries: 0,
            },
        ),
        (
            "max 16",
            |json| json["sign"]["max_tries"] = 16.into(),
            StateProblem::MaxTries {
                pin: PinKind::Sign,
                max_tries: 16,
            },
        ),
        (
            "auth with a letter",
            |json| json["auth"]["value"] = "12a4".into(),
            StateProblem::PinFormat { pin: PinKind::Auth },
        ),
        (
            "auth of 5 digits",
            |json| json["auth"]["value"] = "12345".into(),
            StateProblem::PinFormat { pin: PinKind::Auth },
        ),
        (
            "sign in lower case",
            |json| json["sign"]["value"] = "abc123".into(),
            StateProblem::PinFormat { pin: PinKind::Sign },
        ),
        (
            "sign too short",
            |json| json["sign"]["value"] = "ABC12".into(),
            StateProblem::PinFormat { pin: PinKind::Sign },
        ),
        (
            "label too long",
            |json| json["token_label"] = "X".repeat(33).into(),
            StateProblem::Label,
        ),
        (
            "not an ATR",
            |json| json["atr"] = "00 11".into(),
            StateProblem::Atr,
        ),
    ];
    for (name, edit, expected) in cases {
        let mut json = demo_json();
        edit(&mut json);
        match load_json(dir.path(), &json) {
            Err(StateError::Invalid { problem, .. }) => assert_eq!(problem, expected, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn malformed_files_are_refused_without_quoting_a_pin() {
    let dir = tempfile::tempdir().unwrap();
    let mut json = demo_json();
    json["auth"]["value"] = 9876.into();
    let error = load_json(dir.path(), &json).unwrap_err();
    assert!(matches!(error, StateError::Parse { .. }), "{error:?}");
    for lang in [Lang::En, Lang::Ja] {
        assert!(!error.localized(lang).contains("9876"));
    }
    assert!(!error.to_string().contains("9876"));

    let mut json = demo_json();
    json["auth"]["tries-left"] = 3.into();
    assert!(matches!(
        load_json(dir.path(), &json),
        Err(StateError::Parse { .. })
    ));
    let mut json = demo_json();
    json["certificates"]["auth"] = "30 8Z".into();
    assert!(matches!(
        load_json(dir.path(), &json),
        Err(StateError::Parse { .. })
    ));
    let path = dir.path().join("truncated.json");
    fs::write(&path, b"{\"atr\": \"3B E0").unwrap();
    assert!(matches!(
        CardState::load(&path),
        Err(StateError::Parse { .. })
    ));
}

#[test]
fn a_pin_in_the_wrong_place_is_never_quoted() {
    let dir = tempfile::tempdir().unwrap();
    for field in ["auth", "sign", "card_info", "atr", "certificates"] {
        let mut json = demo_json();
        json[field] = "4321".into();
        let error = load_json(dir.path(), &json).unwrap_err();
        let texts = [
            error.to_string(),
            error.localized(Lang::En),
            error.localized(Lang::Ja),
            format!("{error:?}"),
        ];
        for text in texts {
            assert!(!text.contains("4321"), "{field}: {text}");
        }
    }
}

#[test]
fn huge_and_missing_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    fs::write(&path, vec![b' '; MAX_STATE_FILE_BYTES as usize + 1]).unwrap();
    assert!(matches!(
        CardState::load(&path),
        Err(StateError::TooLarge { .. })
    ));
    // Exactly 1 MiB is still read (and then fails as JSON).
    fs::write(&path, vec![b' '; MAX_STATE_FILE_BYTES as usize]).unwrap();
    assert!(matches!(
        CardState::load(&path),
        Err(StateError::Parse { .. })
    ));

    let missing = dir.path().join("missing.json");
    assert!(matches!(
        CardState::load(&missing),
        Err(StateError::Read { .. })
    ));
}

#[test]
fn an_invalid_state_is_not_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let mut state = CardState::demo();
    state.sign.tries_left = 6;
    assert!(matches!(state.save(&path), Err(StateError::Invalid { .. })));
    assert!(!path.exists());
}

#[test]
fn a_write_failure_is_reported_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the file should be: refused, and left as it was.
    let path = dir.path().join("state.json");
    fs::create_dir(&path).unwrap();
    let error = CardState::demo().save(&path).unwrap_err();
    assert!(matches!(error, StateError::NotAFile(_)), "{error:?}");
    assert!(path.is_dir());
    // A regular file where a directory should be: the file system refuses.
    let file = dir.path().join("file");
    fs::write(&file, "").unwrap();
    let error = CardState::demo().save(&file.join("x")).unwrap_err();
    assert!(matches!(error, StateError::Write { .. }), "{error:?}");
    let mut names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["file", "state.json"]);
}

#[test]
fn errors_explain_cause_and_next_step_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let mut json = demo_json();
    json["auth"]["value"] = "12a4".into();
    let error = load_json(dir.path(), &json).unwrap_err();
    let en = error.localized(Lang::En);
    let ja = error.localized(Lang::Ja);
    assert!(
        en.contains("auth: the value does not have the card's format (4 digits)"),
        "{en}"
    );
    assert!(en.contains("delete the file"), "{en}");
    assert!(ja.contains("数字4桁"), "{ja}");
    assert!(ja.contains("削除"), "{ja}");
    for text in [&en, &ja, &error.to_string()] {
        assert!(text.contains("state.json"), "{text}");
        assert!(!text.contains("12a4"), "{text}");
    }

    let missing = CardState::load(&dir.path().join("missing.json")).unwrap_err();
    assert!(missing
        .localized(Lang::En)
        .starts_with("Cannot read the card state file"));
    assert!(missing.localized(Lang::Ja).contains("読めません"));
}
