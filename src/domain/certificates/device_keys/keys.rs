//! Making a key pair, and reading one back from PEM.

use super::{DeviceKeyPair, KeyError, KeyKind};
use crate::domain::certificates::key_algorithm::{KeyAlgorithm, EC_PUBLIC_KEY, RSA_ENCRYPTION};
use getrandom::SysRng;
use p256::elliptic_curve::Generate;
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::pkcs1::DecodeRsaPrivateKey;
use x509_cert::der::{pem, Decode};

/// Modulus size of [`KeyKind::Rsa2048`] keys.
pub(super) const RSA_BITS: usize = 2048;

/// Makes a new key pair with the system's secure random generator (`crypto.getRandomValues`
/// in the browser). RSA 2048 takes a noticeable moment (a second or more in a browser).
pub fn generate_key_pair(kind: KeyKind) -> Result<DeviceKeyPair, KeyError> {
    let (private_key_pem, public_key_pem) = match kind {
        KeyKind::EcP256 => {
            let key = p256::SecretKey::try_generate_from_rng(&mut SysRng)
                .map_err(|e| KeyError::Randomness(e.to_string()))?;
            pem_pair(&key, &key.public_key())?
        }
        KeyKind::Rsa2048 => {
            let key = rsa::PrivateKey::new(&mut SysRng, RSA_BITS).map_err(|e| match e {
                rsa::Error::Rng => KeyError::Randomness(e.to_string()),
                other => KeyError::Generation {
                    kind,
                    detail: other.to_string(),
                },
            })?;
            pem_pair(&key, key.as_ref())?
        }
    };
    Ok(DeviceKeyPair {
        kind,
        private_key_pem,
        public_key_pem,
    })
}

fn pem_pair(
    private: &impl EncodePrivateKey,
    public: &impl EncodePublicKey,
) -> Result<(String, String), KeyError> {
    let private_pem = private
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| KeyError::Encoding(e.to_string()))?;
    let public_pem = public
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| KeyError::Encoding(e.to_string()))?;
    Ok((private_pem.to_string(), public_pem))
}

/// A private key read back from PEM.
pub(super) enum PrivateKey {
    EcP256(p256::SecretKey),
    /// Boxed: an RSA key is some 260 bytes beside P-256's 32.
    Rsa(Box<rsa::PrivateKey>),
}

impl PrivateKey {
    /// The DER SubjectPublicKeyInfo of the key's public half.
    pub(super) fn public_key_der(&self) -> Result<Vec<u8>, KeyError> {
        let doc = match self {
            PrivateKey::EcP256(key) => key.public_key().to_public_key_der(),
            PrivateKey::Rsa(key) => rsa_public(key).to_public_key_der(),
        };
        doc.map(|d| d.as_bytes().to_vec())
            .map_err(|e| KeyError::Encoding(e.to_string()))
    }
}

/// The public half of an RSA private key.
pub(super) fn rsa_public(key: &rsa::PrivateKey) -> &rsa::PublicKey {
    key.as_ref()
}

/// Reads the first private key block of a PEM text: PKCS #8 (`PRIVATE KEY`, what
/// [`generate_key_pair`] writes), SEC1 (`EC PRIVATE KEY`, OpenSSL's EC format, possibly after
/// an `EC PARAMETERS` block) or PKCS #1 (`RSA PRIVATE KEY`, what AWS's
/// `CreateKeysAndCertificate` returns).
pub(super) fn read_private_key(pem_text: &str) -> Result<PrivateKey, KeyError> {
    for block in pem_blocks(pem_text) {
        let label = pem_label(block);
        if !matches!(
            label,
            "PRIVATE KEY" | "EC PRIVATE KEY" | "RSA PRIVATE KEY" | "ENCRYPTED PRIVATE KEY"
        ) {
            continue;
        }
        let der = match pem::decode_vec(block.as_bytes()) {
            Ok((_, der)) => der,
            Err(e) => return Err(KeyError::MalformedPrivateKey(e.to_string())),
        };
        return match label {
            "PRIVATE KEY" => read_pkcs8(&der),
            "EC PRIVATE KEY" => p256::SecretKey::from_sec1_der(&der)
                .map(PrivateKey::EcP256)
                .map_err(|_| ec_not_p256_or_malformed(&der)),
            "RSA PRIVATE KEY" => rsa::PrivateKey::from_pkcs1_der(&der)
                .map(|key| PrivateKey::Rsa(Box::new(key)))
                .map_err(|e| KeyError::MalformedPrivateKey(e.to_string())),
            _ => Err(KeyError::EncryptedPrivateKey),
        };
    }
    Err(KeyError::PrivateKeyNotPem)
}

