//! `check`: would the card work with its PIN at the clinic? The checklist as data: each step
//! passed, failed or not checked, with what to do next. The PIN step is guarded exactly like
//! `verify`; the cryptography is the `rsa`, `sha2` and `x509-cert` crates'.

use std::time::SystemTime;

use apdu::{exchange, Connection, Disposition, StatusWord};
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256};
use x509_cert::der::{DateTime, Decode, Encode};
use x509_cert::Certificate;

use super::cert::read_certificate_in;
use super::commands::{compute_digital_signature, select_ef, AUTH_KEY_EF};
use super::detect::detect;
use super::guard::{guarded_transaction, read_pin_counters, shown_counter, Guarded, ShownCounter};
use super::{
    CardIdentity, CardType, CertificateError, CertificateFile, CertificateInfo, Counter,
    ExpiryState, JpkiError, Pin, PinKind, Refusal, UnknownOutcome, ValidityPeriod, VerifyOutcome,
};
use crate::i18n::{Lang, Localized};

/// The steps, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckStep {
    /// A reader and a My Number card are there.
    Card,
    /// The auth PIN's counter allows a try.
    PinCounter,
    /// The auth certificate is valid and not within 90 days of its end.
    CertificateValidity,
    /// The auth certificate verifies under the CA certificate of EF 000B, which is valid.
    CertificateIssuer,
    /// The PIN is right and the card's key signs a fresh challenge that verifies under the
    /// certificate's public key.
    PinAndKey,
    /// Revocation: needs a verifier registered with J-LIS; never checked.
    Revocation,
}

impl CheckStep {
    /// Every step, in order.
    pub const ALL: [CheckStep; 6] = [
        CheckStep::Card,
        CheckStep::PinCounter,
        CheckStep::CertificateValidity,
        CheckStep::CertificateIssuer,
        CheckStep::PinAndKey,
        CheckStep::Revocation,
    ];

    /// The name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            CheckStep::Card => "card",
            CheckStep::PinCounter => "pin-counter",
            CheckStep::CertificateValidity => "certificate-validity",
            CheckStep::CertificateIssuer => "certificate-issuer",
            CheckStep::PinAndKey => "pin-and-key",
            CheckStep::Revocation => "revocation",
        }
    }

    /// Whether the exit code depends on this step. Revocation cannot be checked from here, so
    /// it is shown as not checked and never counts as passed or failed.
    pub fn counts(self) -> bool {
        self != CheckStep::Revocation
    }
}

/// A step's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// It works.
    Passed,
    /// It does not; the text says what to do.
    Failed,
    /// Not checked (an earlier step failed, or it cannot be checked); the text says why.
    NotChecked,
}

impl Verdict {
    /// The name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Failed => "failed",
            Verdict::NotChecked => "not-checked",
        }
    }
}

/// One line of the checklist: the step, its verdict, a stable reason code and what was found
/// (its words, with the next step for a failure, are [`crate::text::check_step`]'s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepResult {
    /// Which step.
    pub step: CheckStep,
    /// Passed, failed or not checked.
    pub verdict: Verdict,
    /// Stable reason code for JSON (`docs/cli.md`).
    pub reason: &'static str,
    pub(crate) finding: Finding,
}

/// What a step found, for [`crate::text::check_step`] to put in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Finding {
    /// A message made elsewhere (an error's), in both languages.
    Said {
        en: String,
        ja: String,
    },
    /// Not checked: it needs this earlier step, which failed.
    NeedsEarlier(CheckStep),
    /// Step 1: the card and its reader.
    Card {
        card_type: CardType,
        token_label: String,
        reader: String,
    },
    /// Step 2.
    TriesLeft(u8),
    LastTry,
    Blocked(StatusWord),
    CounterUnknown(StatusWord),
    /// Step 3: the certificate's end and the days left.
    Valid {
        end: DateTime,
        days: i64,
    },
    Expiring {
        end: DateTime,
        days: i64,
    },
    Expired {
        end: DateTime,
    },
    NotYetValid,
    /// Step 4.
    NotX509,
    IssuerMismatch,
    BadSignature,
    UnsupportedAlgorithm,
    SignedByValidCa,
    CaNotValid,
    /// Step 5.
    Signed,
    SignatureMismatch,
    SignatureRefused {
        command: &'static str,
        sw: StatusWord,
    },
    SignatureLost,
    WrongPin {
        tries_left: u8,
    },
    PinBlocked(StatusWord),
    PinRefused,
    PinUnknown,
    /// Not checked: the PIN step could run, but no PIN was given.
    NoPin,
    /// Step 6.
    RevocationNeedsJLis,
}

