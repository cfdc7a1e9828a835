//! Why a certificate could not be read or understood: the error, its stable JSON code and its
//! message in both languages.

use apdu::StatusWord;
use x509_cert::der;

use super::{CertificateFile, MAX_CERTIFICATE_LEN, READ_CHUNK};
use crate::i18n::{Lang, Localized};
use crate::jpki::JpkiError;

/// Why a certificate could not be read or understood.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// The card answered so few bytes at a time that [`super::MAX_CERTIFICATE_READS`] READ BINARY
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
                "The expiry date of the {} could not be read ({reason}). Reinsert the card and try again; if it happens again, the data on the card is damaged: ask your city office.",
                file.title(lang)
            ),
            (CertificateError::NoValidity { file, reason }, Lang::Ja) => format!(
                "{}の有効期限を読み取れませんでした（{reason}）。カードを差し直してもう一度試してください。繰り返す場合はカードのデータが壊れています。市区町村の窓口に相談してください。",
                file.title(lang)
            ),
        }
    }
}
