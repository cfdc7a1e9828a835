//! The card logic: applications, files, PINs and what one power cycle remembers (selection,
//! verified PINs). Faults are applied around it, in `card_model.rs`. Sources: the JPKI reference
//! (`docs/jpki-reference.md` of the project notes) and ISO 7816-4; see `docs/card-model.md`.

use std::sync::OnceLock;

use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use zeroize::Zeroize;

use super::faults::CheckFault;
use super::state::{accepts, CardState};
use crate::jpki::PinKind;

/// JPKI application (公的個人認証AP).
pub const JPKI_AID: [u8; 10] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
/// Card-info input support application (券面事項入力補助AP).
pub const CARD_INFO_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08];
/// Card-face application (券面事項確認AP): selectable, no files modelled.
pub const CARD_FACE_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02];

/// Status words the model answers.
pub mod sw {
    /// Success.
    pub const SUCCESS: u16 = 0x9000;
    /// Wrong length (Lc, or a command that needs data or Le).
    pub const WRONG_LENGTH: u16 = 0x6700;
    /// Security status not satisfied (a gated or unreadable file).
    pub const SECURITY_NOT_SATISFIED: u16 = 0x6982;
    /// A VERIFY with data on a blocked PIN.
    pub const PIN_BLOCKED: u16 = 0x6984;
    /// Conditions of use not satisfied: VERIFY without a PIN EF selected.
    pub const CONDITIONS_NOT_SATISFIED: u16 = 0x6985;
    /// Command not allowed, no current EF: READ BINARY without a selected EF.
    pub const NO_CURRENT_EF: u16 = 0x6986;
    /// File or application not found.
    pub const NOT_FOUND: u16 = 0x6A82;
    /// Wrong P1 or P2.
    pub const WRONG_P1_P2: u16 = 0x6A86;
    /// Offset beyond the end of the file.
    pub const BEYOND_END: u16 = 0x6B00;
    /// Instruction not supported.
    pub const INS_NOT_SUPPORTED: u16 = 0x6D00;
    /// Class not supported.
    pub const CLA_NOT_SUPPORTED: u16 = 0x6E00;
    /// Incorrect data (a new PIN the card does not accept, a DigestInfo too long to sign).
    pub const WRONG_DATA: u16 = 0x6A80;

    /// `63Cx`: x tries left.
    pub fn tries_left(tries: u8) -> u16 {
        0x63C0 | u16::from(tries & 0x0F)
    }
    /// `6Cxx`: wrong Le, xx bytes available (`00` for 256).
    pub fn wrong_le(available: usize) -> u16 {
        0x6C00 | (available & 0xFF) as u16
    }
}

/// A card's answer before faults: data and status word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub data: Vec<u8>,
    pub sw: u16,
}

impl Answer {
    fn status(sw: u16) -> Self {
        Answer {
            data: Vec::new(),
            sw,
        }
    }

    /// Data followed by SW1 SW2.
    pub fn into_bytes(self) -> Vec<u8> {
        let mut bytes = self.data;
        bytes.extend_from_slice(&self.sw.to_be_bytes());
        bytes
    }
}

/// Card quirks the model itself must know about (the rest of the faults act outside it).
#[derive(Clone, Copy, Debug, Default)]
pub struct Quirks {
    pub strict_le: bool,
    pub read_binary_cap: Option<u16>,
    pub empty_verify_answers_9000: bool,
    pub check: Option<CheckFault>,
}

/// The demo card's user-authentication key (EF 0017), whose public key is in `auth.der`;
/// `tests/fixtures/README.md` says how it was made. A test key, nothing else.
const AUTH_KEY_PKCS8: &[u8] = include_bytes!("../../tests/fixtures/keys/auth.pk8");
/// Another key, for [`CheckFault::KeyMismatch`].
const OTHER_KEY_PKCS8: &[u8] = include_bytes!("../../tests/fixtures/keys/other.pk8");
/// EF 000A under [`CheckFault::ExpiredCertificate`].
const EXPIRED_AUTH_CERTIFICATE: &[u8] = include_bytes!("../../tests/fixtures/expired.der");
/// EF 000B under [`CheckFault::WrongCa`].
const OTHER_AUTH_CA_CERTIFICATE: &[u8] = include_bytes!("../../tests/fixtures/auth-ca-other.der");

