//! The two languages of every message a person reads.

use apdu::TransportError;

use crate::platform::Platform;

/// The language of messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// The language from the environment: LC_ALL, then LC_MESSAGES, then LANG; without them
    /// (as on Windows and macOS, which have no `LANG`), the OS's UI language. `ja*` is Japanese.
    pub fn from_env() -> Lang {
        Lang::from_locale(
            |var| std::env::var_os(var),
            || match Platform::current() {
                // On Linux the system locale is those variables (and LC_CTYPE, which is not
                // the language of messages).
                Platform::Linux => None,
                Platform::Windows | Platform::MacOs => sys_locale::get_locale(),
            },
        )
    }

    /// The language from locale variables (`env`, e.g. `LANG=ja_JP.UTF-8`) and, when none is
    /// set, the OS's UI language (`os_locale`, e.g. `ja-JP`); English when neither says.
    pub fn from_locale(
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
        os_locale: impl FnOnce() -> Option<String>,
    ) -> Lang {
        let japanese = |locale: &str| {
            if locale.starts_with("ja") {
                Lang::Ja
            } else {
                Lang::En
            }
        };
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            match env(var) {
                Some(value) if !value.is_empty() => return japanese(&value.to_string_lossy()),
                _ => {}
            }
        }
        os_locale().map_or(Lang::En, |locale| japanese(&locale))
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
pub(crate) fn service_hint(lang: Lang) -> &'static str {
    service_hint_on(Platform::current(), lang)
}

/// How to start the PC/SC service on `platform`: only Linux names pcscd.
pub(crate) fn service_hint_on(platform: Platform, lang: Lang) -> &'static str {
    match platform {
        Platform::Linux => lang.pick(
            "The PC/SC service (pcscd) is not running. Start it with `sudo systemctl start pcscd` and try again.",
            "PC/SC サービス (pcscd) が動いていません。`sudo systemctl start pcscd` で起動してから、もう一度実行してください。",
        ),
        Platform::MacOs => lang.pick(
            "The smart card service is not running. Unplug the card reader and plug it in again (macOS starts the service when a reader appears), then try again.",
            "スマートカードサービスが動いていません。カードリーダーを接続し直してから（macOS はリーダーが接続されるとサービスを起動します）、もう一度実行してください。",
        ),
        Platform::Windows => lang.pick(
            "The Smart Card service (SCardSvr) is not running. Plug in the card reader (Windows starts the service when a reader appears), or set the service \"Smart Card\" to Manual or Automatic in services.msc, then try again.",
            "スマートカードサービス (SCardSvr) が動いていません。カードリーダーを接続するか（リーダーが接続されると Windows はサービスを起動します）、services.msc で「Smart Card」サービスを「手動」または「自動」にしてから、もう一度実行してください。",
        ),
    }
}

/// No reader is connected: what to do on `platform`.
pub(crate) fn no_reader_hint(platform: Platform, lang: Lang) -> &'static str {
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
        TransportError::ServiceStopped => service_hint(lang).to_string(),
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

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(var, _)| *var == name)
                .map(|(_, value)| OsString::from(value))
        }
    }

    #[test]
    fn without_locale_variables_the_os_ui_language_decides() {
        // What Windows (GetUserPreferredUILanguages) and macOS (CFLocale) report.
        for (os, expected) in [
            (Some("ja-JP"), Lang::Ja),
            (Some("ja"), Lang::Ja),
            (Some("ja_JP.UTF-8"), Lang::Ja),
            (Some("en-US"), Lang::En),
            (Some("fr-FR"), Lang::En),
            (None, Lang::En),
        ] {
            let lang = Lang::from_locale(env(&[]), || os.map(String::from));
            assert_eq!(lang, expected, "{os:?}");
            // An empty variable is no variable.
            let lang = Lang::from_locale(env(&[("LANG", "")]), || os.map(String::from));
            assert_eq!(lang, expected, "{os:?} with LANG empty");
        }
    }

    #[test]
    fn locale_variables_win_over_the_os_in_their_order() {
        let cases: [(&[(&str, &str)], Lang); 5] = [
            (&[("LANG", "ja_JP.UTF-8")], Lang::Ja),
            (&[("LANG", "C")], Lang::En),
            (
                &[("LANG", "ja_JP.UTF-8"), ("LC_MESSAGES", "en_US.UTF-8")],
                Lang::En,
            ),
            (
                &[("LC_MESSAGES", "en_US"), ("LC_ALL", "ja_JP.eucJP")],
                Lang::Ja,
            ),
            (&[("LC_ALL", "C"), ("LANG", "ja_JP.UTF-8")], Lang::En),
        ];
        for (vars, expected) in cases {
            for os in [Some("ja-JP"), Some("en-US"), None] {
                let lang = Lang::from_locale(env(vars), || os.map(String::from));
                assert_eq!(lang, expected, "{vars:?} on {os:?}");
            }
        }
    }
}
