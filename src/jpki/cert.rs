//! Certificates on the card: reading a whole certificate file in as few READ BINARY commands as
//! possible ([`read`]), parsing it ([`parse`]: the length its header announces, the validity from
//! its first bytes, the X.509 fields), its validity period and state ([`validity`]), which files
//! there are ([`file`]) and what can go wrong ([`error`]). APDU counts and the JSON shapes are in
//! `docs/certificates.md`.

mod error;
mod file;
mod parse;
mod read;
mod validity;

pub use error::CertificateError;
pub use file::CertificateFile;
pub use parse::CertificateInfo;
pub(crate) use parse::{certificate_length, validity_from_start};
pub(super) use read::{read_auth_validity, read_certificate_in};
pub use read::{read_certificate, CardCertificate};
pub use validity::{ExpiryState, ValidityPeriod, EXPIRY_WARNING_DAYS};

/// Most bytes one short READ BINARY returns (Le `00`).
pub const READ_CHUNK: usize = 256;

/// Largest certificate read: READ BINARY offsets have 15 bits (P1 bit 8 set means a short EF id).
pub const MAX_CERTIFICATE_LEN: usize = 0x8000;

/// Most READ BINARY commands for one certificate: a card that answers at least 64 bytes at a time
/// can deliver the largest file ([`MAX_CERTIFICATE_LEN`]); one that answers less is given up on.
pub const MAX_CERTIFICATE_READS: usize = MAX_CERTIFICATE_LEN / 64;

#[cfg(test)]
mod tests;
