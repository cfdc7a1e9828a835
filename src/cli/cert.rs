//! `mynapin cert`: one certificate from the card, as fields, PEM or DER. Also the certificate
//! line of `status`. The contract is in `docs/certificates.md`.

use std::io::Write;
use std::path::PathBuf;
use std::time::SystemTime;

use serde::Serialize;
use x509_cert::der::pem::LineEnding;

use super::args::Options;
use super::backend::Backend;
use super::output::{pad, Output};
use super::render::CertificateStatusJson;
use super::{CliError, ExitCode};
use crate::i18n::Lang;
use crate::jpki::{
    read_certificate, CardCertificate, CertificateFile, ExpiryState, ValidityPeriod,
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
            // Continued under the value.
            out.text_hanging(line, label_width(out.lang) + 1);
        }
    } else if let Some(Some(path)) = written {
        let (title, bytes, path) = (file.title(out.lang), certificate.der.len(), path.display());
        out.text(match (args.format, out.lang) {
            (FormatArg::Pem, Lang::En) => {
                format!("Wrote the {title} to {path} as PEM (the certificate is {bytes} bytes).")
            }
            (FormatArg::Pem, Lang::Ja) => {
                format!("{title}を {path} に PEM 形式で書き出しました（証明書は {bytes} バイト）。")
            }
            (_, Lang::En) => format!("Wrote the {title} to {path} as DER ({bytes} bytes)."),
            (_, Lang::Ja) => {
                format!("{title}を {path} に DER 形式で書き出しました（{bytes} バイト）。")
            }
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

/// The columns of the labels of `cert`'s text ("Not before:", 有効期間開始:).
fn label_width(lang: Lang) -> usize {
    match lang {
        Lang::En => 12,
        Lang::Ja => 14,
    }
}

fn text_lines(certificate: &CardCertificate, now: SystemTime, lang: Lang) -> Vec<String> {
    let info = &certificate.info;
    let validity = &info.validity;
    let label = |en: &str, ja: &str| pad(lang.pick(en, ja), label_width(lang));
    // English: RFC 3339 in UTC, as on the certificate; Japanese: Japan's time.
    let when = |time| crate::text::date_time(time, lang);
    let file = certificate.file;
    vec![
        match lang {
            Lang::En => format!(
                "{} {} (EF {}, {} bytes)",
                label("Certificate:", ""),
                file.title(lang),
                file.ef_hex(),
                certificate.der.len()
            ),
            Lang::Ja => format!(
                "{} {}（EF {}、{} バイト）",
                label("", "証明書:"),
                file.title(lang),
                file.ef_hex(),
                certificate.der.len()
            ),
        },
        format!("{} {}", label("Subject:", "サブジェクト:"), info.subject),
        format!("{} {}", label("Issuer:", "発行者:"), info.issuer),
        format!("{} {}", label("Serial:", "シリアル:"), info.serial),
        format!(
            "{} {}",
            label("Not before:", "有効期間開始:"),
            when(&validity.not_before)
        ),
        format!(
            "{} {}",
            label("Not after:", "有効期間終了:"),
            when(&validity.not_after)
        ),
        format!(
            "{} {}",
            label("Days left:", "残り日数:"),
            days_left_text(validity, now, lang)
        ),
    ]
}

fn days_left_text(validity: &ValidityPeriod, now: SystemTime, lang: Lang) -> String {
    let days = validity.days_left(now);
    match (validity.state(now), lang) {
        (ExpiryState::Valid, Lang::En) => format!("{days}"),
        (ExpiryState::Valid, Lang::Ja) => format!("{days}日"),
        (ExpiryState::Expiring, Lang::En) => {
            format!("{days} (expires soon: renew it at your city office)")
        }
        (ExpiryState::Expiring, Lang::Ja) => {
            format!("{days}日（まもなく期限切れ: 市区町村の窓口で更新してください）")
        }
        (ExpiryState::Expired, Lang::En) => {
            format!("{days} (expired: renew it at your city office)")
        }
        (ExpiryState::Expired, Lang::Ja) => {
            format!("{days}日（期限切れ: 市区町村の窓口で更新してください）")
        }
        (ExpiryState::NotYetValid, Lang::En) => {
            format!("{days} (not valid yet: check this computer's clock)")
        }
        (ExpiryState::NotYetValid, Lang::Ja) => {
            format!("{days}日（まだ有効期間前です: このコンピューターの時計を確認してください）")
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
    /// `not_before`, `not_after`, `days_left`, `state`: as in `status --json`.
    #[serde(flatten)]
    validity: CertificateStatusJson,
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
            validity: CertificateStatusJson::new(&info.validity, now),
        }
    }
}

#[derive(Serialize)]
struct WrittenJson {
    /// Lossy: a path need not be UTF-8, and JSON strings must be.
    path: String,
    format: &'static str,
}
