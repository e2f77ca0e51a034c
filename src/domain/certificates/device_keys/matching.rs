//! Whether a private key belongs to a certificate.

use super::keys::{pem_blocks, pem_label, read_private_key, rsa_public, PrivateKey};
use super::KeyError;
use p256::pkcs8::DecodePublicKey;
use x509_parser::prelude::*;

/// True when the first certificate in `certificate_pem` carries the public half of the key in
/// `private_key_pem` (PKCS #8, SEC1 or PKCS #1 PEM). A certificate for another key, of another
/// type or on another curve gives `Ok(false)`; only unreadable input is an error.
///
/// The public keys are compared as keys, not as bytes, so a certificate that encodes the same
/// EC point compressed still matches.
pub fn key_matches_certificate(
    private_key_pem: &str,
    certificate_pem: &str,
) -> Result<bool, KeyError> {
    let key = read_private_key(private_key_pem)?;
    let spki = certificate_spki_der(certificate_pem)?;
    Ok(match key {
        PrivateKey::EcP256(secret) => {
            matches!(p256::PublicKey::from_public_key_der(&spki), Ok(public) if public == secret.public_key())
        }
        PrivateKey::Rsa(private) => {
            matches!(rsa::PublicKey::from_public_key_der(&spki), Ok(public) if &public == rsa_public(&private))
        }
    })
}

/// The DER SubjectPublicKeyInfo of the first certificate in a PEM text.
fn certificate_spki_der(certificate_pem: &str) -> Result<Vec<u8>, KeyError> {
    let block = pem_blocks(certificate_pem)
        .next()
        .filter(|b| pem_label(b) == "CERTIFICATE")
        .ok_or(KeyError::CertificateNotPem)?;
    let (_, pem) = parse_x509_pem(block.as_bytes())
        .map_err(|e| KeyError::MalformedCertificate(e.to_string()))?;
    let cert = pem
        .parse_x509()
        .map_err(|e| KeyError::MalformedCertificate(e.to_string()))?;
    Ok(cert.public_key().raw.to_vec())
}