impl StepResult {
    pub(crate) fn new(
        step: CheckStep,
        verdict: Verdict,
        reason: &'static str,
        finding: Finding,
    ) -> Self {
        StepResult {
            step,
            verdict,
            reason,
            finding,
        }
    }

    /// A failed step whose message is an error's (reaching the card failed, say) with its stable
    /// code.
    pub fn failed_with(step: CheckStep, reason: &'static str, error: &impl Localized) -> Self {
        StepResult::new(
            step,
            Verdict::Failed,
            reason,
            Finding::Said {
                en: error.localized(Lang::En),
                ja: error.localized(Lang::Ja),
            },
        )
    }

    /// Not checked because an earlier step failed.
    pub fn skipped(step: CheckStep, after: CheckStep) -> Self {
        StepResult::new(
            step,
            Verdict::NotChecked,
            "earlier-step-failed",
            Finding::NeedsEarlier(after),
        )
    }
}

/// Step 1: the card in `reader`, passed only for a My Number card (clinics take no other).
pub fn card_step(identity: &CardIdentity, reader: &str) -> StepResult {
    let (verdict, reason) = match identity.card_type {
        CardType::MyNumberCard => (Verdict::Passed, "ok"),
        _ => (Verdict::Failed, "not-my-number-card"),
    };
    StepResult::new(
        CheckStep::Card,
        verdict,
        reason,
        Finding::Card {
            card_type: identity.card_type.clone(),
            token_label: identity.token_label.clone(),
            reader: reader.to_string(),
        },
    )
}

/// What `check` reads before asking for the PIN, in one read-only transaction.
#[derive(Debug)]
pub struct CheckFacts {
    /// The card.
    pub identity: CardIdentity,
    /// EF 000A, or why it could not be read.
    pub auth_certificate: Result<Vec<u8>, CertificateError>,
    /// EF 000B, or why it could not be read.
    pub auth_ca_certificate: Result<Vec<u8>, CertificateError>,
    /// The auth PIN's counter, bound to this connection and card session: pass it to
    /// [`guarded_sign`] after showing it.
    pub shown: ShownCounter,
}

/// Reads the card's identity, EF 000A, EF 000B and the auth PIN's counter in one read-only
/// transaction. A transport failure fails the whole read.
pub fn read_check_facts(conn: &mut impl Connection) -> Result<CheckFacts, JpkiError> {
    conn.transaction(Disposition::Leave, |tx, start| {
        let identity = detect(tx)?;
        let mut read = |file| match read_certificate_in(tx, file) {
            Err(CertificateError::Card(error)) => Err(error),
            other => Ok(other),
        };
        let auth_certificate = read(CertificateFile::Auth)?;
        let auth_ca_certificate = read(CertificateFile::AuthCa)?;
        let pins = read_pin_counters(tx, &[PinKind::Auth])?;
        let counter = pins
            .first()
            .map_or(Counter::Unknown(StatusWord(0x6F00)), |pin| pin.counter);
        Ok(CheckFacts {
            identity,
            auth_certificate,
            auth_ca_certificate,
            shown: shown_counter(start, PinKind::Auth, counter),
        })
    })?
}

