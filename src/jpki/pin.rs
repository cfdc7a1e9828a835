//! PIN kinds and the PIN type: checked when made, zeroized on drop, never shown.

use std::fmt;

use zeroize::Zeroizing;

use super::Application;
use crate::i18n::{Lang, Localized};

/// The three PINs mynapin guards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PinKind {
    /// 利用者証明用電子証明書の暗証番号: JPKI EF 0018, 4 digits, 3 tries. The one the clinic asks for.
    Auth,
    /// 署名用電子証明書のパスワード: JPKI EF 001B, 6–16 of A–Z 0–9 with at least one letter and
    /// one digit (JPKI portal), 5 tries.
    Sign,
    /// 券面事項入力補助用の暗証番号: card-info input support AP EF 0011, 4 digits, 3 tries.
    CardInfo,
}

impl PinKind {
    /// Every kind, in the order mynapin shows them.
    pub const ALL: [PinKind; 3] = [PinKind::Auth, PinKind::Sign, PinKind::CardInfo];

    /// The name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            PinKind::Auth => "auth",
            PinKind::Sign => "sign",
            PinKind::CardInfo => "card-info",
        }
    }

    /// The application that holds the PIN.
    pub fn application(self) -> Application {
        match self {
            PinKind::Auth | PinKind::Sign => Application::Jpki,
            PinKind::CardInfo => Application::CardInfo,
        }
    }

    /// The PIN's elementary file.
    pub fn ef(self) -> [u8; 2] {
        match self {
            PinKind::Auth => [0x00, 0x18],
            PinKind::Sign => [0x00, 0x1B],
            PinKind::CardInfo => [0x00, 0x11],
        }
    }

    /// Tries a correct PIN restores; this many wrong ones in a row lock it.
    pub fn max_tries(self) -> u8 {
        match self {
            PinKind::Auth | PinKind::CardInfo => 3,
            PinKind::Sign => 5,
        }
    }

    /// The official name (Japanese, as printed on the city office's forms) or an English gloss.
    pub fn title(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (PinKind::Auth, Lang::Ja) => "利用者証明用電子証明書の暗証番号",
            (PinKind::Auth, Lang::En) => "user-authentication PIN",
            (PinKind::Sign, Lang::Ja) => "署名用電子証明書のパスワード",
            (PinKind::Sign, Lang::En) => "signature password",
            (PinKind::CardInfo, Lang::Ja) => "券面事項入力補助用の暗証番号",
            (PinKind::CardInfo, Lang::En) => "card-info input support PIN",
        }
    }

    /// The format, in words.
    pub fn format_hint(self, lang: Lang) -> &'static str {
        match (self.is_digits(), lang) {
            (true, Lang::En) => "4 digits",
            (true, Lang::Ja) => "半角数字4桁",
            (false, Lang::En) => "6-16 letters and digits, with at least one of each",
            (false, Lang::Ja) => "半角の英字と数字を両方含む6～16文字",
        }
    }

    fn is_digits(self) -> bool {
        self != PinKind::Sign
    }

    fn length_range(self) -> (usize, usize) {
        if self.is_digits() {
            (4, 4)
        } else {
            (6, 16)
        }
    }
}

impl fmt::Display for PinKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A PIN that does not have its kind's format, and what is wrong with it. Holds no byte of the
/// input (nor its length).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {} must be {} ({}); nothing was sent to the card", kind.title(Lang::En), kind.format_hint(Lang::En), problem.text(Lang::En))]
pub struct PinFormatError {
    /// The kind that was expected.
    pub kind: PinKind,
    /// What is wrong, the first thing found in this order.
    pub problem: FormatProblem,
}

/// What is wrong with a malformed PIN, so that a person can fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormatProblem {
    /// Nothing was typed.
    Empty,
    /// A space (or another blank) inside or around it.
    Space,
    /// Full-width digits or letters (`１２３４`), as a Japanese input method types them.
    FullWidth,
    /// A 4-digit PIN with something other than digits.
    NotDigits,
    /// A signature password with something other than A-Z, a-z and 0-9.
    NotLettersAndDigits,
    /// Too few characters.
    TooShort,
    /// Too many characters.
    TooLong,
    /// A signature password without a letter.
    NoLetter,
    /// A signature password without a digit.
    NoDigit,
}

