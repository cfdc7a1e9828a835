//! The event state machine of `watch`: pure, so that every sequence of reader states can be tested
//! without PC/SC.

/// The name of PC/SC's pseudo-reader for reader arrivals and removals. It is never a reader.
const PNP_READER: &str = r"\\?PnP?\Notification";

/// One reader as `SCardGetStatusChange` last reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ReaderSnapshot {
    /// The reader name.
    pub name: String,
    /// Whether a card is present (`SCARD_STATE_PRESENT`).
    pub card_present: bool,
    /// The card's ATR; empty without a card.
    pub atr: Vec<u8>,
    /// The reader's card event counter (upper 16 bits of `dwEventState` on pcsc-lite and Windows):
    /// it grows with every insertion and removal, so a card swapped between two looks shows.
    /// Platforms without it report 0 throughout.
    pub event_count: u32,
}

/// What `watch` reports. The `Tracker` gives the reader and card events; the watcher adds the
/// service events.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WatchEvent {
    /// A reader appeared (or was there when watching began).
    ReaderAdded {
        /// The reader.
        reader: String,
    },
    /// A reader went away.
    ReaderRemoved {
        /// The reader.
        reader: String,
    },
    /// A card appeared in a reader (or was there when watching began or its reader appeared).
    CardInserted {
        /// The reader.
        reader: String,
        /// The card's ATR.
        atr: Vec<u8>,
    },
    /// A card left a reader.
    CardRemoved {
        /// The reader.
        reader: String,
    },
    /// The PC/SC service stopped (or was not running when watching began). Every reader it
    /// showed is reported removed just after.
    ServiceStopped,
    /// The PC/SC service is back after [`WatchEvent::ServiceStopped`]; its readers follow as
    /// added.
    ServiceStarted,
}

/// Remembers the last snapshot and turns each new one into events.
///
/// Guarantees, for every reader: events alternate `CardInserted`/`CardRemoved`; a reader's card
/// events come between its `ReaderAdded` and `ReaderRemoved`; a reader that goes away with a card
/// gives `CardRemoved` first. The PnP pseudo-reader is ignored.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    known: Vec<ReaderSnapshot>,
}

impl Tracker {
    /// A tracker that knows no reader yet: the first snapshot reports everything in it as new.
    pub fn new() -> Self {
        Tracker::default()
    }

    /// The readers as last seen.
    pub fn readers(&self) -> &[ReaderSnapshot] {
        &self.known
    }

