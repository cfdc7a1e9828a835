//! The library's part of `docs/messages.md`: every text of this module, and the errors' texts,
//! in English and Japanese side by side, made from the code so that the Japanese can be reviewed
//! as a whole. The command line appends its own part (`src/cli/messages.rs`, which writes the
//! file); the test here checks, with or without the command line, that the file holds this part.

use std::fmt::Write;

use apdu::{ExchangeError, ResponseError, StatusWord, TransportError};
use x509_cert::der::DateTime;

use super::*;
use crate::i18n::{Lang, Localized};
use crate::jpki::{
    CertificateError, CertificateFile, ChangeOutcome, CheckStep, Counter, Finding, JpkiError, Pin,
    PinKind, Refusal, StepResult, UnknownOutcome, Verdict, VerifyOutcome,
};
use crate::platform::Platform;
use crate::reader::ReaderError;

pub(crate) const HEADER: &str = "# Messages, English and Japanese

Every message a person reads about PINs, counters, the card and the reader, made from the code
(`MYNAPIN_BLESS=1 cargo test --lib messages` writes this file; `cargo test` fails when it is out
of date). It is here so that the Japanese is read and reviewed as a whole, for a person who is
not technical.

Part 1 is the library's texts (`src/text.rs` + `src/text/`, and the errors' own): what every
front end says, the command line and the window alike. They name no command and no button;
where the next step is one the front end offers, the entry says so under \"then\", and each front
end says it in its own words. Part 2 is what the command line adds: those next steps as
commands, its prompts and its own errors.

How it was reviewed: plain words (technical terms such as status words only in parentheses after
them); the same terms throughout (マイナンバーカード, カードリーダー, 利用者証明用電子証明書の暗証番号,
署名用電子証明書のパスワード, 券面事項入力補助用の暗証番号, 市区町村の窓口, JPKI利用者ソフト); です・ます;
full-width brackets （） and 「」 in Japanese text; numbers as 残り3回; each message saying what
happened and what to do next. The signature password is a パスワード, never a 暗証番号.
";

/// One message in both languages.
pub(crate) fn entry(out: &mut String, title: &str, text: impl Fn(Lang) -> String) {
    let _ = writeln!(out, "### {title}");
    for (lang, name) in [(Lang::En, "en"), (Lang::Ja, "ja")] {
        let text = text(lang);
        let _ = writeln!(out, "- {name}: {}", text.replace('\n', " / "));
    }
    out.push('\n');
}

/// One message in both languages, and the next step the front end adds.
fn message_entry(out: &mut String, title: &str, message: impl Fn(Lang) -> Message) {
    let (en, ja) = (message(Lang::En), message(Lang::Ja));
    assert_eq!(en.follow_up, ja.follow_up, "{title}");
    let _ = writeln!(out, "### {title}");
    let _ = writeln!(out, "- en: {}", en.text);
    let _ = writeln!(out, "- ja: {}", ja.text);
    if let Some(follow_up) = en.follow_up {
        let _ = writeln!(out, "- then: {}", follow_up_name(follow_up));
    }
    out.push('\n');
}

/// A follow-up as the catalog names it.
pub(crate) fn follow_up_name(follow_up: FollowUp) -> String {
    match follow_up {
        FollowUp::ReadCounters => "read the counters".into(),
        FollowUp::TestPin(kind) => format!("test the {} PIN", kind.name()),
        FollowUp::TestNewPin(kind) => format!("test the new {} PIN first", kind.name()),
        FollowUp::ShowCaCertificate => "show the CA certificate".into(),
    }
}

pub(crate) fn readers() -> Vec<String> {
    vec![
        "Sony RC-S300 00 00".to_string(),
        "Sony RC-S300 01 00".into(),
    ]
}

