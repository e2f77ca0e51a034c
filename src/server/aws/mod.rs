//! AWS access: narrow traits returning the console's own types, and their SDK
//! implementations. SDK errors are mapped to [`AwsError`] here and nowhere else.

mod error;
mod job_store;
mod provisioning;
mod sdk;

pub use error::{AwsError, AwsErrorKind};
pub use job_store::{JobRecord, JobStore};
pub use provisioning::{
    CertificateState, CreatedCertificate, CreatedKeys, CreatedThing, PrivateKeyPem, Provisioner,
};
pub use sdk::{discover_data_endpoint, DynamoJobStore, SdkIot, SdkShadows};

use async_trait::async_trait;
use std::collections::HashMap;

/// One page of an AWS listing and the token of the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

/// A thing as ListThings / DescribeThing return it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThingRecord {
    pub name: String,
    pub arn: Option<String>,
    pub thing_type: Option<String>,
    pub attributes: HashMap<String, String>,
    pub version: Option<i64>,
}

/// Server-side filters AWS applies in ListThings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThingFilter {
    pub thing_type: Option<String>,
    pub attribute: Option<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRecord {
    pub id: String,
    pub arn: String,
    pub status: String,
    /// Unix seconds, from DescribeCertificate's validity.
    pub not_before: Option<i64>,
    pub not_after: Option<i64>,
    pub pem: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyRecord {
    pub name: String,
    pub document: String,
    pub default_version: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThingTypeRecord {
    pub name: String,
    pub description: Option<String>,
    pub searchable_attributes: Vec<String>,
    pub deprecated: bool,
    pub created: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThingGroupRecord {
    pub name: String,
    pub description: Option<String>,
    pub parent: Option<String>,
    pub attributes: HashMap<String, String>,
}

/// The AWS page size the console asks for. Constant, so that a cursor's position inside an
/// AWS page points at the same item when the page is fetched again.
pub const AWS_PAGE_SIZE: i32 = 100;

/// Things, their types and groups, and which principals are attached to them.
#[async_trait]
pub trait ThingRegistry: Send + Sync {
    async fn list_things(
        &self,
        filter: &ThingFilter,
        token: Option<&str>,
    ) -> Result<Page<ThingRecord>, AwsError>;
    /// Names of the things in a group and its child groups.
    async fn list_things_in_group(
        &self,
        group: &str,
        token: Option<&str>,
    ) -> Result<Page<String>, AwsError>;
    async fn describe_thing(&self, name: &str) -> Result<ThingRecord, AwsError>;
    async fn groups_of_thing(&self, name: &str) -> Result<Vec<String>, AwsError>;
    /// Principal ARNs (certificates, Cognito identities) attached to the thing.
    async fn principals_of_thing(&self, name: &str) -> Result<Vec<String>, AwsError>;
    async fn list_thing_types(&self) -> Result<Vec<ThingTypeRecord>, AwsError>;
    async fn list_thing_groups(&self) -> Result<Vec<ThingGroupRecord>, AwsError>;
}

/// A certificate as ListCertificates returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateListing {
    pub id: String,
    pub arn: String,
    pub status: String,
    /// Unix seconds.
    pub created: Option<i64>,
}

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

/// A policy as ListPolicies returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicySummary {
    pub name: String,
    pub arn: String,
}

/// One version of a policy as ListPolicyVersions returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyVersionRecord {
    pub version_id: String,
    pub is_default: bool,
    /// Unix seconds.
    pub created: Option<i64>,
}

/// Policies, their versions and the principals they are attached to.
#[async_trait]
pub trait PolicyStore: Send + Sync {
    async fn list_policies(&self) -> Result<Vec<PolicySummary>, AwsError>;
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
    /// Principal ARNs (certificates, mostly) the policy is attached to.
    async fn targets_of_policy(&self, name: &str) -> Result<Vec<String>, AwsError>;
    /// Names of the things a principal is attached to.
    async fn things_of_principal(&self, principal_arn: &str) -> Result<Vec<String>, AwsError>;
}

/// Device shadows (the classic, unnamed one).
#[async_trait]
pub trait ShadowReader: Send + Sync {
    /// The shadow document, or `None` when the thing has no shadow.
    async fn classic_shadow(&self, thing: &str) -> Result<Option<serde_json::Value>, AwsError>;
}

/// The certificate id inside a certificate ARN (`arn:aws:iot:region:acct:cert/ID`).
pub fn certificate_id_of(principal_arn: &str) -> Option<&str> {
    let (prefix, id) = principal_arn.rsplit_once(":cert/")?;
    (prefix.starts_with("arn:") && !id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_certificate_ids_in_arns() {
        assert_eq!(
            certificate_id_of("arn:aws:iot:us-east-1:123456789012:cert/abc123"),
            Some("abc123")
        );
        assert_eq!(certificate_id_of("us-east-1:1234-cognito-id"), None);
        assert_eq!(
            certificate_id_of("arn:aws:iot:us-east-1:123456789012:cert/"),
            None
        );
    }
}
