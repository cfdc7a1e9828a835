//! `mynapin cert`: one certificate from the card, as fields, PEM or DER. Also the certificate
//! line of `status`. The contract is in `docs/certificates.md`.

use std::io::Write;
use std::path::PathBuf;
use std::time::SystemTime;

use serde::Serialize;
use x509_cert::der::pem::LineEnding;
use x509_cert::der::DateTime;

use super::backend::{Backend, Options};
use super::output::{pad, Output};
use super::{CliError, ExitCode};
use crate::i18n::{Lang, Localized};
use crate::jpki::{
    read_certificate, CardCertificate, CertificateError, CertificateExpiry, CertificateFile,
    ExpiryState,
};

/// Options of `cert`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which certificate: the user-authentication one, its CA, or the signature certificate's CA.
    #[arg(long, value_enum, default_value = "auth")]
    pub which: WhichArg,
    /// text: subject, issuer, serial, validity; der or pem: the exact bytes read from the card.
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatArg,
    /// Write the der or pem output to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `--which`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WhichArg {
    /// EF 000A.
    Auth,
    /// EF 000B.
    AuthCa,
    /// EF 0002.
    SignCa,
}

impl From<WhichArg> for CertificateFile {
    fn from(which: WhichArg) -> Self {
        match which {
            WhichArg::Auth => CertificateFile::Auth,
            WhichArg::AuthCa => CertificateFile::AuthCa,
            WhichArg::SignCa => CertificateFile::SignCa,
        }
    }
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// The fields, in the chosen language (or JSON with --json).
    Text,
    /// PEM (`-----BEGIN CERTIFICATE-----`).
    Pem,
    /// The raw DER bytes.
    Der,
}

impl FormatArg {
    fn name(self) -> &'static str {
        match self {
            FormatArg::Text => "text",
            FormatArg::Pem => "pem",
            FormatArg::Der => "der",
        }
    }
}

/// Card-level failures keep their own exit codes (6 no card, 7 not a My Number card); bad
/// certificate data is exit code 1.
impl From<CertificateError> for CliError {
    fn from(error: CertificateError) -> Self {
        match error {
            CertificateError::Card(error) => CliError::Jpki(error),
            other => CliError::Certificate(other),
        }
    }
}

/// Reads one certificate in a read-only transaction and prints or writes it.
pub fn run(options: &Options, out: &Output, args: &Args) -> Result<ExitCode, CliError> {
    check_args(out, args)?;
    let file = CertificateFile::from(args.which);
    let mut backend = Backend::open(options)?;
    let certificate = read_certificate(&mut backend, file);
    let reader = backend.reader_name();
    backend.finish()?;
    let certificate = certificate?;
    let now = SystemTime::now();
    let written = match args.format {
        FormatArg::Text => None,
        FormatArg::Der => Some(write_bytes(args.out.as_ref(), &certificate.der)?),
        FormatArg::Pem => Some(write_bytes(
            args.out.as_ref(),
            pem(&certificate.der)?.as_bytes(),
        )?),
    };
    if out.json {
        out.print_json(&CertJson {
            reader,
            certificate: CertificateJson::new(&certificate, now),
            written: written.flatten().map(|path| WrittenJson {
                path: path.to_string_lossy().into_owned(),
                format: args.format.name(),
            }),
        });
    } else if args.format == FormatArg::Text {
        for line in text_lines(&certificate, now, out.lang) {
            out.text(line);
        }
    } else if let Some(Some(path)) = written {
        out.text(match out.lang {
            Lang::En => format!(
                "Wrote the {} ({} bytes of DER, as {}) to {}.",
                file.title(out.lang),
                certificate.der.len(),
                args.format.name(),
                path.display()
            ),
            Lang::Ja => format!(
                "{}（DER {} バイト、{} 形式）を {} に書き出しました。",
                file.title(out.lang),
                certificate.der.len(),
                args.format.name(),
                path.display()
            ),
        });
    }
    Ok(ExitCode::Success)
}

