//! Card detection: by selecting the JPKI application and reading its token label, never by ATR
//! (ATRs depend on the reader; jpki/myna #12).

use apdu::{exchange, Connection, Disposition, Status, Transport};

use super::commands::{read_binary, select_application, select_ef, TOKEN_INFO_EF, TOKEN_LABEL_LEN};
use super::{Application, JpkiError};

/// What kind of card answered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CardType {
    /// Token label `JPKIAPICCTOKEN2`.
    MyNumberCard,
    /// Token label `JPKIAPICCTOKEN`: the old 住基カード.
    JukiCard,
    /// A JPKI application with another label.
    OtherJpki,
}

impl CardType {
    /// The name used in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            CardType::MyNumberCard => "my-number-card",
            CardType::JukiCard => "juki-card",
            CardType::OtherJpki => "other",
        }
    }
}

/// The card's identity as its JPKI application states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardIdentity {
    /// The kind of card.
    pub card_type: CardType,
    /// The token label, trailing padding removed.
    pub token_label: String,
}

/// Identifies the card in its own read-only transaction (3 APDUs).
pub fn identify(conn: &mut impl Connection) -> Result<CardIdentity, JpkiError> {
    conn.transaction(Disposition::Leave, |tx, _| detect(tx))?
}

/// Selects JPKI and reads the token label: 3 APDUs. Leaves JPKI selected.
/// `6A82` on the select means the card has no JPKI application: not a My Number card.
pub(super) fn detect(tx: &mut dyn Transport) -> Result<CardIdentity, JpkiError> {
    select(tx, Application::Jpki)?;
    expect_success(tx, &select_ef(TOKEN_INFO_EF), "SELECT EF 0006")?;
    let data = expect_success(tx, &read_binary(0, TOKEN_LABEL_LEN), "READ BINARY EF 0006")?;
    let token_label = parse_token_label(&data)?;
    let card_type = match token_label.as_str() {
        "JPKIAPICCTOKEN2" => CardType::MyNumberCard,
        "JPKIAPICCTOKEN" => CardType::JukiCard,
        _ => CardType::OtherJpki,
    };
    Ok(CardIdentity {
        card_type,
        token_label,
    })
}

/// Selects an application; `6A82` becomes the error that names what is missing.
pub(super) fn select(tx: &mut dyn Transport, app: Application) -> Result<(), JpkiError> {
    let response = exchange(tx, &select_application(app))?;
    match response.sw().status() {
        Status::Success => Ok(()),
        Status::FileNotFound if app == Application::Jpki => Err(JpkiError::NotMyNumberCard),
        _ => Err(JpkiError::UnexpectedStatus {
            step: match app {
                Application::Jpki => "SELECT JPKI",
                Application::CardInfo => "SELECT card-info AP",
            },
            sw: response.sw(),
        }),
    }
}

/// Sends a command that must answer 9000 and returns its data.
pub(super) fn expect_success(
    tx: &mut dyn Transport,
    command: &apdu::Command,
    step: &'static str,
) -> Result<Vec<u8>, JpkiError> {
    let response = exchange(tx, command)?;
    if response.is_success() {
        Ok(response.into_data())
    } else {
        Err(JpkiError::UnexpectedStatus {
            step,
            sw: response.sw(),
        })
    }
}

/// The label: printable ASCII padded with spaces (or NULs) to 32 bytes.
pub(super) fn parse_token_label(data: &[u8]) -> Result<String, JpkiError> {
    let field = &data[..data.len().min(TOKEN_LABEL_LEN)];
    let end = field
        .iter()
        .rposition(|&b| b != b' ' && b != 0)
        .map_or(0, |i| i + 1);
    let label = &field[..end];
    if label.is_empty() || !label.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        return Err(JpkiError::BadTokenLabel {
            bytes: field.to_vec(),
        });
    }
    Ok(String::from_utf8_lossy(label).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn labels_are_trimmed_and_checked() {
        let mut padded = b"JPKIAPICCTOKEN2".to_vec();
        padded.resize(32, b' ');
        assert_eq!(parse_token_label(&padded).unwrap(), "JPKIAPICCTOKEN2");
        assert_eq!(
            parse_token_label(b"JPKIAPICCTOKEN\0\0").unwrap(),
            "JPKIAPICCTOKEN"
        );
        assert!(parse_token_label(b"").is_err());
        assert!(parse_token_label(&[b' '; 32]).is_err());
        assert!(parse_token_label(b"JPKI\xff").is_err());
    }

    proptest! {
        // Fixed (docs/testing.md, "Fuzzing"); tests/fuzz.rs reaches it through a hostile card.
        #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

        #[test]
        fn label_parsing_never_panics(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Ok(label) = parse_token_label(&data) {
                prop_assert!(!label.is_empty() && label.len() <= TOKEN_LABEL_LEN);
                prop_assert!(!label.ends_with(' '));
                prop_assert!(data.starts_with(label.as_bytes()));
            }
        }

    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

        #[test]
        fn labels_with_any_padding_parse_to_the_label(
            label in "[A-Z0-9]{1,32}",
            pad in proptest::collection::vec(prop_oneof![Just(b' '), Just(0u8)], 32),
            tail in proptest::collection::vec(any::<u8>(), 0..16),
        ) {
            let mut data = label.clone().into_bytes();
            data.extend(pad);
            data.truncate(TOKEN_LABEL_LEN);
            // Past the 32-byte field, anything: it is not part of the label.
            data.extend(tail);
            prop_assert_eq!(parse_token_label(&data).ok(), Some(label));
        }
    }
}
