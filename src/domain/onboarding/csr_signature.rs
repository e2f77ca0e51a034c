//! A CSR's self-signature, verified before the CSR is sent to be signed.
//!
//! A certificate signing request proves that its sender holds the private key of the public
//! key it carries: the request is signed with that key (PKCS #10, RFC 2986 §3). A request whose
//! signature does not verify names a key its sender may not hold, someone else's device key
//! copied from a certificate, say. Signing it would mint a certificate for a key the console
//! cannot vouch for, and a resumed bulk job, which finds lost certificates by their key, could
//! then adopt another device's certificate. So it is refused here, in the browser's check and
//! the server's alike.
//!
//! Verified: RSA PKCS #1 v1.5 with SHA-256/384/512, ECDSA with SHA-256/384/512 on the three
//! curves AWS IoT accepts (P-256, P-384, P-521). SHA-1 is refused (broken for signatures), as
//! is anything else, with a sentence saying what to use instead.

use crate::domain::certificates::key_algorithm::KeyAlgorithm;
use p256::pkcs8::DecodePublicKey;
use rsa::sha2::{Digest, Sha256, Sha384, Sha512};
use rsa::signature::Verifier;
use x509_parser::prelude::X509CertificationRequest;

#[derive(Clone, Copy)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha384 => Sha384::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
}

enum Scheme {
    RsaPkcs1(Hash),
    Ecdsa(Hash),
}

const DOES_NOT_VERIFY: &str = "The CSR's signature does not verify against its own public key: it was changed after signing, or made for a key its sender does not hold. Make the CSR again with the device's key.";

/// `Ok` when `csr` is signed by the key it carries (`algorithm`, as the caller read it from
/// the request); otherwise one sentence.
pub(crate) fn verify_self_signature(
    csr: &X509CertificationRequest,
    algorithm: &KeyAlgorithm,
) -> Result<(), String> {
    let info = &csr.certification_request_info;
    let signed = info.raw;
    let signature = csr.signature_value.data.as_ref();
    let spki = info.subject_pki.raw;
    let scheme = match csr.signature_algorithm.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.11" => Scheme::RsaPkcs1(Hash::Sha256),
        "1.2.840.113549.1.1.12" => Scheme::RsaPkcs1(Hash::Sha384),
        "1.2.840.113549.1.1.13" => Scheme::RsaPkcs1(Hash::Sha512),
        "1.2.840.10045.4.3.2" => Scheme::Ecdsa(Hash::Sha256),
        "1.2.840.10045.4.3.3" => Scheme::Ecdsa(Hash::Sha384),
        "1.2.840.10045.4.3.4" => Scheme::Ecdsa(Hash::Sha512),
        "1.2.840.113549.1.1.5" | "1.2.840.10045.4.1" => {
            return Err("The CSR is signed with SHA-1, which is no longer safe for signatures; make it again with SHA-256 (openssl req … -sha256).".into())
        }
        other => {
            return Err(format!(
                "The CSR is signed with algorithm {other}, which the console does not verify; sign it with SHA-256 and RSA PKCS #1 v1.5 or ECDSA."
            ))
        }
    };
    let verified = match scheme {
        Scheme::RsaPkcs1(hash) => verify_rsa(spki, hash, signed, signature),
        Scheme::Ecdsa(hash) => {
            let prehash = hash.digest(signed);
            match algorithm {
                KeyAlgorithm::NistEc(256) => verify_p256(spki, &prehash, signature),
                KeyAlgorithm::NistEc(384) => verify_p384(spki, &prehash, signature),
                KeyAlgorithm::NistEc(521) => verify_p521(spki, &prehash, signature),
                _ => false,
            }
        }
    };
    verified
        .then_some(())
        .ok_or_else(|| DOES_NOT_VERIFY.to_string())
}

fn verify_rsa(spki: &[u8], hash: Hash, signed: &[u8], signature: &[u8]) -> bool {
    let Ok(public) = rsa::PublicKey::from_public_key_der(spki) else {
        return false;
    };
    let Ok(sig) = rsa::pkcs1v15::Signature::try_from(signature) else {
        return false;
    };
    match hash {
        Hash::Sha256 => rsa::pkcs1v15::VerifyingKey::<Sha256>::new(public).verify(signed, &sig),
        Hash::Sha384 => rsa::pkcs1v15::VerifyingKey::<Sha384>::new(public).verify(signed, &sig),
        Hash::Sha512 => rsa::pkcs1v15::VerifyingKey::<Sha512>::new(public).verify(signed, &sig),
    }
    .is_ok()
}

/// ECDSA over a prehash, for each curve's own crate (their key types differ).
macro_rules! verify_ecdsa {
    ($name:ident, $curve:ident) => {
        fn $name(spki: &[u8], prehash: &[u8], signature: &[u8]) -> bool {
            use $curve::ecdsa::signature::hazmat::PrehashVerifier;
            let Ok(key) = $curve::ecdsa::VerifyingKey::from_public_key_der(spki) else {
                return false;
            };
            let Ok(sig) = $curve::ecdsa::Signature::from_der(signature) else {
                return false;
            };
            key.verify_prehash(prehash, &sig).is_ok()
        }
    };
}
verify_ecdsa!(verify_p256, p256);
verify_ecdsa!(verify_p384, p384);
verify_ecdsa!(verify_p521, p521);
