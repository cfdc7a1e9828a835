//! `docs/messages.md`: the library's texts (`crate::text::catalog`, part 1), then what the
//! command line adds (part 2): the next steps as commands, the prompts, its own errors. The test
//! fails when the file is out of date; `MYNAPIN_BLESS=1 cargo test --lib messages` writes it
//! anew.

use super::change_pin;
use super::error::CliError;
use super::pin_input::prompt;
use super::render::say;
use crate::i18n::Localized;
use crate::jpki::{Pin, PinKind};
use crate::reader::ReaderError;
use crate::text::catalog::{entry, follow_up_name, library_part, readers};
use crate::text::{FollowUp, Message};

/// Every follow-up, one of each.
fn follow_ups() -> [FollowUp; 4] {
    [
        FollowUp::ReadCounters,
        FollowUp::TestPin(PinKind::Auth),
        FollowUp::TestNewPin(PinKind::Auth),
        FollowUp::ShowCaCertificate,
    ]
}

fn catalog() -> String {
    let mut out = library_part();
    out.push_str("# Part 2: what the command line adds\n\n");
    out.push_str("## Next steps, as commands (after the library's text)\n\n");
    for follow_up in follow_ups() {
        entry(&mut out, &follow_up_name(follow_up), |lang| {
            say(
                Message {
                    text: String::new(),
                    follow_up: Some(follow_up),
                },
                lang,
            )
            .trim_start()
            .to_string()
        });
    }
    out.push_str("## Prompts\n\n");
    for kind in PinKind::ALL {
        entry(&mut out, &format!("{} · prompt", kind.name()), |lang| {
            prompt(kind, lang, "")
        });
    }
    out.push_str("## Changing a PIN: the new one\n\n");
    for kind in [PinKind::Auth, PinKind::Sign] {
        entry(
            &mut out,
            &format!("{} · typed differently", kind.name()),
            |lang| change_pin::typed_differently(kind, lang),
        );
        entry(
            &mut out,
            &format!("{} · no new line on stdin", kind.name()),
            |lang| change_pin::no_new_line(kind).localized(lang),
        );
    }
    out.push_str("## Errors\n\n");
    let malformed = Pin::new(PinKind::Auth, "123").expect_err("malformed");
    let errors: Vec<(&str, CliError)> = vec![
        ("malformed PIN", CliError::PinFormat(malformed)),
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
}

#[test]
fn every_message_fits_80_columns_as_mynapin_prints_it() {
    use super::output::{wrap, LINE_COLUMNS};
    use unicode_width::UnicodeWidthStr;
    let made = catalog();
    let messages: Vec<&str> = made
        .lines()
        .filter_map(|line| {
            line.strip_prefix("- en: ")
                .or_else(|| line.strip_prefix("- ja: "))
        })
        .collect();
    assert!(messages.len() > 200, "{}", messages.len());
    for message in messages {
        // As an error on stderr ("mynapin: " and continued under the text), and as a line of
        // its own on stdout.
        for (text, indent) in [(format!("mynapin: {message}"), 9), (message.to_string(), 0)] {
            for line in wrap(&text, LINE_COLUMNS, indent) {
                assert!(
                    UnicodeWidthStr::width(line.trim_end()) <= LINE_COLUMNS,
                    "{} columns: {line}\nin: {message}",
                    line.width()
                );
            }
        }
    }
}
