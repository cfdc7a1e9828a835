//! `check`: would the card work with its PIN at the clinic? The checklist as data: each step
//! passed, failed or not checked, with what to do next. The PIN step is guarded exactly like
//! `verify`; the cryptography is the `rsa`, `sha2` and `x509-cert` crates'.

use std::time::SystemTime;

use apdu::{exchange, Connection, Disposition, StatusWord};
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256};
use x509_cert::der::{Decode, Encode};
use x509_cert::Certificate;

use super::cert::read_certificate_in;
use super::commands::{compute_digital_signature, select_ef, AUTH_KEY_EF};
use super::detect::detect;
use super::guard::{guarded_transaction, read_pin_counters, shown_counter, Guarded, ShownCounter};
use super::{
    CardIdentity, CardType, CertificateError, CertificateFile, CertificateInfo, Counter,
    ExpiryState, JpkiError, Pin, PinKind, Refusal, UnknownOutcome, VerifyOutcome,
    EXPIRY_WARNING_DAYS,
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

    /// What the step checks, for people.
    pub fn title(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (CheckStep::Card, Lang::En) => "reader and My Number card",
            (CheckStep::Card, Lang::Ja) => "カードリーダーとマイナンバーカード",
            (CheckStep::PinCounter, Lang::En) => "user-authentication PIN tries left",
            (CheckStep::PinCounter, Lang::Ja) => "利用者証明用暗証番号の残り回数",
            (CheckStep::CertificateValidity, Lang::En) => {
                "user-authentication certificate validity"
            }
            (CheckStep::CertificateValidity, Lang::Ja) => "利用者証明用電子証明書の有効期間",
            (CheckStep::CertificateIssuer, Lang::En) => "certificate issued by the card's CA",
            (CheckStep::CertificateIssuer, Lang::Ja) => "カード内の認証局による証明書の発行",
            (CheckStep::PinAndKey, Lang::En) => "PIN and signature with the card's key",
            (CheckStep::PinAndKey, Lang::Ja) => "暗証番号とカードの鍵による署名",
            (CheckStep::Revocation, Lang::En) => "revocation status",
            (CheckStep::Revocation, Lang::Ja) => "失効状態",
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

/// One line of the checklist: the step, its verdict, a stable reason code and the text (what
/// was found and, for a failure, the next step) in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepResult {
    /// Which step.
    pub step: CheckStep,
    /// Passed, failed or not checked.
    pub verdict: Verdict,
    /// Stable reason code for JSON (`docs/cli.md`).
    pub reason: &'static str,
    en: String,
    ja: String,
}

impl StepResult {
    /// A result with its text in both languages.
    pub fn new(
        step: CheckStep,
        verdict: Verdict,
        reason: &'static str,
        en: impl Into<String>,
        ja: impl Into<String>,
    ) -> Self {
        StepResult {
            step,
            verdict,
            reason,
            en: en.into(),
            ja: ja.into(),
        }
    }

    /// Not checked because an earlier step failed.
    pub fn skipped(step: CheckStep, after: CheckStep) -> Self {
        StepResult::new(
            step,
            Verdict::NotChecked,
            "earlier-step-failed",
            format!("not checked: it needs \"{}\"", after.title(Lang::En)),
            format!("未確認:「{}」が必要です", after.title(Lang::Ja)),
        )
    }
}

impl Localized for StepResult {
    fn localized(&self, lang: Lang) -> String {
        lang.pick(&self.en, &self.ja).to_string()
    }
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
                "not checked: no PIN was given",
                "未確認: 暗証番号が入力されませんでした",
            ),
        };
        [pin_step, revocation_step()]
    }
}