/// Part 1: the library's texts.
pub(crate) fn library_part() -> String {
    let mut out = String::from(HEADER);
    out.push_str("\n# Part 1: the library's texts (every front end)\n");
    out.push_str("\n## Counters\n\n");
    for kind in PinKind::ALL {
        for (name, counter_read) in [
            ("3 tries left", Counter::TriesLeft(3)),
            ("one try left", Counter::TriesLeft(1)),
            ("blocked", Counter::Blocked(StatusWord(0x63C0))),
            ("unknown", Counter::Unknown(StatusWord(0x9000))),
        ] {
            entry(&mut out, &format!("{} · {name}", kind.name()), |lang| {
                let mut text = counter(kind, counter_read, lang);
                if let Some(advice) = counter_advice(kind, counter_read, lang) {
                    text = format!("{text} — {advice}");
                }
                text
            });
        }
    }
    out.push_str("## Malformed PINs (nothing is sent)\n\n");
    for (kind, input) in [
        (PinKind::Auth, ""),
        (PinKind::Auth, "12 4"),
        (PinKind::Auth, "１２３４"),
        (PinKind::Auth, "12a4"),
        (PinKind::Auth, "123"),
        (PinKind::Auth, "12345"),
        (PinKind::Sign, "ABC-123"),
        (PinKind::Sign, "123456"),
        (PinKind::Sign, "ABCDEF"),
    ] {
        let error = Pin::new(kind, input).expect_err("malformed");
        entry(
            &mut out,
            &format!("{} · {:?}", kind.name(), error.problem),
            |lang| error.localized(lang),
        );
    }
    out.push_str("## Refusals: the PIN is not sent\n\n");
    for kind in PinKind::ALL {
        for (name, reason) in [
            ("one try left", Refusal::LastTry),
            ("blocked", Refusal::Blocked(StatusWord(0x6983))),
            (
                "counter unknown",
                Refusal::CounterUnknown(StatusWord(0x9000)),
            ),
        ] {
            entry(&mut out, &format!("{} · {name}", kind.name()), |lang| {
                refusal(reason, kind, lang)
            });
        }
    }
    out.push_str("## Testing a PIN (`verify`)\n\n");
    for kind in PinKind::ALL {
        let outcomes = [
            ("right", VerifyOutcome::Verified),
            ("wrong, 2 left", VerifyOutcome::WrongPin { tries_left: 2 }),
            ("wrong, 1 left", VerifyOutcome::WrongPin { tries_left: 1 }),
            (
                "wrong, now blocked",
                VerifyOutcome::Blocked {
                    sw: StatusWord(0x63C0),
                },
            ),
            (
                "answer lost",
                VerifyOutcome::Unknown(UnknownOutcome::Transport(TransportError::CardRemoved)),
            ),
        ];
        for (name, outcome) in outcomes {
            message_entry(&mut out, &format!("{} · {name}", kind.name()), |lang| {
                verify_outcome(&outcome, kind, lang)
            });
        }
    }
    out.push_str("## Changing a PIN (`change-pin`)\n\n");
    for kind in [PinKind::Auth, PinKind::Sign] {
        let outcomes = [
            ("changed", ChangeOutcome::Changed),
            (
                "current wrong, 1 left",
                ChangeOutcome::WrongCurrent { tries_left: 1 },
            ),
            (
                "current wrong, now blocked",
                ChangeOutcome::Blocked {
                    sw: StatusWord(0x63C0),
                },
            ),
            (
                "refused by the card",
                ChangeOutcome::Rejected(StatusWord(0x6A80)),
            ),
            (
                "change answer lost",
                ChangeOutcome::Unknown(UnknownOutcome::Transport(TransportError::CardRemoved)),
            ),
            (
                "change answered without saying whether it was written",
                ChangeOutcome::Unknown(UnknownOutcome::UnexpectedStatus(StatusWord(0x6581))),
            ),
            (
                "verify answer lost",
                ChangeOutcome::UnknownVerify(UnknownOutcome::UnexpectedStatus(StatusWord(0x6F00))),
            ),
        ];
        for (name, outcome) in outcomes {
            message_entry(&mut out, &format!("{} · {name}", kind.name()), |lang| {
                change_outcome(&outcome, kind, lang)
            });
        }
    }
    out.push_str("## Next steps for a blocked PIN\n\n");
    for kind in PinKind::ALL {
        entry(&mut out, kind.name(), |lang| next_steps(kind, lang));
    }
    out.push_str("## The clinic check (`check`)\n\n");
    for (name, step) in check_steps() {
        message_entry(
            &mut out,
            &format!("{} · {name}", step.step.name()),
            |lang| {
                let mut message = check_step(&step, lang);
                message.text = format!(
                    "[{}] {}: {}",
                    verdict_label(step.verdict, lang),
                    check_step_title(step.step, lang),
                    message.text
                );
                message
            },
        );
    }
    for (name, passed) in [("all passed", true), ("not all passed", false)] {
        entry(&mut out, &format!("summary · {name}"), |lang| {
            check_summary(passed, lang).to_string()
        });
    }
    out.push_str("## The reader and the card\n\n");
    // What differs per system, for each system (the file is the same wherever the test runs).
    for (platform, name) in [
        (Platform::Linux, "Linux"),
        (Platform::MacOs, "macOS"),
        (Platform::Windows, "Windows"),
    ] {
        entry(&mut out, &format!("no PC/SC service · {name}"), |lang| {
            no_service_on(platform, lang).to_string()
        });
        entry(&mut out, &format!("no reader · {name}"), |lang| {
            no_reader_on(platform, lang).to_string()
        });
    }
    let errors: Vec<(&str, Box<dyn Localized>)> = vec![
        ("no card", Box::new(ReaderError::NoCard { reader: None })),
        (
            "several cards",
            Box::new(ReaderError::SeveralCards { readers: readers() }),
        ),
        (
            "unknown reader",
            Box::new(ReaderError::UnknownReader {
                given: "acs".into(),
                available: readers(),
            }),
        ),
        (
            "reader busy",
            Box::new(ReaderError::SharingViolation {
                reader: "Sony RC-S300 00 00".into(),
            }),
        ),
        (
            "card does not answer",
            Box::new(ReaderError::UnresponsiveCard {
                reader: "Sony RC-S300 00 00".into(),
            }),
        ),
        ("card removed", Box::new(ReaderError::CardRemoved)),
        ("not a My Number card", Box::new(JpkiError::NotMyNumberCard)),
        (
            "card changed before the PIN",
            Box::new(JpkiError::CardChanged),
        ),
        (
            "counter of another PIN",
            Box::new(JpkiError::CounterOfAnotherPin {
                shown: PinKind::Sign,
                pin: PinKind::Auth,
            }),
        ),
        (
            "answer cut short",
            Box::new(JpkiError::Exchange(ExchangeError::Response {
                command: String::new(),
                source: ResponseError::TooShort { len: 0 },
            })),
        ),
        (
            "card reset",
            Box::new(JpkiError::Transport(TransportError::CardReset)),
        ),
        (
            "certificate missing",
            Box::new(CertificateError::Select {
                file: CertificateFile::Auth,
                sw: StatusWord(0x6A82),
            }),
        ),
    ];
    for (name, error) in &errors {
        entry(&mut out, name, |lang| error.localized(lang));
    }
    out.push_str("## PC/SC errors (any not named above)\n\n");
    // Its code differs between pcsc-lite (0x8010001F) and Windows (0x80100022); this file is the
    // same wherever it is made.
    let same_everywhere = |error: &&::pcsc::Error| **error != ::pcsc::Error::UnsupportedFeature;
    for error in super::pcsc::EVERY_PCSC_ERROR.iter().filter(same_everywhere) {
        entry(&mut out, &format!("{error:?}"), |lang| {
            ReaderError::Pcsc(*error).localized(lang)
        });
    }
    out
}

