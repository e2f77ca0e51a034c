//! Checks a certificate signing request before it is sent to `CreateCertificateFromCsr`.
//!
//! AWS's rule (CreateCertificateFromCsr,
//! <https://docs.aws.amazon.com/iot/latest/apireference/API_CreateCertificateFromCsr.html>):
//! "The CSR must include a public key that is either an RSA key with a length of at least 2048
//! bits or an ECC key from NIST P-256, NIST P-384, or NIST P-521 curves."
//!
//! The CSR's self-signature is verified too ([`super::csr_signature`], pure RustCrypto, so the
//! browser's check and the server's are the same): a request not signed by its own key is
//! refused before AWS sees it.

use crate::domain::certificates::facts::key_algorithm_of;
use crate::domain::certificates::key_algorithm::KeyAlgorithm;
use serde::{Deserialize, Serialize};
use x509_parser::prelude::*;

/// The PEM label of a PKCS #10 request (RFC 7468, section 7).
pub const CSR_PEM_LABEL: &str = "CERTIFICATE REQUEST";
/// Largest CSR read, before parsing: an RSA 4096 request with a long subject is under 2 KB.
pub const MAX_CSR_BYTES: usize = 16 * 1024;
/// Smallest RSA key AWS signs (CreateCertificateFromCsr).
pub const MIN_RSA_BITS: u32 = 2048;

/// What an accepted CSR holds, for the review page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsrFacts {
    pub subject: String,
    /// "EC P-256", "EC P-384", "EC P-521" or "RSA".
    pub key_algorithm: String,
    pub key_bits: u32,
}

/// Reads one PEM certificate request and checks its key against AWS's rule. The error is one
/// sentence saying what is wrong.
pub fn check_csr_pem(pem_text: &str) -> Result<CsrFacts, String> {
    read_csr(pem_text).map(|(facts, _)| facts)
}

/// As [`check_csr_pem`], also handing back the DER public key (SubjectPublicKeyInfo), so the
/// planner can spot one key pair used for two devices.
pub(crate) fn read_csr(pem_text: &str) -> Result<(CsrFacts, Vec<u8>), String> {
    let text = pem_text.trim();
    if text.len() > MAX_CSR_BYTES {
        return Err(format!(
            "The CSR is {} KB; a certificate request is at most {} KB.",
            text.len() / 1024,
            MAX_CSR_BYTES / 1024
        ));
    }
    let begin = format!("-----BEGIN {CSR_PEM_LABEL}-----");
    if !text.starts_with("-----BEGIN ") {
        return Err(format!(
            "The CSR is not PEM text: it must start with \"{begin}\"."
        ));
    }
    let (rest, pem) = parse_x509_pem(text.as_bytes())
        .map_err(|e| format!("The CSR's PEM could not be read ({e})."))?;
    if pem.label != CSR_PEM_LABEL {
        return Err(format!(
            "The PEM is a \"{}\", not a \"{CSR_PEM_LABEL}\".",
            pem.label
        ));
    }
    if !rest.iter().all(|b| b.is_ascii_whitespace()) {
        return Err("The CSR cell holds more than one PEM block or text after it; put exactly one request in it.".into());
    }
    let (left, csr) = X509CertificationRequest::from_der(&pem.contents)
        .map_err(|e| format!("The CSR's content is not a valid PKCS #10 request ({e})."))?;
    if !left.is_empty() {
        return Err(format!(
            "The CSR's content has {} stray bytes after the request.",
            left.len()
        ));
    }
    let info = &csr.certification_request_info;
    let spki = &info.subject_pki;
    let algorithm = key_algorithm_of(spki);
    let (key_algorithm, key_bits) = match &algorithm {
        KeyAlgorithm::Rsa => {
        let bits = match spki.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(key)) => key.key_size() as u32,
            _ => return Err("The CSR's RSA public key could not be read.".into()),
        };
        if bits < MIN_RSA_BITS {
            return Err(format!(
                "The CSR's RSA key has {bits} bits; AWS IoT requires at least {MIN_RSA_BITS}."
            ));
        }
        ("RSA".to_string(), bits)
        }
        KeyAlgorithm::NistEc(bits) => (algorithm.name(), *bits),
        KeyAlgorithm::OtherEc(Some(curve)) => {
            return Err(format!(
                "The CSR's EC key is on curve {curve}; AWS IoT accepts only NIST P-256, P-384 and P-521."
            ))
        }
        KeyAlgorithm::OtherEc(None) => return Err("The CSR's EC key names no curve; AWS IoT accepts only NIST P-256, P-384 and P-521.".into()),
        KeyAlgorithm::Other(name) => {
            return Err(format!(
                "The CSR's key type {name} is not accepted; AWS IoT takes RSA (at least {MIN_RSA_BITS} bits) or EC on NIST P-256, P-384 or P-521."
            ))
        }
    };
    super::csr_signature::verify_self_signature(&csr, &algorithm)?;
    let facts = CsrFacts {
        subject: info.subject.to_string(),
        key_algorithm,
        key_bits,
    };
    Ok((facts, spki.raw.to_vec()))
}

