//! The certificate files mynapin reads.

use crate::i18n::Lang;

/// The certificate files mynapin reads. The signature certificate (EF 0001) needs the signature
/// password and is out of scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificateFile {
    /// EF 000A: the user-authentication certificate (利用者証明用電子証明書).
    Auth,
    /// EF 000B: the CA certificate that issued the auth certificate.
    AuthCa,
    /// EF 0002: the CA certificate that issued the signature certificate.
    SignCa,
}

impl CertificateFile {
    /// All of them, in `--which` order.
    pub const ALL: [CertificateFile; 3] = [
        CertificateFile::Auth,
        CertificateFile::AuthCa,
        CertificateFile::SignCa,
    ];

    /// The elementary file in the JPKI application.
    pub fn ef(self) -> [u8; 2] {
        match self {
            CertificateFile::Auth => [0x00, 0x0A],
            CertificateFile::AuthCa => [0x00, 0x0B],
            CertificateFile::SignCa => [0x00, 0x02],
        }
    }

    /// The name used by `--which` and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            CertificateFile::Auth => "auth",
            CertificateFile::AuthCa => "auth-ca",
            CertificateFile::SignCa => "sign-ca",
        }
    }

    /// What the certificate is, for people.
    pub fn title(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (CertificateFile::Auth, Lang::En) => "user-authentication certificate",
            (CertificateFile::Auth, Lang::Ja) => "利用者証明用電子証明書",
            (CertificateFile::AuthCa, Lang::En) => {
                "CA certificate of the user-authentication certificate"
            }
            (CertificateFile::AuthCa, Lang::Ja) => "利用者証明用電子証明書の認証局（CA）証明書",
            (CertificateFile::SignCa, Lang::En) => "CA certificate of the signature certificate",
            (CertificateFile::SignCa, Lang::Ja) => "署名用電子証明書の認証局（CA）証明書",
        }
    }

    /// The EF as four hex digits, e.g. `000A`.
    pub fn ef_hex(self) -> String {
        hex::encode_upper(self.ef())
    }
}
