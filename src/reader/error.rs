//! What can go wrong between us and a card reader, and how each `pcsc::Error` maps onto it.

use apdu::TransportError;

use crate::i18n::{Lang, Localized};
use crate::platform::Platform;

/// Why a reader could not be listed, chosen, connected or disconnected.
///
/// `Display` is the English [`Localized`] message: the cause and the next step, in words that do
/// not assume mynapin's command line (a program that embeds the library chooses readers its own
/// way; the CLI adds how to do it with `--reader`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReaderError {
    /// The PC/SC service is not running (`SCARD_E_NO_SERVICE`, `SCARD_E_SERVICE_STOPPED`).
    #[error("{}", self.localized(Lang::En))]
    NoService,
    /// No card reader is connected.
    #[error("{}", self.localized(Lang::En))]
    NoReader,
    /// No card: in the named reader, or (`None`) in any reader.
    #[error("{}", self.localized(Lang::En))]
    NoCard {
        /// The reader that was chosen or is the only one, if any.
        reader: Option<String>,
    },
    /// No reader was chosen and several hold a card.
    #[error("{}", self.localized(Lang::En))]
    SeveralCards {
        /// The readers that hold a card.
        readers: Vec<String>,
    },
    /// The reader choice matches no reader.
    #[error("{}", self.localized(Lang::En))]
    UnknownReader {
        /// What was given.
        given: String,
        /// Every reader, in the order (and so with the numbers) of [`super::list_readers`].
        available: Vec<String>,
    },
    /// The reader choice is part of several reader names.
    #[error("{}", self.localized(Lang::En))]
    AmbiguousReader {
        /// What was given.
        given: String,
        /// The readers whose names contain it.
        matches: Vec<String>,
    },
    /// Another program holds the reader exclusively (`SCARD_E_SHARING_VIOLATION`).
    #[error("{}", self.localized(Lang::En))]
    SharingViolation {
        /// The reader.
        reader: String,
    },
    /// The card does not answer (`SCARD_W_UNRESPONSIVE_CARD`, `SCARD_W_UNPOWERED_CARD`,
    /// `SCARD_W_UNSUPPORTED_CARD`): inserted the wrong way, or not a smart card.
    #[error("{}", self.localized(Lang::En))]
    UnresponsiveCard {
        /// The reader.
        reader: String,
    },
    /// The card was removed (`SCARD_W_REMOVED_CARD`).
    #[error("{}", self.localized(Lang::En))]
    CardRemoved,
    /// Waiting for a card was cancelled (Ctrl-C): nothing was sent to a card.
    #[error("{}", self.localized(Lang::En))]
    Cancelled,
    /// Any other PC/SC failure, kept typed.
    #[error("{}", self.localized(Lang::En))]
    Pcsc(#[source] pcsc::Error),
}

impl ReaderError {
    /// Whether the problem is a missing reader or card (the CLI's exit code 6): nothing was
    /// sent to a card.
    pub fn is_no_card_or_reader(&self) -> bool {
        matches!(
            self,
            ReaderError::NoReader | ReaderError::NoCard { .. } | ReaderError::CardRemoved
        )
    }
}

/// The error of a call that needs only the service (establish a context, list readers).
pub(crate) fn service_error(error: pcsc::Error) -> ReaderError {
    service_error_on(Platform::current(), error)
}

/// [`service_error`] as `platform`'s PC/SC means it: on Windows a stopped service is no reader.
pub(crate) fn service_error_on(platform: Platform, error: pcsc::Error) -> ReaderError {
    match error {
        pcsc::Error::NoService | pcsc::Error::ServiceStopped
            if platform.service_down_means_no_reader() =>
        {
            ReaderError::NoReader
        }
        pcsc::Error::NoService | pcsc::Error::ServiceStopped => ReaderError::NoService,
        pcsc::Error::NoReadersAvailable => ReaderError::NoReader,
        other => ReaderError::Pcsc(other),
    }
}

/// The error of `SCardConnect` to `reader`; `available` names every reader, in list order.
pub(crate) fn connect_error(error: pcsc::Error, reader: &str, available: &[String]) -> ReaderError {
    match error {
        // Before connecting there is no card to have been removed: some stacks answer
        // SCARD_W_REMOVED_CARD on an empty reader.
        pcsc::Error::NoSmartcard | pcsc::Error::RemovedCard => ReaderError::NoCard {
            reader: Some(reader.to_string()),
        },
        pcsc::Error::SharingViolation => ReaderError::SharingViolation {
            reader: reader.to_string(),
        },
        pcsc::Error::UnresponsiveCard
        | pcsc::Error::UnpoweredCard
        | pcsc::Error::UnsupportedCard => ReaderError::UnresponsiveCard {
            reader: reader.to_string(),
        },
        // The reader went away between the listing and the connection.
        pcsc::Error::UnknownReader | pcsc::Error::ReaderUnavailable => ReaderError::UnknownReader {
            given: reader.to_string(),
            available: available
                .iter()
                .filter(|name| name.as_str() != reader)
                .cloned()
                .collect(),
        },
        other => service_error(other),
    }
}