/// `check`'s read-only part: identity, EF 000A, EF 000B and the auth PIN's counter in one
/// transaction ([`read_check_facts`]), steps 2 to 4 judged at `now`.
pub fn check_start(conn: &mut impl Connection, now: SystemTime) -> Result<CheckStart, JpkiError> {
    let facts = read_check_facts(conn)?;
    let counter = counter_step(facts.shown.counter());
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
    let step = CheckStep::PinCounter;
    let max = PinKind::Auth.max_tries();
    match counter.refusal() {
        None => {
            let tries = counter.tries_left().unwrap_or(0);
            StepResult::new(
                step,
                Verdict::Passed,
                "ok",
                format!("{tries} of {max} tries left"),
                format!("残り{tries}回（最大{max}回）"),
            )
        }
        Some(Refusal::LastTry) => StepResult::new(
            step,
            Verdict::Failed,
            "last-try",
            format!("1 of {max} tries left: one more wrong try locks it, so the PIN is not asked for. Only if you are sure of the PIN, enter it at the clinic's card reader or on Mynaportal (a correct entry restores all tries); otherwise reset it at your city office."),
            format!("残り1回（最大{max}回）: あと1回間違えるとロックされるため、暗証番号を尋ねません。暗証番号が確実に分かっている場合だけ、医療機関のカードリーダーやマイナポータルで入力してください（正しければ回数が戻ります）。分からなければ市区町村の窓口で再設定してください。"),
        ),
        Some(Refusal::Blocked(sw)) => StepResult::new(
            step,
            Verdict::Failed,
            "blocked",
            format!("blocked ({sw}): the clinic cannot use it. Unlock it at your city office with the card and an ID."),
            format!("ロック中（{sw}）: 医療機関では使えません。カードと本人確認書類を持って市区町村の窓口で解除してください。"),
        ),
        Some(Refusal::CounterUnknown(sw)) => StepResult::new(
            step,
            Verdict::Failed,
            "counter-unknown",
            format!("the card did not report its tries left (it answered {sw}), so the PIN is not asked for. Reinsert the card and run `mynapin status`."),
            format!("カードが残り回数を返しませんでした（応答 {sw}）。暗証番号は尋ねません。カードを差し直して `mynapin status` を実行してください。"),
        ),
    }
}

