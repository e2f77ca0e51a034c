//! Key material made in the admin's browser (issue 4): a device key pair, its certificate
//! signing request, the check that a downloaded key belongs to a certificate, and the zip the
//! wizard hands out.
//!
//! Pure Rust (RustCrypto, `zip`), no AWS, Leptos or tokio: it runs in the browser (wasm32,
//! randomness from `crypto.getRandomValues` through `getrandom`'s `wasm_js` backend) and in
//! native tests (the OS's generator). The private key never leaves this module except as the
//! PEM the user downloads; nothing here logs, and [`DeviceKeyPair`]'s `Debug` hides it.

mod bundle;
mod csr;
mod keys;
mod matching;

#[cfg(test)]
mod tests;

pub use bundle::{
    bundle_readme, bundle_zip, device_bundle, CERTIFICATE_FILE, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE,
    README_FILE,
};
pub use csr::{build_csr, MAX_COMMON_NAME_CHARS};
pub use keys::generate_key_pair;
pub use matching::key_matches_certificate;

use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of key pair made for a device. AWS IoT's `CreateCertificateFromCsr` accepts both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KeyKind {
    /// NIST P-256 (secp256r1) ECDSA: small, fast to make, the wizard's default.
    #[default]
    EcP256,
    /// RSA with a 2048-bit modulus and exponent 65537, for devices without ECC support.
    Rsa2048,
}

impl KeyKind {
    pub const ALL: [KeyKind; 2] = [KeyKind::EcP256, KeyKind::Rsa2048];

    /// The name the console shows, the same words as the CSR and certificate checks use.
    pub fn label(self) -> &'static str {
        match self {
            KeyKind::EcP256 => "EC P-256",
            KeyKind::Rsa2048 => "RSA 2048",
        }
    }
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A freshly made key pair, both halves as PEM text (LF line endings).
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceKeyPair {
    pub kind: KeyKind,
    /// PKCS #8, label `PRIVATE KEY`. Secret: shown to no one, only downloaded.
    pub private_key_pem: String,
    /// SubjectPublicKeyInfo, label `PUBLIC KEY`.
    pub public_key_pem: String,
}

impl fmt::Debug for DeviceKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceKeyPair")
            .field("kind", &self.kind)
            .field("private_key_pem", &"<redacted>")
            .field("public_key_pem", &self.public_key_pem)
            .finish()
    }
}

/// What went wrong making or reading key material. Each message is one sentence for the page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("The browser or operating system could not supply secure random numbers ({0}).")]
    Randomness(String),
    #[error("The {kind} key pair could not be generated ({detail}).")]
    Generation { kind: KeyKind, detail: String },
    #[error("The new key could not be written as PEM ({0}).")]
    Encoding(String),
    #[error("The common name must not be empty.")]
    EmptyCommonName,
    #[error("The common name is {0} characters long; at most {max} are allowed.", max = MAX_COMMON_NAME_CHARS)]
    CommonNameTooLong(usize),
    #[error(
        "The common name contains a control character, which a certificate subject cannot carry."
    )]
    CommonNameControlCharacter,
    #[error("The certificate signing request could not be built ({0}).")]
    Csr(String),
    #[error("The private key is not PEM text with a PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block.")]
    PrivateKeyNotPem,
    #[error(
        "The private key is encrypted with a passphrase; export it without one to use it here."
    )]
    EncryptedPrivateKey,
    #[error("The private key could not be read ({0}).")]
    MalformedPrivateKey(String),
    #[error("The private key is of a type this console does not make or check ({0}); only EC P-256 and RSA keys are supported.")]
    UnsupportedPrivateKey(String),
    #[error("The private key does not match the public key stored with it.")]
    InconsistentKeyPair,
    #[error("The certificate is not PEM text starting with a CERTIFICATE block.")]
    CertificateNotPem,
    #[error("The certificate could not be read ({0}).")]
    MalformedCertificate(String),
    #[error("The bundle cannot hold a file named \"{0}\": names must be non-empty relative paths without \"..\", backslashes or control characters.")]
    BadFileName(String),
    #[error("The bundle would hold two files named \"{0}\".")]
    DuplicateFileName(String),
    #[error("The zip bundle could not be written ({0}).")]
    Zip(String),
}