/// True when `certificate_pem` certifies the key in `csr_pem`: their SubjectPublicKeyInfo is
/// the same. AWS copies the CSR's key into the certificate it signs, so this finds the
/// certificate a lost CreateCertificateFromCsr answer made. Unreadable input is no match.
pub fn csr_matches_certificate(csr_pem: &str, certificate_pem: &str) -> bool {
    let Ok((_, csr_key)) = read_csr(csr_pem) else {
        return false;
    };
    crate::domain::certificates::facts::with_certificate(certificate_pem.trim(), |c| {
        c.public_key().raw == csr_key.as_slice()
    })
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Made once with: openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
    //   -keyout /dev/null -subj /CN=t (P-384 likewise; RSA with -newkey rsa:1024 / rsa:2048).
    const EC_P256: &str = include_str!("testdata/csr-ec-p256.pem");
    const EC_P384: &str = include_str!("testdata/csr-ec-p384.pem");
    const RSA_1024: &str = include_str!("testdata/csr-rsa-1024.pem");
    const RSA_2048: &str = include_str!("testdata/csr-rsa-2048.pem");
    // A certificate, not a request.
    const CERT: &str = include_str!("../certificates/testdata/ec-p256.pem");

    // Source for the key rule: CreateCertificateFromCsr, "either an RSA key with a length of at
    // least 2048 bits or an ECC key from NIST P-256, NIST P-384, or NIST P-521 curves".
    // https://docs.aws.amazon.com/iot/latest/apireference/API_CreateCertificateFromCsr.html
    #[test]
    fn accepts_ec_and_large_rsa_keys() {
        let f = check_csr_pem(EC_P256).unwrap();
        assert_eq!(
            (f.key_algorithm.as_str(), f.key_bits, f.subject.as_str()),
            ("EC P-256", 256, "CN=t")
        );
        assert_eq!(check_csr_pem(EC_P384).unwrap().key_algorithm, "EC P-384");
        let r = check_csr_pem(RSA_2048).unwrap();
        assert_eq!((r.key_algorithm.as_str(), r.key_bits), ("RSA", 2048));
    }

    // Same source: RSA below 2048 bits is refused.
    #[test]
    fn refuses_small_rsa_keys() {
        assert_eq!(
            check_csr_pem(RSA_1024),
            Err("The CSR's RSA key has 1024 bits; AWS IoT requires at least 2048.".into())
        );
    }

    #[test]
    fn refuses_what_is_not_a_request() {
        assert_eq!(
            check_csr_pem(CERT),
            Err("The PEM is a \"CERTIFICATE\", not a \"CERTIFICATE REQUEST\".".into())
        );
        assert!(check_csr_pem("hello")
            .unwrap_err()
            .starts_with("The CSR is not PEM text"));
        assert!(check_csr_pem("")
            .unwrap_err()
            .starts_with("The CSR is not PEM text"));
        let truncated: String = EC_P256.lines().take(3).collect::<Vec<_>>().join("\n");
        assert!(check_csr_pem(&truncated)
            .unwrap_err()
            .starts_with("The CSR's PEM could not be read"));
        let two = format!("{EC_P256}{EC_P256}");
        assert!(check_csr_pem(&two)
            .unwrap_err()
            .contains("more than one PEM block"));
    }

    #[test]
    fn refuses_garbage_inside_a_valid_pem_envelope() {
        // Valid base64, but not DER of a request.
        let junk = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n";
        assert!(check_csr_pem(junk)
            .unwrap_err()
            .starts_with("The CSR's content is not a valid PKCS #10 request"));
        let bad_base64 =
            "-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n";
        assert!(check_csr_pem(bad_base64)
            .unwrap_err()
            .starts_with("The CSR's PEM could not be read"));
    }

    #[test]
    fn matches_a_certificate_to_its_csr_by_key() {
        let csr = include_str!("testdata/csr-ec-p256.pem");
        let other = include_str!("../certificates/testdata/ec-p256.pem");
        assert!(!csr_matches_certificate(csr, other));
        assert!(!csr_matches_certificate("not a csr", other));
        assert!(!csr_matches_certificate(csr, "not a certificate"));
    }

    #[test]
    fn reads_crlf_line_endings() {
        let crlf = EC_P256.replace('\n', "\r\n");
        assert_eq!(check_csr_pem(&crlf).unwrap().key_algorithm, "EC P-256");
    }

    fn der_of(pem_text: &str) -> Vec<u8> {
        parse_x509_pem(pem_text.as_bytes()).unwrap().1.contents
    }

    fn pem_of(der: &[u8]) -> String {
        x509_cert::der::pem::encode_string(CSR_PEM_LABEL, x509_cert::der::pem::LineEnding::LF, der)
            .unwrap()
    }

    // The self-signature (PKCS #10, RFC 2986 §3: the request is signed with the private key of
    // the public key it carries). Security review finding 3.
    #[test]
    fn verifies_the_self_signature_for_every_accepted_key_and_hash() {
        for (name, pem) in [
            ("P-256/SHA-256", EC_P256),
            ("P-384/SHA-384", EC_P384),
            ("P-521/SHA-512", include_str!("testdata/csr-ec-p521.pem")),
            (
                "P-256/SHA-384",
                include_str!("testdata/csr-ec-p256-sha384.pem"),
            ),
            ("RSA/SHA-256", RSA_2048),
            (
                "RSA/SHA-512",
                include_str!("testdata/csr-rsa-2048-sha512.pem"),
            ),
        ] {
            assert!(
                check_csr_pem(pem).is_ok(),
                "{name}: {:?}",
                check_csr_pem(pem)
            );
        }
        use crate::domain::certificates::device_keys::{build_csr, generate_key_pair, KeyKind};
        for kind in [KeyKind::EcP256, KeyKind::Rsa2048] {
            let keys = generate_key_pair(kind).unwrap();
            let csr = build_csr(&keys, "dev-1").unwrap();
            assert!(
                check_csr_pem(&csr).is_ok(),
                "the browser's own {kind:?} CSR"
            );
        }
    }

    #[test]
    fn refuses_a_request_changed_after_signing() {
        let mut der = der_of(EC_P256);
        // The subject's CN "t" becomes "u": the signed bytes change, the signature does not.
        let at = der
            .windows(2)
            .position(|w| w == [0x0c, 0x01])
            .expect("CN as a UTF8String")
            + 2;
        assert_eq!(der[at], b't');
        der[at] = b'u';
        let e = check_csr_pem(&pem_of(&der)).unwrap_err();
        assert!(e.starts_with("The CSR's signature does not verify"), "{e}");
    }

    #[test]
    fn refuses_someone_elses_public_key_under_a_signature_it_did_not_make() {
        // The attack: a CSR carrying another device's public key (copied from its certificate),
        // signed with the attacker's own key. Same curve, so the key bytes splice in place.
        use crate::domain::certificates::device_keys::{build_csr, generate_key_pair, KeyKind};
        let attacker = generate_key_pair(KeyKind::EcP256).unwrap();
        let victim = generate_key_pair(KeyKind::EcP256).unwrap();
        let csr = build_csr(&attacker, "dev-1").unwrap();
        let mut der = der_of(&csr);
        let (_, req) = X509CertificationRequest::from_der(&der).unwrap();
        let own_key = req.certification_request_info.subject_pki.raw.to_vec();
        let victim_key = der_of(&victim.public_key_pem.replace("PUBLIC KEY", CSR_PEM_LABEL));
        assert_eq!(own_key.len(), victim_key.len());
        let at = der
            .windows(own_key.len())
            .position(|w| w == own_key)
            .unwrap();
        der[at..at + own_key.len()].copy_from_slice(&victim_key);
        let forged = pem_of(&der);
        let e = check_csr_pem(&forged).unwrap_err();
        assert!(e.starts_with("The CSR's signature does not verify"), "{e}");
        // The same for RSA: a signature cut short or zeroed never verifies.
        let mut der = der_of(RSA_2048);
        let last = der.len() - 1;
        der[last] ^= 0xff;
        assert!(check_csr_pem(&pem_of(&der))
            .unwrap_err()
            .contains("does not verify"));
    }

    #[test]
    fn refuses_sha1_signatures_with_the_way_out() {
        let e = check_csr_pem(include_str!("testdata/csr-rsa-2048-sha1.pem")).unwrap_err();
        assert!(e.contains("SHA-1") && e.contains("-sha256"), "{e}");
    }

    #[test]
    fn an_oversized_csr_is_refused_before_it_is_parsed() {
        let big = format!(
            "-----BEGIN CERTIFICATE REQUEST-----\n{}\n-----END CERTIFICATE REQUEST-----",
            "A".repeat(MAX_CSR_BYTES)
        );
        let e = check_csr_pem(&big).unwrap_err();
        assert!(e.contains("at most 16 KB"), "{e}");
    }
}
