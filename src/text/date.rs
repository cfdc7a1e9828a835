//! Dates for people: `2031-05-31` in English, 2031年5月31日 in Japanese, in Japan's time (UTC+9,
//! no daylight saving: JPKI certificates end at 14:59:59Z, the end of a day in Japan). Machines
//! get RFC 3339 (the JSON of the command line).

use std::time::Duration;

use x509_cert::der::DateTime;

use crate::i18n::Lang;

/// Japan's time of a UTC time; `None` past the year 9999.
fn in_japan(time: &DateTime) -> Option<DateTime> {
    DateTime::from_unix_duration(time.unix_duration() + Duration::from_secs(9 * 3600)).ok()
}

/// The day: `2031-05-31` (UTC, as on the certificate), 2031年5月31日 (Japan's time).
pub fn date(time: &DateTime, lang: Lang) -> String {
    match (lang, in_japan(time)) {
        (Lang::Ja, Some(day)) => format!("{}年{}月{}日", day.year(), day.month(), day.day()),
        _ => format!("{:04}-{:02}-{:02}", time.year(), time.month(), time.day()),
    }
}

/// The moment: `2031-05-31T14:59:59Z` (RFC 3339, UTC, as on the certificate),
/// 2031年5月31日 23:59:59（日本時間）.
pub fn date_time(time: &DateTime, lang: Lang) -> String {
    match (lang, in_japan(time)) {
        (Lang::Ja, Some(at)) => format!(
            "{} {:02}:{:02}:{:02}（日本時間）",
            date(time, lang),
            at.hour(),
            at.minutes(),
            at.seconds()
        ),
        _ => time.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_dates_are_in_japan_time_and_english_ones_as_on_the_certificate() {
        let end = DateTime::new(2031, 5, 31, 14, 59, 59).unwrap();
        assert_eq!(date(&end, Lang::En), "2031-05-31");
        assert_eq!(date(&end, Lang::Ja), "2031年5月31日");
        assert_eq!(date_time(&end, Lang::En), "2031-05-31T14:59:59Z");
        assert_eq!(
            date_time(&end, Lang::Ja),
            "2031年5月31日 23:59:59（日本時間）"
        );
        // Midnight UTC is 9 in the morning in Japan, the same day; 15:00 UTC is the next day.
        let start = DateTime::new(2026, 6, 1, 0, 0, 0).unwrap();
        assert_eq!(
            date_time(&start, Lang::Ja),
            "2026年6月1日 09:00:00（日本時間）"
        );
        let late = DateTime::new(2026, 12, 31, 15, 0, 0).unwrap();
        assert_eq!(date(&late, Lang::Ja), "2027年1月1日");
        assert_eq!(date(&late, Lang::En), "2026-12-31");
    }
}
