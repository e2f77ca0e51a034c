//! [`CertificateDirectory`]: certificates, and the policies attached to principals.

use super::{AwsError, CertificateListing, CertificateRecord, Page, PolicyRecord};
use async_trait::async_trait;

/// Certificates and the policies attached to principals.
#[async_trait]
pub trait CertificateDirectory: Send + Sync {
    /// One page of the account's certificates, newest first.
    async fn list_certificates(
        &self,
        token: Option<&str>,
    ) -> Result<Page<CertificateListing>, AwsError>;
    async fn describe_certificate(&self, id: &str) -> Result<CertificateRecord, AwsError>;
    async fn policies_of_principal(&self, principal_arn: &str) -> Result<Vec<String>, AwsError>;
    async fn get_policy(&self, name: &str) -> Result<PolicyRecord, AwsError>;
}
