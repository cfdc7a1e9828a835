//! Certificates on the card: reading a whole certificate file in as few READ BINARY commands as
//! possible, parsing it as X.509, and reading only the validity of the auth certificate for
//! `status`. APDU counts and the JSON shapes are in `docs/certificates.md`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use apdu::{exchange, Connection, Disposition, Status, StatusWord, Transport};
use x509_cert::der::{self, DateTime, Decode};
use x509_cert::time::Validity;

use super::commands::{read_binary, select_ef};
use super::detect::{detect, select};
use super::guard::read_pin_counters;
use super::{Application, CardStatus, JpkiError, PinKind};
use crate::i18n::{Lang, Localized};

/// Most bytes one short READ BINARY returns (Le `00`).
pub const READ_CHUNK: usize = 256;

/// Largest certificate read: READ BINARY offsets have 15 bits (P1 bit 8 set means a short EF id).
pub const MAX_CERTIFICATE_LEN: usize = 0x8000;

/// Most READ BINARY commands for one certificate: a card that answers at least 64 bytes at a time
/// can deliver the largest file ([`MAX_CERTIFICATE_LEN`]); one that answers less is given up on.
pub const MAX_CERTIFICATE_READS: usize = MAX_CERTIFICATE_LEN / 64;

/// Fewer days left than this make the auth certificate "expiring".
pub const EXPIRY_WARNING_DAYS: i64 = 90;

const SECONDS_PER_DAY: i128 = 86_400;

/// The certificate files mynapin reads. The signature certificate (EF 0001) needs the signature
/// password and is out of scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificateFile {
    /// EF 000A: the user-authentication certificate (利用者証明用電子証明書).
    Auth,
    /// EF 000B: the CA certificate that issued the auth certificate.
    AuthCa,
    /// EF 0002: the CA certificate that issued the signature certificate.
    SignCa,
}

impl CertificateFile {
    /// All of them, in `--which` order.
    pub const ALL: [CertificateFile; 3] = [
        CertificateFile::Auth,
        CertificateFile::AuthCa,
        CertificateFile::SignCa,
    ];

    /// The elementary file in the JPKI application.
    pub fn ef(self) -> [u8; 2] {
        match self {
            CertificateFile::Auth => [0x00, 0x0A],
            CertificateFile::AuthCa => [0x00, 0x0B],
            CertificateFile::SignCa => [0x00, 0x02],
        }
    }

    /// The name used by `--which` and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            CertificateFile::Auth => "auth",
            CertificateFile::AuthCa => "auth-ca",
            CertificateFile::SignCa => "sign-ca",
        }
    }

    /// What the certificate is, for people.
    pub fn title(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (CertificateFile::Auth, Lang::En) => "user-authentication certificate",
            (CertificateFile::Auth, Lang::Ja) => "利用者証明用電子証明書",
            (CertificateFile::AuthCa, Lang::En) => {
                "CA certificate of the user-authentication certificate"
            }
            (CertificateFile::AuthCa, Lang::Ja) => "利用者証明用電子証明書の認証局（CA）証明書",
            (CertificateFile::SignCa, Lang::En) => "CA certificate of the signature certificate",
            (CertificateFile::SignCa, Lang::Ja) => "署名用電子証明書の認証局（CA）証明書",
        }
    }

    /// The EF as four hex digits, e.g. `000A`.
    pub fn ef_hex(self) -> String {
        hex::encode_upper(self.ef())
    }
}

