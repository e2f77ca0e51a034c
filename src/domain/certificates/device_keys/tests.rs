//! Tests of the browser-made key material. RSA key generation is the slow part: the crates
//! doing it are built with `opt-level = 3` even in the test profile (Cargo.toml), and only one
//! test makes an RSA key, shared through a `OnceLock`.

use super::*;
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey};
use std::io::Read;
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;
use x509_cert::builder::{profile::BuilderProfile, Builder, CertificateBuilder};
use x509_cert::der::{Decode, EncodePem};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::Validity;
use x509_parser::prelude::*;

const THING: &str = "sensor-0042_lab:east";

fn ec_keys() -> DeviceKeyPair {
    generate_key_pair(KeyKind::EcP256).expect("EC P-256 key pair")
}

fn rsa_keys() -> &'static DeviceKeyPair {
    static KEYS: OnceLock<DeviceKeyPair> = OnceLock::new();
    KEYS.get_or_init(|| generate_key_pair(KeyKind::Rsa2048).expect("RSA 2048 key pair"))
}

/// Reads a PEM block's DER, checking its label.
fn pem_der(text: &str, label: &str) -> Vec<u8> {
    let (found, der) = x509_cert::der::pem::decode_vec(text.as_bytes()).expect("PEM");
    assert_eq!(found, label);
    der
}

/// A bare self-signed profile: subject = issuer, no extensions (a v1 certificate).
struct SelfSigned(Name);