/// A committed test key, parsed once. `None` only if the committed bytes were broken.
fn signing_key(key_mismatch: bool) -> Option<&'static RsaPrivateKey> {
    static AUTH: OnceLock<Option<RsaPrivateKey>> = OnceLock::new();
    static OTHER: OnceLock<Option<RsaPrivateKey>> = OnceLock::new();
    let (cell, der) = if key_mismatch {
        (&OTHER, OTHER_KEY_PKCS8)
    } else {
        (&AUTH, AUTH_KEY_PKCS8)
    };
    cell.get_or_init(|| RsaPrivateKey::from_pkcs8_der(der).ok())
        .as_ref()
}

/// A parsed short command APDU.
struct Apdu<'a> {
    ins: u8,
    p1: u8,
    p2: u8,
    data: &'a [u8],
    /// Expected length; `00` is already 256.
    le: Option<usize>,
}

impl<'a> Apdu<'a> {
    /// Parses the four short cases; `None` when the length bytes do not match the command's
    /// length. Extended length is not supported by the card (Lc `00` is refused).
    fn parse(bytes: &'a [u8]) -> Option<Self> {
        let [_cla, ins, p1, p2, body @ ..] = bytes else {
            return None;
        };
        let le_from = |byte: u8| if byte == 0 { 256 } else { usize::from(byte) };
        let (data, le) = match body {
            [] => (&body[..0], None),
            [le] => (&body[..0], Some(le_from(*le))),
            [lc, rest @ ..] => {
                let lc = usize::from(*lc);
                if lc == 0 {
                    return None;
                }
                match rest.len().checked_sub(lc) {
                    Some(0) => (rest, None),
                    Some(1) => (&rest[..lc], Some(le_from(rest[lc]))),
                    _ => return None,
                }
            }
        };
        Some(Apdu {
            ins: *ins,
            p1: *p1,
            p2: *p2,
            data,
            le,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum App {
    Jpki,
    CardInfo,
    CardFace,
}

impl App {
    fn by_aid(aid: &[u8]) -> Option<App> {
        if aid == JPKI_AID {
            Some(App::Jpki)
        } else if aid == CARD_INFO_AID {
            Some(App::CardInfo)
        } else if aid == CARD_FACE_AID {
            Some(App::CardFace)
        } else {
            None
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Certificate {
    Auth,
    AuthCa,
    Sign,
    SignCa,
}

/// What an elementary file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ef {
    TokenInfo,
    Certificate(Certificate),
    Pin(PinKind),
    /// A private key of the PIN that unlocks it: never readable.
    Key(PinKind),
}

impl Ef {
    fn find(app: App, id: u16) -> Option<Ef> {
        match (app, id) {
            (App::Jpki, 0x0006) => Some(Ef::TokenInfo),
            (App::Jpki, 0x000A) => Some(Ef::Certificate(Certificate::Auth)),
            (App::Jpki, 0x000B) => Some(Ef::Certificate(Certificate::AuthCa)),
            (App::Jpki, 0x0001) => Some(Ef::Certificate(Certificate::Sign)),
            (App::Jpki, 0x0002) => Some(Ef::Certificate(Certificate::SignCa)),
            (App::Jpki, 0x0018) => Some(Ef::Pin(PinKind::Auth)),
            (App::Jpki, 0x001B) => Some(Ef::Pin(PinKind::Sign)),
            (App::Jpki, 0x0017) => Some(Ef::Key(PinKind::Auth)),
            (App::Jpki, 0x001A) => Some(Ef::Key(PinKind::Sign)),
            (App::CardInfo, 0x0011) => Some(Ef::Pin(PinKind::CardInfo)),
            _ => None,
        }
    }
}

/// What the card remembers until power-off or reset.
#[derive(Clone, Debug, Default)]
pub struct Model {
    app: Option<App>,
    ef: Option<Ef>,
    verified_auth: bool,
    verified_sign: bool,
    verified_card_info: bool,
}

impl Model {
    /// Forgets the selection and every verified PIN, as power-off or a reset does.
    pub fn clear(&mut self) {
        *self = Model::default();
    }

    /// Forgets the selection only (a warm reset on a card that keeps verified PINs).
    pub fn clear_selection(&mut self) {
        self.app = None;
        self.ef = None;
    }

    /// Whether `pin` was verified in this power cycle.
    pub fn is_verified(&self, pin: PinKind) -> bool {
        match pin {
            PinKind::Auth => self.verified_auth,
            PinKind::Sign => self.verified_sign,
            PinKind::CardInfo => self.verified_card_info,
        }
    }

    fn set_verified(&mut self, pin: PinKind, verified: bool) {
        match pin {
            PinKind::Auth => self.verified_auth = verified,
            PinKind::Sign => self.verified_sign = verified,
            PinKind::CardInfo => self.verified_card_info = verified,
        }
    }

    /// Runs one command APDU against `state`.
    pub fn execute(&mut self, state: &mut CardState, command: &[u8], quirks: Quirks) -> Answer {
        // CLA first, as the card checks it before anything else. CLA 80 is the JPKI
        // proprietary class: COMPUTE DIGITAL SIGNATURE only.
        let proprietary = match command.first() {
            Some(0x00) | None => false,
            Some(0x80) => true,
            Some(_) => return Answer::status(sw::CLA_NOT_SUPPORTED),
        };
        let Some(apdu) = Apdu::parse(command) else {
            return Answer::status(sw::WRONG_LENGTH);
        };
        match (proprietary, apdu.ins) {
            (false, 0xA4) => self.select(&apdu),
            (false, 0xB0) => self.read_binary(state, &apdu, quirks),
            (false, 0x20) => self.verify(state, &apdu, quirks),
            (false, 0x24) => self.change_reference_data(state, &apdu),
            (true, 0x2A) => self.compute_digital_signature(&apdu, quirks),
            _ => Answer::status(sw::INS_NOT_SUPPORTED),
        }
    }

    /// CHANGE REFERENCE DATA `00 24 01 80 Lc NEW` on the selected PIN EF: only after that PIN's
    /// VERIFY in this power cycle (else 6982); the counter is not touched.
    fn change_reference_data(&mut self, state: &mut CardState, apdu: &Apdu) -> Answer {
        if apdu.le.is_some() || apdu.data.is_empty() {
            return Answer::status(sw::WRONG_LENGTH);
        }
        if apdu.p1 != 0x01 || apdu.p2 != 0x80 {
            return Answer::status(sw::WRONG_P1_P2);
        }
        let Some(Ef::Pin(kind)) = self.ef else {
            return Answer::status(sw::CONDITIONS_NOT_SATISFIED);
        };
        if !self.is_verified(kind) {
            return Answer::status(sw::SECURITY_NOT_SATISFIED);
        }
        let new = match std::str::from_utf8(apdu.data) {
            Ok(text) if accepts(kind, text) => text.to_string(),
            _ => return Answer::status(sw::WRONG_DATA),
        };
        let pin = state.pin_mut(kind);
        pin.value.zeroize();
        pin.value = new;
        Answer::status(sw::SUCCESS)
    }

    /// COMPUTE DIGITAL SIGNATURE `80 2A 00 80 Lc DigestInfo Le` with the selected key: only
    /// after its PIN's VERIFY in this power cycle (else 6982). PKCS#1 v1.5 over the DigestInfo
    /// as given. The demo card's two certificates share one key, so both key EFs sign with it.
    fn compute_digital_signature(&self, apdu: &Apdu, quirks: Quirks) -> Answer {
        if apdu.data.is_empty() {
            return Answer::status(sw::WRONG_LENGTH);
        }
        if apdu.p1 != 0x00 || apdu.p2 != 0x80 {
            return Answer::status(sw::WRONG_P1_P2);
        }
        let Some(Ef::Key(kind)) = self.ef else {
            return Answer::status(sw::CONDITIONS_NOT_SATISFIED);
        };
        if !self.is_verified(kind) {
            return Answer::status(sw::SECURITY_NOT_SATISFIED);
        }
        let Some(key) = signing_key(quirks.check == Some(CheckFault::KeyMismatch)) else {
            return Answer::status(sw::CONDITIONS_NOT_SATISFIED);
        };
        let mut rng = rand_core::OsRng;
        match key.sign_with_rng(&mut rng, Pkcs1v15Sign::new_unprefixed(), apdu.data) {
            Ok(signature) => Answer {
                data: signature,
                sw: sw::SUCCESS,
            },
            Err(_) => Answer::status(sw::WRONG_DATA),
        }
    }

    fn select(&mut self, apdu: &Apdu) -> Answer {
        match apdu.p1 {
            // By DF name. An unknown AID is "not found" whatever P2 says, so probes for other
            // cards never see 9000; a failed SELECT keeps the current selection.
            0x04 => {
                if apdu.data.is_empty() {
                    return Answer::status(sw::WRONG_LENGTH);
                }
                let Some(app) = App::by_aid(apdu.data) else {
                    return Answer::status(sw::NOT_FOUND);
                };
                if apdu.p2 != 0x0C {
                    return Answer::status(sw::WRONG_P1_P2);
                }
                self.app = Some(app);
                self.ef = None;
                Answer::status(sw::SUCCESS)
            }
            // EF under the current application.
            0x02 => {
                let &[hi, lo] = apdu.data else {
                    return Answer::status(sw::WRONG_LENGTH);
                };
                let Some(ef) = self
                    .app
                    .and_then(|app| Ef::find(app, u16::from_be_bytes([hi, lo])))
                else {
                    return Answer::status(sw::NOT_FOUND);
                };
                if apdu.p2 != 0x0C {
                    return Answer::status(sw::WRONG_P1_P2);
                }
                self.ef = Some(ef);
                Answer::status(sw::SUCCESS)
            }
            // The MF (3F00), paths and parent/child DFs: nothing to find on this card.
            _ => Answer::status(sw::NOT_FOUND),
        }
    }

    fn read_binary(&self, state: &CardState, apdu: &Apdu, quirks: Quirks) -> Answer {
        let Some(le) = apdu.le else {
            return Answer::status(sw::WRONG_LENGTH);
        };
        if !apdu.data.is_empty() {
            return Answer::status(sw::WRONG_LENGTH);
        }
        // P1 bit 8 would name a short EF identifier; the JPKI tools never use it.
        if apdu.p1 & 0x80 != 0 {
            return Answer::status(sw::WRONG_P1_P2);
        }
        let Some(ef) = self.ef else {
            return Answer::status(sw::NO_CURRENT_EF);
        };
        let token_info;
        let contents: &[u8] = match ef {
            Ef::TokenInfo => {
                token_info = token_info_bytes(&state.token_label);
                &token_info
            }
            Ef::Certificate(Certificate::Auth)
                if quirks.check == Some(CheckFault::ExpiredCertificate) =>
            {
                EXPIRED_AUTH_CERTIFICATE
            }
            Ef::Certificate(Certificate::AuthCa) if quirks.check == Some(CheckFault::WrongCa) => {
                OTHER_AUTH_CA_CERTIFICATE
            }
            Ef::Certificate(Certificate::Auth) => &state.certificates.auth,
            Ef::Certificate(Certificate::AuthCa) => &state.certificates.auth_ca,
            Ef::Certificate(Certificate::SignCa) => &state.certificates.sign_ca,
            Ef::Certificate(Certificate::Sign) if self.verified_sign => &state.certificates.sign,
            Ef::Certificate(Certificate::Sign) | Ef::Pin(_) | Ef::Key(_) => {
                return Answer::status(sw::SECURITY_NOT_SATISFIED)
            }
        };
        let offset = usize::from(u16::from_be_bytes([apdu.p1, apdu.p2]));
        if offset >= contents.len() {
            return Answer::status(sw::BEYOND_END);
        }
        let left = contents.len() - offset;
        if le > left && quirks.strict_le {
            return Answer::status(sw::wrong_le(left));
        }
        let cap = quirks.read_binary_cap.map_or(usize::MAX, usize::from);
        Answer {
            data: contents[offset..offset + le.min(left).min(cap)].to_vec(),
            sw: sw::SUCCESS,
        }
    }

    fn verify(&mut self, state: &mut CardState, apdu: &Apdu, quirks: Quirks) -> Answer {
        if apdu.le.is_some() {
            return Answer::status(sw::WRONG_LENGTH);
        }
        if apdu.p1 != 0x00 || apdu.p2 != 0x80 {
            return Answer::status(sw::WRONG_P1_P2);
        }
        let Some(Ef::Pin(kind)) = self.ef else {
            return Answer::status(sw::CONDITIONS_NOT_SATISFIED);
        };
        let pin = state.pin_mut(kind);
        if apdu.data.is_empty() {
            // The retry counter read. JPKI keeps answering 63Cx even after a correct PIN
            // (OpenSC PR #959); it never answers 9000 here unless the fault asks for it.
            if quirks.empty_verify_answers_9000 {
                return Answer::status(sw::SUCCESS);
            }
            return Answer::status(sw::tries_left(pin.tries_left));
        }
        if pin.tries_left == 0 {
            return Answer::status(sw::PIN_BLOCKED);
        }
        if apdu.data == pin.value.as_bytes() {
            pin.tries_left = pin.max_tries;
            self.set_verified(kind, true);
            Answer::status(sw::SUCCESS)
        } else {
            pin.tries_left -= 1;
            let left = pin.tries_left;
            self.set_verified(kind, false);
            Answer::status(sw::tries_left(left))
        }
    }
}

/// EF 0006: the label, space padded to 32 bytes.
fn token_info_bytes(label: &str) -> Vec<u8> {
    let mut bytes = label.as_bytes().to_vec();
    bytes.truncate(32);
    bytes.resize(32, b' ');
    bytes
}
