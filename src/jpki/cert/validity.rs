//! A certificate's validity period and whether it can be used now.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use x509_cert::der::DateTime;
use x509_cert::time::Validity;

/// Fewer days left than this make the auth certificate "expiring".
pub const EXPIRY_WARNING_DAYS: i64 = 90;

const SECONDS_PER_DAY: i128 = 86_400;

/// Whether a certificate can be used now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExpiryState {
    /// Valid for [`EXPIRY_WARNING_DAYS`] days or more.
    Valid,
    /// Valid, but for fewer than [`EXPIRY_WARNING_DAYS`] days.
    Expiring,
    /// `not_after` has passed.
    Expired,
    /// `not_before` has not come yet (a wrong clock, or a card issued in advance).
    NotYetValid,
}

impl ExpiryState {
    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            ExpiryState::Valid => "valid",
            ExpiryState::Expiring => "expiring",
            ExpiryState::Expired => "expired",
            ExpiryState::NotYetValid => "not-yet-valid",
        }
    }
}

/// A certificate's validity period (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValidityPeriod {
    /// First moment of validity.
    pub not_before: DateTime,
    /// Last moment of validity (JPKI: 14:59:59Z, midnight in Japan).
    pub not_after: DateTime,
}

impl ValidityPeriod {
    pub(super) fn from_validity(validity: &Validity) -> Self {
        ValidityPeriod {
            not_before: validity.not_before.to_date_time(),
            not_after: validity.not_after.to_date_time(),
        }
    }

    /// Whole days from `now` to `not_after`, floored: 0 on the last day, negative once expired.
    pub fn days_left(&self, now: SystemTime) -> i64 {
        let days = self.days_left_from(unix_nanos(now));
        i64::try_from(days).unwrap_or(if days < 0 { i64::MIN } else { i64::MAX })
    }

    /// The state at `now`: expired strictly after `not_after`, expiring when fewer than
    /// [`EXPIRY_WARNING_DAYS`] whole days remain.
    pub fn state(&self, now: SystemTime) -> ExpiryState {
        let now = unix_nanos(now);
        if now > nanos(self.not_after.unix_duration()) {
            ExpiryState::Expired
        } else if now < nanos(self.not_before.unix_duration()) {
            ExpiryState::NotYetValid
        } else if self.days_left_from(now) < i128::from(EXPIRY_WARNING_DAYS) {
            ExpiryState::Expiring
        } else {
            ExpiryState::Valid
        }
    }

    fn days_left_from(&self, now_nanos: i128) -> i128 {
        (nanos(self.not_after.unix_duration()) - now_nanos)
            .div_euclid(SECONDS_PER_DAY * 1_000_000_000)
    }
}

fn nanos(duration: Duration) -> i128 {
    duration.as_nanos() as i128
}

/// Nanoseconds since the Unix epoch, negative before it.
fn unix_nanos(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => nanos(after),
        Err(before) => -nanos(before.duration()),
    }
}