/// Why a certificate could not be read or understood.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    /// Selecting JPKI or carrying a command failed (no My Number card, card removed, ...).
    #[error(transparent)]
    Card(#[from] JpkiError),
    /// SELECT EF did not answer 9000 (a 住基カード may lack the file: 6A82).
    #[error("SELECT EF {} answered {sw} ({})", file.ef_hex(), sw.status())]
    Select {
        /// The file.
        file: CertificateFile,
        /// What the card answered.
        sw: StatusWord,
    },
    /// READ BINARY answered an error status other than 6B00.
    #[error("READ BINARY at offset {offset} of EF {} answered {sw} ({})", file.ef_hex(), sw.status())]
    Read {
        /// The file.
        file: CertificateFile,
        /// Where the read started.
        offset: usize,
        /// What the card answered.
        sw: StatusWord,
    },
    /// The first bytes are not a DER SEQUENCE header with a definite, minimal length.
    #[error("EF {} does not start with a DER certificate header (it starts {})", file.ef_hex(), hex::encode_upper(start))]
    NotACertificate {
        /// The file.
        file: CertificateFile,
        /// Its first bytes (at most 4).
        start: Vec<u8>,
    },
    /// The header announces more than a READ BINARY can address.
    #[error("EF {} announces a certificate of {total} bytes, more than the {MAX_CERTIFICATE_LEN} a card file can hold", file.ef_hex())]
    TooLarge {
        /// The file.
        file: CertificateFile,
        /// The announced length, header included.
        total: usize,
    },
    /// The card answered 6B00 (offset beyond the end of the file) before the announced length.
    #[error("EF {} ends at offset {offset} (6B00) but its header announces {total} bytes", file.ef_hex())]
    BeyondEndOfFile {
        /// The file.
        file: CertificateFile,
        /// Where the read started.
        offset: usize,
        /// The announced length.
        total: usize,
    },
    /// A READ BINARY answered no data before the announced end (fewer bytes than asked, but some,
    /// is read on from where it stopped).
    #[error("READ BINARY at offset {offset} of EF {} returned {got} of {asked} bytes; the header announces {total}", file.ef_hex())]
    ShortRead {
        /// The file.
        file: CertificateFile,
        /// Where the read started.
        offset: usize,
        /// Bytes asked for.
        asked: usize,
        /// Bytes returned.
        got: usize,
        /// The announced length (0 when not known yet).
        total: usize,
    },
    /// The card answered so few bytes at a time that [`MAX_CERTIFICATE_READS`] READ BINARY
    /// commands did not reach the announced length.
    #[error("EF {} was not read after {reads} READ BINARY commands: {offset} of {total} bytes", file.ef_hex())]
    TooManyReads {
        /// The file.
        file: CertificateFile,
        /// READ BINARY commands sent.
        reads: usize,
        /// Bytes read.
        offset: usize,
        /// The announced length.
        total: usize,
    },
    /// The bytes are a complete DER element but not an X.509 certificate.
    #[error("EF {} does not hold an X.509 certificate: {source}", file.ef_hex())]
    NotX509 {
        /// The file.
        file: CertificateFile,
        /// What the parser found.
        #[source]
        source: der::Error,
    },
    /// The start of the auth certificate could not be walked to its validity.
    #[error("the validity dates of EF {} cannot be found in its first {READ_CHUNK} bytes: {reason}", file.ef_hex())]
    NoValidity {
        /// The file.
        file: CertificateFile,
        /// What was wrong.
        reason: &'static str,
    },
}

impl CertificateError {
    /// A stable code for JSON.
    pub fn code(&self) -> &'static str {
        match self {
            CertificateError::Card(JpkiError::NotMyNumberCard) => "not-my-number-card",
            CertificateError::Card(_) => "card-error",
            CertificateError::Select { .. } => "file-not-selected",
            CertificateError::Read { .. } => "read-failed",
            CertificateError::NotACertificate { .. } => "not-a-certificate",
            CertificateError::TooLarge { .. } => "too-large",
            CertificateError::BeyondEndOfFile { .. } => "beyond-end-of-file",
            CertificateError::ShortRead { .. } => "short-read",
            CertificateError::TooManyReads { .. } => "too-many-reads",
            CertificateError::NotX509 { .. } => "not-x509",
            CertificateError::NoValidity { .. } => "no-validity",
        }
    }
}

