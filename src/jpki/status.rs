//! What `status` reads: the card, every PIN's counter and the auth certificate's validity, in one
//! read-only transaction.

use apdu::{Connection, Disposition};

use super::cert::read_auth_validity;
use super::detect::detect;
use super::guard::read_pin_counters;
use super::{CardStatus, CertificateError, JpkiError, PinKind, ValidityPeriod};

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
        let auth_certificate = match read_auth_validity(tx) {
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
