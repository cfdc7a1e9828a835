//! The two languages of every message a person reads.

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
