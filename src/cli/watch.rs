//! `mynapin watch`: readers and cards as they come and go, with each inserted card's counters. The
//! waiting itself is in `crate::reader::watch`.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use apdu::Disposition;
use serde::Serialize;

use super::args::Options;
use super::output::{stderr_line, wrap_lines, ErrorJson, Output};
use super::render::{status_lines, StatusFields};
use super::wait::interrupt_canceller;
use super::{CliError, ExitCode};
use crate::i18n::{Lang, Localized};
use crate::jpki::{read_status, PinKind, StatusWithExpiry};
use crate::reader::{PcscConnection, WatchEvent, Watcher};

/// Watches readers and cards until Ctrl-C (exit 0).
pub fn run(options: &Options, out: &Output) -> Result<ExitCode, CliError> {
    if options.demo {
        return Err(CliError::usage(
            "watch works with PC/SC readers only, not with --demo. To see the demo card's counters, run `mynapin --demo status`; to watch a card that comes and goes, run `mynapin virtual-card` (docs/testing.md) and then `mynapin watch`.",
            "watch は PC/SC のカードリーダー専用で、--demo とは一緒に使えません。デモカードの残り回数は `mynapin --demo status` で見られます。抜き差しを試すには `mynapin virtual-card`（docs/testing.md）を動かしてから `mynapin watch` を実行してください。",
        ));
    }
    if options.reader.is_some() {
        return Err(CliError::usage(
            "watch shows every reader; --reader does not apply to it.",
            "watch はすべてのカードリーダーを表示します。--reader は使えません。",
        ));
    }
    let canceller = interrupt_canceller();
    if !out.json {
        stderr_line(out.pick(
            "Watching card readers. Press Ctrl-C to stop.",
            "カードリーダーを監視しています。Ctrl-C で終了します。",
        ));
    }
    let mut watcher = Watcher::new(canceller);
    loop {
        let event = match watcher.next_event() {
            Ok(Some(event)) => event,
            Ok(None) => {
                end_the_line_after_ctrl_c();
                return Ok(ExitCode::Success);
            }
            Err(error) if out.json => {
                // The last line, in the shape of the others, so the stream stays JSON Lines.
                let error = CliError::from(error);
                let line = error_json(&error, SystemTime::now(), out.lang);
                // A closed pipe changes nothing: this was the last line anyway.
                let _ = print_event(out, &line, String::new());
                return Ok(error.exit_code());
            }
            Err(error) => return Err(error.into()),
        };
        let printed = print_event(
            out,
            &event_json(&event, SystemTime::now()),
            event_text(&event, out.lang),
        )
        .and_then(|()| {
            let WatchEvent::CardInserted { reader, .. } = &event else {
                return Ok(());
            };
            let report = options.deadline.run(|| card_report(reader));
            let now = SystemTime::now();
            print_event(
                out,
                &status_json(reader, &report, now, out.lang),
                status_text(reader, &report, now, out.lang),
            )
        });
        if let Err(Closed) = printed {
            // Whoever read the events has gone (`watch --json | head -3`): nothing left to do.
            return Ok(ExitCode::Success);
        }
    }
}

/// After Ctrl-C the terminal shows "^C" where the cursor was: end that line, so that the shell's
/// prompt starts on a line of its own. Nothing when neither stream is a terminal.
fn end_the_line_after_ctrl_c() {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        let _ = writeln!(std::io::stderr());
    } else if std::io::stdout().is_terminal() {
        let _ = writeln!(std::io::stdout());
    }
}

/// Standard output can no longer be written (a closed pipe).
struct Closed;