impl FormatProblem {
    /// The problem in words, to follow "must be ...".
    pub fn text(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (FormatProblem::Empty, Lang::En) => "nothing was typed",
            (FormatProblem::Empty, Lang::Ja) => "何も入力されていません",
            (FormatProblem::Space, Lang::En) => "it has a space in it",
            (FormatProblem::Space, Lang::Ja) => "空白が含まれています",
            (FormatProblem::FullWidth, Lang::En) => {
                "it has full-width characters: type half-width ones (turn the Japanese input off)"
            }
            (FormatProblem::FullWidth, Lang::Ja) => {
                "全角文字が含まれています。半角で入力してください（日本語入力をオフに）"
            }
            (FormatProblem::NotDigits, Lang::En) => "it has characters other than digits",
            (FormatProblem::NotDigits, Lang::Ja) => "数字以外の文字が含まれています",
            (FormatProblem::NotLettersAndDigits, Lang::En) => {
                "it has characters other than letters and digits"
            }
            (FormatProblem::NotLettersAndDigits, Lang::Ja) => {
                "英字と数字以外の文字が含まれています"
            }
            (FormatProblem::TooShort, Lang::En) => "it is too short",
            (FormatProblem::TooShort, Lang::Ja) => "短すぎます",
            (FormatProblem::TooLong, Lang::En) => "it is too long",
            (FormatProblem::TooLong, Lang::Ja) => "長すぎます",
            (FormatProblem::NoLetter, Lang::En) => "it has no letter",
            (FormatProblem::NoLetter, Lang::Ja) => "英字が含まれていません",
            (FormatProblem::NoDigit, Lang::En) => "it has no digit",
            (FormatProblem::NoDigit, Lang::Ja) => "数字が含まれていません",
        }
    }

    /// The first problem of `input` for `kind`, or `None` when it has the format.
    fn of(kind: PinKind, input: &str) -> Option<FormatProblem> {
        let (min, max) = kind.length_range();
        let full_width = |c: char| matches!(c, '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}');
        let problem = if input.is_empty() {
            FormatProblem::Empty
        } else if input.chars().any(|c| c.is_whitespace()) {
            FormatProblem::Space
        } else if input.chars().any(full_width) {
            FormatProblem::FullWidth
        } else if kind.is_digits() && !input.bytes().all(|b| b.is_ascii_digit()) {
            FormatProblem::NotDigits
        } else if !input.bytes().all(|b| b.is_ascii_alphanumeric()) {
            FormatProblem::NotLettersAndDigits
        } else if input.len() < min {
            FormatProblem::TooShort
        } else if input.len() > max {
            FormatProblem::TooLong
        } else if !kind.is_digits() && !input.bytes().any(|b| b.is_ascii_alphabetic()) {
            FormatProblem::NoLetter
        } else if !kind.is_digits() && !input.bytes().any(|b| b.is_ascii_digit()) {
            FormatProblem::NoDigit
        } else {
            return None;
        };
        Some(problem)
    }
}

impl Localized for PinFormatError {
    fn localized(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!(
                "The {} must be {}: {}. Nothing was sent to the card.",
                self.kind.title(lang),
                self.kind.format_hint(lang),
                self.problem.text(lang)
            ),
            Lang::Ja => format!(
                "{}は{}です。{}。カードには何も送っていません。",
                self.kind.title(lang),
                self.kind.format_hint(lang),
                self.problem.text(lang)
            ),
        }
    }
}

/// A PIN of a known kind whose format was checked when it was made. The bytes are zeroized on
/// drop and never appear in `Debug`.
pub struct Pin {
    kind: PinKind,
    // Zeroizing, not a public `Zeroize`: nobody can empty a Pin and turn its VERIFY into the
    // 4-byte counter read.
    bytes: Zeroizing<Vec<u8>>,
}

impl Pin {
    /// Checks `input` against the kind's format. The signature password is upper-cased, since the
    /// card stores it in upper case, and must hold both a letter and a digit: the JPKI portal
    /// (パスワード) says it mixes them, so one without either cannot be right.
    pub fn new(kind: PinKind, input: &str) -> Result<Pin, PinFormatError> {
        if let Some(problem) = FormatProblem::of(kind, input) {
            return Err(PinFormatError { kind, problem });
        }
        let mut bytes = Zeroizing::new(input.as_bytes().to_vec());
        if kind == PinKind::Sign {
            bytes.make_ascii_uppercase();
        }
        Ok(Pin { kind, bytes })
    }

    /// The kind of PIN.
    pub fn kind(&self) -> PinKind {
        self.kind
    }

    /// The PIN's ASCII bytes: the one place they leave this type, to become VERIFY data.
    pub(crate) fn expose(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pin({}, ****)", self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_and_card_info_take_exactly_four_digits() {
        for kind in [PinKind::Auth, PinKind::CardInfo] {
            assert_eq!(Pin::new(kind, "0123").unwrap().expose(), b"0123");
            for bad in [
                "",
                "123",
                "12345",
                "12a4",
                "１２３４",
                "12 4",
                "123\n",
                "-123",
            ] {
                assert_eq!(Pin::new(kind, bad).unwrap_err().kind, kind, "{bad:?}");
            }
        }
    }

