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
use mynapin::card::{
    Challenge, ChangeOutcome, CheckStart, CheckStep, Counter, JpkiError, MyNumberCard, Pin,
    PinChange, PinKind, ShownCounter, StepResult, VerifyOutcome,
};
use mynapin::card_model::{CardModel, CardState};
use mynapin::i18n::{Lang, Localized};
use mynapin::jpki::{revocation_step, validity_period_step, CardIdentity, CardType};
use mynapin::reader::{Canceller, PcscConnection, ReaderError, WatchEvent, Watcher};
use mynapin::text::{self, FollowUp, Message};

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

    /// A library message in both languages, and its follow-up (the same in both).
    pub fn message(message: impl Fn(Lang) -> Message) -> (Said, Option<FollowUp>) {
        let en = message(Lang::En);
        let ja = message(Lang::Ja);
        (
            Said {
                en: en.text,
                ja: ja.text,
            },
            en.follow_up,
        )
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
    /// The auth certificate's validity, judged as the clinic check's step 3 (end date, days
    /// left, failed within 90 days of the end).
    pub auth_certificate: StepResult,
    /// The demo card's PINs, shown so that a person can practise.
    pub demo_pins: Option<Vec<(PinKind, String)>>,
}

/// The result of a PIN attempt, in words, and whether it ended well.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub said: Said,
    /// The next step the window offers (a button).
    pub follow_up: Option<FollowUp>,
    pub good: bool,
}

impl Outcome {
    fn error(error: &impl Localized) -> Outcome {
        Outcome {
            said: Said::of(error),
            follow_up: None,
            good: false,
        }
    }
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
        /// The card of the check's first step, when it was read (the step is drawn in the
        /// window's language, which names the demo card).
        card: Option<CheckedCard>,
        steps: Vec<StepResult>,
        needs_pin: bool,
    },
}

/// The card the clinic check read.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedCard {
    pub identity: CardIdentity,
    /// The reader's name; `None` for the card model (the demo card).
    pub reader: Option<String>,
}

/// The time by which the auth certificate's validity is judged.
pub type Clock = fn() -> SystemTime;

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
    /// PC/SC readers whose comings and goings the caller reports with
    /// [`WorkerHandle::watch_event`] instead of a watcher (tests).
    ReadersFromEvents,
}