/// Step 3: the auth certificate within its validity and not within
/// [`EXPIRY_WARNING_DAYS`] days of its end.
pub fn validity_step(
    certificate: &Result<Vec<u8>, CertificateError>,
    now: SystemTime,
) -> StepResult {
    let step = CheckStep::CertificateValidity;
    let info = match certificate
        .as_ref()
        .map_err(|error| {
            (
                error.code(),
                error.localized(Lang::En),
                error.localized(Lang::Ja),
            )
        })
        .and_then(|der| {
            CertificateInfo::parse(CertificateFile::Auth, der).map_err(|error| {
                (
                    error.code(),
                    error.localized(Lang::En),
                    error.localized(Lang::Ja),
                )
            })
        }) {
        Ok(info) => info,
        Err((reason, en, ja)) => return StepResult::new(step, Verdict::Failed, reason, en, ja),
    };
    let end = info.validity.not_after;
    let date = format!("{:04}-{:02}-{:02}", end.year(), end.month(), end.day());
    let days = info.validity.days_left(now);
    match info.validity.state(now) {
        ExpiryState::Valid => StepResult::new(
            step,
            Verdict::Passed,
            "ok",
            format!("valid until {date}, {days} days left"),
            format!("{date} まで有効（残り{days}日）"),
        ),
        ExpiryState::Expiring => StepResult::new(
            step,
            Verdict::Failed,
            "expiring",
            format!("valid until {date}, only {days} days left (fewer than {EXPIRY_WARNING_DAYS}). Renew it at your city office before it ends (possible from three months before)."),
            format!("{date} まで有効ですが、残り{days}日です（{EXPIRY_WARNING_DAYS}日未満）。期限が切れる前に市区町村の窓口で更新してください（3か月前から可能です）。"),
        ),
        ExpiryState::Expired => StepResult::new(
            step,
            Verdict::Failed,
            "expired",
            format!("expired on {date}: the clinic cannot use it. Renew it at your city office."),
            format!("{date} に期限切れです。医療機関では使えません。市区町村の窓口で更新してください。"),
        ),
        ExpiryState::NotYetValid => StepResult::new(
            step,
            Verdict::Failed,
            "not-yet-valid",
            "not valid yet: check the computer's date and time, then run again.",
            "まだ有効期間が始まっていません。コンピューターの日付と時刻を確認してから、もう一度実行してください。",
        ),
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
        (_, Err(error)) => {
            return StepResult::new(
                step,
                Verdict::Failed,
                error.code(),
                error.localized(Lang::En),
                error.localized(Lang::Ja),
            )
        }
    };
    let failed =
        |reason, en: &str, ja: &str| StepResult::new(step, Verdict::Failed, reason, en, ja);
    let (Ok(certificate), Ok(ca_certificate)) = (
        Certificate::from_der(certificate),
        Certificate::from_der(ca),
    ) else {
        return failed(
            "not-x509",
            "a certificate on the card is not X.509. Run `mynapin cert --which auth-ca` for details; the card may need replacing at your city office.",
            "カード内の証明書が X.509 ではありません。`mynapin cert --which auth-ca` で詳しく確認してください。市区町村の窓口でカードの交換が必要かもしれません。",
        );
    };
    if certificate.tbs_certificate.issuer != ca_certificate.tbs_certificate.subject {
        return failed(
            "issuer-mismatch",
            "the certificate's issuer is not the CA certificate the card carries (EF 000B). The card's data is inconsistent: ask your city office.",
            "証明書の発行者がカード内の認証局証明書（EF 000B）と一致しません。カードのデータに不整合があります。市区町村の窓口に相談してください。",
        );
    }
    match signed_by(&certificate, &ca_certificate) {
        SignatureCheck::Valid => {}
        SignatureCheck::Invalid => {
            return failed(
                "bad-signature",
                "the certificate's signature does not verify under the card's CA certificate (EF 000B). The certificate cannot be trusted: ask your city office.",
                "証明書の署名がカード内の認証局証明書（EF 000B）で検証できません。この証明書は信頼できません。市区町村の窓口に相談してください。",
            )
        }
        SignatureCheck::Unsupported => {
            return StepResult::new(
                step,
                Verdict::NotChecked,
                "unsupported-algorithm",
                "not checked: the certificate is signed with an algorithm mynapin does not verify (only sha256WithRSAEncryption). Please report it.",
                "未確認: mynapin が検証しない署名方式です（sha256WithRSAEncryption のみ対応）。報告してください。",
            )
        }
    }
    let ca_validity = CertificateInfo::parse(CertificateFile::AuthCa, ca)
        .map(|info| info.validity.state(now))
        .unwrap_or(ExpiryState::Expired);
    match ca_validity {
        ExpiryState::Valid | ExpiryState::Expiring => StepResult::new(
            step,
            Verdict::Passed,
            "ok",
            "signed by the CA certificate on the card (EF 000B), which is valid",
            "カード内の認証局証明書（EF 000B）による署名で、認証局証明書も有効です",
        ),
        _ => failed(
            "ca-not-valid",
            "the card's CA certificate (EF 000B) is outside its validity. Check the computer's date; if it is right, ask your city office.",
            "カード内の認証局証明書（EF 000B）が有効期間外です。コンピューターの日付を確認し、正しければ市区町村の窓口に相談してください。",
        ),
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
        "not checked: revocation status is only given to verifiers registered with J-LIS. If you reported the card lost or moved house, ask your city office.",
        "未確認: 失効情報は J-LIS に登録された検証者にしか提供されません。カードの紛失届や転居をした場合は、市区町村の窓口に確認してください。",
    )
}