impl Localized for CertificateError {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (CertificateError::Card(error), _) => error.localized(lang),
            (CertificateError::Select { file, sw }, Lang::En) => format!(
                "The card has no readable {} (SELECT EF {} answered {sw}). Old Juki cards (住基カード) and cards whose certificate was revoked or never issued lack it; renew the certificate at your city office if you need it.",
                file.title(lang), file.ef_hex()
            ),
            (CertificateError::Select { file, sw }, Lang::Ja) => format!(
                "{}を読み取れません（SELECT EF {} の応答 {sw}）。住基カードや、証明書が失効・未発行のカードにはありません。必要なら市区町村の窓口で発行・更新してください。",
                file.title(lang), file.ef_hex()
            ),
            (CertificateError::Read { file, offset, sw }, Lang::En) => format!(
                "Reading the {} failed at offset {offset}: the card answered {sw} ({}). Reinsert the card and try again.",
                file.title(lang), sw.status()
            ),
            (CertificateError::Read { file, offset, sw }, Lang::Ja) => format!(
                "{}の読み取りがオフセット {offset} で失敗しました（カードの応答 {sw}）。カードを差し直して、もう一度試してください。",
                file.title(lang)
            ),
            (CertificateError::NotACertificate { file, start }, Lang::En) => format!(
                "EF {} does not hold a certificate: it starts {} instead of a DER SEQUENCE (30 82 ...). This card's data is not what a My Number card holds; try another card, or ask your city office to check it.",
                file.ef_hex(), apdu::spaced_hex(start)
            ),
            (CertificateError::NotACertificate { file, start }, Lang::Ja) => format!(
                "EF {} に証明書がありません。先頭が DER の SEQUENCE（30 82 ...）ではなく {} です。マイナンバーカードのデータではありません。別のカードで試すか、市区町村の窓口で確認してください。",
                file.ef_hex(), apdu::spaced_hex(start)
            ),
            (CertificateError::TooLarge { file, total }, Lang::En) => format!(
                "EF {} announces a certificate of {total} bytes, more than a card file can hold; the data is damaged. Ask your city office to check the card.",
                file.ef_hex()
            ),
            (CertificateError::TooLarge { file, total }, Lang::Ja) => format!(
                "EF {} の証明書の長さが {total} バイトとされていますが、カードのファイルに収まりません。データが壊れています。市区町村の窓口でカードを確認してください。",
                file.ef_hex()
            ),
            (CertificateError::BeyondEndOfFile { file, offset, total }, Lang::En) => format!(
                "The {} is cut short: its header announces {total} bytes but the file ends at {offset} (6B00). The data on the card is damaged; ask your city office to renew the certificate.",
                file.title(lang)
            ),
            (CertificateError::BeyondEndOfFile { file, offset, total }, Lang::Ja) => format!(
                "{}が途中で切れています。ヘッダーでは {total} バイトですが、ファイルは {offset} バイトで終わっています（6B00）。カードのデータが壊れています。市区町村の窓口で証明書を更新してください。",
                file.title(lang)
            ),
            (CertificateError::ShortRead { file, offset, asked, got, .. }, Lang::En) => format!(
                "Reading the {} returned {got} instead of {asked} bytes at offset {offset}, before its end. Reinsert the card and try again; if it happens again, the data on the card is damaged: ask your city office.",
                file.title(lang)
            ),
            (CertificateError::ShortRead { file, offset, asked, got, .. }, Lang::Ja) => format!(
                "{}の読み取りで、オフセット {offset} から {asked} バイトのはずが {got} バイトしか返りませんでした。カードを差し直してもう一度試してください。繰り返す場合はカードのデータが壊れています。市区町村の窓口に相談してください。",
                file.title(lang)
            ),
            (CertificateError::TooManyReads { file, reads, offset, total }, Lang::En) => format!(
                "The card gave the {} so few bytes at a time that {reads} reads brought only {offset} of {total} bytes; mynapin stopped there. Reinsert the card and try again; if it happens again, try another card reader.",
                file.title(lang)
            ),
            (CertificateError::TooManyReads { file, reads, offset, total }, Lang::Ja) => format!(
                "カードが{}を少しずつしか返さず、{reads} 回の読み取りで {total} バイト中 {offset} バイトしか読めなかったため、中止しました。カードを差し直してもう一度試し、繰り返す場合は別のカードリーダーで試してください。",
                file.title(lang)
            ),
            (CertificateError::NotX509 { file, source }, Lang::En) => format!(
                "EF {} does not hold a valid X.509 certificate ({source}). The data on the card is damaged or not a JPKI certificate; ask your city office to check the card.",
                file.ef_hex()
            ),
            (CertificateError::NotX509 { file, source }, Lang::Ja) => format!(
                "EF {} の内容は正しい X.509 証明書ではありません（{source}）。カードのデータが壊れているか、公的個人認証の証明書ではありません。市区町村の窓口でカードを確認してください。",
                file.ef_hex()
            ),
            (CertificateError::NoValidity { file, reason }, Lang::En) => format!(
                "The expiry date of the {} could not be read ({reason}). Run `mynapin cert` to read the whole certificate.",
                file.title(lang)
            ),
            (CertificateError::NoValidity { file, reason }, Lang::Ja) => format!(
                "{}の有効期限を読み取れませんでした（{reason}）。`mynapin cert` で証明書全体を読んでください。",
                file.title(lang)
            ),
        }
    }
}

/// Whether a certificate can be used now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpiryState {
    /// Valid for [`EXPIRY_WARNING_DAYS`] days or more.
    Valid,
    /// Valid, but for fewer than [`EXPIRY_WARNING_DAYS`] days.
    Expiring,
    /// `not_after` has passed.
    Expired,
    /// `not_before` has not come yet (a wrong clock, or a card issued in advance).
    NotYetValid,
}

impl ExpiryState {
    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            ExpiryState::Valid => "valid",
            ExpiryState::Expiring => "expiring",
            ExpiryState::Expired => "expired",
            ExpiryState::NotYetValid => "not-yet-valid",
        }
    }
}

/// A certificate's validity period (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValidityPeriod {
    /// First moment of validity.
    pub not_before: DateTime,
    /// Last moment of validity (JPKI: 14:59:59Z, midnight in Japan).
    pub not_after: DateTime,
}

impl ValidityPeriod {
    fn from_validity(validity: &Validity) -> Self {
        ValidityPeriod {
            not_before: validity.not_before.to_date_time(),
            not_after: validity.not_after.to_date_time(),
        }
    }