/// One result per thing a step can find.
fn check_steps() -> Vec<(&'static str, StepResult)> {
    let end = DateTime::new(2031, 5, 31, 14, 59, 59).expect("a date");
    let sw = StatusWord(0x63C0);
    let step = |step, verdict, finding| StepResult::new(step, verdict, "", finding);
    use CheckStep::*;
    use Verdict::*;
    vec![
        (
            "a My Number card",
            step(
                Card,
                Passed,
                Finding::Card {
                    card_type: crate::jpki::CardType::MyNumberCard,
                    token_label: "JPKIAPICCTOKEN2".into(),
                    reader: "Sony RC-S300 00 00".into(),
                },
            ),
        ),
        (
            "another card",
            step(
                Card,
                Failed,
                Finding::Card {
                    card_type: crate::jpki::CardType::JukiCard,
                    token_label: "JPKIAPICCTOKEN".into(),
                    reader: "Sony RC-S300 00 00".into(),
                },
            ),
        ),
        (
            "3 tries left",
            step(PinCounter, Passed, Finding::TriesLeft(3)),
        ),
        ("one try left", step(PinCounter, Failed, Finding::LastTry)),
        ("blocked", step(PinCounter, Failed, Finding::Blocked(sw))),
        (
            "counter unknown",
            step(
                PinCounter,
                Failed,
                Finding::CounterUnknown(StatusWord(0x9000)),
            ),
        ),
        (
            "valid",
            step(
                CertificateValidity,
                Passed,
                Finding::Valid { end, days: 2000 },
            ),
        ),
        (
            "ends soon",
            step(
                CertificateValidity,
                Failed,
                Finding::Expiring { end, days: 30 },
            ),
        ),
        (
            "expired",
            step(CertificateValidity, Failed, Finding::Expired { end }),
        ),
        (
            "not valid yet",
            step(CertificateValidity, Failed, Finding::NotYetValid),
        ),
        (
            "not X.509",
            step(CertificateIssuer, Failed, Finding::NotX509),
        ),
        (
            "another issuer",
            step(CertificateIssuer, Failed, Finding::IssuerMismatch),
        ),
        (
            "bad signature",
            step(CertificateIssuer, Failed, Finding::BadSignature),
        ),
        (
            "unknown algorithm",
            step(CertificateIssuer, NotChecked, Finding::UnsupportedAlgorithm),
        ),
        (
            "signed by the card's CA",
            step(CertificateIssuer, Passed, Finding::SignedByValidCa),
        ),
        (
            "CA not valid",
            step(CertificateIssuer, Failed, Finding::CaNotValid),
        ),
        ("signed", step(PinAndKey, Passed, Finding::Signed)),
        (
            "signature does not match",
            step(PinAndKey, Failed, Finding::SignatureMismatch),
        ),
        (
            "signature refused",
            step(
                PinAndKey,
                Failed,
                Finding::SignatureRefused {
                    command: "COMPUTE DIGITAL SIGNATURE",
                    sw: StatusWord(0x6982),
                },
            ),
        ),
        (
            "signature lost",
            step(PinAndKey, Failed, Finding::SignatureLost),
        ),
        (
            "wrong, 2 left",
            step(PinAndKey, Failed, Finding::WrongPin { tries_left: 2 }),
        ),
        (
            "wrong, 1 left",
            step(PinAndKey, Failed, Finding::WrongPin { tries_left: 1 }),
        ),
        (
            "now blocked",
            step(PinAndKey, Failed, Finding::PinBlocked(sw)),
        ),
        ("refused", step(PinAndKey, Failed, Finding::PinRefused)),
        ("answer lost", step(PinAndKey, Failed, Finding::PinUnknown)),
        ("no PIN given", step(PinAndKey, NotChecked, Finding::NoPin)),
        (
            "after a failed step",
            StepResult::skipped(PinAndKey, PinCounter),
        ),
        (
            "revocation",
            step(Revocation, NotChecked, Finding::RevocationNeedsJLis),
        ),
    ]
}

