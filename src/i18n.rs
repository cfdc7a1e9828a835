//! The two languages of every message a person reads.

use apdu::TransportError;

/// The language of messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// The language from the environment: LC_ALL, then LC_MESSAGES, then LANG; `ja*` is Japanese.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(value) = std::env::var_os(var) {
                if value.is_empty() {
                    continue;
                }
                return if value.to_string_lossy().starts_with("ja") {
                    Lang::Ja
                } else {
                    Lang::En
                };
            }
        }
        Lang::En
    }

    /// Picks the text for this language.
    pub fn pick<'a>(self, en: &'a str, ja: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Ja => ja,
        }
    }
}

/// An error or outcome that can explain itself to a person in either language: the cause and
/// the next step.
pub trait Localized {
    /// The message in `lang`.
    fn localized(&self, lang: Lang) -> String;
}

/// How to start the PC/SC service on this system.
pub fn service_hint(lang: Lang) -> &'static str {
    if cfg!(target_os = "linux") {
        lang.pick(
            "The PC/SC service (pcscd) is not running. Start it with `sudo systemctl start pcscd` and try again.",
            "PC/SC サービス (pcscd) が動いていません。`sudo systemctl start pcscd` で起動してから、もう一度実行してください。",
        )
    } else if cfg!(target_os = "macos") {
        lang.pick(
            "The smart card service is not running. Unplug the card reader and plug it in again (macOS starts the service when a reader appears), then try again.",
            "スマートカードサービスが動いていません。カードリーダーを接続し直してから（macOS はリーダーが接続されるとサービスを起動します）、もう一度実行してください。",
        )
    } else if cfg!(windows) {
        lang.pick(
            "The Smart Card service (SCardSvr) is not running; Windows stops it when no reader is connected. Plug in the card reader, or start the service in services.msc, then try again.",
            "スマートカードサービス (SCardSvr) が動いていません（リーダーが接続されていないと Windows は停止します）。カードリーダーを接続するか、services.msc でサービスを開始してから、もう一度実行してください。",
        )
    } else {
        lang.pick(
            "The PC/SC service (pcscd) is not running. Start pcscd and try again.",
            "PC/SC サービス (pcscd) が動いていません。pcscd を起動してから、もう一度実行してください。",
        )
    }
}

/// Cause and next step for every transport failure, whoever meets it.
impl Localized for TransportError {
    fn localized(&self, lang: Lang) -> String {
        match self {
        TransportError::CardRemoved => lang
            .pick(
                "The card was removed. Insert it again and run the command again.",
                "カードが取り外されました。カードを挿入し直して、もう一度実行してください。",
            )
            .to_string(),
        TransportError::CardReset => lang
            .pick(
                "The card was reset by another program or by the reader. Run the command again.",
                "カードが別のプログラムまたはカードリーダーによってリセットされました。もう一度実行してください。",
            )
            .to_string(),
        TransportError::ShortResponse { .. } => lang
            .pick(
                "The card's answer was cut short (it may have left the reader mid-command). Insert it again and run the command again.",
                "カードの応答が途中で途切れました（処理中にカードが外れた可能性があります）。カードを挿入し直して、もう一度実行してください。",
            )
            .to_string(),
        TransportError::Timeout => lang
            .pick(
                "The card did not answer in time. Insert the card again and try again.",
                "カードが時間内に応答しませんでした。カードを挿入し直して、もう一度実行してください。",
            )
            .to_string(),
        TransportError::ServiceStopped => service_hint(lang).to_string(),
        TransportError::Busy => lang
            .pick(
                "Another program is using the card reader (for example the official JPKI software or a web browser). Close it and try again.",
                "別のプログラムがカードリーダーを使用中です（例: JPKI 利用者ソフトやブラウザ）。そのプログラムを終了してから、もう一度実行してください。",
            )
            .to_string(),
        other => match lang {
            Lang::En => format!(
                "Communication with the card failed: {other}. Insert the card again and try again."
            ),
            Lang::Ja => format!(
                "カードとの通信に失敗しました（{other}）。カードを挿入し直して、もう一度実行してください。"
            ),
        },
    }
    }
}
