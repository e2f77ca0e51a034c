//! Naming a public key's algorithm from its OIDs: the one table that certificates, CSRs and
//! keys read back from PEM all use, so a key is called the same everywhere.

/// `rsaEncryption` (RFC 8017).
pub const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
/// `id-ecPublicKey` (RFC 5480).
pub const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";

/// A public key's algorithm, as AWS IoT's key rules need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyAlgorithm {
    Rsa,
    /// EC on a NIST curve AWS IoT accepts, by its size in bits: 256, 384 or 521.
    NistEc(u32),
    /// EC on another curve (its name where known, else its OID), or on none named.
    OtherEc(Option<String>),
    /// Neither RSA nor EC: the algorithm's name where known, else its OID.
    Other(String),
}

impl KeyAlgorithm {
    /// `algorithm`: the key's algorithm OID, dotted; `curve`: the EC parameters' OID, if any.
    pub fn from_oids(algorithm: &str, curve: Option<&str>) -> KeyAlgorithm {
        match algorithm {
            RSA_ENCRYPTION => KeyAlgorithm::Rsa,
            EC_PUBLIC_KEY => match curve.filter(|c| !c.is_empty()) {
                Some("1.2.840.10045.3.1.7") => KeyAlgorithm::NistEc(256),
                Some("1.3.132.0.34") => KeyAlgorithm::NistEc(384),
                Some("1.3.132.0.35") => KeyAlgorithm::NistEc(521),
                Some("1.3.132.0.10") => KeyAlgorithm::OtherEc(Some("secp256k1".into())),
                Some(other) => KeyAlgorithm::OtherEc(Some(other.into())),
                None => KeyAlgorithm::OtherEc(None),
            },
            "1.3.101.112" => KeyAlgorithm::Other("Ed25519".into()),
            "1.3.101.113" => KeyAlgorithm::Other("Ed448".into()),
            "1.2.840.10040.4.1" => KeyAlgorithm::Other("DSA".into()),
            "1.2.840.113549.1.1.10" => KeyAlgorithm::Other("RSASSA-PSS".into()),
            other => KeyAlgorithm::Other(other.into()),
        }
    }

    /// "RSA", "EC P-256", "EC secp256k1", "EC" (no curve named), "Ed25519", or an OID.
    pub fn name(&self) -> String {
        match self {
            KeyAlgorithm::Rsa => "RSA".into(),
            KeyAlgorithm::OtherEc(None) => "EC".into(),
            KeyAlgorithm::NistEc(_) | KeyAlgorithm::OtherEc(Some(_)) => {
                format!("EC {}", self.curve_name())
            }
            KeyAlgorithm::Other(name) => name.clone(),
        }
    }

    /// The curve alone, for sentences about EC keys: "P-384", "secp256k1", "(not named)".
    pub fn curve_name(&self) -> String {
        match self {
            KeyAlgorithm::NistEc(bits) => format!("P-{bits}"),
            KeyAlgorithm::OtherEc(Some(curve)) => curve.clone(),
            _ => "(not named)".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keys_from_their_oids() {
        let name = |a: &str, c: Option<&str>| KeyAlgorithm::from_oids(a, c).name();
        assert_eq!(name(RSA_ENCRYPTION, None), "RSA");
        assert_eq!(name(EC_PUBLIC_KEY, Some("1.2.840.10045.3.1.7")), "EC P-256");
        assert_eq!(name(EC_PUBLIC_KEY, Some("1.3.132.0.34")), "EC P-384");
        assert_eq!(name(EC_PUBLIC_KEY, Some("1.3.132.0.35")), "EC P-521");
        assert_eq!(name(EC_PUBLIC_KEY, Some("1.3.132.0.10")), "EC secp256k1");
        assert_eq!(name(EC_PUBLIC_KEY, Some("1.2.3.4")), "EC 1.2.3.4");
        assert_eq!(name(EC_PUBLIC_KEY, None), "EC");
        assert_eq!(name(EC_PUBLIC_KEY, Some("")), "EC");
        assert_eq!(name("1.3.101.112", None), "Ed25519");
        assert_eq!(name("1.9.9", None), "1.9.9");
        assert_eq!(
            KeyAlgorithm::from_oids(EC_PUBLIC_KEY, None).curve_name(),
            "(not named)"
        );
    }
}