    /// Whole days from `now` to `not_after`, floored: 0 on the last day, negative once expired.
    pub fn days_left(&self, now: SystemTime) -> i64 {
        let days = self.days_left_from(unix_nanos(now));
        i64::try_from(days).unwrap_or(if days < 0 { i64::MIN } else { i64::MAX })
    }

    /// The state at `now`: expired strictly after `not_after`, expiring when fewer than
    /// [`EXPIRY_WARNING_DAYS`] whole days remain.
    pub fn state(&self, now: SystemTime) -> ExpiryState {
        let now = unix_nanos(now);
        if now > nanos(self.not_after.unix_duration()) {
            ExpiryState::Expired
        } else if now < nanos(self.not_before.unix_duration()) {
            ExpiryState::NotYetValid
        } else if self.days_left_from(now) < i128::from(EXPIRY_WARNING_DAYS) {
            ExpiryState::Expiring
        } else {
            ExpiryState::Valid
        }
    }

    fn days_left_from(&self, now_nanos: i128) -> i128 {
        (nanos(self.not_after.unix_duration()) - now_nanos)
            .div_euclid(SECONDS_PER_DAY * 1_000_000_000)
    }
}

fn nanos(duration: Duration) -> i128 {
    duration.as_nanos() as i128
}

/// Nanoseconds since the Unix epoch, negative before it.
fn unix_nanos(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => nanos(after),
        Err(before) => -nanos(before.duration()),
    }
}

/// The fields `cert` shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    /// Subject, RFC 4514 string.
    pub subject: String,
    /// Issuer, RFC 4514 string.
    pub issuer: String,
    /// Serial number, upper-case hex without leading zero bytes.
    pub serial: String,
    /// Validity period.
    pub validity: ValidityPeriod,
}

impl CertificateInfo {
    /// Parses a complete DER certificate of `file`.
    pub fn parse(file: CertificateFile, der_bytes: &[u8]) -> Result<Self, CertificateError> {
        let certificate = x509_cert::Certificate::from_der(der_bytes)
            .map_err(|source| CertificateError::NotX509 { file, source })?;
        let tbs = &certificate.tbs_certificate;
        Ok(CertificateInfo {
            subject: tbs.subject.to_string(),
            issuer: tbs.issuer.to_string(),
            serial: hex::encode_upper(tbs.serial_number.as_bytes()),
            validity: ValidityPeriod::from_validity(&tbs.validity),
        })
    }
}

/// A certificate as read from the card: the exact bytes and what they say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardCertificate {
    /// Which file.
    pub file: CertificateFile,
    /// The DER bytes exactly as read (the file's padding after the certificate left out).
    pub der: Vec<u8>,
    /// The parsed fields.
    pub info: CertificateInfo,
}

/// Reads and parses one certificate in a read-only transaction: SELECT JPKI, SELECT EF, then
/// READ BINARY of 256 bytes at offset 0, whose header gives the length L, then the rest in chunks
/// of 256 (the last one exactly the remainder): 2 + ceil(L / 256) APDUs in all.
pub fn read_certificate(
    conn: &mut impl Connection,
    file: CertificateFile,
) -> Result<CardCertificate, CertificateError> {
    let der = conn
        .transaction(Disposition::Leave, |tx, _| {
            select(tx, Application::Jpki)?;
            select_certificate_file(tx, file)?;
            read_selected_certificate(tx, file)
        })
        .map_err(JpkiError::from)??;
    let info = CertificateInfo::parse(file, &der)?;
    Ok(CardCertificate { file, der, info })
}

/// What `status` reads: the counters and the auth certificate's validity.
#[derive(Debug)]
pub struct StatusWithExpiry {
    /// The card and its counters.
    pub status: CardStatus,
    /// The auth certificate's validity, or why it could not be read. Transport failures are not
    /// here: they fail the whole read.
    pub auth_certificate: Result<ValidityPeriod, CertificateError>,
}

/// What `status` shows, in one read-only transaction that spends no try: SELECT JPKI and the token
/// label; right after it (JPKI is still selected) the auth certificate's validity, SELECT EF 000A
/// and one READ BINARY of 256 bytes; then per PIN of `kinds` SELECT EF and the empty VERIFY, each
/// application selected once. All three PINs take 12 APDUs.
pub fn read_status(
    conn: &mut impl Connection,
    kinds: &[PinKind],
) -> Result<StatusWithExpiry, JpkiError> {
    conn.transaction(Disposition::Leave, |tx, _| {
        let identity = detect(tx)?;
        let auth_certificate = match read_auth_expiry(tx) {
            Err(CertificateError::Card(error)) => return Err(error),
            other => other,
        };
        let pins = read_pin_counters(tx, kinds)?;
        Ok(StatusWithExpiry {
            status: CardStatus { identity, pins },
            auth_certificate,
        })
    })?
}

