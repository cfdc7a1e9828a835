//! The operating system whose conventions apply: its PC/SC stack's answers, its next steps for
//! a person, its UI language. Decisions take a [`Platform`] as a parameter, so that each
//! platform's behaviour is unit-tested on any machine.

/// An operating system mynapin runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// Linux (and other systems with pcsc-lite and pcscd).
    Linux,
    /// Windows (WinSCard, the Smart Card service `SCardSvr`).
    Windows,
    /// macOS (Apple's CryptoTokenKit PC/SC).
    MacOs,
}

impl Platform {
    /// The platform this build runs on.
    pub const fn current() -> Platform {
        if cfg!(windows) {
            Platform::Windows
        } else if cfg!(target_os = "macos") {
            Platform::MacOs
        } else {
            Platform::Linux
        }
    }

    /// Whether a PC/SC service that is not running means only that no reader is plugged in.
    /// Windows stops the Smart Card service when the last reader is unplugged and starts it
    /// again with the next one; pcscd and macOS keep theirs running (or start it on demand).
    pub const fn service_down_means_no_reader(self) -> bool {
        matches!(self, Platform::Windows)
    }

    /// Whether `SCardGetStatusChange` reports readers coming and going through the
    /// `\\?PnP?\Notification` pseudo-reader. Apple's PC/SC does not know it (it reports it
    /// unknown): there readers are listed again every so often instead, as pcsc_scan does.
    pub const fn has_pnp_notification(self) -> bool {
        !matches!(self, Platform::MacOs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_is_the_build_target() {
        let expected = if cfg!(windows) {
            Platform::Windows
        } else if cfg!(target_os = "macos") {
            Platform::MacOs
        } else {
            Platform::Linux
        };
        assert_eq!(Platform::current(), expected);
    }

    #[test]
    fn only_windows_stops_its_service_with_the_last_reader() {
        assert!(Platform::Windows.service_down_means_no_reader());
        assert!(!Platform::Linux.service_down_means_no_reader());
        assert!(!Platform::MacOs.service_down_means_no_reader());
    }

    #[test]
    fn only_macos_lacks_the_pnp_pseudo_reader() {
        assert!(Platform::Linux.has_pnp_notification());
        assert!(Platform::Windows.has_pnp_notification());
        assert!(!Platform::MacOs.has_pnp_notification());
    }
}
