//! Bounded fuzzing of the JPKI layer, run by `cargo test` with fixed case counts (recorded in
//! docs/testing.md, "Fuzzing"): a card that twists the demo card's answers (flipped and cut
//! bytes, other status words, random answers, transport errors) under card detection (the token
//! label), certificate reading and parsing, status and the guarded VERIFY; and certificate parsing
//! of mutated real certificates. Whatever the card says: no panic, a bounded number of APDUs, and
//! no VERIFY with a PIN unless the answer just before it read 2 or more tries left.

use apdu::{Connection, Disposition, StatusWord, TransactionStart, Transport, TransportError};
use mynapin::card_model::{CardModel, CardState};
use mynapin::jpki::{
    guarded_verify, identify, read_certificate, read_counter, read_status, CardType,
    CertificateFile, Pin, PinKind, VerifyOutcome, MAX_CERTIFICATE_LEN,
};
use proptest::prelude::*;

/// Cases per run of each target (fixed: `PROPTEST_CASES` does not change them).
const LABEL_CASES: u32 = 4096;
const CERTIFICATE_READ_CASES: u32 = 2048;
const STATUS_CASES: u32 = 1024;
const GUARD_CASES: u32 = 2048;

/// What the hostile card does to one answer of the demo card.
#[derive(Clone, Debug)]
enum Twist {
    /// The demo card's answer as it is.
    Faithful,
    /// One byte XORed (never with 0).
    Flip { at: usize, xor: u8 },
    /// Only the first bytes (down to none).
    Cut(usize),
    /// The data kept, another status word.
    Status([u8; 2]),
    /// Something else entirely.
    Random(Vec<u8>),
    /// No answer.
    Error(u8),
}

fn twist() -> impl Strategy<Value = Twist> {
    let sw = prop_oneof![
        any::<u8>().prop_map(|n| [0x61, n]),
        any::<u8>().prop_map(|n| [0x6C, n]),
        any::<u8>().prop_map(|n| [0x63, 0xC0 | (n & 0x0F)]),
        Just([0x90, 0x00]),
        Just([0x69, 0x83]),
        Just([0x6A, 0x82]),
        any::<[u8; 2]>(),
    ];
    prop_oneof![
        6 => Just(Twist::Faithful),
        2 => (any::<usize>(), 1u8..).prop_map(|(at, xor)| Twist::Flip { at, xor }),
        1 => (0usize..300).prop_map(Twist::Cut),
        2 => sw.prop_map(Twist::Status),
        1 => proptest::collection::vec(any::<u8>(), 0..300).prop_map(Twist::Random),
        1 => (0u8..3).prop_map(Twist::Error),
    ]
}

fn script(max: usize) -> impl Strategy<Value = Vec<Twist>> {
    proptest::collection::vec(twist(), 0..max)
}

/// The demo card behind a script of twists (then faithful), logging what the host saw.
struct HostileCard {
    card: CardModel,
    script: std::vec::IntoIter<Twist>,
    /// Every command and what the host got back (`None`: a transport error).
    exchanges: Vec<(Vec<u8>, Option<Vec<u8>>)>,
}

impl HostileCard {
    fn new(state: CardState, script: Vec<Twist>) -> Self {
        HostileCard {
            card: CardModel::new(state),
            script: script.into_iter(),
            exchanges: Vec::new(),
        }
    }
}

struct Twisted<'a> {
    inner: &'a mut dyn Transport,
    script: &'a mut std::vec::IntoIter<Twist>,
    exchanges: &'a mut Vec<(Vec<u8>, Option<Vec<u8>>)>,
}

impl Transport for Twisted<'_> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let twist = self.script.next().unwrap_or(Twist::Faithful);
        let answer = match twist {
            Twist::Error(kind) => Err(match kind {
                0 => TransportError::CardRemoved,
                1 => TransportError::CardReset,
                _ => TransportError::Timeout,
            }),
            Twist::Random(bytes) => Ok(bytes),
            twist => self.inner.transmit(command).map(|mut answer| {
                match twist {
                    Twist::Flip { at, xor } if !answer.is_empty() => {
                        let at = at % answer.len();
                        answer[at] ^= xor;
                    }
                    Twist::Cut(len) => answer.truncate(len),
                    Twist::Status(sw) if answer.len() >= 2 => {
                        let n = answer.len();
                        answer[n - 2..].copy_from_slice(&sw);
                    }
                    _ => {}
                }
                answer
            }),
        };
        self.exchanges
            .push((command.to_vec(), answer.as_ref().ok().cloned()));
        answer
    }
}

impl Connection for HostileCard {
    fn transaction<R>(
        &mut self,
        end: Disposition,
        work: impl FnOnce(&mut dyn Transport, TransactionStart) -> R,
    ) -> Result<R, TransportError> {
        let HostileCard {
            card,
            script,
            exchanges,
        } = self;
        card.transaction(end, |inner, start| {
            let mut twisted = Twisted {
                inner,
                script,
                exchanges,
            };
            work(&mut twisted, start)
        })
    }
}

/// APDUs one exchange may take: the command, a 6Cxx resend, and GET RESPONSE rounds.
const EXCHANGE_BOUND: usize = 2 + 2 * apdu::MAX_GET_RESPONSE_ROUNDS;

