//! The JPKI layer: applications, PINs, card detection, and the guard that reads the retry
//! counter before every VERIFY. Card facts and their sources: `docs/jpki.md`.
//!
//! Everything here talks to the card through [`apdu::Connection`] and [`apdu::exchange`]; it knows
//! nothing of PC/SC and prints nothing.

mod cert;
mod change_pin;
mod check;
mod commands;
mod detect;
mod error;
mod guard;
mod pin;
mod pin_line;
mod status;

#[cfg(all(test, feature = "cli"))]
pub(crate) use cert::validity_from_start;
pub use cert::{
    read_certificate, CardCertificate, CertificateError, CertificateFile, CertificateInfo,
    ExpiryState, ValidityPeriod, EXPIRY_WARNING_DAYS, MAX_CERTIFICATE_LEN, MAX_CERTIFICATE_READS,
};
pub use change_pin::{guarded_change, ChangeOutcome, PinChange, PinChangeError};
pub(crate) use check::Finding;
pub use check::{
    card_step, check_pin, check_start, counter_step, guarded_sign, issuer_step, pin_step,
    read_check_facts, revocation_step, signature_matches, validity_period_step, validity_step,
    Challenge, CheckFacts, CheckStart, CheckStep, SignOutcome, StepResult, Verdict,
};
pub use commands::Application;
pub use detect::{identify, CardIdentity, CardType};
pub use error::JpkiError;
pub use guard::{
    guarded_verify, read_counter, CardStatus, Counter, PinStatus, Refusal, ShownCounter,
    UnknownOutcome, VerifyOutcome,
};
pub use pin::{FormatProblem, Pin, PinFormatError, PinKind};
pub use pin_line::{pin_from_line, read_pin_line, unbuffered_stdin, MAX_PIN_LINE};
pub use status::{read_status, StatusWithExpiry};
