//! What a device certificate says about itself, read from its PEM.

use super::key_algorithm::KeyAlgorithm;
use ::time::format_description::well_known::Rfc3339;
use ::time::OffsetDateTime;
use serde::{Deserialize, Serialize};
use x509_parser::prelude::*;

/// The facts the console shows for a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateFacts {
    pub subject: String,
    pub issuer: String,
    /// "RSA", "EC P-256", …
    pub key_algorithm: String,
    pub key_bits: u32,
    /// RFC 3339, UTC.
    pub not_before: String,
    pub not_after: String,
    pub serial_hex: String,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    #[error("the text is not a PEM certificate")]
    NotPem,
    #[error("the certificate could not be read: {0}")]
    Malformed(String),
}

/// Hands the first certificate of a PEM text to `read`.
pub fn with_certificate<R>(
    pem_text: &str,
    read: impl FnOnce(&X509Certificate<'_>) -> R,
) -> Result<R, CertError> {
    let (_, pem) = parse_x509_pem(pem_text.as_bytes()).map_err(|_| CertError::NotPem)?;
    if pem.label != "CERTIFICATE" {
        return Err(CertError::NotPem);
    }
    let cert = pem
        .parse_x509()
        .map_err(|e| CertError::Malformed(e.to_string()))?;
    Ok(read(&cert))
}

/// The algorithm of a key as x509-parser reads it (a certificate's or a CSR's).
pub(crate) fn key_algorithm_of(spki: &SubjectPublicKeyInfo<'_>) -> KeyAlgorithm {
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|c| c.to_id_string());
    KeyAlgorithm::from_oids(&spki.algorithm.algorithm.to_id_string(), curve.as_deref())
}

/// Reads the first certificate of a PEM text.
pub fn parse_certificate_pem(pem_text: &str) -> Result<CertificateFacts, CertError> {
    with_certificate(pem_text, facts)
}

fn facts(cert: &X509Certificate<'_>) -> CertificateFacts {
    let spki = cert.public_key();
    let key_algorithm = key_algorithm_of(spki).name();
    let key_bits = spki.parsed().map(|k| k.key_size() as u32).unwrap_or(0);
    CertificateFacts {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        key_algorithm,
        key_bits,
        not_before: rfc3339(cert.validity().not_before.timestamp()),
        not_after: rfc3339(cert.validity().not_after.timestamp()),
        serial_hex: cert.raw_serial_as_string().replace(':', ""),
    }
}

/// Formats Unix seconds as RFC 3339 UTC; the empty string for out-of-range values.
pub fn rfc3339(unix_seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix_seconds)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Whole days from `now` to `until` (both Unix seconds), rounded down; negative when past.
pub fn days_between(now: i64, until: i64) -> i64 {
    (until - now).div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Made with: openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
    //   -subj "/CN=sensor-test/O=Warden Test" -days 3650 (fixed so the test needs no tool).
    const EC_CERT: &str = include_str!("testdata/ec-p256.pem");
    const RSA_CERT: &str = include_str!("testdata/rsa-2048.pem");

    #[test]
    fn reads_an_ec_certificate() {
        let f = parse_certificate_pem(EC_CERT).unwrap();
        assert_eq!(f.key_algorithm, "EC P-256");
        assert_eq!(f.key_bits, 256);
        assert!(f.subject.contains("CN=sensor-test"), "{}", f.subject);
        assert_eq!(f.subject, f.issuer, "self-signed");
        assert!(f.not_before < f.not_after);
    }

    #[test]
    fn reads_an_rsa_certificate() {
        let f = parse_certificate_pem(RSA_CERT).unwrap();
        assert_eq!(f.key_algorithm, "RSA");
        assert_eq!(f.key_bits, 2048);
    }

    #[test]
    fn refuses_what_is_not_a_certificate() {
        assert_eq!(parse_certificate_pem("hello"), Err(CertError::NotPem));
        let key = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
        assert!(parse_certificate_pem(key).is_err());
        let broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(matches!(
            parse_certificate_pem(broken),
            Err(CertError::Malformed(_))
        ));
    }

    #[test]
    fn formats_dates_and_counts_days() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(days_between(0, 86_400 * 3 + 5), 3);
        assert_eq!(days_between(86_400, 0), -1);
    }
}
