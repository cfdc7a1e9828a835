//! Parsing certificate bytes with the `der` and `x509-cert` crates: the length a certificate's
//! header announces, the validity from its first bytes (a truncated certificate is fine), and the
//! fields of a whole one.

use x509_cert::der::{Decode, Header, Reader, SliceReader, Tag, TagNumber};
use x509_cert::time::Validity;

use super::{CertificateError, CertificateFile, ValidityPeriod, MAX_CERTIFICATE_LEN};

/// The certificate's total length (header included) from its first bytes: `30 82 LL LL` gives
/// LL + 4; the shorter DER forms `30 81 LL` (LL + 3) and `30 LL` (LL + 2) too. The header must be
/// DER (a definite length in its shortest form) and a SEQUENCE.
pub(crate) fn certificate_length(
    file: CertificateFile,
    start: &[u8],
) -> Result<usize, CertificateError> {
    let not_a_certificate = || CertificateError::NotACertificate {
        file,
        start: start[..start.len().min(4)].to_vec(),
    };
    let mut reader = SliceReader::new(start).map_err(|_| not_a_certificate())?;
    let header = Header::decode(&mut reader).map_err(|_| not_a_certificate())?;
    if header.tag != Tag::Sequence {
        return Err(not_a_certificate());
    }
    let total = usize::try_from(reader.position())
        .ok()
        .zip(usize::try_from(header.length).ok())
        .and_then(|(header_len, content_len)| header_len.checked_add(content_len))
        .unwrap_or(usize::MAX);
    if total > MAX_CERTIFICATE_LEN {
        return Err(CertificateError::TooLarge { file, total });
    }
    Ok(total)
}

/// The validity from the start of a certificate (a truncated one is fine, as long as the validity
/// is inside): Certificate SEQUENCE → tbsCertificate SEQUENCE → skip `[0]` version, serial,
/// signature algorithm and issuer → Validity. Only headers are read on the way.
pub(crate) fn validity_from_start(
    file: CertificateFile,
    start: &[u8],
) -> Result<ValidityPeriod, CertificateError> {
    certificate_length(file, start)?;
    let no_validity = |reason| CertificateError::NoValidity { file, reason };
    let mut reader = SliceReader::new(start).map_err(|_| no_validity("no certificate header"))?;
    Header::decode(&mut reader).map_err(|_| no_validity("no certificate header"))?;
    let tbs = Header::decode(&mut reader).map_err(|_| no_validity("no tbsCertificate header"))?;
    if tbs.tag != Tag::Sequence {
        return Err(no_validity("tbsCertificate is not a SEQUENCE"));
    }
    let version = Tag::ContextSpecific {
        constructed: true,
        number: TagNumber::N0,
    };
    if reader.peek_tag().ok() == Some(version) {
        skip(&mut reader, version).ok_or(no_validity("the version field is malformed"))?;
    }
    skip(&mut reader, Tag::Integer)
        .ok_or(no_validity("the serial number is missing or malformed"))?;
    skip(&mut reader, Tag::Sequence).ok_or(no_validity(
        "the signature algorithm is missing or malformed",
    ))?;
    skip(&mut reader, Tag::Sequence)
        .ok_or(no_validity("the issuer name is missing or malformed"))?;
    match reader.peek_header() {
        Ok(header) if header.tag == Tag::Sequence => {}
        _ => return Err(no_validity("the validity is missing or malformed")),
    }
    let tlv = reader
        .tlv_bytes()
        .map_err(|_| no_validity("the validity ends after the bytes read"))?;
    let validity =
        Validity::from_der(tlv).map_err(|_| no_validity("the validity dates do not parse"))?;
    Ok(ValidityPeriod::from_validity(&validity))
}

/// Reads the header at the reader's position, checks its tag and moves past the element.
fn skip(reader: &mut SliceReader<'_>, tag: Tag) -> Option<()> {
    let header = Header::decode(reader)
        .ok()
        .filter(|header| header.tag == tag)?;
    reader.read_slice(header.length).ok()?;
    Some(())
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
