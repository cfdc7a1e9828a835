//! The one thread that talks to the card. It owns the card connection (PC/SC or the card model)
//! and runs every transaction, so the window never waits on a card; it answers each [`Request`]
//! with [`Update`]s and wakes the window (`request_repaint`) only when it sent one. Readers and
//! cards coming and going reach it from a watcher thread (`mynapin::reader::Watcher`, blocking in
//! PC/SC with no polling), as [`Input::Watch`].
//!
//! The PIN rules it keeps: a PIN entry starts with [`Request::ShowCounter`], whose
//! `ShownCounter` the worker holds until the PIN comes ([`Request::Verify`], [`Request::Change`])
//! and is then handed to the guard, which refuses if the card was reset, removed or replaced in
//! between. While a counter is held the worker starts no other transaction, and a card event
//! drops it ([`Update::CardChanged`]), so no PIN field stays open on a card that changed.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::SystemTime;

use mynapin::apdu::{Connection, Disposition, TransactionStart, Transport, TransportError};
use mynapin::card::{Counter, JpkiError, MyNumberCard, Pin, PinKind, ShownCounter, VerifyOutcome};
use mynapin::card_model::{CardModel, CardState};
use mynapin::i18n::{Lang, Localized};
use mynapin::jpki::{
    counter_step, guarded_change_after, guarded_sign, issuer_step, pin_step, read_check_facts,
    revocation_step, validity_step, CardType, Challenge, ChangeOutcome, CheckStep, PinChange,
    StepResult, ValidityPeriod, Verdict,
};
use mynapin::reader::{Canceller, PcscConnection, ReaderError, WatchEvent, Watcher};

use crate::texts;

/// A text in both languages, so the window can switch language without asking the card again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    pub en: String,
    pub ja: String,
}

impl Said {
    pub fn of(message: &impl Localized) -> Said {
        Said::with(|lang| message.localized(lang))
    }

    pub fn with(text: impl Fn(Lang) -> String) -> Said {
        Said {
            en: text(Lang::En),
            ja: text(Lang::Ja),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            _ => &self.en,
        }
    }
}

/// The card model shared with whoever made it (the tests read the APDUs it received).
#[derive(Clone)]
pub struct SharedModel(pub Arc<Mutex<CardModel>>);