/// Prints one event: a compact JSON object or a text line, flushed at the newline (stdout is line
/// buffered). Unlike `println!`, a closed pipe is not a panic.
fn print_event(out: &Output, json: &EventJson, text: String) -> Result<(), Closed> {
    let line = if out.json {
        match serde_json::to_string(json) {
            Ok(line) => line,
            Err(error) => {
                stderr_line(&format!("mynapin: cannot write JSON: {error}"));
                return Ok(());
            }
        }
    } else {
        wrap_lines(&text, 2)
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .map_err(|error| {
            log::debug!("stdout closed: {error}");
            Closed
        })
}

/// What `watch` learns from a card just inserted, read-only, on the reader named exactly: what
/// `status` shows (counters of all PINs, the auth certificate's validity) and the ATR. More facts
/// about the card belong in the same transaction (`read_status`) or at least on this
/// connection, then in `StatusFields` and `status_text`.
fn card_report(reader: &str) -> Result<CardReport, CliError> {
    let mut connection = PcscConnection::open(Some(reader))?;
    let status = read_status(&mut connection, &PinKind::ALL);
    let atr = connection.reader().atr.clone().unwrap_or_default();
    let closed = connection.close(Disposition::Leave);
    let status = status?;
    if let Err(error) = closed {
        log::warn!("disconnecting from {reader:?} after reading its status failed: {error}");
    }
    Ok(CardReport { status, atr })
}

struct CardReport {
    status: StatusWithExpiry,
    atr: Vec<u8>,
}

/// One line of `watch --json`.
#[derive(Serialize)]
struct EventJson<'a> {
    event: &'static str,
    timestamp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reader: Option<&'a str>,
    /// `card-inserted`: the ATR in lower-case hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    atr: Option<String>,
    /// `status` of a My Number card: the `card` and `pins` of `status --json`.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    status: Option<StatusFields>,
    /// `status` of a card that could not be read: the error object of `--json` errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJson>,
}

fn event_json(event: &WatchEvent, at: SystemTime) -> EventJson<'_> {
    let (name, reader, atr) = match event {
        WatchEvent::ReaderAdded { reader } => ("reader-added", Some(reader.as_str()), None),
        WatchEvent::ReaderRemoved { reader } => ("reader-removed", Some(reader.as_str()), None),
        WatchEvent::CardInserted { reader, atr } => (
            "card-inserted",
            Some(reader.as_str()),
            Some(hex::encode(atr)),
        ),
        WatchEvent::CardRemoved { reader } => ("card-removed", Some(reader.as_str()), None),
        WatchEvent::ServiceStopped => ("service-stopped", None, None),
        WatchEvent::ServiceStarted => ("service-started", None, None),
    };
    EventJson {
        event: name,
        timestamp: rfc3339_utc(at),
        reader,
        atr,
        status: None,
        error: None,
    }
}

fn status_json<'a>(
    reader: &'a str,
    report: &Result<CardReport, CliError>,
    at: SystemTime,
    lang: Lang,
) -> EventJson<'a> {
    let (status, error) = match report {
        Ok(report) => (
            Some(StatusFields::new(&report.status, &report.atr, at, lang)),
            None,
        ),
        Err(error) => (None, Some(ErrorJson::of(error, lang))),
    };
    EventJson {
        event: "status",
        timestamp: rfc3339_utc(at),
        reader: Some(reader),
        atr: None,
        status,
        error,
    }
}

fn error_json(error: &CliError, at: SystemTime, lang: Lang) -> EventJson<'static> {
    EventJson {
        event: "error",
        timestamp: rfc3339_utc(at),
        reader: None,
        atr: None,
        status: None,
        error: Some(ErrorJson::of(error, lang)),
    }
}

