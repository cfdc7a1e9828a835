//! The fields of `status --json` other than `reader`, shared with `watch --json`'s status events.

use std::time::SystemTime;

use serde::Serialize;

use super::{counter_state, CertificateStatusJson};
use crate::cli::output::ErrorJson;
use crate::cli::render::next_step_codes;
use crate::i18n::Lang;
use crate::jpki::{CardIdentity, Counter, PinStatus, StatusWithExpiry};

/// The fields of `status --json` other than `reader` (also in `watch --json`'s status events).
#[derive(Serialize)]
pub(crate) struct StatusFields {
    card: CardJson,
    pins: Vec<PinJson>,
    certificate: Option<CertificateStatusJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_error: Option<ErrorJson>,
}

impl StatusFields {
    pub(crate) fn new(status: &StatusWithExpiry, atr: &[u8], now: SystemTime, lang: Lang) -> Self {
        let certificate = &status.auth_certificate;
        StatusFields {
            card: CardJson::new(&status.status.identity, atr),
            pins: status.status.pins.iter().map(PinJson::from).collect(),
            certificate: certificate
                .as_ref()
                .ok()
                .map(|expiry| CertificateStatusJson::new(expiry, now)),
            certificate_error: certificate
                .as_ref()
                .err()
                .map(|error| ErrorJson::new(error.code(), error, lang)),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct CardJson {
    #[serde(rename = "type")]
    card_type: &'static str,
    token_label: String,
    atr: String,
}

impl CardJson {
    pub(crate) fn new(identity: &CardIdentity, atr: &[u8]) -> Self {
        CardJson {
            card_type: identity.card_type.name(),
            token_label: identity.token_label.clone(),
            atr: hex::encode(atr),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct PinJson {
    pin: &'static str,
    tries_left: Option<u8>,
    max_tries: u8,
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sw: Option<String>,
    /// At one try left or blocked: what the holder can do, as `verify --json` gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_steps: Option<&'static [&'static str]>,
}

impl From<&PinStatus> for PinJson {
    fn from(pin: &PinStatus) -> Self {
        PinJson {
            pin: pin.kind.name(),
            tries_left: pin.counter.tries_left(),
            max_tries: pin.kind.max_tries(),
            state: counter_state(pin.counter),
            sw: match pin.counter {
                Counter::Blocked(sw) | Counter::Unknown(sw) => Some(sw.to_string()),
                Counter::TriesLeft(_) => None,
            },
            next_steps: matches!(pin.counter.tries_left(), Some(0 | 1))
                .then(|| next_step_codes(pin.kind)),
        }
    }
}