fn read_pkcs8(der: &[u8]) -> Result<PrivateKey, KeyError> {
    let info = p256::pkcs8::PrivateKeyInfoRef::from_der(der)
        .map_err(|e| KeyError::MalformedPrivateKey(e.to_string()))?;
    let algorithm = info.algorithm.oid.to_string();
    match algorithm.as_str() {
        EC_PUBLIC_KEY => match p256::SecretKey::from_pkcs8_der(der) {
            Ok(key) => Ok(PrivateKey::EcP256(key)),
            Err(_) => {
                let curve = info
                    .algorithm
                    .parameters_oid()
                    .map(|oid| oid.to_string())
                    .unwrap_or_default();
                if curve == "1.2.840.10045.3.1.7" {
                    Err(KeyError::MalformedPrivateKey(
                        "the EC P-256 key's content is invalid".into(),
                    ))
                } else {
                    Err(KeyError::UnsupportedPrivateKey(format!(
                        "EC key on curve {}",
                        KeyAlgorithm::from_oids(EC_PUBLIC_KEY, Some(&curve)).curve_name()
                    )))
                }
            }
        },
        RSA_ENCRYPTION => rsa::PrivateKey::from_pkcs8_der(der)
            .map(|key| PrivateKey::Rsa(Box::new(key)))
            .map_err(|e| KeyError::MalformedPrivateKey(e.to_string())),
        other => Err(KeyError::UnsupportedPrivateKey(format!(
            "algorithm {}",
            KeyAlgorithm::from_oids(other, None).name()
        ))),
    }
}

/// A SEC1 key that p256 refused: on another curve (named in its optional parameters, found by
/// their DER bytes; this is only for the message), or broken.
fn ec_not_p256_or_malformed(der: &[u8]) -> KeyError {
    const OTHER_CURVES: [(&[u8], &str); 3] = [
        (&[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22], "P-384"),
        (&[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23], "P-521"),
        (&[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a], "secp256k1"),
    ];
    for (oid, name) in OTHER_CURVES {
        if der.windows(oid.len()).any(|w| w == oid) {
            return KeyError::UnsupportedPrivateKey(format!("EC key on curve {name}"));
        }
    }
    KeyError::MalformedPrivateKey("the EC private key is not a valid P-256 key".into())
}

/// The `-----BEGIN …-----` … `-----END …-----` blocks of a text, in order, each as written.
pub(super) fn pem_blocks(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find("-----BEGIN ")?;
        let after_begin = &rest[start..];
        let end_marker = after_begin.find("-----END ")?;
        let tail = &after_begin[end_marker + "-----END ".len()..];
        let close = tail.find("-----")?;
        let block_len = end_marker + "-----END ".len() + close + "-----".len();
        let block = &after_begin[..block_len];
        rest = &after_begin[block_len..];
        Some(block)
    })
}

/// The label of a block from [`pem_blocks`]: the words between `-----BEGIN ` and `-----`.
pub(super) fn pem_label(block: &str) -> &str {
    let after = block.strip_prefix("-----BEGIN ").unwrap_or("");
    after.split("-----").next().unwrap_or("")
}
