//! `docs/messages.md`: every message a person reads about PINs, counters, the card and the
//! reader, in English and Japanese side by side, made from the code itself so that the Japanese
//! can be reviewed as a whole, in one place. The test fails when the file is out of date;
//! `MYNAPIN_BLESS=1 cargo test --lib messages` writes it anew.

use std::fmt::Write;

use apdu::{ExchangeError, ResponseError, StatusWord, TransportError};

use super::error::CliError;
use super::pin_input::prompt;
use super::pin_text::{next_steps_text, refusal_text};
use super::render::{counter_advice, counter_text};
use super::{change_pin, verify};
use crate::i18n::{no_reader_hint, service_hint_on, Lang, Localized};
use crate::jpki::{
    CertificateError, CertificateFile, ChangeOutcome, Counter, FormatProblem, JpkiError, Pin,
    PinKind, Refusal, UnknownOutcome, VerifyOutcome,
};
use crate::platform::Platform;
use crate::reader::ReaderError;

const HEADER: &str = "# Messages, English and Japanese

Every message a person reads about PINs, counters, the card and the reader, as mynapin prints it,
made from the code by `src/cli/messages.rs` (`MYNAPIN_BLESS=1 cargo test --lib messages` writes
this file; `cargo test` fails when it is out of date). It is here so that the Japanese is read
and reviewed as a whole, for a person who is not technical.

How it was reviewed: plain words (technical terms such as status words only in parentheses after
them); the same terms throughout (マイナンバーカード, カードリーダー, 利用者証明用電子証明書の暗証番号,
署名用電子証明書のパスワード, 券面事項入力補助用の暗証番号, 市区町村の窓口, JPKI利用者ソフト); です・ます;
full-width brackets （） and 「」 in Japanese text; numbers as 残り3回; each message saying what
happened and what to do next. The signature password is a パスワード, never a 暗証番号.
";

/// One message in both languages.
fn entry(out: &mut String, title: &str, text: impl Fn(Lang) -> String) {
    let _ = writeln!(out, "### {title}");
    for (lang, name) in [(Lang::En, "en"), (Lang::Ja, "ja")] {
        let text = text(lang);
        let _ = writeln!(out, "- {name}: {}", text.replace('\n', " / "));
    }
    out.push('\n');
}