/// Rejects combinations that cannot work, before anything is sent.
fn check_args(out: &Output, args: &Args) -> Result<(), CliError> {
    use std::io::IsTerminal;
    if args.format == FormatArg::Der && args.out.is_none() && std::io::stdout().is_terminal() {
        // Binary on a terminal garbles it and helps nobody.
        return Err(CliError::usage(
            "DER is binary and is not written to a terminal. Write it to a file with --out FILE, pipe it (`mynapin cert --format der > cert.der`), or use --format pem.",
            "DER はバイナリなので端末には出力しません。--out FILE でファイルに書くか、リダイレクトする（`mynapin cert --format der > cert.der`）か、--format pem を使ってください。",
        ));
    }
    if args.format == FormatArg::Text && args.out.is_some() {
        return Err(CliError::usage(
            "--out writes der or pem output; add --format der or --format pem",
            "--out は der か pem の出力先です。--format der か --format pem を付けてください",
        ));
    }
    if out.json && args.format != FormatArg::Text && args.out.is_none() {
        return Err(CliError::usage(
            "--json prints a JSON document on stdout, so der or pem output needs --out FILE",
            "--json は標準出力に JSON を出すため、der や pem の出力には --out FILE が必要です",
        ));
    }
    Ok(())
}

/// PEM with LF line endings.
fn pem(der: &[u8]) -> Result<String, CliError> {
    x509_cert::der::pem::encode_string("CERTIFICATE", LineEnding::LF, der).map_err(|error| {
        CliError::Io {
            path: None,
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, error.to_string()),
        }
    })
}