    #[test]
    fn sign_takes_6_to_16_upper_case_letters_and_digits_and_upper_cases_input() {
        assert_eq!(
            Pin::new(PinKind::Sign, "abc123").unwrap().expose(),
            b"ABC123"
        );
        assert_eq!(
            Pin::new(PinKind::Sign, "A1B2C3D4E5F6G7H8")
                .unwrap()
                .expose(),
            b"A1B2C3D4E5F6G7H8"
        );
        for bad in [
            "ABC12",
            "A1B2C3D4E5F6G7H8I",
            "ABC-123",
            "ABC 123",
            "ÄBC123",
            "abc12",
            // Letters and digits must both be there (JPKI portal).
            "123456",
            "1234567890123456",
            "ABCDEF",
            "abcdefgh",
        ] {
            assert!(Pin::new(PinKind::Sign, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_problem_is_named() {
        let problem = |kind, input| Pin::new(kind, input).unwrap_err().problem;
        let auth = PinKind::Auth;
        assert_eq!(problem(auth, ""), FormatProblem::Empty);
        assert_eq!(problem(auth, "12 4"), FormatProblem::Space);
        assert_eq!(problem(auth, "1234 "), FormatProblem::Space);
        assert_eq!(problem(auth, "１２３４"), FormatProblem::FullWidth);
        assert_eq!(problem(auth, "12a4"), FormatProblem::NotDigits);
        assert_eq!(problem(auth, "123"), FormatProblem::TooShort);
        assert_eq!(problem(auth, "12345"), FormatProblem::TooLong);
        let sign = PinKind::Sign;
        assert_eq!(problem(sign, "ＡＢＣ１２３"), FormatProblem::FullWidth);
        assert_eq!(problem(sign, "ABC-123"), FormatProblem::NotLettersAndDigits);
        assert_eq!(problem(sign, "ÄBC123"), FormatProblem::NotLettersAndDigits);
        assert_eq!(problem(sign, "AB12"), FormatProblem::TooShort);
        assert_eq!(problem(sign, "123456"), FormatProblem::NoLetter);
        assert_eq!(problem(sign, "abcdef"), FormatProblem::NoDigit);
        // Each problem has its own words in each language.
        let all = [
            FormatProblem::Empty,
            FormatProblem::Space,
            FormatProblem::FullWidth,
            FormatProblem::NotDigits,
            FormatProblem::NotLettersAndDigits,
            FormatProblem::TooShort,
            FormatProblem::TooLong,
            FormatProblem::NoLetter,
            FormatProblem::NoDigit,
        ];
        for lang in [Lang::En, Lang::Ja] {
            let texts: std::collections::BTreeSet<_> = all.iter().map(|p| p.text(lang)).collect();
            assert_eq!(texts.len(), all.len());
        }
        assert!(problem(auth, "１２３４").text(Lang::Ja).contains("半角"));
    }

    #[test]
    fn debug_and_errors_never_show_the_pin() {
        let pin = Pin::new(PinKind::Auth, "9876").unwrap();
        assert_eq!(format!("{pin:?}"), "Pin(auth, ****)");
        let error = Pin::new(PinKind::Auth, "98765").unwrap_err();
        for text in [
            error.to_string(),
            error.localized(Lang::En),
            error.localized(Lang::Ja),
            format!("{error:?}"),
        ] {
            assert!(!text.contains("9876"), "{text}");
        }
    }

    #[test]
    fn pin_bytes_are_zeroized_on_drop() {
        fn zeroized_on_drop<T: zeroize::ZeroizeOnDrop>(_: &T) {}
        let pin = Pin::new(PinKind::Sign, "secret1").unwrap();
        zeroized_on_drop(&pin.bytes);
        assert_eq!(pin.expose(), b"SECRET1");
    }

    #[test]
    fn kinds_match_the_card() {
        assert_eq!(PinKind::Auth.ef(), [0x00, 0x18]);
        assert_eq!(PinKind::Sign.ef(), [0x00, 0x1B]);
        assert_eq!(PinKind::CardInfo.ef(), [0x00, 0x11]);
        assert_eq!(PinKind::ALL.map(PinKind::max_tries), [3, 5, 3]);
        assert_eq!(
            PinKind::ALL.map(PinKind::name),
            ["auth", "sign", "card-info"]
        );
    }
}
