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
            (true, Lang::Ja) => "数字4桁",
            (false, Lang::En) => {
                "6-16 characters of A-Z and 0-9, with at least one letter and one digit"
            }
            (false, Lang::Ja) => "英大文字と数字を両方含む6～16文字",
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

/// A PIN that does not have its kind's format. Holds no byte of the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {kind} PIN must be {}; nothing was sent to the card", kind.format_hint(Lang::En))]
pub struct PinFormatError {
    /// The kind that was expected.
    pub kind: PinKind,
}

impl Localized for PinFormatError {
    fn localized(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!(
                "The {} must be {}. Nothing was sent to the card; type it again.",
                self.kind.title(lang),
                self.kind.format_hint(lang)
            ),
            Lang::Ja => format!(
                "{}は{}です。カードには何も送っていません。もう一度入力してください。",
                self.kind.title(lang),
                self.kind.format_hint(lang)
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
        let (min, max) = kind.length_range();
        let mut bytes = Zeroizing::new(input.as_bytes().to_vec());
        if kind == PinKind::Sign {
            bytes.make_ascii_uppercase();
        }
        let valid_char =
            |b: &u8| b.is_ascii_digit() || (!kind.is_digits() && b.is_ascii_uppercase());
        if bytes.len() < min || bytes.len() > max || !bytes.iter().all(valid_char) {
            return Err(PinFormatError { kind });
        }
        let mixed =
            bytes.iter().any(u8::is_ascii_digit) && bytes.iter().any(u8::is_ascii_uppercase);
        if kind == PinKind::Sign && !mixed {
            return Err(PinFormatError { kind });
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
                assert_eq!(
                    Pin::new(kind, bad).unwrap_err(),
                    PinFormatError { kind },
                    "{bad:?}"
                );
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
