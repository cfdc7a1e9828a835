//! The exchange engine against a hostile card: random status words, lengths, transport errors and
//! 61xx/6Cxx loops. Whatever the card does, the engine never panics, never loops without bound,
//! never sends a secret twice and sends nothing after a transport error.
//!
//! 2048 random cards per run (plus 256 looping ones); `docs/testing.md` records the counts.

use apdu::{exchange, Command, Transport, TransportError, MAX_GET_RESPONSE_ROUNDS};
use proptest::prelude::*;

/// What the card does with one command.
#[derive(Clone, Debug)]
enum Answer {
    Bytes(Vec<u8>),
    Removed,
    Reset,
    Timeout,
}

/// Answers from a script, then `9000` for ever; records every command.
struct HostileCard {
    script: std::vec::IntoIter<Answer>,
    received: Vec<Vec<u8>>,
    errored_at: Option<usize>,
}

impl HostileCard {
    fn new(script: Vec<Answer>) -> Self {
        HostileCard {
            script: script.into_iter(),
            received: Vec::new(),
            errored_at: None,
        }
    }
}

impl Transport for HostileCard {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.received.push(command.to_vec());
        let error = match self
            .script
            .next()
            .unwrap_or(Answer::Bytes(vec![0x90, 0x00]))
        {
            Answer::Bytes(bytes) => return Ok(bytes),
            Answer::Removed => TransportError::CardRemoved,
            Answer::Reset => TransportError::CardReset,
            Answer::Timeout => TransportError::Timeout,
        };
        self.errored_at.get_or_insert(self.received.len());
        Err(error)
    }
}

fn answer() -> impl Strategy<Value = Answer> {
    let sw = prop_oneof![
        any::<u8>().prop_map(|n| [0x61, n]),
        any::<u8>().prop_map(|n| [0x6C, n]),
        any::<u8>().prop_map(|n| [0x63, 0xC0 | (n & 0x0F)]),
        Just([0x90, 0x00]),
        any::<[u8; 2]>(),
    ];
    prop_oneof![
        8 => (proptest::collection::vec(any::<u8>(), 0..40), sw).prop_map(|(mut data, sw)| {
            data.extend_from_slice(&sw);
            Answer::Bytes(data)
        }),
        // Too short for SW1 SW2 (a card that vanished mid-command): the engine reports it.
        1 => proptest::collection::vec(any::<u8>(), 0..2).prop_map(Answer::Bytes),
        1 => prop_oneof![
            Just(Answer::Removed),
            Just(Answer::Reset),
            Just(Answer::Timeout),
        ],
    ]
}

fn command() -> impl Strategy<Value = Command> {
    (
        any::<[u8; 4]>(),
        proptest::collection::vec(any::<u8>(), 0..20),
        any::<bool>(),
        proptest::option::of(1usize..=256),
    )
        .prop_map(|(header, data, secret, le)| {
            let mut command = Command::new(header[0], header[1], header[2], header[3]);
            command = if secret {
                command.with_secret_data(&data)
            } else {
                command.with_data(&data)
            };
            match le {
                Some(le) => command.with_le(le),
                None => command,
            }
        })
}

/// A card stuck in a loop: answers the same thing every time.
fn looping_answer() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        any::<u8>().prop_map(|n| vec![0x61, n]),
        any::<u8>().prop_map(|n| vec![0x6C, n])
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, .. ProptestConfig::default() })]

    #[test]
    fn the_engine_survives_any_card(command in command(), script in proptest::collection::vec(answer(), 0..80)) {
        let mut card = HostileCard::new(script);
        let _ = exchange(&mut card, &command);
        let first = command.encode().unwrap();
        prop_assert_eq!(&card.received[0], &*first);
        // Bounded: the command, one 6Cxx resend, and per GET RESPONSE round one resend at most.
        prop_assert!(card.received.len() <= 2 + 2 * MAX_GET_RESPONSE_ROUNDS);
        if let Some(at) = card.errored_at {
            prop_assert_eq!(card.received.len(), at, "nothing is sent after a transport error");
        }
        // 6Cxx is for case 2: only a command with Le and no data is ever resent.
        let may_resend = command.data().is_empty() && command.le().is_some();
        for later in &card.received[1..] {
            let is_get_response = later[..4] == [0x00, 0xC0, 0x00, 0x00];
            let repeats_the_command = later[..4] == first[..4] && later.len() >= 5;
            prop_assert!(is_get_response || repeats_the_command, "unexpected command {}", hex::encode(later));
            if repeats_the_command && !is_get_response {
                prop_assert!(may_resend, "resent a command with data or without Le: {}", hex::encode(later));
            }
        }
        if !command.data().is_empty() {
            let sent = card.received.iter().filter(|c| c[..4] == first[..4]).count();
            prop_assert_eq!(sent, 1, "a command with data is sent once");
        }
    }

    #[test]
    fn a_looping_card_ends_the_exchange(command in command(), answer in looping_answer()) {
        let mut card = HostileCard::new(vec![Answer::Bytes(answer); 1000]);
        let _ = exchange(&mut card, &command);
        prop_assert!(card.received.len() <= 2 + 2 * MAX_GET_RESPONSE_ROUNDS);
    }
}
