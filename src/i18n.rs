//! The two languages of every message a person reads.

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