impl BuilderProfile for SelfSigned {
    fn get_issuer(&self, subject: &Name) -> Name {
        subject.clone()
    }
    fn get_subject(&self) -> Name {
        self.0.clone()
    }
    fn build_extensions(
        &self,
        _: x509_cert::spki::SubjectPublicKeyInfoRef<'_>,
        _: x509_cert::spki::SubjectPublicKeyInfoRef<'_>,
        _: &x509_cert::TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<x509_cert::ext::Extension>> {
        Ok(Vec::new())
    }
}

/// A self-signed certificate for the pair's key, made with x509-cert's builder.
fn self_signed(keys: &DeviceKeyPair, cn: &str) -> String {
    let subject = Name::from_str(&format!("CN={cn}")).unwrap();
    let profile = SelfSigned(subject);
    let validity = Validity::from_now(Duration::from_secs(3600)).unwrap();
    let spki =
        SubjectPublicKeyInfoOwned::from_der(&pem_der(&keys.public_key_pem, "PUBLIC KEY")).unwrap();
    let builder =
        CertificateBuilder::new(profile, SerialNumber::from(7u32), validity, spki).unwrap();
    let cert = match keys.kind {
        KeyKind::EcP256 => {
            let signer = p256::ecdsa::SigningKey::from_pkcs8_pem(&keys.private_key_pem).unwrap();
            builder
                .build::<_, p256::ecdsa::DerSignature>(&signer)
                .unwrap()
        }
        KeyKind::Rsa2048 => {
            let signer = rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha256>::from_pkcs8_pem(
                &keys.private_key_pem,
            )
            .unwrap();
            builder
                .build::<_, rsa::pkcs1v15::Signature>(&signer)
                .unwrap()
        }
    };
    cert.to_pem(x509_cert::der::pem::LineEnding::LF).unwrap()
}

/// Parses a CSR with x509-parser, checks subject, key and signature against the pair.
fn check_csr(keys: &DeviceKeyPair, csr_pem: &str, cn: &str) {
    let der = pem_der(csr_pem, "CERTIFICATE REQUEST");
    let (rest, csr) = X509CertificationRequest::from_der(&der).expect("PKCS #10");
    assert!(rest.is_empty());
    let info = &csr.certification_request_info;
    let cns: Vec<&str> = info
        .subject
        .iter_common_name()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(cns, [cn]);
    assert_eq!(info.subject.iter().count(), 1, "subject has only the CN");
    assert_eq!(
        info.subject_pki.raw,
        pem_der(&keys.public_key_pem, "PUBLIC KEY")
    );
    let signature = csr.signature_value.data.as_ref();
    let algorithm = csr.signature_algorithm.algorithm.to_id_string();
    match keys.kind {
        KeyKind::EcP256 => {
            assert_eq!(algorithm, "1.2.840.10045.4.3.2", "ecdsa-with-SHA256");
            use p256::ecdsa::signature::Verifier;
            let key = p256::ecdsa::VerifyingKey::from_public_key_der(info.subject_pki.raw).unwrap();
            let sig = p256::ecdsa::DerSignature::from_bytes(signature).unwrap();
            key.verify(info.raw, &sig).expect("CSR signature verifies");
            let mut tampered = info.raw.to_vec();
            let last = tampered.len() - 1;
            tampered[last] ^= 1;
            assert!(key.verify(&tampered, &sig).is_err());
        }
        KeyKind::Rsa2048 => {
            assert_eq!(
                algorithm, "1.2.840.113549.1.1.11",
                "sha256WithRSAEncryption"
            );
            use rsa::signature::Verifier;
            let public = rsa::PublicKey::from_public_key_der(info.subject_pki.raw).unwrap();
            let key = rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha256>::new(public);
            let sig = rsa::pkcs1v15::Signature::try_from(signature).unwrap();
            key.verify(info.raw, &sig).expect("CSR signature verifies");
        }
    }
}

#[test]
fn ec_p256_pair_is_pkcs8_and_spki_and_fresh_each_time() {
    let keys = ec_keys();
    assert_eq!(keys.kind, KeyKind::EcP256);
    assert!(keys
        .private_key_pem
        .starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert!(keys
        .public_key_pem
        .starts_with("-----BEGIN PUBLIC KEY-----\n"));
    let secret = p256::SecretKey::from_pkcs8_pem(&keys.private_key_pem).unwrap();
    let public = p256::PublicKey::from_public_key_pem(&keys.public_key_pem).unwrap();
    assert_eq!(secret.public_key(), public);
    assert_ne!(ec_keys().private_key_pem, keys.private_key_pem);
}

#[test]
fn rsa_2048_pair_csr_and_certificate_match() {
    let keys = rsa_keys();
    assert_eq!(keys.kind, KeyKind::Rsa2048);
    assert!(keys
        .private_key_pem
        .starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert!(keys
        .public_key_pem
        .starts_with("-----BEGIN PUBLIC KEY-----\n"));
    let private = rsa::PrivateKey::from_pkcs8_pem(&keys.private_key_pem).unwrap();
    use rsa::traits::PublicKeyParts;
    assert_eq!(private.as_ref().n().bit_width(), 2048);
    let csr = build_csr(keys, THING).unwrap();
    check_csr(keys, &csr, THING);
    let cert = self_signed(keys, THING);
    assert!(key_matches_certificate(&keys.private_key_pem, &cert).unwrap());
    // An RSA key against an EC certificate, and the other way round: no match, no error.
    let ec = ec_keys();
    let ec_cert = self_signed(&ec, THING);
    assert!(!key_matches_certificate(&keys.private_key_pem, &ec_cert).unwrap());
    assert!(!key_matches_certificate(&ec.private_key_pem, &cert).unwrap());
    // The same key as PKCS #1, the form AWS's CreateKeysAndCertificate hands out.
    use rsa::pkcs1::EncodeRsaPrivateKey;
    let pkcs1 = private.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).unwrap();
    assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    assert!(key_matches_certificate(&pkcs1, &cert).unwrap());
}

#[test]
fn debug_hides_the_private_key() {
    let keys = ec_keys();
    let shown = format!("{keys:?}");
    assert!(shown.contains("<redacted>"));
    assert!(!shown.contains("PRIVATE KEY"));
    let body = keys.private_key_pem.lines().nth(1).unwrap();
    assert!(!shown.contains(body));
    assert!(shown.contains("PUBLIC KEY"));
}

#[test]
fn key_kind_defaults_to_ec_and_round_trips_through_serde() {
    assert_eq!(KeyKind::default(), KeyKind::EcP256);
    for kind in KeyKind::ALL {
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(serde_json::from_str::<KeyKind>(&json).unwrap(), kind);
    }
    assert_eq!(KeyKind::EcP256.to_string(), "EC P-256");
    assert_eq!(KeyKind::Rsa2048.label(), "RSA 2048");
}

#[test]
fn ec_csr_parses_back_with_subject_key_and_valid_signature() {
    let keys = ec_keys();
    let csr = build_csr(&keys, THING).unwrap();
    assert!(csr.starts_with("-----BEGIN CERTIFICATE REQUEST-----\n"));
    check_csr(&keys, &csr, THING);
}

#[test]
fn csr_common_name_is_one_attribute_whatever_its_characters() {
    let keys = ec_keys();
    for cn in [
        "a",
        "x,O=Evil",
        "CN=y+OU=z",
        "é 名前",
        &"n".repeat(MAX_COMMON_NAME_CHARS),
    ] {
        let csr = build_csr(&keys, cn).unwrap();
        check_csr(&keys, &csr, cn);
    }
}

#[test]
fn csr_refuses_bad_common_names_and_mixed_up_pairs() {
    let keys = ec_keys();
    assert_eq!(build_csr(&keys, ""), Err(KeyError::EmptyCommonName));
    let long = "n".repeat(MAX_COMMON_NAME_CHARS + 1);
    assert_eq!(
        build_csr(&keys, &long),
        Err(KeyError::CommonNameTooLong(MAX_COMMON_NAME_CHARS + 1))
    );
    assert_eq!(
        build_csr(&keys, "a\nb"),
        Err(KeyError::CommonNameControlCharacter)
    );

    let other = ec_keys();
    let mixed = DeviceKeyPair {
        public_key_pem: other.public_key_pem.clone(),
        ..keys.clone()
    };
    assert_eq!(build_csr(&mixed, THING), Err(KeyError::InconsistentKeyPair));

    let garbage = DeviceKeyPair {
        private_key_pem: "not a key".into(),
        ..keys.clone()
    };
    assert_eq!(build_csr(&garbage, THING), Err(KeyError::PrivateKeyNotPem));

    let wrong_kind = DeviceKeyPair {
        kind: KeyKind::Rsa2048,
        ..keys.clone()
    };
    assert!(matches!(
        build_csr(&wrong_kind, THING),
        Err(KeyError::MalformedPrivateKey(_))
    ));
}

#[test]
fn key_matches_its_own_certificate_and_not_another() {
    let keys = ec_keys();
    let cert = self_signed(&keys, THING);
    assert!(key_matches_certificate(&keys.private_key_pem, &cert).unwrap());
    // A chain: only the first certificate counts.
    let other = ec_keys();
    let other_cert = self_signed(&other, "other");
    let chain = format!("{cert}{other_cert}");
    assert!(key_matches_certificate(&keys.private_key_pem, &chain).unwrap());
    assert!(!key_matches_certificate(&other.private_key_pem, &chain).unwrap());
    assert!(!key_matches_certificate(&keys.private_key_pem, &other_cert).unwrap());
    // Certificates made by OpenSSL for the domain's tests (EC P-256 and RSA 2048).
    for fixture in [
        include_str!("../testdata/ec-p256.pem"),
        include_str!("../testdata/rsa-2048.pem"),
    ] {
        assert!(!key_matches_certificate(&keys.private_key_pem, fixture).unwrap());
    }
}

#[test]
fn key_matching_reads_openssl_key_formats() {
    // Made once with `openssl ecparam -name prime256v1 -genkey` (SEC1, after EC PARAMETERS),
    // `openssl pkey` (PKCS #8) and `openssl req -x509 -key … -subj /CN=fixture -days 36500`.
    let sec1 = include_str!("testdata/ec-p256-sec1.key");
    let pkcs8 = include_str!("testdata/ec-p256-pkcs8.key");
    let cert = include_str!("testdata/ec-p256-selfsigned.pem");
    assert!(sec1.contains("EC PARAMETERS"));
    assert!(key_matches_certificate(sec1, cert).unwrap());
    assert!(key_matches_certificate(pkcs8, cert).unwrap());
    assert!(!key_matches_certificate(&ec_keys().private_key_pem, cert).unwrap());
    // A P-384 key is refused as a type this console does not handle.
    let p384 = include_str!("testdata/ec-p384-sec1.key");
    assert!(matches!(
        key_matches_certificate(p384, cert),
        Err(KeyError::UnsupportedPrivateKey(m)) if m.contains("P-384")
    ));
}

#[test]
fn key_matching_errors_on_unreadable_input_without_panicking() {
    let keys = ec_keys();
    let cert = self_signed(&keys, THING);
    assert_eq!(
        key_matches_certificate("", &cert),
        Err(KeyError::PrivateKeyNotPem)
    );
    assert_eq!(
        key_matches_certificate(&keys.public_key_pem, &cert),
        Err(KeyError::PrivateKeyNotPem)
    );
    assert_eq!(
        key_matches_certificate(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
            &cert
        ),
        Err(KeyError::EncryptedPrivateKey)
    );
    assert!(matches!(
        key_matches_certificate(
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            &cert
        ),
        Err(KeyError::MalformedPrivateKey(_))
    ));
    assert!(matches!(
        key_matches_certificate(
            "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n",
            &cert
        ),
        Err(KeyError::MalformedPrivateKey(_))
    ));
    assert_eq!(
        key_matches_certificate(&keys.private_key_pem, "nope"),
        Err(KeyError::CertificateNotPem)
    );
    assert_eq!(
        key_matches_certificate(&keys.private_key_pem, &keys.public_key_pem),
        Err(KeyError::CertificateNotPem)
    );
    assert!(matches!(
        key_matches_certificate(
            &keys.private_key_pem,
            "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"
        ),
        Err(KeyError::MalformedCertificate(_))
    ));
    // Truncations of valid input never panic.
    for cut in (0..keys.private_key_pem.len()).step_by(7) {
        let _ = key_matches_certificate(&keys.private_key_pem[..cut], &cert);
    }
    for cut in (0..cert.len()).step_by(7) {
        let _ = key_matches_certificate(&keys.private_key_pem, &cert[..cut]);
    }
}

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>, Option<u32>, zip::CompressionMethod)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            (
                file.name().unwrap().to_string(),
                content,
                file.unix_mode(),
                file.compression(),
            )
        })
        .collect()
}