/// `check` up to its PIN step: the card, steps 2 to 4, and what step 5 needs, read in one
/// read-only transaction with [`check_start`]. Show its steps and counter, then ask for the PIN
/// only if [`CheckStart::needs_pin`] (never inside a transaction), and finish with
/// [`check_pin`] or [`CheckStart::finish_without_pin`].
#[derive(Debug)]
pub struct CheckStart {
    /// The card, for step 1 (each front end words it with its reader).
    pub identity: CardIdentity,
    /// Steps 2 to 4: the auth PIN's counter, the certificate's validity and its issuer.
    pub steps: [StepResult; 3],
    counter: Counter,
    pin: PinStepPlan,
}

#[derive(Debug)]
enum PinStepPlan {
    /// Step 5 cannot run: the step it needs failed.
    Skipped(StepResult),
    /// Step 5 runs with the PIN, after this counter was shown.
    Ask {
        shown: ShownCounter,
        certificate: Vec<u8>,
    },
}

impl CheckStart {
    /// The auth PIN's counter as read: show it before asking for the PIN.
    pub fn counter(&self) -> Counter {
        self.counter
    }

    /// Step 1's verdict: only a My Number card passes (clinics take no other).
    pub fn card_passed(&self) -> bool {
        self.identity.card_type == CardType::MyNumberCard
    }

    /// Whether step 5 needs the auth PIN: a My Number card, a counter of two or more tries, the
    /// certificate read.
    pub fn needs_pin(&self) -> bool {
        matches!(self.pin, PinStepPlan::Ask { .. })
    }

    /// Steps 5 and 6 when no PIN is asked: step 5 not checked (it names the step it needs, or
    /// says that no PIN was given), step 6 never checked.
    pub fn finish_without_pin(self) -> [StepResult; 2] {
        let pin_step = match self.pin {
            PinStepPlan::Skipped(step) => step,
            PinStepPlan::Ask { .. } => StepResult::new(
                CheckStep::PinAndKey,
                Verdict::NotChecked,
                "no-pin",
                Finding::NoPin,
            ),
        };
        [pin_step, revocation_step()]
    }
}

/// `check`'s read-only part: identity, EF 000A, EF 000B and the auth PIN's counter in one
/// transaction ([`read_check_facts`]), steps 2 to 4 judged at `now`.
pub fn check_start(conn: &mut impl Connection, now: SystemTime) -> Result<CheckStart, JpkiError> {
    let facts = read_check_facts(conn)?;
    let counter_read = facts.shown.counter();
    let counter = counter_step(counter_read);
    let validity = validity_step(&facts.auth_certificate, now);
    let issuer = issuer_step(&facts.auth_certificate, &facts.auth_ca_certificate, now);
    let pin = if facts.identity.card_type != CardType::MyNumberCard {
        PinStepPlan::Skipped(StepResult::skipped(CheckStep::PinAndKey, CheckStep::Card))
    } else if counter.verdict == Verdict::Failed {
        PinStepPlan::Skipped(StepResult::skipped(
            CheckStep::PinAndKey,
            CheckStep::PinCounter,
        ))
    } else {
        match facts.auth_certificate {
            Ok(certificate) => PinStepPlan::Ask {
                shown: facts.shown,
                certificate,
            },
            Err(_) => PinStepPlan::Skipped(StepResult::skipped(
                CheckStep::PinAndKey,
                CheckStep::CertificateValidity,
            )),
        }
    };
    Ok(CheckStart {
        identity: facts.identity,
        steps: [counter, validity, issuer],
        counter: counter_read,
        pin,
    })
}

/// `check`'s PIN step after `start` was shown: the guarded VERIFY of `pin` (the auth PIN) and a
/// signature of `challenge` ([`guarded_sign`], after the counter `start` read: a reset, removal or
/// reconnect since is [`JpkiError::CardChanged`], nothing sent), then step 6. When `start` needs
/// no PIN, nothing is sent ([`CheckStart::finish_without_pin`]).
pub fn check_pin(
    conn: &mut impl Connection,
    start: CheckStart,
    pin: &Pin,
    challenge: &Challenge,
) -> Result<[StepResult; 2], JpkiError> {
    let PinStepPlan::Ask { shown, certificate } = start.pin else {
        return Ok(start.finish_without_pin());
    };
    let outcome = guarded_sign(conn, shown, pin, challenge)?;
    Ok([
        pin_step(&outcome, &certificate, challenge),
        revocation_step(),
    ])
}

