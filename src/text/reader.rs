//! The reader and the card: no PC/SC service, no reader, and every transport failure. What to
//! do differs per system.

use std::fmt::Write as _;

use apdu::TransportError;

use super::pcsc::pcsc_message;
use crate::i18n::{Lang, Localized};
use crate::platform::Platform;
use crate::reader::ReaderError;

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
            "PC/SC サービス（pcscd）が動いていません。`sudo systemctl start pcscd` で起動してから、もう一度試してください。",
        ),
        Platform::MacOs => lang.pick(
            "The smart card service is not running. Unplug the card reader and plug it in again (macOS starts the service when a reader appears), then try again.",
            "スマートカードサービスが動いていません。カードリーダーを接続し直してから（macOS はリーダーが接続されるとサービスを起動します）、もう一度試してください。",
        ),
        Platform::Windows => lang.pick(
            "The Smart Card service (SCardSvr) is not running. Plug in the card reader (Windows starts the service when a reader appears), or set the service \"Smart Card\" to Manual or Automatic in services.msc, then try again.",
            "スマートカードサービス（SCardSvr）が動いていません。カードリーダーを接続するか（リーダーが接続されると Windows はサービスを起動します）、services.msc で「Smart Card」サービスを「手動」または「自動」にしてから、もう一度試してください。",
        ),
    }
}

/// No reader is connected: what to do on `platform`.
pub(crate) fn no_reader_on(platform: Platform, lang: Lang) -> &'static str {
    match platform {
        Platform::Linux | Platform::MacOs => lang.pick(
            "No card reader found. Plug in a USB IC card reader and try again.",
            "カードリーダーが見つかりません。USB の IC カードリーダーを接続してから、もう一度試してください。",
        ),
        // Windows shows a reader only once its driver is installed, and stops the Smart Card
        // service while none is there.
        Platform::Windows => lang.pick(
            "No card reader found. Plug in a USB IC card reader and try again. If it is plugged in, install its driver (for a Sony RC-S300: Sony's NFC Port Software) and check in services.msc that the service \"Smart Card\" is not disabled.",
            "カードリーダーが見つかりません。USB の IC カードリーダーを接続してから、もう一度試してください。接続済みなら、リーダーのドライバー（ソニー RC-S300 なら NFC ポートソフトウェア）をインストールし、services.msc で「Smart Card」サービスが無効になっていないか確かめてください。",
        ),
    }
}

/// Cause and next step for every transport failure, whoever meets it.
impl Localized for TransportError {
    fn localized(&self, lang: Lang) -> String {
        match self {
        TransportError::CardRemoved => lang
            .pick(
                "The card was removed. Insert it again and try again.",
                "カードが取り外されました。カードを挿入し直して、もう一度試してください。",
            )
            .to_string(),
        TransportError::CardReset => lang
            .pick(
                "The card was reset by another program or by the reader. Try again.",
                "カードが別のプログラムまたはカードリーダーによってリセットされました。もう一度試してください。",
            )
            .to_string(),
        TransportError::Timeout => lang
            .pick(
                "The card did not answer in time. Insert the card again and try again.",
                "カードが時間内に応答しませんでした。カードを挿入し直して、もう一度試してください。",
            )
            .to_string(),
        TransportError::ServiceStopped => no_service(lang).to_string(),
        TransportError::Busy => lang
            .pick(
                "Another program is using the card reader (for example the JPKI user software, JPKI利用者ソフト, or a web browser). Close it and try again.",
                "別のプログラムがカードリーダーを使用中です（例: JPKI利用者ソフトやブラウザ）。そのプログラムを終了してから、もう一度試してください。",
            )
            .to_string(),
        TransportError::Other(source) if pcsc_error(source.as_ref()).is_some() => {
            let error = pcsc_error(source.as_ref()).unwrap_or(pcsc::Error::UnknownError);
            match lang {
                Lang::En => format!("Communication with the card failed. {}", pcsc_message(error, lang)),
                Lang::Ja => format!("カードとの通信に失敗しました。{}", pcsc_message(error, lang)),
            }
        }
        other => match lang {
            Lang::En => format!(
                "Communication with the card failed: {other}. Insert the card again and try again."
            ),
            Lang::Ja => format!(
                "カードとの通信に失敗しました（{other}）。カードを挿入し直して、もう一度試してください。"
            ),
        },
    }
    }
}

