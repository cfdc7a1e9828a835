//! End to end on the real PC/SC stack: the window's worker and watcher against pcscd +
//! vsmartcard-vpcd, with the card model served to vpcd in this process. `#[ignore]`d: plain
//! `cargo test` reports it as ignored; `scripts/e2e` starts pcscd and runs it with `--ignored`.

#[path = "support/window.rs"]
mod support;

use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use eframe::egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use mynapin::card::{Counter, JpkiError, PinKind, VerifyOutcome};
use mynapin::card_model::vpcd::VirtualCard;
use mynapin::card_model::{CardModel, CardState};
use mynapin::i18n::{Lang, Localized};
use mynapin::reader::ReaderError;
use mynapin::text;
use mynapin_gui::labels;
use mynapin_gui::worker::Source;
use support::{open_on, wait_for, wait_for_label};

/// vpcd's slot 0.
const SLOT0: &str = "127.0.0.1:35963";

fn counter_name(kind: PinKind, counter: Counter, lang: Lang) -> String {
    format!(
        "{}: {}",
        kind.title(lang),
        text::counter(kind, counter, lang)
    )
}

/// Puts the demo card in slot 0; shutting the returned stream down takes it out.
fn insert_card(log: &std::path::Path) -> TcpStream {
    let mut card = VirtualCard::new(CardModel::new(CardState::demo()));
    card.log_to(log).expect("the card's log file");
    let deadline = Instant::now() + Duration::from_secs(5);
    let stream = loop {
        match TcpStream::connect(SLOT0) {
            Ok(stream) => break stream,
            Err(error) => {
                assert!(
                    Instant::now() < deadline,
                    "vpcd is not listening on {SLOT0} ({error}): run this through scripts/e2e"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    };
    let _ = stream.set_nodelay(true);
    let remover = stream.try_clone().expect("a second handle on the stream");
    std::thread::spawn(move || {
        let mut stream = stream;
        let _ = card.serve(&mut stream, |_| Ok(()));
    });
    remover
}

fn log_lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
#[ignore = "end to end: needs pcscd with vsmartcard-vpcd (scripts/e2e runs it)"]
fn the_window_shows_the_counters_and_a_guarded_verify_reaches_the_card() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let log = dir.path().join("apdu.log");
    let card = insert_card(&log);
    let mut harness = open_on(Source::Readers, Lang::En, false);
    // The watcher sees the card arrive: the counters, without a click.
    for kind in PinKind::ALL {
        wait_for_label(
            &mut harness,
            &counter_name(kind, Counter::TriesLeft(kind.max_tries()), Lang::En),
        );
    }
    let test = labels::test_pin(PinKind::Auth, Lang::En);
    harness.get_by_label(&test).click();
    wait_for(&mut harness, "the PIN field", |h| {
        h.query_by_role(Role::PasswordInput).is_some()
    });
    harness.event(eframe::egui::Event::Text("1234".into()));
    harness.run_ok();
    harness.key_press(eframe::egui::Key::Enter);
    let verified = text::verify_outcome(&VerifyOutcome::Verified, PinKind::Auth, Lang::En);
    wait_for_label(&mut harness, &verified.text);

    // The card saw the counter read right before the one VERIFY with a PIN, as the CLI's does.
    let lines = log_lines(&log);
    let sent: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, line)| line.starts_with("0020008004"))
        .map(|(at, _)| at)
        .collect();
    assert_eq!(sent.len(), 1, "{lines:#?}");
    let at = sent[0];
    assert_eq!(
        lines[at - 2..=at],
        [
            "00A4020C020018 -> 9000",
            "00200080 -> 63C3",
            "0020008004******** -> 9000"
        ],
        "{lines:#?}"
    );

    // The card taken out while a PIN is being typed: the field closes with card-changed, and
    // nothing more reaches the card.
    harness.key_press(eframe::egui::Key::Escape);
    wait_for_label(
        &mut harness,
        &counter_name(PinKind::Auth, Counter::TriesLeft(3), Lang::En),
    );
    harness.get_by_label(&test).click();
    wait_for(&mut harness, "the PIN field again", |h| {
        h.query_by_role(Role::PasswordInput).is_some()
    });
    harness.event(eframe::egui::Event::Text("12".into()));
    let _ = card.shutdown(Shutdown::Both);
    wait_for_label(&mut harness, &JpkiError::CardChanged.localized(Lang::En));
    assert!(harness.query_by_role(Role::PasswordInput).is_none());
    let after = log_lines(&log);
    assert_eq!(
        after
            .iter()
            .filter(|line| line.starts_with("0020008004"))
            .count(),
        1,
        "{after:#?}"
    );
    // Back on the overview, the empty reader shows without a click.
    harness.key_press(eframe::egui::Key::Escape);
    wait_for_label(
        &mut harness,
        &ReaderError::NoCard { reader: None }.localized(Lang::En),
    );
}