/// Step 2 from the counter read before the prompt: the same refusal as `verify`.
pub fn counter_step(counter: Counter) -> StepResult {
    let failed =
        |reason, finding| StepResult::new(CheckStep::PinCounter, Verdict::Failed, reason, finding);
    match counter.refusal() {
        None => StepResult::new(
            CheckStep::PinCounter,
            Verdict::Passed,
            "ok",
            Finding::TriesLeft(counter.tries_left().unwrap_or(0)),
        ),
        Some(Refusal::LastTry) => failed("last-try", Finding::LastTry),
        Some(Refusal::Blocked(sw)) => failed("blocked", Finding::Blocked(sw)),
        Some(Refusal::CounterUnknown(sw)) => failed("counter-unknown", Finding::CounterUnknown(sw)),
    }
}

/// Step 3: the auth certificate within its validity and not within
/// [`EXPIRY_WARNING_DAYS`](super::EXPIRY_WARNING_DAYS) days of its end.
pub fn validity_step(
    certificate: &Result<Vec<u8>, CertificateError>,
    now: SystemTime,
) -> StepResult {
    let step = CheckStep::CertificateValidity;
    let info = match certificate {
        Err(error) => return StepResult::failed_with(step, error.code(), error),
        Ok(der) => match CertificateInfo::parse(CertificateFile::Auth, der) {
            Ok(info) => info,
            Err(error) => return StepResult::failed_with(step, error.code(), &error),
        },
    };
    validity_period_step(&info.validity, now)
}

/// Step 3 from the validity period alone (as [`crate::card::MyNumberCard::status`] reads it):
/// the certificate's end and the days left, failed within
/// [`EXPIRY_WARNING_DAYS`](super::EXPIRY_WARNING_DAYS) of the end. A front end shows the auth
/// certificate's validity with it in the check's words.
pub fn validity_period_step(validity: &ValidityPeriod, now: SystemTime) -> StepResult {
    let step = CheckStep::CertificateValidity;
    let end = validity.not_after;
    let days = validity.days_left(now);
    let failed = |reason, finding| StepResult::new(step, Verdict::Failed, reason, finding);
    match validity.state(now) {
        ExpiryState::Valid => {
            StepResult::new(step, Verdict::Passed, "ok", Finding::Valid { end, days })
        }
        ExpiryState::Expiring => failed("expiring", Finding::Expiring { end, days }),
        ExpiryState::Expired => failed("expired", Finding::Expired { end }),
        ExpiryState::NotYetValid => failed("not-yet-valid", Finding::NotYetValid),
    }
}

/// Step 4: the auth certificate's signature verifies under the CA certificate of EF 000B, whose
/// subject is the certificate's issuer and which is within its validity.
pub fn issuer_step(
    certificate: &Result<Vec<u8>, CertificateError>,
    ca: &Result<Vec<u8>, CertificateError>,
    now: SystemTime,
) -> StepResult {
    let step = CheckStep::CertificateIssuer;
    let (certificate, ca) = match (certificate, ca) {
        (Ok(certificate), Ok(ca)) => (certificate, ca),
        (Err(_), _) => return StepResult::skipped(step, CheckStep::CertificateValidity),
        (_, Err(error)) => return StepResult::failed_with(step, error.code(), error),
    };
    let failed = |reason, finding| StepResult::new(step, Verdict::Failed, reason, finding);
    let (Ok(certificate), Ok(ca_certificate)) = (
        Certificate::from_der(certificate),
        Certificate::from_der(ca),
    ) else {
        return failed("not-x509", Finding::NotX509);
    };
    if certificate.tbs_certificate.issuer != ca_certificate.tbs_certificate.subject {
        return failed("issuer-mismatch", Finding::IssuerMismatch);
    }
    match signed_by(&certificate, &ca_certificate) {
        SignatureCheck::Valid => {}
        SignatureCheck::Invalid => return failed("bad-signature", Finding::BadSignature),
        SignatureCheck::Unsupported => {
            return StepResult::new(
                step,
                Verdict::NotChecked,
                "unsupported-algorithm",
                Finding::UnsupportedAlgorithm,
            )
        }
    }
    let ca_validity = CertificateInfo::parse(CertificateFile::AuthCa, ca)
        .map(|info| info.validity.state(now))
        .unwrap_or(ExpiryState::Expired);
    match ca_validity {
        ExpiryState::Valid | ExpiryState::Expiring => {
            StepResult::new(step, Verdict::Passed, "ok", Finding::SignedByValidCa)
        }
        _ => failed("ca-not-valid", Finding::CaNotValid),
    }
}