impl Localized for ReaderError {
    fn localized(&self, lang: Lang) -> String {
        match self {
            ReaderError::NoService => crate::text::no_service(lang).to_string(),
            ReaderError::NoReader => {
                crate::text::no_reader(lang).to_string()
            }
            ReaderError::NoCard { reader: None } => lang
                .pick(
                    "No card in any reader. Insert your My Number card (or place it on a contactless reader) and try again.",
                    "どのカードリーダーにもカードがありません。マイナンバーカードを挿入して（非接触リーダーなら上に置いて）から、もう一度試してください。",
                )
                .to_string(),
            ReaderError::NoCard {
                reader: Some(reader),
            } => match lang {
                Lang::En => format!(
                    "No card in reader \"{reader}\". Insert your My Number card (or place it on a contactless reader) and try again."
                ),
                Lang::Ja => format!(
                    "カードリーダー「{reader}」にカードがありません。マイナンバーカードを挿入して（非接触リーダーなら上に置いて）から、もう一度試してください。"
                ),
            },
            ReaderError::SeveralCards { readers } => match lang {
                Lang::En => format!(
                    "Several readers hold a card: {}. Choose one of them by its name, part of its name, or its number in the list of readers.",
                    quoted_list(readers, lang)
                ),
                Lang::Ja => format!(
                    "複数のカードリーダーにカードがあります: {}。使うリーダーを、名前、名前の一部、またはリーダー一覧の番号で指定してください。",
                    quoted_list(readers, lang)
                ),
            },
            ReaderError::UnknownReader { given, available } if available.is_empty() => {
                match lang {
                    Lang::En => format!(
                        "No reader matches \"{given}\": no card reader is connected. Plug in a USB IC card reader and try again."
                    ),
                    Lang::Ja => format!(
                        "「{given}」に一致するカードリーダーがありません（接続されているリーダーがありません）。USB の IC カードリーダーを接続してから、もう一度試してください。"
                    ),
                }
            }
            ReaderError::UnknownReader { given, available } => match lang {
                Lang::En => format!(
                    "No reader matches \"{given}\". Connected readers: {}. Choose one by its name, part of its name, or its number in this list.",
                    numbered_list(available, lang)
                ),
                Lang::Ja => format!(
                    "「{given}」に一致するカードリーダーがありません。接続中のリーダー: {}。名前、名前の一部、またはこの番号で指定してください。",
                    numbered_list(available, lang)
                ),
            },
            ReaderError::AmbiguousReader { given, matches } => match lang {
                Lang::En => format!(
                    "\"{given}\" matches several readers: {}. Give more of the name, or the reader's number in the list of readers.",
                    quoted_list(matches, lang)
                ),
                Lang::Ja => format!(
                    "「{given}」は複数のカードリーダーに一致します: {}。名前をもっと詳しく指定するか、リーダー一覧の番号で指定してください。",
                    quoted_list(matches, lang)
                ),
            },
            ReaderError::SharingViolation { reader } => match lang {
                Lang::En => format!(
                    "Another program is using reader \"{reader}\" (for example the JPKI user software, JPKI利用者ソフト, or a web browser). Close it and try again."
                ),
                Lang::Ja => format!(
                    "別のプログラムがカードリーダー「{reader}」を使用中です（例: JPKI利用者ソフトやブラウザ）。そのプログラムを終了してから、もう一度試してください。"
                ),
            },
            ReaderError::UnresponsiveCard { reader } => match lang {
                Lang::En => format!(
                    "The card in reader \"{reader}\" does not answer. Take it out and insert it again, chip first and the right way up (on a contactless reader, lay it flat and keep it still)."
                ),
                Lang::Ja => format!(
                    "カードリーダー「{reader}」のカードが応答しません。カードを抜き、IC チップの向きを確かめて挿入し直してください（非接触リーダーでは平らに置いて動かさないでください）。"
                ),
            },
            ReaderError::CardRemoved => TransportError::CardRemoved.localized(lang),
            ReaderError::Cancelled => lang
                .pick(
                    "Cancelled while waiting for a card; nothing was sent to a card.",
                    "カードを待っている間に中止しました。カードには何も送っていません。",
                )
                .to_string(),
            ReaderError::Pcsc(error) => pcsc_message(*error, lang),
        }
    }
}

/// The PC/SC error beneath a transport failure, if that is what it is.
fn pcsc_error(source: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<pcsc::Error> {
    source.downcast_ref::<pcsc::Error>().copied()
}

fn quoted_list(names: &[String], lang: Lang) -> String {
    match lang {
        Lang::En => names
            .iter()
            .map(|name| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(", "),
        Lang::Ja => names.iter().map(|name| format!("「{name}」")).collect(),
    }
}

fn numbered_list(names: &[String], lang: Lang) -> String {
    let mut out = String::new();
    for (index, name) in names.iter().enumerate() {
        if index > 0 {
            out.push_str(lang.pick(", ", "、"));
        }
        let _ = match lang {
            Lang::En => write!(out, "{index}: \"{name}\""),
            Lang::Ja => write!(out, "{index}: 「{name}」"),
        };
    }
    out
}