fn event_text(event: &WatchEvent, lang: Lang) -> String {
    match (event, lang) {
        (WatchEvent::ReaderAdded { reader }, Lang::En) => format!("Reader connected: \"{reader}\""),
        (WatchEvent::ReaderAdded { reader }, Lang::Ja) => {
            format!("カードリーダーが接続されました: 「{reader}」")
        }
        (WatchEvent::ReaderRemoved { reader }, Lang::En) => {
            format!("Reader disconnected: \"{reader}\"")
        }
        (WatchEvent::ReaderRemoved { reader }, Lang::Ja) => {
            format!("カードリーダーが外されました: 「{reader}」")
        }
        (WatchEvent::CardInserted { reader, .. }, Lang::En) => {
            format!("Card inserted in \"{reader}\"")
        }
        (WatchEvent::CardInserted { reader, .. }, Lang::Ja) => {
            format!("「{reader}」にカードが挿入されました")
        }
        (WatchEvent::CardRemoved { reader }, Lang::En) => format!("Card removed from \"{reader}\""),
        (WatchEvent::CardRemoved { reader }, Lang::Ja) => {
            format!("「{reader}」からカードが取り外されました")
        }
        (WatchEvent::ServiceStopped, Lang::En) => {
            "The PC/SC service is not running; waiting for it to start.".into()
        }
        (WatchEvent::ServiceStopped, Lang::Ja) => {
            "PC/SC サービスが動いていません。起動を待っています。".into()
        }
        (WatchEvent::ServiceStarted, Lang::En) => "The PC/SC service is running again.".into(),
        (WatchEvent::ServiceStarted, Lang::Ja) => "PC/SC サービスが再び動き始めました。".into(),
    }
}

/// One line: the reader, the card type, every PIN's counter, the certificate's validity.
fn status_text(
    reader: &str,
    report: &Result<CardReport, CliError>,
    now: SystemTime,
    lang: Lang,
) -> String {
    let quoted = match lang {
        Lang::En => format!("\"{reader}\""),
        Lang::Ja => format!("「{reader}」"),
    };
    match report {
        Ok(report) => {
            let pins: Vec<String> = report
                .status
                .status
                .pins
                .iter()
                .map(|pin| {
                    format!(
                        "{} {}",
                        pin.kind.name(),
                        crate::text::counter(pin.kind, pin.counter, lang)
                    )
                })
                .collect();
            // `status`'s certificate lines, on this line: their column padding squeezed out.
            let certificate: Vec<String> = status_lines(&report.status.auth_certificate, now, lang)
                .iter()
                .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect();
            format!(
                "{quoted}: {}; {}; {}",
                crate::text::card_type(&report.status.status.identity.card_type, lang),
                pins.join(lang.pick("; ", "、")),
                certificate.join(" ")
            )
        }
        Err(error) => format!("{quoted}: {}", error.localized(lang)),
    }
}