/// With JPKI selected: SELECT EF and the whole certificate (2 + ceil(L / 256) APDUs less the
/// SELECT JPKI of [`read_certificate`]).
pub(super) fn read_certificate_in(
    tx: &mut dyn Transport,
    file: CertificateFile,
) -> Result<Vec<u8>, CertificateError> {
    select_certificate_file(tx, file)?;
    read_selected_certificate(tx, file)
}

/// With JPKI selected: SELECT EF 000A and READ BINARY 256 bytes at 0, then the validity from
/// those bytes (2 APDUs).
fn read_auth_expiry(tx: &mut dyn Transport) -> Result<ValidityPeriod, CertificateError> {
    let file = CertificateFile::Auth;
    select_certificate_file(tx, file)?;
    let start = read_chunk(tx, file, 0, READ_CHUNK, None)?;
    parse_expiry(file, &start)
}

fn select_certificate_file(
    tx: &mut dyn Transport,
    file: CertificateFile,
) -> Result<(), CertificateError> {
    let response = exchange(tx, &select_ef(file.ef())).map_err(JpkiError::from)?;
    if response.is_success() {
        Ok(())
    } else {
        Err(CertificateError::Select {
            file,
            sw: response.sw(),
        })
    }
}

/// Reads the certificate in the selected EF: 256 bytes at 0, whose header gives the length, then
/// the rest, each read asking for what is left (at most 256) at the offset reached. A card may
/// answer fewer bytes than asked before the end (a smaller buffer): the next read starts where it
/// stopped. Fails on an empty answer before the end, a read past the file's end, or after
/// [`MAX_CERTIFICATE_READS`] reads.
fn read_selected_certificate(
    tx: &mut dyn Transport,
    file: CertificateFile,
) -> Result<Vec<u8>, CertificateError> {
    // The longest header this accepts: 30 82 LL LL.
    const HEADER_LEN: usize = 4;
    let mut der = Vec::new();
    let mut total = None;
    for _ in 0..MAX_CERTIFICATE_READS {
        let offset = der.len();
        let asked = total.map_or(READ_CHUNK, |total: usize| (total - offset).min(READ_CHUNK));
        let chunk = read_chunk(tx, file, offset, asked, total)?;
        if chunk.is_empty() {
            return Err(CertificateError::ShortRead {
                file,
                offset,
                asked,
                got: 0,
                total: total.unwrap_or(0),
            });
        }
        der.extend_from_slice(&chunk);
        if total.is_none() && der.len() >= HEADER_LEN {
            total = Some(certificate_length(file, &der)?);
        }
        if let Some(total) = total.filter(|total| der.len() >= *total) {
            // The file may hold padding after the certificate.
            der.truncate(total);
            return Ok(der);
        }
    }
    Err(CertificateError::TooManyReads {
        file,
        reads: MAX_CERTIFICATE_READS,
        offset: der.len(),
        total: total.unwrap_or(0),
    })
}

/// One READ BINARY. `9000` and `6282` (end of file reached before Le bytes) carry data; the
/// caller checks the length. `total` is the announced length, once known.
fn read_chunk(
    tx: &mut dyn Transport,
    file: CertificateFile,
    offset: usize,
    len: usize,
    total: Option<usize>,
) -> Result<Vec<u8>, CertificateError> {
    let offset_p1p2 = u16::try_from(offset)
        .ok()
        .filter(|&o| usize::from(o) < MAX_CERTIFICATE_LEN)
        .ok_or(CertificateError::TooLarge {
            file,
            total: total.unwrap_or(offset),
        })?;
    let response = exchange(tx, &read_binary(offset_p1p2, len)).map_err(JpkiError::from)?;
    match response.sw().status() {
        Status::Success => Ok(response.into_data()),
        _ if response.sw() == StatusWord(0x6282) => Ok(response.into_data()),
        Status::BeyondEndOfFile => Err(match total {
            Some(total) => CertificateError::BeyondEndOfFile {
                file,
                offset,
                total,
            },
            None => CertificateError::ShortRead {
                file,
                offset,
                asked: len,
                got: 0,
                total: 0,
            },
        }),
        _ => Err(CertificateError::Read {
            file,
            offset,
            sw: response.sw(),
        }),
    }
}

/// One DER header: tag, and the content's start and length.
struct Header {
    tag: u8,
    start: usize,
    content_start: usize,
    content_len: usize,
}

impl Header {
    fn end(&self) -> usize {
        self.content_start + self.content_len
    }
}

