//! The auth certificate's validity as `status` and `watch` show it (dates: `crate::text::date`): a line (and a warning line)
//! in words, and the `certificate` object of `status --json`.

use std::time::SystemTime;

use serde::Serialize;

use crate::cli::output::pad;
use crate::i18n::{Lang, Localized};
use crate::jpki::{CertificateError, CertificateFile, ExpiryState, ValidityPeriod};
use crate::text::{date, date_time};

/// `status`: the auth certificate line, and a warning line when it expires within 90 days, has
/// expired, or is not valid yet.
pub(crate) fn status_lines(
    certificate: &Result<ValidityPeriod, CertificateError>,
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
    let until = date(&expiry.not_after, lang);
    let mut lines = vec![match (expiry.state(now), lang) {
        (ExpiryState::Expired, Lang::En) => {
            format!(
                "{label} {title} expired on {until} ({} days ago)",
                days.unsigned_abs()
            )
        }
        (ExpiryState::Expired, Lang::Ja) => {
            format!(
                "{label} {title}: {until}に期限切れ（{}日前）",
                days.unsigned_abs()
            )
        }
        (ExpiryState::NotYetValid, Lang::En) => {
            format!(
                "{label} {title} not valid before {}",
                date_time(&expiry.not_before, lang)
            )
        }
        (ExpiryState::NotYetValid, Lang::Ja) => {
            format!(
                "{label} {title}: {}より前は無効",
                date_time(&expiry.not_before, lang)
            )
        }
        (_, Lang::En) => format!("{label} {title} valid until {until}, {days} days left"),
        (_, Lang::Ja) => format!("{label} {title}: {until}まで有効（残り{days}日）"),
    }];
    let warning = match (expiry.state(now), lang) {
        (ExpiryState::Valid, _) => None,
        (ExpiryState::Expiring, Lang::En) => Some(format!(
            "Warning: the {title} expires in {days} days. Renew it at your city office (市区町村の窓口で更新) before then; the auth PIN is needed."
        )),
        (ExpiryState::Expiring, Lang::Ja) => Some(format!(
            "警告: {title}の有効期限まで残り{days}日です。期限までに市区町村の窓口で更新してください（利用者証明用暗証番号が必要です）。"
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
pub(crate) struct CertificateStatusJson {
    not_before: String,
    not_after: String,
    days_left: i64,
    state: &'static str,
}

impl CertificateStatusJson {
    /// The validity at `now`.
    pub fn new(expiry: &ValidityPeriod, now: SystemTime) -> Self {
        CertificateStatusJson {
            not_before: expiry.not_before.to_string(),
            not_after: expiry.not_after.to_string(),
            days_left: expiry.days_left(now),
            state: expiry.state(now).name(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use apdu::StatusWord;

    use super::*;
    use crate::jpki::validity_from_start;

    const AUTH: &[u8] = include_bytes!("../../../tests/fixtures/auth.der");

    fn auth() -> ValidityPeriod {
        validity_from_start(CertificateFile::Auth, AUTH).unwrap()
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
            ["証明書:   利用者証明用電子証明書: 2031年5月31日まで有効（残り1646日）"]
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
            ja[0].contains("2031年5月31日に期限切れ") && ja[1].contains("市区町村の窓口で更新"),
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
}