impl WorkerHandle {
    /// Starts the worker on `source`; `wake` is called after each update (the window's
    /// `request_repaint`); the auth certificate is judged at `clock()`.
    pub fn start(
        source: Source,
        clock: Clock,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> WorkerHandle {
        let (requests, inputs) = channel();
        let (updates_tx, updates) = channel();
        let wake = Arc::new(wake);
        let mut canceller = None;
        let mut shared = None;
        let card = match source {
            Source::Model(model) => {
                shared = Some(model.clone());
                Card::Model(MyNumberCard::from_connection(model))
            }
            Source::Readers => {
                let watch_canceller = Canceller::new();
                canceller = Some(watch_canceller.clone());
                spawn_watcher(watch_canceller, requests.clone());
                Card::Readers(ReaderState::default())
            }
            Source::ReadersFromEvents => Card::Readers(ReaderState::default()),
        };
        let worker = Worker {
            card,
            model: shared,
            held: None,
            check: None,
            stale: false,
            clock,
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

    /// Reports a reader or card event as the watcher would ([`Source::ReadersFromEvents`]).
    #[doc(hidden)]
    pub fn watch_event(&self, event: WatchEvent) {
        let _ = self.requests.send(Input::Watch(event));
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
    Model(MyNumberCard<SharedModel>),
    Readers(ReaderState),
}

struct Worker {
    card: Card,
    /// The card model behind `card`, to show the demo card's PINs.
    model: Option<SharedModel>,
    held: Option<ShownCounter>,
    /// The clinic check's first part, held until the auth PIN comes for its signature step.
    check: Option<CheckStart>,
    /// Reader events came during a PIN entry: the overview is to be read again after it.
    stale: bool,
    clock: Clock,
    updates: Sender<Update>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

/// Runs `$body` with `$card` bound to the open card, whichever the source; `$none` without one.
macro_rules! with_card {
    ($worker:expr, $card:ident => $body:expr, $none:expr) => {
        match &mut $worker.card {
            Card::Model($card) => $body,
            Card::Readers(ReaderState {
                card: Some($card), ..
            }) => $body,
            _ => $none,
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
                self.drop_entry();
                self.ensure_card();
                let read = with_card!(self, card => card.counter(kind).map_err(|e| Said::of(&e)), Err(no_card()));
                let counter = read.map(|shown| {
                    let counter = shown.counter();
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
                let result =
                    with_card!(self, card => card.verify(shown, &pin), Err(JpkiError::CardChanged));
                drop(pin);
                let outcome = match result {
                    Ok(outcome) => {
                        let (said, follow_up) =
                            Said::message(|lang| text::verify_outcome(&outcome, kind, lang));
                        Outcome {
                            said,
                            follow_up,
                            good: matches!(outcome, VerifyOutcome::Verified),
                        }
                    }
                    Err(error) => Outcome::error(&error),
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
                    Err(error) => Outcome::error(&error),
                    Ok(change) => {
                        match with_card!(self, card => card.change_pin(shown, &change), Err(JpkiError::CardChanged))
                        {
                            Ok(outcome) => {
                                let (said, follow_up) = Said::message(|lang| {
                                    text::change_outcome(&outcome, kind, lang)
                                });
                                Outcome {
                                    said,
                                    follow_up,
                                    good: matches!(outcome, ChangeOutcome::Changed),
                                }
                            }
                            Err(error) => Outcome::error(&error),
                        }
                    }
                };
                self.send(Update::Outcome(outcome));
                self.refresh();
            }
            Request::CheckStart => self.check_start(),
            Request::CheckSign(pin) => self.check_sign(pin),
            Request::CancelEntry => {
                self.drop_entry();
                if self.stale {
                    self.refresh();
                }
            }
            Request::UseDemo => {
                self.drop_entry();
                let model = SharedModel::new(CardState::demo());
                self.model = Some(model.clone());
                self.card = Card::Model(MyNumberCard::from_connection(model));
                self.send(Update::Source { demo: true });
                self.refresh();
            }
        }
    }

    /// Forgets the counter (or check) held for a PIN entry.
    fn drop_entry(&mut self) {
        self.held = None;
        self.check = None;
    }

    /// Reads the card's status and sends it.
    fn refresh(&mut self) {
        self.stale = false;
        let view = match &mut self.card {
            Card::Model(card) => {
                let mut view = status_view(card, None, (self.clock)());
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
            Card::Readers(state) => reader_view(state, (self.clock)()),
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
        let held = self.held.take().is_some() | self.check.take().is_some();
        if held {
            // A PIN field is open: close it first; the card is read again once the window
            // leaves the entry, never while a field may still be showing.
            self.stale = true;
            self.send(Update::CardChanged(Said::of(&JpkiError::CardChanged)));
        } else {
            self.refresh();
        }
    }

    /// Before a new entry: connects again to a card whose reader changed.
    fn ensure_card(&mut self) {
        if self.stale || matches!(&self.card, Card::Readers(state) if state.card.is_none()) {
            self.refresh();
        }
    }

    fn check_start(&mut self) {
        self.drop_entry();
        self.ensure_card();
        let reader = reader_name_of(&self.card);
        let now = (self.clock)();
        let read = with_card!(self, card => card.check_start_at(now), Err(no_card_error()));
        let (card, steps, needs_pin) = match read {
            Ok(start) => {
                let card = Some(CheckedCard {
                    identity: start.identity.clone(),
                    reader,
                });
                let mut steps = start.steps.to_vec();
                if start.needs_pin() {
                    self.check = Some(start);
                    (card, steps, true)
                } else {
                    steps.extend(start.finish_without_pin());
                    (card, steps, false)
                }
            }
            Err(error) => (None, failed_card_step(&error), false),
        };
        self.send(Update::Check {
            card,
            steps,
            needs_pin,
        });
    }

    fn check_sign(&mut self, pin: Pin) {
        let Some(start) = self.check.take() else {
            return self.send(changed_before_sent());
        };
        let steps = match Challenge::random() {
            Err(error) => {
                let mut steps = start.finish_without_pin().to_vec();
                steps[0] = StepResult::failed_with(
                    CheckStep::PinAndKey,
                    "no-random",
                    &NoRandom(error.to_string()),
                );
                steps
            }
            Ok(challenge) => {
                match with_card!(self, card => card.check_pin(start, &pin, &challenge), Err(no_card_error()))
                {
                    Ok(steps) => steps.to_vec(),
                    Err(error) => vec![
                        StepResult::failed_with(CheckStep::PinAndKey, "card-error", &error),
                        revocation_step(),
                    ],
                }
            }
        };
        drop(pin);
        self.send(Update::Check {
            card: None,
            steps,
            needs_pin: false,
        });
        self.refresh();
    }
}

/// The system gave no random bytes for the check's challenge.
struct NoRandom(String);

impl Localized for NoRandom {
    fn localized(&self, lang: Lang) -> String {
        match lang {
            Lang::Ja => format!("OS から乱数を得られませんでした（{}）。何も送っていません。もう一度試してください。", self.0),
            _ => format!("The operating system gave no random bytes ({}); nothing was sent. Try again.", self.0),
        }
    }
}

/// The reader's name for the check's first step; `None` for the demo card.
fn reader_name_of(card: &Card) -> Option<String> {
    match card {
        Card::Model(_) => None,
        Card::Readers(state) => Some(state.card_reader.clone().unwrap_or_default()),
    }
}

fn set_card(state: &mut ReaderState, reader: &str, present: bool) {
    match state.readers.iter_mut().find(|(r, _)| r == reader) {
        Some(entry) => entry.1 = present,
        None => state.readers.push((reader.to_string(), present)),
    }
}

fn no_card_error() -> JpkiError {
    JpkiError::Transport(TransportError::CardRemoved)
}

fn no_card() -> Said {
    Said::of(&ReaderError::NoCard { reader: None })
}

fn changed_before_sent() -> Update {
    Update::Outcome(Outcome::error(&JpkiError::CardChanged))
}

fn failed_card_step(error: &JpkiError) -> Vec<StepResult> {
    let mut steps = vec![StepResult::failed_with(
        CheckStep::Card,
        "card-error",
        error,
    )];
    for step in &CheckStep::ALL[1..5] {
        steps.push(StepResult::skipped(*step, CheckStep::Card));
    }
    steps.push(revocation_step());
    steps
}

fn status_view<C: Connection>(
    card: &mut MyNumberCard<C>,
    reader: Option<String>,
    now: SystemTime,
) -> CardView {
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
            auth_certificate: match &status.auth_certificate {
                Ok(validity) => validity_period_step(validity, now),
                Err(error) => StepResult::failed_with(
                    CheckStep::CertificateValidity,
                    "certificate-unreadable",
                    error,
                ),
            },
            demo_pins: None,
        }),
        Err(error) => CardView::Problem {
            said: Said::of(&error),
            no_reader: false,
        },
    }
}

fn reader_view(state: &mut ReaderState, now: SystemTime) -> CardView {
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
        Some(card) => status_view(card, Some(reader), now),
        None => CardView::Starting,
    }
}