/// `time` as RFC 3339 in UTC with milliseconds, e.g. `2026-11-28T01:02:03.456Z`. Times before
/// 1970 or after 9999-12-30T22:00Z (a clock set wrong) show as the nearest of those.
pub(crate) fn rfc3339_utc(time: SystemTime) -> String {
    let timestamp = jiff::Timestamp::try_from(time.max(UNIX_EPOCH)).unwrap_or(jiff::Timestamp::MAX);
    // Milliseconds, always three digits, truncated.
    format!("{timestamp:.3}")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::jpki::{
        validity_from_start, CardIdentity, CardStatus, CardType, CertificateError, CertificateFile,
        Counter, JpkiError, PinStatus,
    };
    use crate::reader::ReaderError;

    fn at(seconds: u64, millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(seconds * 1000 + millis)
    }

    #[test]
    fn timestamps_are_rfc3339_utc_with_milliseconds() {
        assert_eq!(rfc3339_utc(at(0, 0)), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_utc(at(1_795_827_723, 456)),
            "2026-11-28T01:02:03.456Z"
        );
        assert_eq!(
            rfc3339_utc(at(951_868_799, 999)),
            "2000-02-29T23:59:59.999Z"
        );
        assert_eq!(
            rfc3339_utc(at(4_107_542_400, 0)),
            "2100-03-01T00:00:00.000Z"
        );
        assert_eq!(
            rfc3339_utc(at(253_402_207_199, 7)),
            "9999-12-30T21:59:59.007Z"
        );
        // Past the largest time the calendar crate holds (a clock set wrong): that time.
        assert_eq!(
            rfc3339_utc(at(253_402_300_799, 7)),
            "9999-12-30T22:00:00.999Z"
        );
        assert_eq!(
            rfc3339_utc(UNIX_EPOCH - Duration::from_secs(1)),
            "1970-01-01T00:00:00.000Z"
        );
    }

    const AUTH_CERTIFICATE: &[u8] = include_bytes!("../../tests/fixtures/auth.der");

    fn report() -> Result<CardReport, CliError> {
        report_with(validity_from_start(CertificateFile::Auth, AUTH_CERTIFICATE))
    }

    fn report_with(
        auth_certificate: Result<crate::jpki::ValidityPeriod, CertificateError>,
    ) -> Result<CardReport, CliError> {
        let status = CardStatus {
            identity: CardIdentity {
                card_type: CardType::MyNumberCard,
                token_label: "JPKIAPICCTOKEN2".into(),
            },
            pins: vec![
                PinStatus {
                    kind: PinKind::Auth,
                    counter: Counter::TriesLeft(3),
                },
                PinStatus {
                    kind: PinKind::Sign,
                    counter: Counter::TriesLeft(1),
                },
                PinStatus {
                    kind: PinKind::CardInfo,
                    counter: Counter::Blocked(apdu::StatusWord(0x63C0)),
                },
            ],
        };
        Ok(CardReport {
            status: StatusWithExpiry {
                status,
                auth_certificate,
            },
            atr: vec![0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14],
        })
    }

    const STAMP: &str = "2026-11-28T01:02:03.456Z";
    const READER: &str = "Virtual PCD 00 00";

    fn stamp() -> SystemTime {
        at(1_795_827_723, 456)
    }

    fn line(json: &EventJson) -> String {
        serde_json::to_string(json).unwrap()
    }

    #[test]
    fn event_lines_are_one_compact_object_each() {
        let inserted = WatchEvent::CardInserted {
            reader: READER.into(),
            atr: vec![0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14],
        };
        assert_eq!(
            line(&event_json(&inserted, stamp())),
            r#"{"event":"card-inserted","timestamp":"2026-11-28T01:02:03.456Z","reader":"Virtual PCD 00 00","atr":"3be000ff8131fe4514"}"#
        );
        let removed = WatchEvent::CardRemoved {
            reader: READER.into(),
        };
        assert_eq!(
            line(&event_json(&removed, stamp())),
            r#"{"event":"card-removed","timestamp":"2026-11-28T01:02:03.456Z","reader":"Virtual PCD 00 00"}"#
        );
        for (event, name) in [
            (
                WatchEvent::ReaderAdded {
                    reader: READER.into(),
                },
                "reader-added",
            ),
            (
                WatchEvent::ReaderRemoved {
                    reader: READER.into(),
                },
                "reader-removed",
            ),
        ] {
            assert_eq!(
                line(&event_json(&event, stamp())),
                format!(r#"{{"event":"{name}","timestamp":"{STAMP}","reader":"{READER}"}}"#)
            );
        }
        for (event, name) in [
            (WatchEvent::ServiceStopped, "service-stopped"),
            (WatchEvent::ServiceStarted, "service-started"),
        ] {
            assert_eq!(
                line(&event_json(&event, stamp())),
                format!(r#"{{"event":"{name}","timestamp":"{STAMP}"}}"#)
            );
        }
    }

    #[test]
    fn an_error_that_ends_watch_is_a_last_line_of_the_same_shape() {
        let error = CliError::Reader(ReaderError::NoService);
        assert_eq!(
            line(&error_json(&error, stamp(), Lang::En)),
            format!(
                r#"{{"event":"error","timestamp":"{STAMP}","error":{{"code":"no-service","message":{}}}}}"#,
                serde_json::to_string(&error.localized(Lang::En)).unwrap()
            )
        );
    }

    #[test]
    fn a_status_line_carries_the_card_and_pins_of_status_json() {
        let json: serde_json::Value =
            serde_json::from_str(&line(&status_json(READER, &report(), stamp(), Lang::En)))
                .unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "event": "status",
                "timestamp": STAMP,
                "reader": READER,
                "card": { "type": "my-number-card", "token_label": "JPKIAPICCTOKEN2", "atr": "3be000ff8131fe4514" },
                "pins": [
                    { "pin": "auth", "tries_left": 3, "max_tries": 3, "state": "ok" },
                    { "pin": "sign", "tries_left": 1, "max_tries": 5, "state": "last-try", "next_steps": ["convenience-store-with-auth-pin", "city-office"] },
                    { "pin": "card-info", "tries_left": 0, "max_tries": 3, "state": "blocked", "sw": "63C0", "next_steps": ["city-office"] }
                ],
                "certificate": { "not_before": "2026-06-01T00:00:00Z", "not_after": "2031-05-31T14:59:59Z", "days_left": 1645, "state": "valid" }
            })
        );
    }

    #[test]
    fn an_unreadable_certificate_is_null_with_its_error_as_in_status_json() {
        let unreadable = Err(CertificateError::Select {
            file: CertificateFile::Auth,
            sw: apdu::StatusWord(0x6A82),
        });
        let report = report_with(unreadable);
        let json: serde_json::Value =
            serde_json::from_str(&line(&status_json(READER, &report, stamp(), Lang::En))).unwrap();
        assert!(json["certificate"].is_null());
        assert!(json.as_object().unwrap().contains_key("certificate"));
        assert_eq!(json["certificate_error"]["code"], "file-not-selected");
        assert_eq!(json["pins"][0]["tries_left"], 3);
    }

    #[test]
    fn a_card_that_is_not_a_my_number_card_gives_a_status_line_with_an_error() {
        let report = Err(CliError::Jpki(JpkiError::NotMyNumberCard));
        let json: serde_json::Value =
            serde_json::from_str(&line(&status_json(READER, &report, stamp(), Lang::Ja))).unwrap();
        assert_eq!(json["event"], "status");
        assert_eq!(json["reader"], READER);
        assert_eq!(json["error"]["code"], "not-my-number-card");
        assert_eq!(
            json["error"]["message"],
            CliError::Jpki(JpkiError::NotMyNumberCard).localized(Lang::Ja)
        );
        assert!(json.get("card").is_none() && json.get("pins").is_none());
    }

    #[test]
    fn text_mode_is_one_line_per_event_in_both_languages() {
        let en = status_text(READER, &report(), stamp(), Lang::En);
        assert_eq!(
            en,
            "\"Virtual PCD 00 00\": My Number card; auth 3 of 3 tries left; sign 1 of 5 tries left; card-info blocked (63C0); Cert: user-authentication certificate valid until 2031-05-31, 1645 days left"
        );
        let ja = status_text(READER, &report(), stamp(), Lang::Ja);
        assert!(ja.starts_with("「Virtual PCD 00 00」: マイナンバーカード; auth 残り3回"));
        for lang in [Lang::En, Lang::Ja] {
            for event in [
                WatchEvent::ReaderAdded {
                    reader: READER.into(),
                },
                WatchEvent::CardRemoved {
                    reader: READER.into(),
                },
                WatchEvent::ServiceStopped,
            ] {
                assert!(!event_text(&event, lang).contains('\n'));
            }
            assert!(!status_text(READER, &report(), stamp(), lang).contains('\n'));
        }
        assert_eq!(
            event_text(
                &WatchEvent::CardInserted {
                    reader: READER.into(),
                    atr: vec![]
                },
                Lang::Ja
            ),
            "「Virtual PCD 00 00」にカードが挿入されました"
        );
    }
}
