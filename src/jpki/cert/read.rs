//! Reading certificate files: SELECT EF and READ BINARY until the length the certificate's header
//! announces, never past [`MAX_CERTIFICATE_READS`] commands.

use apdu::{exchange, Connection, Disposition, Status, StatusWord, Transport};

use super::{
    certificate_length, validity_from_start, CertificateError, CertificateFile, CertificateInfo,
    ValidityPeriod, MAX_CERTIFICATE_LEN, MAX_CERTIFICATE_READS, READ_CHUNK,
};
use crate::jpki::commands::{read_binary, select_ef};
use crate::jpki::detect::select;
use crate::jpki::{Application, JpkiError};

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

/// With JPKI selected: SELECT EF and the whole certificate (2 + ceil(L / 256) APDUs less the
/// SELECT JPKI of [`read_certificate`]).
pub(crate) fn read_certificate_in(
    tx: &mut dyn Transport,
    file: CertificateFile,
) -> Result<Vec<u8>, CertificateError> {
    select_certificate_file(tx, file)?;
    read_selected_certificate(tx, file)
}

/// With JPKI selected: SELECT EF 000A and READ BINARY 256 bytes at 0, then the validity from
/// those bytes (2 APDUs).
pub(crate) fn read_auth_validity(
    tx: &mut dyn Transport,
) -> Result<ValidityPeriod, CertificateError> {
    let file = CertificateFile::Auth;
    select_certificate_file(tx, file)?;
    let start = read_chunk(tx, file, 0, READ_CHUNK, None)?;
    validity_from_start(file, &start)
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
