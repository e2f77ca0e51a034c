//! The AWS calls that create a device and undo it: things, group membership, certificates
//! and their attachments. [`Provisioner`] is the narrow trait; `provisioning_sdk` implements
//! it over the SDK.

use super::AwsError;
use crate::domain::certificates::status::CertificateStatus;
use async_trait::async_trait;
use std::fmt;

/// A thing CreateThing made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedThing {
    pub arn: String,
    pub id: String,
}

/// A certificate AWS created or registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedCertificate {
    pub id: String,
    pub arn: String,
    pub pem: String,
}

/// A private key in PEM. `Debug` never shows it, so it cannot reach a log by accident; read
/// it with [`PrivateKeyPem::expose`] only to hand it to the one response that carries it.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKeyPem(String);

impl PrivateKeyPem {
    pub fn new(pem: String) -> Self {
        PrivateKeyPem(pem)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_exposed(self) -> String {
        self.0
    }
}

impl fmt::Debug for PrivateKeyPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKeyPem(<redacted>)")
    }
}

/// What CreateKeysAndCertificate returns: the certificate and the key pair AWS made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedKeys {
    pub certificate: CreatedCertificate,
    pub public_key_pem: String,
    pub private_key: PrivateKeyPem,
}

/// Creates a device's resources, and removes them again.
#[async_trait]
pub trait Provisioner: Send + Sync {
    /// The thing's ARN, or `None` when no thing has the name (DescribeThing).
    async fn find_thing(&self, name: &str) -> Result<Option<String>, AwsError>;
    async fn create_thing(
        &self,
        name: &str,
        thing_type: Option<&str>,
        attributes: &[(String, String)],
    ) -> Result<CreatedThing, AwsError>;
    async fn delete_thing(&self, name: &str) -> Result<(), AwsError>;
    async fn add_thing_to_group(&self, thing: &str, group: &str) -> Result<(), AwsError>;
    async fn remove_thing_from_group(&self, thing: &str, group: &str) -> Result<(), AwsError>;
    /// CreateCertificateFromCsr: AWS signs the CSR; the private key stays with whoever made it.
    async fn create_certificate_from_csr(
        &self,
        csr_pem: &str,
        active: bool,
    ) -> Result<CreatedCertificate, AwsError>;
    /// CreateKeysAndCertificate: AWS makes the key pair too.
    async fn create_keys_and_certificate(&self, active: bool) -> Result<CreatedKeys, AwsError>;
    async fn register_certificate_without_ca(
        &self,
        pem: &str,
        active: bool,
    ) -> Result<CreatedCertificate, AwsError>;
    /// UpdateCertificate: ACTIVE, INACTIVE or REVOKED are what the console sets.
    async fn update_certificate(&self, id: &str, status: CertificateStatus)
        -> Result<(), AwsError>;
    /// AWS deletes only an INACTIVE certificate with nothing attached.
    async fn delete_certificate(&self, id: &str) -> Result<(), AwsError>;
    async fn attach_policy(&self, policy: &str, principal_arn: &str) -> Result<(), AwsError>;
    async fn detach_policy(&self, policy: &str, principal_arn: &str) -> Result<(), AwsError>;
    async fn attach_thing_principal(
        &self,
        thing: &str,
        principal_arn: &str,
    ) -> Result<(), AwsError>;
    async fn detach_thing_principal(
        &self,
        thing: &str,
        principal_arn: &str,
    ) -> Result<(), AwsError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_keys_do_not_debug_print() {
        let keys = CreatedKeys {
            certificate: CreatedCertificate {
                id: "c".into(),
                arn: "arn:c".into(),
                pem: "CERT".into(),
            },
            public_key_pem: "PUB".into(),
            private_key: PrivateKeyPem::new("-----BEGIN PRIVATE KEY-----secret".into()),
        };
        let shown = format!("{keys:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("PUB"), "{shown}");
        assert_eq!(
            keys.private_key.expose(),
            "-----BEGIN PRIVATE KEY-----secret"
        );
    }
}
