//! The reader and the card: no PC/SC service, no reader, and every transport failure. What to
//! do differs per system.

use apdu::TransportError;

use crate::i18n::{Lang, Localized};
use crate::platform::Platform;

/// No reader is connected: what to do on this system.
pub fn no_reader(lang: Lang) -> &'static str {
    no_reader_on(Platform::current(), lang)
}

/// The PC/SC service is not running: how to start it on this system.
pub fn no_service(lang: Lang) -> &'static str {
    no_service_on(Platform::current(), lang)
}

/// How to start the PC/SC service on `platform`: only Linux names pcscd.
pub(crate) fn no_service_on(platform: Platform, lang: Lang) -> &'static str {
    match platform {
        Platform::Linux => lang.pick(
            "The PC/SC service (pcscd) is not running. Start it with `sudo systemctl start pcscd` and try again.",
            "PC/SC サービス（pcscd）が動いていません。`sudo systemctl start pcscd` で起動してから、もう一度実行してください。",
        ),
        Platform::MacOs => lang.pick(
            "The smart card service is not running. Unplug the card reader and plug it in again (macOS starts the service when a reader appears), then try again.",
            "スマートカードサービスが動いていません。カードリーダーを接続し直してから（macOS はリーダーが接続されるとサービスを起動します）、もう一度実行してください。",
        ),
        Platform::Windows => lang.pick(
            "The Smart Card service (SCardSvr) is not running. Plug in the card reader (Windows starts the service when a reader appears), or set the service \"Smart Card\" to Manual or Automatic in services.msc, then try again.",
            "スマートカードサービス（SCardSvr）が動いていません。カードリーダーを接続するか（リーダーが接続されると Windows はサービスを起動します）、services.msc で「Smart Card」サービスを「手動」または「自動」にしてから、もう一度実行してください。",
        ),
    }
}

/// No reader is connected: what to do on `platform`.
pub(crate) fn no_reader_on(platform: Platform, lang: Lang) -> &'static str {
    match platform {
        Platform::Linux | Platform::MacOs => lang.pick(
            "No card reader found. Plug in a USB IC card reader and try again.",
            "カードリーダーが見つかりません。USB の IC カードリーダーを接続してから、もう一度実行してください。",
        ),
        // Windows shows a reader only once its driver is installed, and stops the Smart Card
        // service while none is there.
        Platform::Windows => lang.pick(
            "No card reader found. Plug in a USB IC card reader and try again. If it is plugged in, install its driver (for a Sony RC-S300: Sony's NFC Port Software) and check in services.msc that the service \"Smart Card\" is not disabled.",
            "カードリーダーが見つかりません。USB の IC カードリーダーを接続してから、もう一度実行してください。接続済みなら、リーダーのドライバー（ソニー RC-S300 なら NFC ポートソフトウェア）をインストールし、services.msc で「Smart Card」サービスが無効になっていないか確かめてください。",
        ),
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
        TransportError::Timeout => lang
            .pick(
                "The card did not answer in time. Insert the card again and try again.",
                "カードが時間内に応答しませんでした。カードを挿入し直して、もう一度実行してください。",
            )
            .to_string(),
        TransportError::ServiceStopped => no_service(lang).to_string(),
        TransportError::Busy => lang
            .pick(
                "Another program is using the card reader (for example the JPKI user software, JPKI利用者ソフト, or a web browser). Close it and try again.",
                "別のプログラムがカードリーダーを使用中です（例: JPKI利用者ソフトやブラウザ）。そのプログラムを終了してから、もう一度実行してください。",
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