/// The error of `SCardDisconnect`.
pub(crate) fn disconnect_error(error: pcsc::Error) -> ReaderError {
    match error {
        pcsc::Error::RemovedCard | pcsc::Error::NoSmartcard => ReaderError::CardRemoved,
        other => service_error(other),
    }
}

/// The error of `SCardBeginTransaction`, `SCardReconnect` or `SCardTransmit`, for the layer
/// above. Nothing is retried here: after a transmit, the card may have run the command.
pub(crate) fn transport_error(error: pcsc::Error) -> TransportError {
    match error {
        pcsc::Error::RemovedCard | pcsc::Error::NoSmartcard => TransportError::CardRemoved,
        // The reader vanished, and the card with it.
        pcsc::Error::NoReadersAvailable
        | pcsc::Error::ReaderUnavailable
        | pcsc::Error::UnknownReader => TransportError::CardRemoved,
        // Someone else reset or unpowered the card: its verified state is gone.
        pcsc::Error::ResetCard | pcsc::Error::UnpoweredCard => TransportError::CardReset,
        pcsc::Error::NoService | pcsc::Error::ServiceStopped | pcsc::Error::Shutdown => {
            TransportError::ServiceStopped
        }
        pcsc::Error::SharingViolation => TransportError::Busy,
        pcsc::Error::Timeout => TransportError::Timeout,
        // InsufficientBuffer also lands here: the command already ran, so it is never resent.
        other => TransportError::Other(Box::new(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transmit_errors_map_to_what_the_layer_above_acts_on() {
        let cases = [
            (pcsc::Error::RemovedCard, "CardRemoved"),
            (pcsc::Error::NoSmartcard, "CardRemoved"),
            (pcsc::Error::ReaderUnavailable, "CardRemoved"),
            (pcsc::Error::ResetCard, "CardReset"),
            (pcsc::Error::UnpoweredCard, "CardReset"),
            (pcsc::Error::NoService, "ServiceStopped"),
            (pcsc::Error::ServiceStopped, "ServiceStopped"),
            (pcsc::Error::SharingViolation, "Busy"),
            (pcsc::Error::Timeout, "Timeout"),
        ];
        for (error, expected) in cases {
            let mapped = transport_error(error);
            assert!(
                format!("{mapped:?}").starts_with(expected),
                "{error:?} mapped to {mapped:?}, expected {expected}"
            );
        }
    }

    #[test]
    fn insufficient_buffer_keeps_the_pcsc_error_as_source() {
        let mapped = transport_error(pcsc::Error::InsufficientBuffer);
        let TransportError::Other(source) = mapped else {
            panic!("expected Other, got {mapped:?}");
        };
        assert_eq!(
            source.downcast_ref::<pcsc::Error>(),
            Some(&pcsc::Error::InsufficientBuffer)
        );
    }

    #[test]
    fn connect_errors_name_the_reader() {
        let available = ["A".to_string(), "B".to_string()];
        assert!(matches!(
            connect_error(pcsc::Error::NoSmartcard, "A", &available),
            ReaderError::NoCard { reader: Some(r) } if r == "A"
        ));
        assert!(matches!(
            connect_error(pcsc::Error::SharingViolation, "B", &available),
            ReaderError::SharingViolation { reader } if reader == "B"
        ));
        assert!(matches!(
            connect_error(pcsc::Error::UnknownReader, "A", &available),
            ReaderError::UnknownReader { given, available } if given == "A" && available == ["B"]
        ));
        assert!(matches!(
            connect_error(pcsc::Error::NoService, "A", &available),
            ReaderError::NoService | ReaderError::NoReader
        ));
        // Some stacks answer SCARD_W_REMOVED_CARD to SCardConnect on an empty reader: no card.
        assert!(matches!(
            connect_error(pcsc::Error::RemovedCard, "A", &available),
            ReaderError::NoCard { reader: Some(r) } if r == "A"
        ));
    }

    #[test]
    fn messages_give_cause_and_next_step_in_both_languages() {
        let no_reader = ReaderError::NoReader;
        assert_eq!(
            crate::text::no_reader_on(Platform::Linux, Lang::En),
            "No card reader found. Plug in a USB IC card reader and try again."
        );
        for platform in [Platform::Linux, Platform::Windows, Platform::MacOs] {
            assert!(crate::text::no_reader_on(platform, Lang::Ja)
                .starts_with("カードリーダーが見つかりません。USB の IC カードリーダーを接続"));
        }
        assert_eq!(
            no_reader.localized(Lang::Ja),
            crate::text::no_reader_on(Platform::current(), Lang::Ja)
        );
        assert_eq!(no_reader.to_string(), no_reader.localized(Lang::En));

        let busy = ReaderError::SharingViolation {
            reader: "Sony RC-S380/P 00 00".into(),
        };
        assert!(busy
            .localized(Lang::En)
            .contains("\"Sony RC-S380/P 00 00\""));
        assert!(busy.localized(Lang::En).contains("Close it and try again"));
        assert!(busy
            .localized(Lang::Ja)
            .contains("「Sony RC-S380/P 00 00」"));

        let unknown = ReaderError::UnknownReader {
            given: "acs".into(),
            available: vec!["Virtual PCD 00 00".into(), "Virtual PCD 00 01".into()],
        };
        assert!(unknown
            .localized(Lang::En)
            .contains("0: \"Virtual PCD 00 00\", 1: \"Virtual PCD 00 01\""));
        assert!(unknown
            .localized(Lang::Ja)
            .contains("0: 「Virtual PCD 00 00」、1: 「Virtual PCD 00 01」"));
    }

    #[test]
    fn library_messages_do_not_speak_the_cli() {
        let names = || vec!["Virtual PCD 00 00".to_string(), "Virtual PCD 00 01".into()];
        let errors = [
            ReaderError::NoService,
            ReaderError::NoReader,
            ReaderError::NoCard { reader: None },
            ReaderError::NoCard {
                reader: Some("A".into()),
            },
            ReaderError::SeveralCards { readers: names() },
            ReaderError::UnknownReader {
                given: "x".into(),
                available: names(),
            },
            ReaderError::UnknownReader {
                given: "x".into(),
                available: vec![],
            },
            ReaderError::AmbiguousReader {
                given: "Virtual".into(),
                matches: names(),
            },
            ReaderError::SharingViolation { reader: "A".into() },
            ReaderError::UnresponsiveCard { reader: "A".into() },
            ReaderError::CardRemoved,
            ReaderError::Cancelled,
            ReaderError::Pcsc(pcsc::Error::InternalError),
        ];
        for error in &errors {
            for text in [error.to_string(), error.localized(Lang::Ja)] {
                assert!(!text.contains("--") && !text.contains("mynapin "), "{text}");
            }
        }
    }

    #[test]
    fn no_service_on_linux_says_how_to_start_pcscd() {
        for lang in [Lang::En, Lang::Ja] {
            assert!(crate::text::no_service_on(Platform::Linux, lang)
                .contains("`sudo systemctl start pcscd`"));
        }
        assert_eq!(
            ReaderError::NoService.localized(Lang::Ja),
            crate::text::no_service_on(Platform::current(), Lang::Ja)
        );
    }

    #[test]
    fn windows_and_macos_messages_never_name_pcscd_and_give_their_own_next_step() {
        for lang in [Lang::En, Lang::Ja] {
            for (platform, next_step) in [
                (Platform::Windows, "services.msc"),
                (Platform::MacOs, "macOS"),
            ] {
                let texts = [
                    crate::text::no_service_on(platform, lang),
                    crate::text::no_reader_on(platform, lang),
                ];
                for text in texts {
                    assert!(!text.contains("pcscd"), "{platform:?}: {text}");
                    assert!(!text.contains("systemctl"), "{platform:?}: {text}");
                }
                assert!(texts[0].contains(next_step), "{platform:?}: {}", texts[0]);
            }
            assert!(crate::text::no_reader_on(Platform::Windows, lang).contains("RC-S300"));
        }
    }

    /// What each platform's PC/SC answers when its service is not running or no reader is
    /// plugged in (Windows: the service stops with the last reader).
    #[test]
    fn a_stopped_service_is_no_reader_on_windows_only() {
        use pcsc::Error::{NoReadersAvailable, NoService, ServiceStopped};
        let cases = [
            (Platform::Windows, NoService, "NoReader"),
            (Platform::Windows, ServiceStopped, "NoReader"),
            (Platform::Windows, NoReadersAvailable, "NoReader"),
            (Platform::Linux, NoService, "NoService"),
            (Platform::Linux, ServiceStopped, "NoService"),
            (Platform::Linux, NoReadersAvailable, "NoReader"),
            (Platform::MacOs, NoService, "NoService"),
            (Platform::MacOs, NoReadersAvailable, "NoReader"),
        ];
        for (platform, error, expected) in cases {
            let mapped = service_error_on(platform, error);
            assert_eq!(format!("{mapped:?}"), expected, "{platform:?} {error:?}");
        }
        assert!(matches!(
            service_error_on(Platform::Windows, pcsc::Error::InternalError),
            ReaderError::Pcsc(pcsc::Error::InternalError)
        ));
    }

    #[test]
    fn missing_reader_or_card_is_exit_code_6_material() {
        assert!(ReaderError::NoReader.is_no_card_or_reader());
        assert!(ReaderError::NoCard { reader: None }.is_no_card_or_reader());
        assert!(!ReaderError::NoService.is_no_card_or_reader());
        assert!(!ReaderError::SharingViolation { reader: "A".into() }.is_no_card_or_reader());
        assert!(!ReaderError::SeveralCards { readers: vec![] }.is_no_card_or_reader());
    }
}