impl SharedModel {
    pub fn new(state: CardState) -> Self {
        SharedModel(Arc::new(Mutex::new(CardModel::new(state))))
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, CardModel> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Connection for SharedModel {
    fn transaction<R>(
        &mut self,
        end: Disposition,
        work: impl FnOnce(&mut dyn Transport, TransactionStart) -> R,
    ) -> Result<R, TransportError> {
        self.lock().transaction(end, work)
    }
}

/// What the window asks of the card.
pub enum Request {
    /// Read the card's status again.
    Refresh,
    /// Read one PIN's counter to show it before a PIN is typed; the worker holds it.
    ShowCounter(PinKind),
    /// The guarded VERIFY after the held counter.
    Verify(Pin),
    /// The guarded PIN change after the held counter.
    Change { current: Pin, new: Pin },
    /// The clinic check's steps before the PIN.
    CheckStart,
    /// The clinic check's signature with the auth PIN.
    CheckSign(Pin),
    /// The PIN entry was closed: drop the held counter.
    CancelEntry,
    /// Switch to the demo card.
    UseDemo,
}

/// What the worker receives.
pub enum Input {
    Request(Request),
    Watch(WatchEvent),
    WatchFailed(ReaderError),
}

/// What the window shows about the reader and the card.
#[derive(Clone, Debug, PartialEq)]
pub enum CardView {
    /// Nothing known yet.
    Starting,
    /// No reader, no card, no service, not a My Number card, card busy...: the sentence to show.
    /// `no_reader`: the window offers the demo card.
    Problem { said: Said, no_reader: bool },
    /// A card was read.
    Ready(CardInfo),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CardInfo {
    /// The reader's name, or `None` for the demo card.
    pub reader: Option<String>,
    pub card_type: CardType,
    pub pins: Vec<(PinKind, Counter)>,
    pub auth_certificate: Result<ValidityPeriod, Said>,
    /// The demo card's PINs, shown so that a person can practise.
    pub demo_pins: Option<Vec<(PinKind, String)>>,
}

/// The result of a PIN attempt, in words, and whether it ended well.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub said: Said,
    pub good: bool,
}

/// What the worker tells the window.
#[derive(Clone, Debug, PartialEq)]
pub enum Update {
    /// Demo card or a reader.
    Source {
        demo: bool,
    },
    Card(CardView),
    /// The counter read for a PIN entry (held by the worker), or why it could not be read.
    Counter {
        kind: PinKind,
        counter: Result<Counter, Said>,
    },
    /// A card event ended a PIN entry before the PIN was sent.
    CardChanged(Said),
    /// A verify or change ended.
    Outcome(Outcome),
    /// The clinic check: its steps so far, and whether the PIN step can run.
    Check {
        steps: Vec<StepResult>,
        needs_pin: bool,
    },
}

/// The handle the window keeps: requests in, updates out.
pub struct WorkerHandle {
    requests: Sender<Input>,
    pub updates: Receiver<Update>,
    canceller: Option<Canceller>,
    thread: Option<JoinHandle<()>>,
}

/// Where the card is.
pub enum Source {
    /// The card model (the demo card, or a test's model).
    Model(SharedModel),
    /// PC/SC readers, watched.
    Readers,
}

impl WorkerHandle {
    /// Starts the worker on `source`; `wake` is called after each update (the window's
    /// `request_repaint`).
    pub fn start(source: Source, wake: impl Fn() + Send + Sync + 'static) -> WorkerHandle {
        let (requests, inputs) = channel();
        let (updates_tx, updates) = channel();
        let wake = Arc::new(wake);
        let mut canceller = None;
        let mut shared = None;
        let card = match source {
            Source::Model(model) => {
                shared = Some(model.clone());
                Card::Model(Some(MyNumberCard::from_connection(model)))
            }
            Source::Readers => {
                let watch_canceller = Canceller::new();
                canceller = Some(watch_canceller.clone());
                spawn_watcher(watch_canceller, requests.clone());
                Card::Readers(ReaderState::default())
            }
        };
        let worker = Worker {
            card,
            model: shared,
            held: None,
            check_certificate: None,
            updates: updates_tx,
            wake,
        };
        let thread = std::thread::Builder::new()
            .name("card".into())
            .spawn(move || worker.run(inputs))
            .ok();
        WorkerHandle {
            requests,
            updates,
            canceller,
            thread,
        }
    }

    pub fn send(&self, request: Request) {
        // The worker ends only when this handle is dropped.
        let _ = self.requests.send(Input::Request(request));
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        if let Some(canceller) = &self.canceller {
            canceller.cancel(std::time::Duration::from_secs(3));
        }
        // Closing the channel ends the worker after its current request; a transaction in
        // progress finishes (and unpowers the card) rather than being cut.
        let (closed, _) = channel();
        self.requests = closed;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn spawn_watcher(canceller: Canceller, inputs: Sender<Input>) {
    let _ = std::thread::Builder::new()
        .name("reader watch".into())
        .spawn(move || {
            let mut watcher = Watcher::new(canceller);
            loop {
                let input = match watcher.next_event() {
                    Ok(Some(event)) => Input::Watch(event),
                    Ok(None) => return,
                    Err(error) => Input::WatchFailed(error),
                };
                let failed = matches!(input, Input::WatchFailed(_));
                if inputs.send(input).is_err() || failed {
                    return;
                }
            }
        });
}

#[derive(Default)]
struct ReaderState {
    service: bool,
    readers: Vec<(String, bool)>,
    /// The reader of the open card.
    card_reader: Option<String>,
    card: Option<MyNumberCard<PcscConnection>>,
    failed: Option<Said>,
}

enum Card {
    /// Always `Some` but while [`with_connection`] lends it out.
    Model(Option<MyNumberCard<SharedModel>>),
    Readers(ReaderState),
}

struct Worker {
    card: Card,
    /// The card model behind `card`, to show the demo card's PINs.
    model: Option<SharedModel>,
    held: Option<ShownCounter>,
    /// The auth certificate read by the clinic check's first part, for its signature step.
    check_certificate: Option<Vec<u8>>,
    updates: Sender<Update>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

/// Runs `$body` with `$card` bound to the open card, whichever the source; `$none` without one.
macro_rules! with_card {
    ($worker:expr, $card:ident => $body:expr, $none:expr) => {
        match &mut $worker.card {
            Card::Model(Some($card)) => $body,
            Card::Readers(ReaderState {
                card: Some($card), ..
            }) => $body,
            _ => $none,
        }
    };
}

/// As `with_card!`, with `$slot` the `Option` that holds the card (for [`with_connection`]).
macro_rules! with_slot {
    ($worker:expr, $slot:ident => $body:expr) => {
        match &mut $worker.card {
            Card::Model($slot) => $body,
            Card::Readers(ReaderState { card: $slot, .. }) => $body,
        }
    };
}

impl Worker {
    fn run(mut self, inputs: Receiver<Input>) {
        let demo = matches!(self.card, Card::Model(_));
        self.send(Update::Source { demo });
        if demo {
            self.refresh();
        } else {
            self.send(Update::Card(CardView::Starting));
        }
        while let Ok(input) = inputs.recv() {
            match input {
                Input::Request(request) => self.handle(request),
                Input::Watch(event) => self.watch_event(event),
                Input::WatchFailed(error) => {
                    if let Card::Readers(state) = &mut self.card {
                        state.failed = Some(Said::of(&error));
                    }
                    self.reader_changed();
                }
            }
        }
        self.held = None;
    }

    fn send(&self, update: Update) {
        if self.updates.send(update).is_ok() {
            (self.wake)();
        }
    }

    fn handle(&mut self, request: Request) {
        match request {
            Request::Refresh => self.refresh(),
            Request::ShowCounter(kind) => {
                self.held = None;
                let read = with_card!(self, card => card.counter(kind).map_err(|e| Said::of(&e)), Err(no_card()));
                let counter = read.map(|shown| {
                    let counter = shown.counter;
                    self.held = Some(shown);
                    counter
                });
                self.send(Update::Counter { kind, counter });
            }
            Request::Verify(pin) => {
                let Some(shown) = self.held.take() else {
                    return self.send(changed_before_sent());
                };
                let kind = pin.kind();
                // TODO(guard): pass `shown` by value once the front door takes it.
                let result = with_card!(self, card => card.verify(&shown, &pin), Err(JpkiError::CardChanged));
                drop(pin);
                let outcome = match result {
                    Ok(outcome) => Outcome {
                        good: matches!(outcome, VerifyOutcome::Verified),
                        said: Said::with(|lang| texts::verify_outcome(&outcome, kind, lang)),
                    },
                    Err(error) => Outcome {
                        said: Said::of(&error),
                        good: false,
                    },
                };
                self.send(Update::Outcome(outcome));
                self.refresh();
            }
            Request::Change { current, new } => {
                let Some(shown) = self.held.take() else {
                    return self.send(changed_before_sent());
                };
                let kind = current.kind();
                let outcome = match PinChange::new(current, new) {
                    Err(error) => Outcome {
                        said: Said::of(&error),
                        good: false,
                    },
                    // TODO(guard): the front door's guarded change.
                    Ok(change) => {
                        match with_slot!(self, slot => with_connection(slot, |c| guarded_change_after(c, &shown, &change)))
                        {
                            Ok(outcome) => Outcome {
                                good: matches!(outcome, ChangeOutcome::Changed),
                                said: Said::with(|lang| {
                                    texts::change_outcome(&outcome, kind, lang)
                                }),
                            },
                            Err(error) => Outcome {
                                said: Said::of(&error),
                                good: false,
                            },
                        }
                    }
                };
                self.send(Update::Outcome(outcome));
                self.refresh();
            }
            Request::CheckStart => self.check_start(),
            Request::CheckSign(pin) => self.check_sign(pin),
            Request::CancelEntry => {
                self.held = None;
                self.check_certificate = None;
            }
            Request::UseDemo => {
                self.held = None;
                let model = SharedModel::new(CardState::demo());
                self.model = Some(model.clone());
                self.card = Card::Model(Some(MyNumberCard::from_connection(model)));
                self.send(Update::Source { demo: true });
                self.refresh();
            }
        }
    }

    /// Reads the card's status and sends it.
    fn refresh(&mut self) {
        let view = match &mut self.card {
            Card::Model(Some(card)) => {
                let mut view = status_view(card, None);
                if let (CardView::Ready(info), Some(model)) = (&mut view, &self.model) {
                    let state = model.lock();
                    info.demo_pins = Some(
                        PinKind::ALL
                            .iter()
                            .map(|kind| (*kind, state.state().pin(*kind).value.clone()))
                            .collect(),
                    );
                }
                view
            }
            Card::Model(None) => CardView::Starting,
            Card::Readers(state) => reader_view(state),
        };
        self.send(Update::Card(view));
    }

    fn watch_event(&mut self, event: WatchEvent) {
        let Card::Readers(state) = &mut self.card else {
            return;
        };
        match event {
            WatchEvent::ServiceStarted => state.service = true,
            WatchEvent::ServiceStopped => {
                state.service = false;
                state.readers.clear();
            }
            WatchEvent::ReaderAdded { reader } => {
                state.service = true;
                state.readers.push((reader, false));
            }
            WatchEvent::ReaderRemoved { reader } => state.readers.retain(|(r, _)| *r != reader),
            WatchEvent::CardInserted { reader, .. } => set_card(state, &reader, true),
            WatchEvent::CardRemoved { reader } => set_card(state, &reader, false),
            _ => {}
        }
        self.reader_changed();
    }

    /// Something about the readers changed: a held counter no longer stands; read again.
    fn reader_changed(&mut self) {
        if let Card::Readers(state) = &mut self.card {
            // The open card may be gone or another one: connect again when it is read.
            state.card = None;
            state.card_reader = None;
        }
        if self.held.take().is_some() || self.check_certificate.take().is_some() {
            self.send(Update::CardChanged(Said::of(&JpkiError::CardChanged)));
        }
        self.refresh();
    }

    fn check_start(&mut self) {
        self.held = None;
        self.check_certificate = None;
        let now = SystemTime::now();
        let read = with_slot!(self, slot => with_connection(slot, read_check_facts));
        let reader = reader_name_of(&self.card);
        let read = read.map(|facts| (facts, reader));
        let (steps, needs_pin) = match read {
            Ok((facts, reader)) => {
                let card = texts::card_step(&facts.identity, reader.as_deref());
                let counter = counter_step(facts.counter);
                let validity = validity_step(&facts.auth_certificate, now);
                let issuer = issuer_step(&facts.auth_certificate, &facts.auth_ca_certificate, now);
                let skipped_after = if card.verdict == Verdict::Failed {
                    Some(CheckStep::Card)
                } else if counter.verdict == Verdict::Failed {
                    Some(CheckStep::PinCounter)
                } else if facts.auth_certificate.is_err() {
                    Some(CheckStep::CertificateValidity)
                } else {
                    None
                };
                let mut steps = vec![card, counter, validity, issuer];
                match (skipped_after, facts.auth_certificate) {
                    (None, Ok(certificate)) => {
                        self.check_certificate = Some(certificate);
                        (steps, true)
                    }
                    (after, _) => {
                        steps.push(StepResult::skipped(
                            CheckStep::PinAndKey,
                            after.unwrap_or(CheckStep::CertificateValidity),
                        ));
                        steps.push(revocation_step());
                        (steps, false)
                    }
                }
            }
            Err(error) => (failed_card_step(&error), false),
        };
        self.send(Update::Check { steps, needs_pin });
    }

    fn check_sign(&mut self, pin: Pin) {
        let Some(certificate) = self.check_certificate.take() else {
            return self.send(changed_before_sent());
        };
        let step = match Challenge::random() {
            Err(error) => StepResult::new(
                CheckStep::PinAndKey,
                Verdict::NotChecked,
                "no-random",
                format!("The operating system gave no random bytes ({error}); nothing was sent. Try again."),
                format!("OS から乱数を得られませんでした（{error}）。何も送っていません。もう一度試してください。"),
            ),
            Ok(challenge) => {
                match with_slot!(self, slot => with_connection(slot, |c| guarded_sign(c, &pin, &challenge))) {
                    Ok(outcome) => pin_step(&outcome, &certificate, &challenge),
                    Err(error) => StepResult::new(
                        CheckStep::PinAndKey,
                        Verdict::NotChecked,
                        "card-error",
                        error.localized(Lang::En),
                        error.localized(Lang::Ja),
                    ),
                }
            }
        };
        drop(pin);
        self.send(Update::Check {
            steps: vec![step, revocation_step()],
            needs_pin: false,
        });
        self.refresh();
    }
}

fn reader_name_of(card: &Card) -> Option<String> {
    match card {
        Card::Model(_) => None,
        Card::Readers(state) => state.card_reader.clone(),
    }
}

fn set_card(state: &mut ReaderState, reader: &str, present: bool) {
    match state.readers.iter_mut().find(|(r, _)| r == reader) {
        Some(entry) => entry.1 = present,
        None => state.readers.push((reader.to_string(), present)),
    }
}

/// Lends the connection behind the front door to a `jpki` function the front door does not have
/// yet.
// TODO(guard): gone once the front door has the guarded change and the clinic check.
fn with_connection<C: Connection, R>(
    slot: &mut Option<MyNumberCard<C>>,
    work: impl FnOnce(&mut C) -> Result<R, JpkiError>,
) -> Result<R, JpkiError> {
    let Some(card) = slot.take() else {
        return Err(JpkiError::Transport(TransportError::CardRemoved));
    };
    let mut connection = card.into_connection();
    let result = work(&mut connection);
    *slot = Some(MyNumberCard::from_connection(connection));
    result
}

fn no_card() -> Said {
    Said::of(&ReaderError::NoCard { reader: None })
}

fn changed_before_sent() -> Update {
    Update::Outcome(Outcome {
        said: Said::of(&JpkiError::CardChanged),
        good: false,
    })
}

fn failed_card_step(error: &JpkiError) -> Vec<StepResult> {
    let mut steps = vec![StepResult::new(
        CheckStep::Card,
        Verdict::Failed,
        "card-error",
        error.localized(Lang::En),
        error.localized(Lang::Ja),
    )];
    for step in &CheckStep::ALL[1..5] {
        steps.push(StepResult::skipped(*step, CheckStep::Card));
    }
    steps.push(revocation_step());
    steps
}

fn status_view<C: Connection>(card: &mut MyNumberCard<C>, reader: Option<String>) -> CardView {
    match card.status() {
        Ok(status) => CardView::Ready(CardInfo {
            reader,
            card_type: status.status.identity.card_type.clone(),
            pins: status
                .status
                .pins
                .iter()
                .map(|pin| (pin.kind, pin.counter))
                .collect(),
            auth_certificate: status.auth_certificate.map_err(|error| Said::of(&error)),
            demo_pins: None,
        }),
        Err(error) => CardView::Problem {
            said: Said::of(&error),
            no_reader: false,
        },
    }
}

fn reader_view(state: &mut ReaderState) -> CardView {
    if let Some(failed) = &state.failed {
        return CardView::Problem {
            said: failed.clone(),
            no_reader: false,
        };
    }
    if !state.service {
        return CardView::Problem {
            said: Said::of(&TransportError::ServiceStopped),
            no_reader: true,
        };
    }
    if state.readers.is_empty() {
        return CardView::Problem {
            said: Said::of(&ReaderError::NoReader),
            no_reader: true,
        };
    }
    let with_card: Vec<&String> = state
        .readers
        .iter()
        .filter(|(_, card)| *card)
        .map(|(reader, _)| reader)
        .collect();
    let reader = match with_card.as_slice() {
        [] => {
            return CardView::Problem {
                said: Said::of(&ReaderError::NoCard { reader: None }),
                no_reader: false,
            }
        }
        [reader] => (*reader).clone(),
        _ => {
            return CardView::Problem {
                said: Said::of(&ReaderError::SeveralCards {
                    readers: with_card.into_iter().cloned().collect(),
                }),
                no_reader: false,
            }
        }
    };
    if state.card.is_none() || state.card_reader.as_ref() != Some(&reader) {
        match MyNumberCard::open(Some(&reader)) {
            Ok(card) => {
                state.card = Some(card);
                state.card_reader = Some(reader.clone());
            }
            Err(error) => {
                return CardView::Problem {
                    said: Said::of(&error),
                    no_reader: false,
                }
            }
        }
    }
    match &mut state.card {
        Some(card) => status_view(card, Some(reader)),
        None => CardView::Starting,
    }
}