/// Reads a DER header at `at`: a one-byte tag and a definite length in its shortest form (up to
/// two length bytes). `None` when the bytes end first or the length is not DER.
fn der_header(bytes: &[u8], at: usize) -> Option<Header> {
    let tag = *bytes.get(at)?;
    let first = *bytes.get(at + 1)?;
    let (content_len, length_bytes) = match first {
        0x00..=0x7F => (usize::from(first), 0),
        0x81 => {
            let len = *bytes.get(at + 2)?;
            // 0x81 with a value below 0x80 is not the shortest form.
            (len >= 0x80).then_some((usize::from(len), 1))?
        }
        0x82 => {
            let len = u16::from_be_bytes([*bytes.get(at + 2)?, *bytes.get(at + 3)?]);
            (len >= 0x100).then_some((usize::from(len), 2))?
        }
        // Indefinite (0x80) is not DER; three or more length bytes exceed any card file.
        _ => return None,
    };
    Some(Header {
        tag,
        start: at,
        content_start: at + 2 + length_bytes,
        content_len,
    })
}

/// The certificate's total length (header included) from its first bytes: `30 82 LL LL` gives
/// LL + 4. The shorter DER forms `30 81 LL` (LL + 3) and `30 LL` (LL + 2) are accepted too.
pub fn certificate_length(file: CertificateFile, start: &[u8]) -> Result<usize, CertificateError> {
    let not_a_certificate = || CertificateError::NotACertificate {
        file,
        start: start[..start.len().min(4)].to_vec(),
    };
    let header = der_header(start, 0).ok_or_else(not_a_certificate)?;
    if header.tag != 0x30 {
        return Err(not_a_certificate());
    }
    let total = header.end();
    if total > MAX_CERTIFICATE_LEN {
        return Err(CertificateError::TooLarge { file, total });
    }
    Ok(total)
}

/// The validity from the start of a certificate (a truncated one is fine, as long as the validity
/// is inside): Certificate SEQUENCE → tbsCertificate SEQUENCE → skip `[0]` version, serial,
/// signature algorithm and issuer → Validity.
pub fn parse_expiry(
    file: CertificateFile,
    start: &[u8],
) -> Result<ValidityPeriod, CertificateError> {
    certificate_length(file, start)?;
    let no_validity = |reason| CertificateError::NoValidity { file, reason };
    let certificate = der_header(start, 0).ok_or(no_validity("no certificate header"))?;
    let tbs = der_header(start, certificate.content_start)
        .ok_or(no_validity("no tbsCertificate header"))?;
    if tbs.tag != 0x30 {
        return Err(no_validity("tbsCertificate is not a SEQUENCE"));
    }
    let mut at = tbs.content_start;
    if start.get(at) == Some(&0xA0) {
        skip(start, &mut at, 0xA0).ok_or(no_validity("the version field is malformed"))?;
    }
    skip(start, &mut at, 0x02).ok_or(no_validity("the serial number is missing or malformed"))?;
    skip(start, &mut at, 0x30).ok_or(no_validity(
        "the signature algorithm is missing or malformed",
    ))?;
    skip(start, &mut at, 0x30).ok_or(no_validity("the issuer name is missing or malformed"))?;
    let validity =
        skip(start, &mut at, 0x30).ok_or(no_validity("the validity is missing or malformed"))?;
    let tlv = start
        .get(validity.start..validity.end())
        .ok_or(no_validity("the validity ends after the bytes read"))?;
    let validity =
        Validity::from_der(tlv).map_err(|_| no_validity("the validity dates do not parse"))?;
    Ok(ValidityPeriod::from_validity(&validity))
}