#[test]
fn docs_messages_md_holds_the_library_texts() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/messages.md");
    let written = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        written.starts_with(&library_part()),
        "docs/messages.md is out of date: run `MYNAPIN_BLESS=1 cargo test --lib messages` and read the diff"
    );
    // Japanese in Japanese text: full-width brackets, no half-width ones around Japanese words.
    for line in written.lines().filter(|line| line.starts_with("- ja:")) {
        assert!(
            !line.contains("verify は") && !line.contains("公式ソフト"),
            "{line}"
        );
        assert!(
            !line.contains("残り 1 回") && !line.contains("あと 1 回"),
            "{line}"
        );
    }
}

#[test]
fn the_library_texts_name_no_command_and_no_option() {
    let part = library_part();
    for line in part
        .lines()
        .filter(|line| line.starts_with("- e") || line.starts_with("- ja"))
    {
        assert!(!line.contains(" --"), "{line}");
        assert!(!line.contains("`mynapin"), "{line}");
    }
}

#[test]
fn every_pcsc_error_has_a_japanese_sentence_of_its_own() {
    let errors = super::pcsc::EVERY_PCSC_ERROR;
    assert!(errors.len() >= 60, "{}", errors.len());
    for error in errors {
        let through_transport = TransportError::Other(Box::new(*error));
        for ja in [
            ReaderError::Pcsc(*error).localized(Lang::Ja),
            through_transport.localized(Lang::Ja),
        ] {
            // No English word left (PC/SC, the code, ATR and mynapin are names).
            let words: Vec<&str> = ja
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|word| word.len() > 2 && !["ATR"].contains(word))
                .filter(|word| !word.starts_with("x") && *word != "mynapin")
                .collect();
            assert!(words.is_empty(), "{error:?}: {ja} has {words:?}");
            assert!(ja.contains(&format!("0x{:08X}", *error as u32)), "{ja}");
        }
        let en = ReaderError::Pcsc(*error).localized(Lang::En);
        assert_ne!(en, ReaderError::Pcsc(*error).localized(Lang::Ja));
    }
}

#[test]
fn the_texts_read_as_sentences() {
    let part = library_part();
    for line in part.lines() {
        if let Some(en) = line.strip_prefix("- en: ") {
            // "If it gets locked: If you know ..." and "[not checked] ...: not checked: ...".
            assert!(!en.contains(": If "), "{en}");
            assert!(!en.contains("not checked:"), "{en}");
            // "(it answered 6A80, status 6A80)".
            assert!(!en.contains(", status "), "{en}");
            assert!(!en.contains("  "), "{en}");
            // Texts for every front end: nobody runs a command in the window.
            assert!(!en.contains("run the command"), "{en}");
            assert!(!en.to_lowercase().contains("run again"), "{en}");
        }
        if let Some(ja) = line.strip_prefix("- ja: ") {
            assert!(!ja.contains("場合: "), "{ja}");
            assert!(!ja.contains("未確認: "), "{ja}");
            assert!(!ja.contains("もう一度実行"), "{ja}");
        }
    }
}