/// Step 5 from the guarded signature: passed only when the PIN was right and the signature
/// verifies under the certificate's public key.
pub fn pin_step(outcome: &SignOutcome, certificate: &[u8], challenge: &Challenge) -> StepResult {
    let step = CheckStep::PinAndKey;
    let max = PinKind::Auth.max_tries();
    let failed =
        |reason, en: String, ja: String| StepResult::new(step, Verdict::Failed, reason, en, ja);
    match outcome {
        SignOutcome::Signed(signature) if signature_matches(certificate, challenge, signature) => {
            StepResult::new(
                step,
                Verdict::Passed,
                "ok",
                format!("the PIN is right ({max} of {max} tries left again) and the card's key signed a fresh challenge that verifies under the certificate"),
                format!("暗証番号は正しく（残り回数は{max}回に戻りました）、カードの鍵による新しいチャレンジへの署名が証明書で検証できました"),
            )
        }
        SignOutcome::Signed(_) => failed(
            "signature-mismatch",
            "the PIN is right, but the card's signature does not verify under its certificate: the key and the certificate do not match. The clinic's reader will refuse it; ask your city office to reissue the certificate.".into(),
            "暗証番号は正しいですが、カードの署名が証明書で検証できません（鍵と証明書が一致しません）。医療機関では使えません。市区町村の窓口で証明書の再発行を相談してください。".into(),
        ),
        SignOutcome::SignatureRefused { step: command, sw } => failed(
            "signature-refused",
            format!("the PIN is right, but the card answered {sw} to {command}. Reinsert the card and run again; if it persists, ask your city office."),
            format!("暗証番号は正しいですが、カードが {command} に {sw} と応答しました。差し直してもう一度実行し、続く場合は市区町村の窓口に相談してください。"),
        ),
        SignOutcome::SignatureLost(_) => failed(
            "signature-lost",
            "the PIN is right, but the signature's answer was lost (the card may have left the reader). Reinsert it and run again.".into(),
            "暗証番号は正しいですが、署名の応答が途切れました（カードが外れた可能性があります）。差し直してもう一度実行してください。".into(),
        ),
        SignOutcome::NotVerified(VerifyOutcome::WrongPin { tries_left: 1 }) => failed(
            "wrong-pin",
            format!("wrong PIN: 1 of {max} tries left. One more wrong try locks it; mynapin will not send another. Only if you are sure of the PIN, enter it at the clinic (a correct entry restores all tries); otherwise reset it at your city office."),
            format!("暗証番号が違います。残り1回（最大{max}回）です。あと1回間違えるとロックされるため、mynapin はもう送りません。暗証番号が確実に分かっている場合だけ医療機関で入力してください（正しければ回数が戻ります）。分からなければ市区町村の窓口で再設定してください。"),
        ),
        SignOutcome::NotVerified(VerifyOutcome::WrongPin { tries_left }) => failed(
            "wrong-pin",
            format!("wrong PIN: {tries_left} of {max} tries left. Find the PIN you chose (4 digits) before the clinic visit."),
            format!("暗証番号が違います。残り{tries_left}回（最大{max}回）です。受診前に、設定した暗証番号（半角数字4桁）を確認してください。"),
        ),
        SignOutcome::NotVerified(VerifyOutcome::Blocked { sw } | VerifyOutcome::Refused(Refusal::Blocked(sw))) => failed(
            "blocked",
            format!("the PIN is now blocked ({sw}). Unlock it at your city office with the card and an ID."),
            format!("暗証番号がロックされました（{sw}）。カードと本人確認書類を持って市区町村の窓口で解除してください。"),
        ),
        SignOutcome::NotVerified(VerifyOutcome::Refused(_)) => failed(
            "refused",
            "the counter read just before the PIN no longer allowed it, so the PIN was not sent. Run `mynapin status`.".into(),
            "暗証番号を送る直前に読んだ残り回数が送信を許さなかったため、送信していません。`mynapin status` を実行してください。".into(),
        ),
        SignOutcome::NotVerified(VerifyOutcome::Unknown(_) | VerifyOutcome::Verified) => failed(
            "unknown",
            "the PIN was sent but the card's answer was lost: whether a try was spent is unknown, and mynapin does not send it again. Reinsert the card and run `mynapin status`.".into(),
            "暗証番号を送りましたが、カードの応答が途切れました。試行回数が減ったかどうかは不明で、mynapin は再送しません。カードを差し直して `mynapin status` を実行してください。".into(),
        ),
    }
}
