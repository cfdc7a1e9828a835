//! The JPKI command APDUs, one small function each, tested byte for byte.

use apdu::Command;

use super::Pin;

/// The applications mynapin selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Application {
    /// 公的個人認証AP: the auth and signature PINs and certificates.
    Jpki,
    /// 券面事項入力補助AP: the card-info PIN.
    CardInfo,
}

impl Application {
    /// The DF name to select.
    pub fn aid(self) -> &'static [u8] {
        match self {
            Application::Jpki => &[0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01],
            Application::CardInfo => &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08],
        }
    }
}

/// The token-info file; its first 32 bytes are the space-padded token label.
pub const TOKEN_INFO_EF: [u8; 2] = [0x00, 0x06];
/// Length of the label at the start of the token-info file.
pub const TOKEN_LABEL_LEN: usize = 32;

/// SELECT by DF name, no answer data: `00 A4 04 0C Lc AID`.
pub fn select_application(app: Application) -> Command {
    Command::new(0x00, 0xA4, 0x04, 0x0C).with_data(app.aid())
}

/// SELECT an elementary file of the current application: `00 A4 02 0C 02 hi lo`.
pub fn select_ef(ef: [u8; 2]) -> Command {
    Command::new(0x00, 0xA4, 0x02, 0x0C).with_data(&ef)
}

/// The retry-counter read: VERIFY with no data, exactly `00 20 00 80`. Spends no try.
pub fn read_counter() -> Command {
    Command::new(0x00, 0x20, 0x00, 0x80)
}

/// VERIFY with the PIN as ASCII: `00 20 00 80 Lc PIN`, the data marked secret.
pub fn verify(pin: &Pin) -> Command {
    Command::new(0x00, 0x20, 0x00, 0x80).with_secret_data(pin.expose())
}

/// CHANGE REFERENCE DATA with the new value only: `00 24 01 80 Lc NEW`, the data marked secret.
/// P1 `01` says the current value is not in the data: the card takes it from the VERIFY just
/// before, in the same session (as the public JPKI implementations send it).
pub fn change_reference_data(new: &Pin) -> Command {
    Command::new(0x00, 0x24, 0x01, 0x80).with_secret_data(new.expose())
}

/// The private key of the user-authentication certificate (needs the auth PIN).
pub const AUTH_KEY_EF: [u8; 2] = [0x00, 0x17];

/// COMPUTE DIGITAL SIGNATURE with the selected key over a DigestInfo:
/// `80 2A 00 80 Lc DigestInfo 00`. The card pads it (PKCS#1 v1.5) and signs.
pub fn compute_digital_signature(digest_info: &[u8]) -> Command {
    Command::new(0x80, 0x2A, 0x00, 0x80)
        .with_data(digest_info)
        .with_le(256)
}

/// READ BINARY of the selected file: `00 B0 off_hi off_lo Le` (Le 1..=256).
pub fn read_binary(offset: u16, len: usize) -> Command {
    let [hi, lo] = offset.to_be_bytes();
    Command::new(0x00, 0xB0, hi, lo).with_le(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jpki::PinKind;

    fn hex(command: &Command) -> String {
        hex::encode_upper(&*command.encode().unwrap())
    }

    #[test]
    fn commands_are_byte_exact() {
        assert_eq!(
            hex(&select_application(Application::Jpki)),
            "00A4040C0AD392F000260100000001"
        );
        assert_eq!(
            hex(&select_application(Application::CardInfo)),
            "00A4040C0AD3921000310001010408"
        );
        assert_eq!(hex(&select_ef([0x00, 0x18])), "00A4020C020018");
        assert_eq!(hex(&read_counter()), "00200080");
        let pin = Pin::new(PinKind::Auth, "1234").unwrap();
        assert_eq!(hex(&verify(&pin)), "002000800431323334");
        assert_eq!(verify(&pin).to_string(), "00 20 00 80 04 ** ** ** **");
        let new = Pin::new(PinKind::Auth, "4321").unwrap();
        assert_eq!(hex(&change_reference_data(&new)), "002401800434333231");
        assert_eq!(
            change_reference_data(&new).to_string(),
            "00 24 01 80 04 ** ** ** **"
        );
        assert!(!format!("{:?}", change_reference_data(&new)).contains("34 33"));
        assert_eq!(hex(&select_ef(AUTH_KEY_EF)), "00A4020C020017");
        assert_eq!(
            hex(&compute_digital_signature(&[0x30, 0x31, 0xAB])),
            "802A0080033031AB00"
        );
        assert_eq!(hex(&read_binary(0x0100, 256)), "00B0010000");
        assert_eq!(hex(&read_binary(0, 32)), "00B0000020");
    }
}