fn catalog() -> String {
    let mut out = String::from(HEADER);
    let sw = StatusWord(0x6A82);
    out.push_str("\n## Counters (`status`, `verify`, `change-pin`)\n\n");
    for kind in PinKind::ALL {
        for (name, counter) in [
            ("3 tries left", Counter::TriesLeft(3)),
            ("one try left", Counter::TriesLeft(1)),
            ("blocked", Counter::Blocked(StatusWord(0x63C0))),
            ("unknown", Counter::Unknown(StatusWord(0x9000))),
        ] {
            entry(&mut out, &format!("{} · {name}", kind.name()), |lang| {
                let mut text = counter_text(kind, counter, lang);
                if let Some(advice) = counter_advice(kind, counter, lang) {
                    text = format!("{text} — {advice}");
                }
                text
            });
        }
    }
    out.push_str("## Prompts\n\n");
    for kind in PinKind::ALL {
        entry(&mut out, &format!("{} · prompt", kind.name()), |lang| {
            prompt(kind, lang, "")
        });
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
        let problem: FormatProblem = error.problem;
        entry(
            &mut out,
            &format!("{} · {problem:?}", kind.name()),
            |lang| CliError::PinFormat(error.clone()).localized(lang),
        );
    }
    out.push_str("## Refusals: the PIN is not sent\n\n");
    for kind in PinKind::ALL {
        for (name, refusal) in [
            ("one try left", Refusal::LastTry),
            ("blocked", Refusal::Blocked(StatusWord(0x6983))),
            (
                "counter unknown",
                Refusal::CounterUnknown(StatusWord(0x9000)),
            ),
        ] {
            entry(&mut out, &format!("{} · {name}", kind.name()), |lang| {
                refusal_text(refusal, kind, lang)
            });
        }
    }
    out.push_str("## `verify`\n\n");
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
            entry(&mut out, &format!("{} · {name}", kind.name()), |lang| {
                verify::outcome_text(&outcome, kind, lang)
            });
        }
    }
    out.push_str("## `change-pin`\n\n");
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
                "verify answer lost",
                ChangeOutcome::UnknownVerify(UnknownOutcome::UnexpectedStatus(StatusWord(0x6F00))),
            ),
        ];
        for (name, outcome) in outcomes {
            entry(&mut out, &format!("{} · {name}", kind.name()), |lang| {
                change_pin::outcome_text(&outcome, kind, lang)
            });
        }
    }
    out.push_str("## Next steps for a blocked PIN\n\n");
    for kind in PinKind::ALL {
        entry(&mut out, kind.name(), |lang| next_steps_text(kind, lang));
    }
    out.push_str("## The reader and the card\n\n");
    let readers = || {
        vec![
            "Sony RC-S300 00 00".to_string(),
            "Sony RC-S300 01 00".into(),
        ]
    };
    // What differs per system, for each system (the file is the same wherever the test runs).
    for (platform, name) in [
        (Platform::Linux, "Linux"),
        (Platform::MacOs, "macOS"),
        (Platform::Windows, "Windows"),
    ] {
        entry(&mut out, &format!("no PC/SC service · {name}"), |lang| {
            service_hint_on(platform, lang).to_string()
        });
        entry(&mut out, &format!("no reader · {name}"), |lang| {
            no_reader_hint(platform, lang).to_string()
        });
    }
    let errors: Vec<(&str, CliError)> = vec![
        ("no card", ReaderError::NoCard { reader: None }.into()),
        (
            "several cards",
            ReaderError::SeveralCards { readers: readers() }.into(),
        ),
        (
            "unknown reader",
            ReaderError::UnknownReader {
                given: "acs".into(),
                available: readers(),
            }
            .into(),
        ),
        (
            "reader busy",
            ReaderError::SharingViolation {
                reader: "Sony RC-S300 00 00".into(),
            }
            .into(),
        ),
        (
            "card does not answer",
            ReaderError::UnresponsiveCard {
                reader: "Sony RC-S300 00 00".into(),
            }
            .into(),
        ),
        ("card removed", ReaderError::CardRemoved.into()),
        ("not a My Number card", JpkiError::NotMyNumberCard.into()),
        ("card changed before the PIN", JpkiError::CardChanged.into()),
        (
            "answer cut short",
            JpkiError::Exchange(ExchangeError::Response {
                command: String::new(),
                source: ResponseError::TooShort { len: 0 },
            })
            .into(),
        ),
        (
            "card reset",
            JpkiError::Transport(TransportError::CardReset).into(),
        ),
        ("no terminal", CliError::NoTerminal),
        (
            "card time-out",
            CliError::CardTimeout {
                seconds: 30,
                setting: "MYNAPIN_CARD_TIMEOUT",
            },
        ),
        (
            "interrupted before the PIN",
            CliError::Interrupted { pin_sent: false },
        ),
        (
            "interrupted while checking",
            CliError::Interrupted { pin_sent: true },
        ),
        (
            "certificate missing",
            CliError::from(CertificateError::Select {
                file: CertificateFile::Auth,
                sw,
            }),
        ),
    ];
    for (name, error) in &errors {
        entry(&mut out, name, |lang| error.localized(lang));
    }
    out
}

#[test]
fn docs_messages_md_is_made_from_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/messages.md");
    let made = catalog();
    if std::env::var_os("MYNAPIN_BLESS").is_some() {
        std::fs::write(&path, &made).unwrap();
    }
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        written == made,
        "docs/messages.md is out of date: run `MYNAPIN_BLESS=1 cargo test --lib messages` and read the diff"
    );
    // Japanese in Japanese text: full-width brackets, no half-width ones around Japanese words.
    for line in made.lines().filter(|line| line.starts_with("- ja:")) {
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
