//! Arguments and settings more than one command shares: how to find the card (`--reader`,
//! `--demo`, `--wait`, `--timeout`) and the card-operation deadline it runs under.

use std::time::Duration;

use super::deadline::Deadline;

/// How to find the card.
pub struct Options {
    /// `--reader`.
    pub reader: Option<String>,
    /// `--demo`.
    pub demo: bool,
    /// `--wait` and `--timeout` (status, verify, change-pin, check).
    pub wait: WaitArgs,
    /// The deadline every card operation runs under (`MYNAPIN_CARD_TIMEOUT`).
    pub deadline: Deadline,
}

/// `--wait` and `--timeout` of `status`, `verify`, `change-pin` and `check`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct WaitArgs {
    /// Wait for a card (and a reader) instead of failing when none is there.
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up after this many seconds (exit 6 with no-card or no-reader; exit 1 if the --reader named never appeared).
    #[arg(long, value_name = "SECONDS", requires = "wait", value_parser = parse_seconds, allow_negative_numbers = true)]
    pub timeout: Option<Duration>,
}

/// A non-negative number of seconds, fractions allowed.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .ok_or_else(|| format!("`{text}` is not a number of seconds (e.g. 30 or 2.5)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_seconds_with_fractions() {
        assert_eq!(parse_seconds("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_seconds("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(parse_seconds("0"), Ok(Duration::ZERO));
        for bad in ["-1", "abc", "", "inf", "NaN"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }
}