/// Writes to the file, or to stdout; returns the file's path.
fn write_bytes(path: Option<&PathBuf>, bytes: &[u8]) -> Result<Option<PathBuf>, CliError> {
    match path {
        Some(path) => {
            crate::files::write_atomically(path, bytes, false)?;
            Ok(Some(path.clone()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .map_err(|source| CliError::Io { path: None, source })?;
            Ok(None)
        }
    }
}

fn text_lines(certificate: &CardCertificate, now: SystemTime, lang: Lang) -> Vec<String> {
    let info = &certificate.info;
    let validity = &info.validity;
    let width = match lang {
        Lang::En => 12,
        Lang::Ja => 14,
    };
    let label = |en: &str, ja: &str| pad(lang.pick(en, ja), width);
    let file = certificate.file;
    vec![
        format!(
            "{} {} (EF {}, {} {})",
            label("Certificate:", "証明書:"),
            file.title(lang),
            file.ef_hex(),
            certificate.der.len(),
            lang.pick("bytes", "バイト")
        ),
        format!("{} {}", label("Subject:", "主体者:"), info.subject),
        format!("{} {}", label("Issuer:", "発行者:"), info.issuer),
        format!("{} {}", label("Serial:", "シリアル:"), info.serial),
        format!(
            "{} {}",
            label("Not before:", "有効期間開始:"),
            validity.not_before
        ),
        format!(
            "{} {}",
            label("Not after:", "有効期間終了:"),
            validity.not_after
        ),
        format!(
            "{} {}",
            label("Days left:", "残り日数:"),
            days_left_text(validity, now, lang)
        ),
    ]
}

fn days_left_text(validity: &CertificateExpiry, now: SystemTime, lang: Lang) -> String {
    let days = validity.days_left(now);
    match (validity.state(now), lang) {
        (ExpiryState::Valid, Lang::En) => format!("{days}"),
        (ExpiryState::Valid, Lang::Ja) => format!("{days} 日"),
        (ExpiryState::Expiring, Lang::En) => {
            format!("{days} (expires soon: renew it at your city office)")
        }
        (ExpiryState::Expiring, Lang::Ja) => {
            format!("{days} 日（まもなく期限切れ: 市区町村の窓口で更新してください）")
        }
        (ExpiryState::Expired, Lang::En) => {
            format!("{days} (expired: renew it at your city office)")
        }
        (ExpiryState::Expired, Lang::Ja) => {
            format!("{days} 日（期限切れ: 市区町村の窓口で更新してください）")
        }
        (ExpiryState::NotYetValid, Lang::En) => {
            format!("{days} (not valid yet: check this computer's clock)")
        }
        (ExpiryState::NotYetValid, Lang::Ja) => {
            format!("{days} 日（まだ有効期間前です: このコンピューターの時計を確認してください）")
        }
    }
}

/// The date part of a UTC time, `YYYY-MM-DD`.
fn date(time: &DateTime) -> String {
    format!("{:04}-{:02}-{:02}", time.year(), time.month(), time.day())
}

/// `status`: the auth certificate line, and a warning line when it expires within 90 days, has
/// expired, or is not valid yet.
pub fn status_lines(
    certificate: &Result<CertificateExpiry, CertificateError>,
    now: SystemTime,
    lang: Lang,
) -> Vec<String> {
    let label = pad(lang.pick("Cert:", "証明書:"), 9);
    let title = CertificateFile::Auth.title(lang);
    let expiry = match certificate {
        Ok(expiry) => expiry,
        Err(error) => {
            return vec![match lang {
                Lang::En => format!(
                    "{label} the {title} could not be read: {}",
                    error.localized(lang)
                ),
                Lang::Ja => format!("{label} {title}を読み取れません: {}", error.localized(lang)),
            }]
        }
    };
    let days = expiry.days_left(now);
    let until = date(&expiry.not_after);
    let mut lines = vec![match (expiry.state(now), lang) {
        (ExpiryState::Expired, Lang::En) => {
            format!(
                "{label} {title} expired on {until} ({} days ago)",
                days.unsigned_abs()
            )
        }
        (ExpiryState::Expired, Lang::Ja) => {
            format!(
                "{label} {title} は {until} に期限切れ（{} 日前）",
                days.unsigned_abs()
            )
        }
        (ExpiryState::NotYetValid, Lang::En) => {
            format!("{label} {title} not valid before {}", expiry.not_before)
        }
        (ExpiryState::NotYetValid, Lang::Ja) => {
            format!("{label} {title} は {} より前は無効", expiry.not_before)
        }
        (_, Lang::En) => format!("{label} {title} valid until {until}, {days} days left"),
        (_, Lang::Ja) => format!("{label} {title} {until} まで有効（残り {days} 日）"),
    }];
    let warning = match (expiry.state(now), lang) {
        (ExpiryState::Valid, _) => None,
        (ExpiryState::Expiring, Lang::En) => Some(format!(
            "Warning: the {title} expires in {days} days. Renew it at your city office (市区町村の窓口で更新) before then; the auth PIN is needed."
        )),
        (ExpiryState::Expiring, Lang::Ja) => Some(format!(
            "警告: {title}の有効期限まで残り {days} 日です。期限までに市区町村の窓口で更新してください（利用者証明用暗証番号が必要です）。"
        )),
        (ExpiryState::Expired, Lang::En) => Some(format!(
            "Warning: the {title} has expired; logging in with the card (e.g. to Mynaportal) no longer works. Renew it at your city office (市区町村の窓口で更新)."
        )),
        (ExpiryState::Expired, Lang::Ja) => Some(format!(
            "警告: {title}の有効期限が切れています。マイナポータルへのログインなどに使えません。市区町村の窓口で更新してください。"
        )),
        (ExpiryState::NotYetValid, Lang::En) => {
            Some("Warning: the certificate is not valid yet by this computer's clock. Check the date and time settings.".into())
        }
        (ExpiryState::NotYetValid, Lang::Ja) => Some(
            "警告: このコンピューターの時計では証明書はまだ有効期間前です。日付と時刻の設定を確認してください。".into(),
        ),
    };
    lines.extend(warning);
    lines
}

/// `status --json`: `"certificate"` (null when unreadable).
#[derive(Serialize)]
pub struct CertificateStatusJson {
    not_before: String,
    not_after: String,
    days_left: i64,
    state: &'static str,
}

impl CertificateStatusJson {
    /// The validity at `now`.
    pub fn new(expiry: &CertificateExpiry, now: SystemTime) -> Self {
        CertificateStatusJson {
            not_before: expiry.not_before.to_string(),
            not_after: expiry.not_after.to_string(),
            days_left: expiry.days_left(now),
            state: expiry.state(now).name(),
        }
    }
}

/// `status --json`: `"certificate_error"`, present when `"certificate"` is null.
#[derive(Serialize)]
pub struct CertificateErrorJson {
    code: &'static str,
    message: String,
}

impl CertificateErrorJson {
    /// The error's stable code and message.
    pub fn new(error: &CertificateError, lang: Lang) -> Self {
        CertificateErrorJson {
            code: error.code(),
            message: error.localized(lang),
        }
    }
}

#[derive(Serialize)]
struct CertJson {
    reader: String,
    certificate: CertificateJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    written: Option<WrittenJson>,
}

#[derive(Serialize)]
struct CertificateJson {
    which: &'static str,
    ef: String,
    length: usize,
    subject: String,
    issuer: String,
    serial: String,
    not_before: String,
    not_after: String,
    days_left: i64,
    state: &'static str,
}

impl CertificateJson {
    fn new(certificate: &CardCertificate, now: SystemTime) -> Self {
        let info = &certificate.info;
        CertificateJson {
            which: certificate.file.name(),
            ef: certificate.file.ef_hex(),
            length: certificate.der.len(),
            subject: info.subject.clone(),
            issuer: info.issuer.clone(),
            serial: info.serial.clone(),
            not_before: info.validity.not_before.to_string(),
            not_after: info.validity.not_after.to_string(),
            days_left: info.validity.days_left(now),
            state: info.validity.state(now).name(),
        }
    }
}

#[derive(Serialize)]
struct WrittenJson {
    /// Lossy: a path need not be UTF-8, and JSON strings must be.
    path: String,
    format: &'static str,
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use apdu::{StatusWord, TransportError};

    use super::*;
    use crate::jpki::{parse_expiry, JpkiError};

    const AUTH: &[u8] = include_bytes!("../../tests/fixtures/auth.der");

    fn auth() -> CertificateExpiry {
        parse_expiry(CertificateFile::Auth, AUTH).unwrap()
    }

    fn days_before_end(days: u64) -> SystemTime {
        UNIX_EPOCH + auth().not_after.unix_duration() - Duration::from_secs(days * 86_400)
    }

    #[test]
    fn status_line_when_valid() {
        let now = days_before_end(1646);
        assert_eq!(
            status_lines(&Ok(auth()), now, Lang::En),
            ["Cert:     user-authentication certificate valid until 2031-05-31, 1646 days left"]
        );
        assert_eq!(
            status_lines(&Ok(auth()), now, Lang::Ja),
            ["証明書:   利用者証明用電子証明書 2031-05-31 まで有効（残り 1646 日）"]
        );
    }

    #[test]
    fn status_warns_within_90_days() {
        assert_eq!(
            status_lines(&Ok(auth()), days_before_end(90), Lang::En).len(),
            1
        );
        let lines = status_lines(&Ok(auth()), days_before_end(89), Lang::En);
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].ends_with("valid until 2031-05-31, 89 days left"),
            "{lines:?}"
        );
        assert!(lines[1]
            .starts_with("Warning: the user-authentication certificate expires in 89 days."));
        assert!(lines[1].contains("市区町村の窓口で更新"));
        let ja = status_lines(&Ok(auth()), days_before_end(89), Lang::Ja);
        assert!(
            ja[1].starts_with("警告:") && ja[1].contains("市区町村の窓口で更新"),
            "{ja:?}"
        );
    }

    #[test]
    fn status_warns_when_expired() {
        let after = UNIX_EPOCH + auth().not_after.unix_duration() + Duration::from_secs(3 * 86_400);
        let lines = status_lines(&Ok(auth()), after, Lang::En);
        assert_eq!(
            lines[0],
            "Cert:     user-authentication certificate expired on 2031-05-31 (3 days ago)"
        );
        assert!(lines[1].contains("has expired") && lines[1].contains("city office"));
        let ja = status_lines(&Ok(auth()), after, Lang::Ja);
        assert!(
            ja[0].contains("期限切れ") && ja[1].contains("市区町村の窓口で更新"),
            "{ja:?}"
        );
    }

    #[test]
    fn status_says_why_the_certificate_is_missing() {
        let error = Err(CertificateError::Select {
            file: CertificateFile::Auth,
            sw: StatusWord(0x6A82),
        });
        let lines = status_lines(&error, SystemTime::now(), Lang::En);
        assert_eq!(lines.len(), 1);
        assert!(lines[0]
            .starts_with("Cert:     the user-authentication certificate could not be read:"));
        assert!(lines[0].contains("6A82"));
    }

    #[test]
    fn card_errors_keep_their_exit_codes() {
        let not_mnc = CliError::from(CertificateError::Card(JpkiError::NotMyNumberCard));
        assert_eq!(not_mnc.exit_code(), ExitCode::NotMyNumberCard);
        let removed = CliError::from(CertificateError::Card(JpkiError::Transport(
            TransportError::CardRemoved,
        )));
        assert_eq!(removed.exit_code(), ExitCode::NoCard);
        let bad = CliError::from(CertificateError::TooLarge {
            file: CertificateFile::Auth,
            total: 70_000,
        });
        assert_eq!(bad.exit_code(), ExitCode::Other);
        assert_eq!(bad.code(), "too-large");
    }
}
