use clap::CommandFactory;

use super::usage_error;
use crate::cli::{help, Cli};
use crate::i18n::{Lang, Localized};

/// The usage error for `args` (after `mynapin`), in both languages.
fn usage(args: &[&str]) -> (String, String) {
    let error = help::localized(Cli::command(), Lang::En)
        .try_get_matches_from(std::iter::once("mynapin").chain(args.iter().copied()))
        .unwrap_err();
    let command = args.iter().copied().find(|arg| {
        Cli::command()
            .get_subcommands()
            .any(|sub| sub.get_name() == *arg)
    });
    let error = usage_error(&error, command);
    (error.localized(Lang::En), error.localized(Lang::Ja))
}

const NO_PIN: &str = "A PIN is never given on the command line";

#[test]
fn names_the_unknown_command_with_the_suggestion() {
    let (en, ja) = usage(&["--demo", "stauts"]);
    assert_eq!(
        en,
        "`mynapin` has no command `stauts`. Did you mean `status`? See `mynapin --help`."
    );
    assert_eq!(
        ja,
        "`stauts` というコマンドはありません。`status` のことですか？`mynapin --help` を参照してください。"
    );
    let (en, _) = usage(&["help", "bogus"]);
    assert!(en.contains("no command `bogus`"), "{en}");
    assert!(!en.contains(NO_PIN), "{en}");
}

#[test]
fn names_the_unknown_option_and_where_it_belongs() {
    let (en, _) = usage(&["status", "--bogus"]);
    assert_eq!(
        en,
        "`mynapin status` has no option `--bogus`. See `mynapin status --help`."
    );
    let (en, _) = usage(&["status", "--pim", "auth"]);
    assert!(en.contains("Did you mean `--pin`?"), "{en}");
    let (en, ja) = usage(&["--demo", "--pin", "auth", "status"]);
    assert!(en.contains("`mynapin status --pin`"), "{en}");
    assert!(ja.contains("コマンドの後に"), "{ja}");
}

#[test]
fn says_the_value_and_what_is_allowed_for_options_that_are_not_secret() {
    let (en, ja) = usage(&["--lang", "fr", "status"]);
    assert_eq!(
        en,
        "--lang does not take `fr`: use one of: ja, en. See `mynapin status --help`."
    );
    assert!(
        ja.contains("--lang に `fr` は指定できません。ja, en のいずれか"),
        "{ja}"
    );
    let (en, _) = usage(&["status", "--wait", "--timeout", "-1"]);
    assert!(
        en.contains("--timeout does not take `-1`: give a number of seconds"),
        "{en}"
    );
    let (en, _) = usage(&["cert", "--format", "xml"]);
    assert!(
        en.contains("`xml`") && en.contains("text, pem, der"),
        "{en}"
    );
    let (en, _) = usage(&["status", "--pin", "sig"]);
    assert!(
        en.contains("`sig`") && en.contains("auth, sign, card-info, all"),
        "{en}"
    );
    let (en, ja) = usage(&["status", "--timeout", "3"]);
    assert!(en.contains("also need --wait"), "{en}");
    assert!(ja.contains("--wait も必要です"), "{ja}");
}

#[test]
fn names_an_extra_word_that_cannot_be_a_pin() {
    let (en, ja) = usage(&["readers", "foo"]);
    assert_eq!(
        en,
        "`mynapin readers` takes no word like `foo`. See `mynapin readers --help`."
    );
    assert_eq!(
        ja,
        "`mynapin readers` の後に、想定外の語 `foo` があります。`mynapin readers --help` を参照してください。"
    );
    assert!(!en.contains(NO_PIN), "{en}");
    // With a digit it could be a PIN (the signature password has letters too): not named.
    let (en, _) = usage(&["readers", "foo1"]);
    assert!(!en.contains("foo1") && en.contains(NO_PIN), "{en}");
}

#[test]
fn never_repeats_what_could_be_a_pin_and_says_why_only_then() {
    for args in [
        &["1234"][..],
        &["--demo", "status", "1234"],
        &["verify", "--pin", "1234"],
        &["verify", "--pin", "ABC123"],
        &["verify", "--pin", "１２３４"],
        &["status", "--ABC123"],
        // Issue 25 item 11: not a number of seconds, and it has digits: maybe a PIN.
        &["status", "--wait", "--timeout", "ABC123"],
    ] {
        let (en, ja) = usage(args);
        for pin in ["1234", "ABC123", "１２３４"] {
            assert!(
                !en.contains(pin) && !ja.contains(pin),
                "{args:?}: {en} / {ja}"
            );
        }
        if args != ["status", "--ABC123"] {
            assert!(en.contains(NO_PIN), "{args:?}: {en}");
            assert!(
                ja.contains("暗証番号はコマンドラインでは指定しません"),
                "{ja}"
            );
        }
    }
}

#[test]
fn reader_choice_errors_say_how_to_choose_with_the_cli() {
    use crate::cli::CliError;
    use crate::reader::ReaderError;
    let readers = || vec!["Virtual PCD 00 00".to_string(), "Virtual PCD 00 01".into()];
    let choose = [
        ReaderError::SeveralCards { readers: readers() },
        ReaderError::UnknownReader {
            given: "acs".into(),
            available: readers(),
        },
        ReaderError::AmbiguousReader {
            given: "Virtual".into(),
            matches: readers(),
        },
    ];
    for error in choose {
        let library = (error.localized(Lang::En), error.localized(Lang::Ja));
        let cli = CliError::Reader(error);
        for (cli, library) in [
            (cli.localized(Lang::En), library.0),
            (cli.localized(Lang::Ja), library.1),
        ] {
            assert!(cli.starts_with(&library), "{cli}");
            assert!(
                cli.contains("--reader") && cli.contains("`mynapin readers`"),
                "{cli}"
            );
        }
    }
    // With no reader at all there is nothing to choose from.
    let none = CliError::Reader(ReaderError::UnknownReader {
        given: "acs".into(),
        available: vec![],
    });
    assert!(!none.localized(Lang::En).contains("--reader"));
}

#[test]
fn card_errors_keep_their_exit_codes() {
    use crate::cli::{CliError, ExitCode};
    use crate::jpki::{CertificateError, CertificateFile, JpkiError};
    use apdu::TransportError;
    let not_mnc = CliError::from(CertificateError::Card(JpkiError::NotMyNumberCard));
    assert_eq!(not_mnc.exit_code(), ExitCode::NotMyNumberCard);
    let removed = CliError::from(CertificateError::Card(JpkiError::Transport(
        TransportError::CardRemoved,
    )));
    assert_eq!(removed.exit_code(), ExitCode::NoCard);
    let bad = CliError::from(CertificateError::TooLarge {
        file: CertificateFile::Auth,
        total: 70_000,
    });
    assert_eq!(bad.exit_code(), ExitCode::Other);
    assert_eq!(bad.code(), "too-large");
}
