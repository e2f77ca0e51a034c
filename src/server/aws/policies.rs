//! [`PolicyStore`]: policies, their versions and the principals they are attached to.

use super::{AwsError, PolicySummary, PolicyVersionRecord};
use async_trait::async_trait;

/// Policies, their versions and the principals they are attached to.
#[async_trait]
pub trait PolicyStore: Send + Sync {
    /// The account's policies, at most `limit + 1` (one more tells that there are more).
    async fn list_policies(&self, limit: usize) -> Result<Vec<PolicySummary>, AwsError>;
    /// The policy's ARN (it tells the region and account the policy lives in).
    async fn policy_arn(&self, name: &str) -> Result<String, AwsError>;
    async fn list_policy_versions(&self, name: &str) -> Result<Vec<PolicyVersionRecord>, AwsError>;
    async fn policy_version_document(&self, name: &str, version: &str) -> Result<String, AwsError>;
    /// Returns the new version's id.
    async fn create_policy_version(
        &self,
        name: &str,
        document: &str,
        set_as_default: bool,
    ) -> Result<String, AwsError>;
    async fn set_default_policy_version(&self, name: &str, version: &str) -> Result<(), AwsError>;
    async fn delete_policy_version(&self, name: &str, version: &str) -> Result<(), AwsError>;
    /// Principal ARNs (certificates, mostly) the policy is attached to, at most `limit + 1`.
    async fn targets_of_policy(&self, name: &str, limit: usize) -> Result<Vec<String>, AwsError>;
}
