//! The PKCS #10 certificate signing request sent to `CreateCertificateFromCsr`.

use super::keys::{read_private_key, PrivateKey};
use super::{DeviceKeyPair, KeyError, KeyKind};
use p256::ecdsa::signature::Signer;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::der::asn1::Utf8StringRef;
use x509_cert::der::pem::LineEnding;
use x509_cert::der::{Any, Decode, Encode, EncodePem};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::request::{CertReq, CertReqInfo, Version};
use x509_cert::spki::{
    DynSignatureAlgorithmIdentifier, SignatureBitStringEncoding, SubjectPublicKeyInfoOwned,
};

/// Longest common name accepted: AWS IoT's limit on thing names (128). X.520 suggests 64 for
/// a common name, but nothing on the CreateCertificateFromCsr path is documented to enforce it.
pub const MAX_COMMON_NAME_CHARS: usize = 128;

/// `id-at-commonName` (RFC 4519).
const OID_COMMON_NAME: &str = "2.5.4.3";

/// Builds a PEM `CERTIFICATE REQUEST` whose subject is `CN=<common_name>` (UTF8String), signed
/// with the pair's private key: ECDSA with SHA-256 for P-256, PKCS #1 v1.5 with SHA-256 for RSA.
pub fn build_csr(keys: &DeviceKeyPair, common_name: &str) -> Result<String, KeyError> {
    let subject = subject_name(common_name)?;
    let key = read_private_key(&keys.private_key_pem)?;
    // The stored public half must be the private key's: the CSR carries the private key's.
    let own_spki = key.public_key_der()?;
    let stored_spki = spki_der_from_pem(&keys.public_key_pem)?;
    if own_spki != stored_spki {
        return Err(KeyError::InconsistentKeyPair);
    }
    let info = CertReqInfo {
        version: Version::V1,
        subject,
        public_key: SubjectPublicKeyInfoOwned::from_der(&own_spki).map_err(csr_error)?,
        // No attributes at all: x509-cert's RequestBuilder always adds an extensionRequest,
        // empty here, which RFC 5280's `SIZE (1..MAX)` on Extensions does not allow.
        attributes: Default::default(),
    };
    let request = match (keys.kind, key) {
        (KeyKind::EcP256, PrivateKey::EcP256(secret)) => {
            let signer = p256::ecdsa::SigningKey::from(secret);
            sign::<_, p256::ecdsa::DerSignature>(info, &signer)?
        }
        (KeyKind::Rsa2048, PrivateKey::Rsa(private)) => {
            let signer = rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha256>::new(*private);
            sign::<_, rsa::pkcs1v15::Signature>(info, &signer)?
        }
        (kind, _) => {
            return Err(KeyError::MalformedPrivateKey(format!(
                "the key pair says {kind} but its private key is of the other kind"
            )))
        }
    };
    request.to_pem(LineEnding::LF).map_err(csr_error)
}

/// Signs the DER of `info` and wraps it into a request naming the signer's algorithm.
fn sign<S, Sig>(info: CertReqInfo, signer: &S) -> Result<CertReq, KeyError>
where
    S: Signer<Sig> + DynSignatureAlgorithmIdentifier,
    Sig: SignatureBitStringEncoding,
{
    let algorithm = signer.signature_algorithm_identifier().map_err(csr_error)?;
    let tbs = info.to_der().map_err(csr_error)?;
    let signature = signer
        .try_sign(&tbs)
        .map_err(csr_error)?
        .to_bitstring()
        .map_err(csr_error)?;
    Ok(CertReq {
        info,
        algorithm,
        signature,
    })
}

fn csr_error(e: impl std::fmt::Display) -> KeyError {
    KeyError::Csr(e.to_string())
}

/// `CN=<common_name>`, built field by field (not parsed from a string), so no character of
/// the name can add or change a subject attribute.
fn subject_name(common_name: &str) -> Result<Name, KeyError> {
    if common_name.is_empty() {
        return Err(KeyError::EmptyCommonName);
    }
    let chars = common_name.chars().count();
    if chars > MAX_COMMON_NAME_CHARS {
        return Err(KeyError::CommonNameTooLong(chars));
    }
    if common_name.chars().any(char::is_control) {
        return Err(KeyError::CommonNameControlCharacter);
    }
    let value = Utf8StringRef::new(common_name).map_err(csr_error)?;
    let atv = AttributeTypeAndValue {
        oid: OID_COMMON_NAME.parse().map_err(csr_error)?,
        value: Any::encode_from(&value).map_err(csr_error)?,
    };
    let rdn = RelativeDistinguishedName::try_from(vec![atv]).map_err(csr_error)?;
    let mut sequence = RdnSequence::default();
    sequence.push(rdn);
    let der = sequence.to_der().map_err(csr_error)?;
    Name::from_der(&der).map_err(csr_error)
}

/// The DER of a PEM `PUBLIC KEY`.
fn spki_der_from_pem(pem_text: &str) -> Result<Vec<u8>, KeyError> {
    let (label, der) = x509_cert::der::pem::decode_vec(pem_text.trim().as_bytes())
        .map_err(|e| KeyError::MalformedPrivateKey(format!("its public key PEM: {e}")))?;
    if label != "PUBLIC KEY" {
        return Err(KeyError::MalformedPrivateKey(format!(
            "its public key PEM is a \"{label}\", not a \"PUBLIC KEY\""
        )));
    }
    Ok(der)
}