enum SignatureCheck {
    Valid,
    Invalid,
    Unsupported,
}

/// sha256WithRSAEncryption (RFC 4055), the algorithm of JPKI certificates.
const SHA256_WITH_RSA: x509_cert::der::asn1::ObjectIdentifier =
    x509_cert::der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

fn signed_by(certificate: &Certificate, ca: &Certificate) -> SignatureCheck {
    if certificate.signature_algorithm.oid != SHA256_WITH_RSA {
        return SignatureCheck::Unsupported;
    }
    let (Ok(key), Ok(tbs)) = (public_key(ca), certificate.tbs_certificate.to_der()) else {
        return SignatureCheck::Invalid;
    };
    let Some(signature) = certificate.signature.as_bytes() else {
        return SignatureCheck::Invalid;
    };
    match key.verify(
        Pkcs1v15Sign::new::<Sha256>(),
        &Sha256::digest(&tbs),
        signature,
    ) {
        Ok(()) => SignatureCheck::Valid,
        Err(_) => SignatureCheck::Invalid,
    }
}

fn public_key(certificate: &Certificate) -> Result<RsaPublicKey, ()> {
    let spki = certificate
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|_| ())?;
    RsaPublicKey::from_public_key_der(&spki).map_err(|_| ())
}

/// A fresh random challenge and the SHA-256 DigestInfo the card signs.
pub struct Challenge {
    digest: [u8; 32],
}

impl Challenge {
    /// 32 bytes from the operating system's random source, hashed.
    pub fn random() -> Result<Challenge, rand_core::Error> {
        let mut bytes = [0u8; 32];
        rand_core::RngCore::try_fill_bytes(&mut rand_core::OsRng, &mut bytes)?;
        Ok(Challenge {
            digest: Sha256::digest(bytes).into(),
        })
    }

    /// DER DigestInfo of SHA-256: the 19-byte prefix of RFC 8017, then the digest.
    pub fn digest_info(&self) -> Vec<u8> {
        let mut info = Pkcs1v15Sign::new::<Sha256>().prefix.to_vec();
        info.extend_from_slice(&self.digest);
        info
    }
}

/// The result of [`guarded_sign`].
#[derive(Debug)]
#[non_exhaustive]
pub enum SignOutcome {
    /// The PIN was right and the card answered a signature.
    Signed(Vec<u8>),
    /// The VERIFY did not answer `9000` (or was refused); nothing more was sent.
    NotVerified(VerifyOutcome),
    /// The PIN was right, but selecting the key or signing answered this.
    SignatureRefused {
        /// The command.
        step: &'static str,
        /// What the card answered.
        sw: StatusWord,
    },
    /// The PIN was right, but the signature's answer was lost.
    SignatureLost(UnknownOutcome),
}