/// Reads the header at `*at`, checks its tag and moves `*at` past the element (whose content
/// may lie beyond `bytes`).
fn skip(bytes: &[u8], at: &mut usize, tag: u8) -> Option<Header> {
    let header = der_header(bytes, *at).filter(|header| header.tag == tag)?;
    *at = header.end();
    Some(header)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const AUTH: &[u8] = include_bytes!("../../tests/fixtures/auth.der");
    const SMALL: &[u8] = include_bytes!("../../tests/fixtures/small.der");
    const EXACT512: &[u8] = include_bytes!("../../tests/fixtures/exact512.der");
    const EXPIRED: &[u8] = include_bytes!("../../tests/fixtures/expired.der");
    const FILE: CertificateFile = CertificateFile::Auth;

    /// 2026-11-28T00:00:00Z.
    fn nov_28_2026() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_795_824_000)
    }

    fn auth_expiry() -> ValidityPeriod {
        parse_expiry(FILE, &AUTH[..READ_CHUNK]).unwrap()
    }

    fn not_after(expiry: &ValidityPeriod) -> SystemTime {
        UNIX_EPOCH + expiry.not_after.unix_duration()
    }

    #[test]
    fn length_comes_from_the_header() {
        for fixture in [AUTH, SMALL, EXACT512, EXPIRED] {
            assert_eq!(
                certificate_length(FILE, &fixture[..fixture.len().min(READ_CHUNK)]).unwrap(),
                fixture.len()
            );
        }
        assert_eq!(
            certificate_length(FILE, &[0x30, 0x82, 0x04, 0xC6]).unwrap(),
            1226
        );
        assert_eq!(certificate_length(FILE, &[0x30, 0x81, 0xD6]).unwrap(), 217);
        assert_eq!(certificate_length(FILE, &[0x30, 0x05]).unwrap(), 7);
    }

    #[test]
    fn headers_that_are_not_a_der_sequence_are_refused() {
        let refused = [
            &[0x31, 0x82, 0x04, 0xC6][..], // SET, not SEQUENCE
            &[0x30, 0x81, 0x7F],           // long form for a short length: not DER
            &[0x30, 0x82, 0x00, 0xFF],     // two length bytes for one
            &[0x30, 0x80],                 // indefinite length
            &[0x30, 0x83, 0x01, 0x00, 0x00],
            &[0x30, 0x82, 0x04], // cut inside the length
            &[0x30],
            &[],
            &[0xFF; 4],
            &[0x00; 4],
        ];
        for start in refused {
            match certificate_length(FILE, start) {
                Err(CertificateError::NotACertificate { start: shown, .. }) => {
                    assert_eq!(shown, &start[..start.len().min(4)])
                }
                other => panic!("{start:02X?}: {other:?}"),
            }
        }
    }

    #[test]
    fn lengths_beyond_a_card_file_are_refused() {
        assert!(matches!(
            certificate_length(FILE, &[0x30, 0x82, 0xFF, 0xFF]),
            Err(CertificateError::TooLarge { total: 65_539, .. })
        ));
        assert_eq!(
            certificate_length(FILE, &[0x30, 0x82, 0x7F, 0xFC]).unwrap(),
            MAX_CERTIFICATE_LEN
        );
        assert!(certificate_length(FILE, &[0x30, 0x82, 0x7F, 0xFD]).is_err());
    }

    #[test]
    fn validity_from_the_first_256_bytes_matches_the_full_parse() {
        for fixture in [AUTH, SMALL, EXACT512, EXPIRED] {
            let start = &fixture[..fixture.len().min(READ_CHUNK)];
            let full = CertificateInfo::parse(FILE, fixture).unwrap();
            assert_eq!(parse_expiry(FILE, start).unwrap(), full.validity);
        }
        let auth = auth_expiry();
        assert_eq!(auth.not_before.to_string(), "2026-06-01T00:00:00Z");
        assert_eq!(auth.not_after.to_string(), "2031-05-31T14:59:59Z");
        assert_eq!(
            parse_expiry(FILE, EXPIRED).unwrap().not_after.to_string(),
            "2025-01-01T14:59:59Z"
        );
    }

    #[test]
    fn the_full_parse_gives_the_fields() {
        let info = CertificateInfo::parse(FILE, AUTH).unwrap();
        assert_eq!(
            info.subject,
            "CN=mynapin test user authentication,O=mynapin test,C=JP"
        );
        assert_eq!(
            info.issuer,
            "CN=mynapin test JPKI user authentication CA,O=mynapin test,C=JP"
        );
        assert_eq!(info.serial, "1234567890ABCDEF");
    }

    #[test]
    fn garbage_and_cut_certificates_do_not_parse() {
        assert!(matches!(
            CertificateInfo::parse(FILE, &AUTH[..1000]),
            Err(CertificateError::NotX509 { .. })
        ));
        let mut trailing = AUTH.to_vec();
        trailing.push(0);
        assert!(matches!(
            CertificateInfo::parse(FILE, &trailing),
            Err(CertificateError::NotX509 { .. })
        ));
        // A well-formed DER SEQUENCE that is no certificate.
        let mut not_x509 = vec![0x30, 0x82, 0x01, 0x00];
        not_x509.extend(std::iter::repeat(0x05).take(0x100));
        assert!(matches!(
            CertificateInfo::parse(FILE, &not_x509),
            Err(CertificateError::NotX509 { .. })
        ));
        assert!(matches!(
            parse_expiry(FILE, &not_x509),
            Err(CertificateError::NoValidity { .. })
        ));
    }

    #[test]
    fn validity_beyond_the_bytes_read_is_reported() {
        let needed = (0..=AUTH.len())
            .find(|&n| parse_expiry(FILE, &AUTH[..n]).is_ok())
            .unwrap();
        assert!(needed <= READ_CHUNK, "the validity ends at {needed}");
        assert!(matches!(
            parse_expiry(FILE, &AUTH[..needed - 1]),
            Err(CertificateError::NoValidity { .. })
        ));
    }

    #[test]
    fn days_left_are_floored_whole_days() {
        // The smallest step every platform's clock holds (Windows counts in 100 ns).
        let tick = Duration::from_micros(1);
        let auth = auth_expiry();
        assert_eq!(auth.days_left(nov_28_2026()), 1645);
        assert_eq!(auth.state(nov_28_2026()), ExpiryState::Valid);
        let end = not_after(&auth);
        let day = Duration::from_secs(86_400);
        assert_eq!(auth.days_left(end - day * 90), 90);
        assert_eq!(auth.state(end - day * 90), ExpiryState::Valid);
        assert_eq!(auth.days_left(end - day * 90 + tick), 89);
        assert_eq!(auth.state(end - day * 90 + tick), ExpiryState::Expiring);
        assert_eq!(auth.days_left(end - Duration::from_secs(1)), 0);
        assert_eq!(auth.state(end), ExpiryState::Expiring);
        assert_eq!(auth.days_left(end), 0);
        assert_eq!(auth.state(end + tick), ExpiryState::Expired);
        assert_eq!(auth.days_left(end + tick), -1);
        assert_eq!(auth.days_left(end + day), -1);
        assert_eq!(auth.days_left(end + day + Duration::from_secs(1)), -2);
    }

    #[test]
    fn expired_and_not_yet_valid() {
        let expired = parse_expiry(FILE, EXPIRED).unwrap();
        assert_eq!(expired.state(nov_28_2026()), ExpiryState::Expired);
        assert_eq!(expired.days_left(nov_28_2026()), -696);
        let auth = auth_expiry();
        let may_2026 = UNIX_EPOCH + auth.not_before.unix_duration() - Duration::from_secs(1);
        assert_eq!(auth.state(may_2026), ExpiryState::NotYetValid);
        assert_eq!(
            auth.state(UNIX_EPOCH - Duration::from_secs(1)),
            ExpiryState::NotYetValid
        );
    }

    #[test]
    fn names_are_stable() {
        let names: Vec<_> = CertificateFile::ALL
            .iter()
            .map(|file| (file.name(), file.ef_hex()))
            .collect();
        assert_eq!(
            names,
            [
                ("auth", "000A".to_string()),
                ("auth-ca", "000B".into()),
                ("sign-ca", "0002".into())
            ]
        );
        let states = [
            ExpiryState::Valid,
            ExpiryState::Expiring,
            ExpiryState::Expired,
            ExpiryState::NotYetValid,
        ];
        let names: Vec<_> = states.iter().map(|state| state.name()).collect();
        assert_eq!(names, ["valid", "expiring", "expired", "not-yet-valid"]);
    }

    #[test]
    fn every_error_explains_itself_in_both_languages() {
        let errors = [
            CertificateError::Card(JpkiError::NotMyNumberCard),
            CertificateError::Select {
                file: FILE,
                sw: StatusWord(0x6A82),
            },
            CertificateError::Read {
                file: FILE,
                offset: 256,
                sw: StatusWord(0x6982),
            },
            CertificateError::NotACertificate {
                file: FILE,
                start: vec![0x31, 0x82, 0x04, 0xC6],
            },
            CertificateError::TooLarge {
                file: FILE,
                total: 65_539,
            },
            CertificateError::BeyondEndOfFile {
                file: FILE,
                offset: 512,
                total: 1226,
            },
            CertificateError::ShortRead {
                file: FILE,
                offset: 512,
                asked: 256,
                got: 88,
                total: 1226,
            },
            CertificateError::NotX509 {
                file: FILE,
                source: der::Error::from(der::ErrorKind::Failed),
            },
            CertificateError::NoValidity {
                file: FILE,
                reason: "the issuer name is missing or malformed",
            },
        ];
        for error in &errors {
            let en = error.localized(Lang::En);
            let ja = error.localized(Lang::Ja);
            assert!(en.ends_with('.'), "{en}");
            assert!(ja.ends_with('。'), "{ja}");
            assert_ne!(en, ja);
        }
        assert!(errors[3].localized(Lang::En).contains("31 82 04 C6"));
        assert!(errors[5].localized(Lang::Ja).contains("6B00"));
    }

    proptest! {
        // Fixed (docs/testing.md, "Fuzzing"); tests/fuzz.rs adds mutated certificates and a
        // hostile card.
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        #[test]
        fn parsing_never_panics(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = certificate_length(FILE, &data);
            let _ = parse_expiry(FILE, &data);
            let _ = CertificateInfo::parse(FILE, &data);
        }

        #[test]
        fn corrupted_certificates_never_panic(index in 0..READ_CHUNK, byte in any::<u8>()) {
            let mut start = AUTH[..READ_CHUNK].to_vec();
            start[index] = byte;
            let _ = parse_expiry(FILE, &start);
            let mut whole = AUTH.to_vec();
            whole[index] = byte;
            let _ = CertificateInfo::parse(FILE, &whole);
        }
    }
}