fn is_verify_with_pin(command: &[u8]) -> bool {
    command.len() > 5 && command[..4] == [0x00, 0x20, 0x00, 0x80]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: LABEL_CASES, ..ProptestConfig::default() })]

    /// Card detection and the token label, through `identify`.
    #[test]
    fn fuzz_identify_token_label(script in script(8), label_twist in proptest::option::of((0usize..32, any::<u8>()))) {
        let mut state = CardState::demo();
        if let Some((at, byte)) = label_twist {
            // Twist the stored label too, so that READ BINARY answers it faithfully.
            let mut label = state.token_label.clone().into_bytes();
            label.resize(32, b' ');
            label[at] = byte;
            state.token_label = String::from_utf8_lossy(&label).into_owned();
        }
        let mut card = HostileCard::new(state, script);
        let result = identify(&mut card);
        prop_assert!(card.exchanges.len() <= 3 * EXCHANGE_BOUND);
        if let Ok(identity) = result {
            prop_assert!(!identity.token_label.is_empty());
            prop_assert!(identity.token_label.bytes().all(|b| b.is_ascii_graphic() || b == b' '));
            prop_assert_eq!(
                identity.card_type == CardType::MyNumberCard,
                identity.token_label == "JPKIAPICCTOKEN2"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CERTIFICATE_READ_CASES, ..ProptestConfig::default() })]

    /// Reading a certificate in 256-byte chunks from a card that twists its answers.
    #[test]
    fn fuzz_read_certificate(script in script(16), which in 0usize..3) {
        let file = [CertificateFile::Auth, CertificateFile::AuthCa, CertificateFile::SignCa][which];
        let mut card = HostileCard::new(CardState::demo(), script);
        let result = read_certificate(&mut card, file);
        // READ BINARY commands of 256 bytes, and one more.
        let chunks = MAX_CERTIFICATE_LEN.div_ceil(256) + 1;
        prop_assert!(card.exchanges.len() <= (2 + chunks) * EXCHANGE_BOUND);
        if let Ok(certificate) = result {
            prop_assert!(certificate.der.len() <= MAX_CERTIFICATE_LEN);
            // Exactly the length its header announces, nothing more.
            use x509_cert::der::{Decode, Header, Reader, SliceReader};
            let mut reader = SliceReader::new(&certificate.der).unwrap();
            let header = Header::decode(&mut reader).unwrap();
            let announced = u32::from(reader.position()) + u32::from(header.length);
            prop_assert_eq!(announced as usize, certificate.der.len());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: STATUS_CASES, ..ProptestConfig::default() })]

    /// `status`: identity, three counters and the certificate's expiry, from a twisting card.
    #[test]
    fn fuzz_status(script in script(24)) {
        let mut card = HostileCard::new(CardState::demo(), script);
        let result = read_status(&mut card, &PinKind::ALL);
        prop_assert!(card.exchanges.len() <= 13 * EXCHANGE_BOUND);
        prop_assert!(card.exchanges.iter().all(|(command, _)| !is_verify_with_pin(command)));
        if let Ok(status) = result {
            for pin in &status.status.pins {
                if let Some(tries) = pin.counter.tries_left() {
                    prop_assert!(tries <= pin.kind.max_tries());
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: GUARD_CASES, ..ProptestConfig::default() })]

    /// The guarded VERIFY against a twisting card: a PIN goes out at most once, and only right
    /// after a counter read whose answer, as mynapin got it, said 2 or more tries left.
    #[test]
    fn fuzz_guarded_verify(script in script(8), kind in 0usize..3, tries in 0u8..=5, right in any::<bool>()) {
        let kind = PinKind::ALL[kind];
        let mut state = CardState::demo();
        state.pin_mut(kind).tries_left = tries.min(kind.max_tries());
        let text = match (kind, right) {
            (PinKind::Sign, true) => "ABC123",
            (PinKind::Sign, false) => "WRONG1",
            (PinKind::Auth, true) => "1234",
            (PinKind::CardInfo, true) => "5678",
            (_, false) => "0000",
        };
        let pin = Pin::new(kind, text).expect("a well-formed PIN");
        let mut card = HostileCard::new(state, script);
        // The counter shown before the prompt, read faithfully; the twists hit the guarded VERIFY.
        let shown = read_counter(&mut card.card, kind).expect("the model answers");
        let outcome = guarded_verify(&mut card, shown, &pin);
        prop_assert!(card.exchanges.len() <= 4 * EXCHANGE_BOUND);
        let verifies: Vec<usize> = card
            .exchanges
            .iter()
            .enumerate()
            .filter(|(_, (command, _))| is_verify_with_pin(command))
            .map(|(at, _)| at)
            .collect();
        prop_assert!(verifies.len() <= 1, "a PIN sent twice");
        if let Some(&at) = verifies.first() {
            // Back to the empty VERIFY, past its GET RESPONSEs: its last answer is the counter.
            let counter_at = card.exchanges[..at]
                .iter()
                .rposition(|(command, _)| command[..] == [0x00, 0x20, 0x00, 0x80])
                .expect("a counter read before the VERIFY");
            prop_assert!(card.exchanges[counter_at + 1..at]
                .iter()
                .all(|(command, _)| command[..4] == [0x00, 0xC0, 0x00, 0x00]));
            let answer = card.exchanges[at - 1].1.clone().expect("an answer");
            prop_assert!(answer.len() >= 2);
            let sw = StatusWord::from_bytes(answer[answer.len() - 2], answer[answer.len() - 1]);
            let tries = match sw.status() {
                apdu::Status::RetriesLeft(tries) => tries,
                other => return Err(TestCaseError::fail(format!("VERIFY after {sw} ({other:?})"))),
            };
            prop_assert!((2..=kind.max_tries()).contains(&tries), "VERIFY after {}", sw);
        } else if let Ok(outcome) = &outcome {
            let answered = matches!(outcome, VerifyOutcome::Verified | VerifyOutcome::WrongPin { .. });
            prop_assert!(!answered, "a VERIFY outcome without a VERIFY");
        }
    }
}