    /// Takes the readers as they are now (all of them; a reader missing from `now` is gone) and
    /// returns what changed: removals first, in the old order, then additions and insertions in
    /// the new order.
    pub fn update(&mut self, now: &[ReaderSnapshot]) -> Vec<WatchEvent> {
        let now: Vec<&ReaderSnapshot> = now
            .iter()
            .filter(|reader| reader.name != PNP_READER)
            .collect();
        let mut events = Vec::new();
        for old in &self.known {
            if !now.iter().any(|reader| reader.name == old.name) {
                if old.card_present {
                    events.push(WatchEvent::CardRemoved {
                        reader: old.name.clone(),
                    });
                }
                events.push(WatchEvent::ReaderRemoved {
                    reader: old.name.clone(),
                });
            }
        }
        for new in &now {
            let old = self.known.iter().find(|reader| reader.name == new.name);
            let was_present = match old {
                None => {
                    events.push(WatchEvent::ReaderAdded {
                        reader: new.name.clone(),
                    });
                    false
                }
                Some(old) => old.card_present,
            };
            let swapped = match old {
                Some(old) if old.card_present && new.card_present => {
                    old.atr != new.atr || old.event_count != new.event_count
                }
                _ => false,
            };
            if was_present && (!new.card_present || swapped) {
                events.push(WatchEvent::CardRemoved {
                    reader: new.name.clone(),
                });
            }
            if new.card_present && (!was_present || swapped) {
                events.push(WatchEvent::CardInserted {
                    reader: new.name.clone(),
                    atr: new.atr.clone(),
                });
            }
        }
        // Keep one entry per name, whatever the caller passed.
        self.known.clear();
        for reader in now {
            if !self.known.iter().any(|known| known.name == reader.name) {
                self.known.push(reader.clone());
            }
        }
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MYNA_ATR: &[u8] = &[0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14];
    const OTHER_ATR: &[u8] = &[0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F];

    fn empty(name: &str, event_count: u32) -> ReaderSnapshot {
        ReaderSnapshot {
            name: name.into(),
            card_present: false,
            atr: Vec::new(),
            event_count,
        }
    }

    fn with_card(name: &str, atr: &[u8], event_count: u32) -> ReaderSnapshot {
        ReaderSnapshot {
            name: name.into(),
            card_present: true,
            atr: atr.to_vec(),
            event_count,
        }
    }

    fn added(name: &str) -> WatchEvent {
        WatchEvent::ReaderAdded {
            reader: name.into(),
        }
    }

    fn removed(name: &str) -> WatchEvent {
        WatchEvent::ReaderRemoved {
            reader: name.into(),
        }
    }

    fn inserted(name: &str, atr: &[u8]) -> WatchEvent {
        WatchEvent::CardInserted {
            reader: name.into(),
            atr: atr.to_vec(),
        }
    }

    fn card_out(name: &str) -> WatchEvent {
        WatchEvent::CardRemoved {
            reader: name.into(),
        }
    }

    const R0: &str = "Virtual PCD 00 00";
    const R1: &str = "ソニー PaSoRi RC-S380 01 00";

    #[test]
    fn a_reader_that_appears_with_a_card_is_added_then_its_card_inserted() {
        let mut tracker = Tracker::new();
        assert_eq!(
            tracker.update(&[empty(R0, 0), with_card(R1, MYNA_ATR, 1)]),
            [added(R0), added(R1), inserted(R1, MYNA_ATR)]
        );
    }

    #[test]
    fn nothing_changed_is_no_event() {
        let mut tracker = Tracker::new();
        let now = [empty(R0, 0), with_card(R1, MYNA_ATR, 1)];
        tracker.update(&now);
        assert_eq!(tracker.update(&now), []);
    }

    #[test]
    fn insert_then_remove() {
        let mut tracker = Tracker::new();
        tracker.update(&[empty(R0, 0)]);
        assert_eq!(
            tracker.update(&[with_card(R0, MYNA_ATR, 1)]),
            [inserted(R0, MYNA_ATR)]
        );
        assert_eq!(tracker.update(&[empty(R0, 2)]), [card_out(R0)]);
        assert_eq!(
            tracker.update(&[with_card(R0, MYNA_ATR, 3)]),
            [inserted(R0, MYNA_ATR)]
        );
    }

    #[test]
    fn a_card_swapped_for_one_with_another_atr_is_removed_then_inserted() {
        let mut tracker = Tracker::new();
        tracker.update(&[with_card(R0, MYNA_ATR, 1)]);
        assert_eq!(
            tracker.update(&[with_card(R0, OTHER_ATR, 1)]),
            [card_out(R0), inserted(R0, OTHER_ATR)]
        );
    }

    #[test]
    fn the_same_card_taken_out_and_back_between_two_looks_shows_by_its_event_count() {
        let mut tracker = Tracker::new();
        tracker.update(&[with_card(R0, MYNA_ATR, 1)]);
        assert_eq!(
            tracker.update(&[with_card(R0, MYNA_ATR, 3)]),
            [card_out(R0), inserted(R0, MYNA_ATR)]
        );
        assert_eq!(tracker.update(&[with_card(R0, MYNA_ATR, 3)]), []);
    }

    #[test]
    fn a_reader_unplugged_with_its_card_gives_card_removed_then_reader_removed() {
        let mut tracker = Tracker::new();
        tracker.update(&[with_card(R0, MYNA_ATR, 1), empty(R1, 0)]);
        assert_eq!(tracker.update(&[empty(R1, 0)]), [card_out(R0), removed(R0)]);
        // An empty reader unplugged: only the reader.
        assert_eq!(tracker.update(&[]), [removed(R1)]);
    }

    #[test]
    fn the_pnp_pseudo_reader_is_never_a_reader() {
        let mut tracker = Tracker::new();
        let pnp = empty(PNP_READER, 0);
        assert_eq!(tracker.update(std::slice::from_ref(&pnp)), []);
        assert_eq!(tracker.update(&[pnp.clone(), empty(R0, 0)]), [added(R0)]);
        assert_eq!(tracker.update(&[]), [removed(R0)]);
        assert!(tracker.readers().is_empty());
        // Even one that claims to hold a card.
        assert_eq!(tracker.update(&[with_card(PNP_READER, MYNA_ATR, 5)]), []);
    }

    #[test]
    fn everything_gone_at_once_when_the_service_stops() {
        let mut tracker = Tracker::new();
        tracker.update(&[with_card(R0, MYNA_ATR, 1), with_card(R1, OTHER_ATR, 1)]);
        assert_eq!(
            tracker.update(&[]),
            [card_out(R0), removed(R0), card_out(R1), removed(R1)]
        );
        // And back: the same readers are new again.
        assert_eq!(
            tracker.update(&[with_card(R0, MYNA_ATR, 1)]),
            [added(R0), inserted(R0, MYNA_ATR)]
        );
    }

    #[test]
    fn a_reader_replaced_by_another_in_one_step() {
        let mut tracker = Tracker::new();
        tracker.update(&[with_card(R0, MYNA_ATR, 1)]);
        assert_eq!(
            tracker.update(&[with_card(R1, MYNA_ATR, 1)]),
            [card_out(R0), removed(R0), added(R1), inserted(R1, MYNA_ATR)]
        );
    }

    /// Replays events over a model of what a watcher believes; panics on an impossible order.
    fn apply(model: &mut Vec<(String, bool)>, event: &WatchEvent) {
        let position = |model: &Vec<(String, bool)>, name: &str| {
            model.iter().position(|(known, _)| known == name)
        };
        match event {
            WatchEvent::ReaderAdded { reader } => {
                assert!(position(model, reader).is_none(), "{reader} added twice");
                model.push((reader.clone(), false));
            }
            WatchEvent::ReaderRemoved { reader } => {
                let index = position(model, reader).expect("removed before added");
                assert!(!model[index].1, "{reader} removed while holding a card");
                model.remove(index);
            }
            WatchEvent::CardInserted { reader, .. } => {
                let index = position(model, reader).expect("card in an unknown reader");
                assert!(!model[index].1, "two insertions in a row in {reader}");
                model[index].1 = true;
            }
            WatchEvent::CardRemoved { reader } => {
                let index = position(model, reader).expect("card out of an unknown reader");
                assert!(model[index].1, "two removals in a row in {reader}");
                model[index].1 = false;
            }
            WatchEvent::ServiceStopped | WatchEvent::ServiceStarted => {
                panic!("the tracker reported a service event")
            }
        }
    }

    proptest::proptest! {
        /// Over any sequence of snapshots, the events replayed in order are possible (a reader
        /// added before its card, cards in and out alternately, out before the reader leaves)
        /// and end in the state of the snapshot; a swap (event count +2) is always seen.
        #[test]
        fn events_replay_to_the_snapshot_over_any_sequence(
            steps in proptest::collection::vec(
                proptest::collection::vec((proptest::bool::ANY, proptest::bool::ANY, 0u32..3), 3),
                1..40,
            )
        ) {
            let names = [R0, R1, PNP_READER];
            let mut tracker = Tracker::new();
            let mut model: Vec<(String, bool)> = Vec::new();
            let mut counts = [0u32; 3];
            let mut last_present = [false; 3];
            for step in steps {
                let mut now = Vec::new();
                let mut swapped = Vec::new();
                for (index, (there, card, bump)) in step.into_iter().enumerate() {
                    if !there {
                        last_present[index] = false;
                        continue;
                    }
                    if card != last_present[index] {
                        counts[index] += 1;
                    } else if card && bump == 2 {
                        counts[index] += 2;
                        swapped.push(names[index]);
                    }
                    last_present[index] = card;
                    now.push(if card {
                        with_card(names[index], MYNA_ATR, counts[index])
                    } else {
                        empty(names[index], counts[index])
                    });
                }
                let events = tracker.update(&now);
                let before: Vec<(String, bool)> = model.clone();
                for event in &events {
                    apply(&mut model, event);
                }
                let expected: Vec<(String, bool)> = now
                    .iter()
                    .filter(|reader| reader.name != PNP_READER)
                    .map(|reader| (reader.name.clone(), reader.card_present))
                    .collect();
                let mut sorted_model = model.clone();
                sorted_model.sort();
                let mut sorted_expected = expected.clone();
                sorted_expected.sort();
                proptest::prop_assert_eq!(sorted_model, sorted_expected);
                for name in swapped {
                    let was_in = before.iter().any(|(known, card)| known == name && *card);
                    if was_in {
                        proptest::prop_assert!(events.contains(&card_out(name)));
                        proptest::prop_assert!(events.contains(&inserted(name, MYNA_ATR)));
                    }
                }
            }
        }
    }
}