#[test]
fn zip_round_trips_names_contents_and_order() {
    let files = vec![
        ("b.txt".to_string(), b"second? no, first".to_vec()),
        ("dir/a.pem".to_string(), vec![b'x'; 10_000]),
        ("empty".to_string(), Vec::new()),
    ];
    let bytes = bundle_zip(&files).unwrap();
    let read = unzip(&bytes);
    assert_eq!(read.len(), 3);
    for ((name, content), (read_name, read_content, mode, method)) in files.iter().zip(&read) {
        assert_eq!(name, read_name);
        assert_eq!(content, read_content);
        assert_eq!(mode.map(|m| m & 0o777), Some(0o600));
        assert_eq!(*method, zip::CompressionMethod::Deflated);
    }
    assert!(bytes.len() < 1_000, "10 kB of one byte deflates");
    assert_eq!(unzip(&bundle_zip(&[]).unwrap()).len(), 0);
}

#[test]
fn zip_refuses_bad_and_duplicate_names() {
    for bad in [
        "", "/abs", "../up", "a/../b", "a\\b", "dir/", "a//b", "./a", "a\nb",
    ] {
        assert_eq!(
            bundle_zip(&[(bad.to_string(), vec![])]),
            Err(KeyError::BadFileName(bad.to_string())),
            "{bad:?}"
        );
    }
    let twice = vec![("a".to_string(), vec![1]), ("a".to_string(), vec![2])];
    assert_eq!(
        bundle_zip(&twice),
        Err(KeyError::DuplicateFileName("a".into()))
    );
}