/// The guarded VERIFY of the auth PIN followed by a signature, after `shown` (the auth PIN's
/// counter, read on this connection) was shown, with the same refusals as
/// [`super::guarded_verify`], in one transaction that ends by cutting the card's power: SELECT JPKI, SELECT EF 0018, the empty VERIFY (must read `63Cx`,
/// x ≥ 2), VERIFY; only on `9000`, SELECT EF 0017 and COMPUTE DIGITAL SIGNATURE
/// `80 2A 00 80 Lc DigestInfo 00`.
pub fn guarded_sign(
    conn: &mut impl Connection,
    shown: ShownCounter,
    pin: &Pin,
    challenge: &Challenge,
) -> Result<SignOutcome, JpkiError> {
    let guarded = guarded_transaction(conn, pin, shown, |tx| {
        let signed = (|| {
            let selected = exchange(tx, &select_ef(AUTH_KEY_EF))?;
            if !selected.is_success() {
                return Ok(SignOutcome::SignatureRefused {
                    step: "SELECT EF 0017",
                    sw: selected.sw(),
                });
            }
            let signature = exchange(tx, &compute_digital_signature(&challenge.digest_info()))?;
            Ok(if signature.is_success() {
                SignOutcome::Signed(signature.into_data())
            } else {
                SignOutcome::SignatureRefused {
                    step: "COMPUTE DIGITAL SIGNATURE",
                    sw: signature.sw(),
                }
            })
        })();
        signed.unwrap_or_else(|error| SignOutcome::SignatureLost(UnknownOutcome::Exchange(error)))
    })?;
    Ok(match guarded {
        Guarded::NotVerified(outcome) => SignOutcome::NotVerified(outcome),
        Guarded::Verified {
            after,
            end_error: None,
        } => after,
        // Ending the transaction failed: a signature cannot be trusted to have been read whole.
        Guarded::Verified {
            end_error: Some(error),
            ..
        } => SignOutcome::SignatureLost(UnknownOutcome::Transport(error)),
    })
}

/// Whether `signature` verifies under the certificate's public key over the challenge
/// (RSA PKCS#1 v1.5, SHA-256).
pub fn signature_matches(certificate: &[u8], challenge: &Challenge, signature: &[u8]) -> bool {
    let Ok(certificate) = Certificate::from_der(certificate) else {
        return false;
    };
    let Ok(key) = public_key(&certificate) else {
        return false;
    };
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &challenge.digest, signature)
        .is_ok()
}

/// Step 6: never checked, and said so.
pub fn revocation_step() -> StepResult {
    StepResult::new(
        CheckStep::Revocation,
        Verdict::NotChecked,
        "needs-j-lis",
        Finding::RevocationNeedsJLis,
    )
}

/// Step 5 from the guarded signature: passed only when the PIN was right and the signature
/// verifies under the certificate's public key.
pub fn pin_step(outcome: &SignOutcome, certificate: &[u8], challenge: &Challenge) -> StepResult {
    let step = CheckStep::PinAndKey;
    let failed = |reason, finding| StepResult::new(step, Verdict::Failed, reason, finding);
    match outcome {
        SignOutcome::Signed(signature) if signature_matches(certificate, challenge, signature) => {
            StepResult::new(step, Verdict::Passed, "ok", Finding::Signed)
        }
        SignOutcome::Signed(_) => failed("signature-mismatch", Finding::SignatureMismatch),
        SignOutcome::SignatureRefused { step: command, sw } => failed(
            "signature-refused",
            Finding::SignatureRefused { command, sw: *sw },
        ),
        SignOutcome::SignatureLost(_) => failed("signature-lost", Finding::SignatureLost),
        SignOutcome::NotVerified(VerifyOutcome::WrongPin { tries_left }) => failed(
            "wrong-pin",
            Finding::WrongPin {
                tries_left: *tries_left,
            },
        ),
        SignOutcome::NotVerified(
            VerifyOutcome::Blocked { sw } | VerifyOutcome::Refused(Refusal::Blocked(sw)),
        ) => failed("blocked", Finding::PinBlocked(*sw)),
        SignOutcome::NotVerified(VerifyOutcome::Refused(_)) => {
            failed("refused", Finding::PinRefused)
        }
        SignOutcome::NotVerified(VerifyOutcome::Unknown(_) | VerifyOutcome::Verified) => {
            failed("unknown", Finding::PinUnknown)
        }
    }
}