#[test]
fn readme_names_thing_endpoint_topics_files_and_secrecy() {
    let topics = vec![
        "sensors/sensor-0042/telemetry".to_string(),
        "cmd/#".to_string(),
    ];
    let text = bundle_readme(THING, Some("abc-ats.iot.eu-west-1.amazonaws.com"), &topics);
    for needle in [
        THING,
        "abc-ats.iot.eu-west-1.amazonaws.com",
        "sensors/sensor-0042/telemetry",
        "cmd/#",
        CERTIFICATE_FILE,
        PRIVATE_KEY_FILE,
        PUBLIC_KEY_FILE,
        "secret",
    ] {
        assert!(text.contains(needle), "README lacks {needle:?}:\n{text}");
    }
    let bare = bundle_readme(THING, None, &[]);
    assert!(bare.contains("describe-endpoint"));
    assert!(bare.contains("no MQTT topics"));
}

#[test]
fn device_bundle_holds_certificate_keys_and_readme() {
    let keys = ec_keys();
    let cert = self_signed(&keys, THING);
    let bytes = device_bundle(
        THING,
        &cert,
        Some(&keys.private_key_pem),
        Some(&keys.public_key_pem),
        None,
        &[],
    )
    .unwrap();
    let read = unzip(&bytes);
    let names: Vec<&str> = read.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        names,
        [
            CERTIFICATE_FILE,
            PRIVATE_KEY_FILE,
            PUBLIC_KEY_FILE,
            README_FILE
        ]
    );
    let key = String::from_utf8(read[1].1.clone()).unwrap();
    let cert_back = String::from_utf8(read[0].1.clone()).unwrap();
    assert!(key_matches_certificate(&key, &cert_back).unwrap());

    let aws_made = device_bundle(THING, &cert, None, None, None, &[]).unwrap();
    let names: Vec<String> = unzip(&aws_made).into_iter().map(|f| f.0).collect();
    assert_eq!(names, [CERTIFICATE_FILE, README_FILE]);
}
