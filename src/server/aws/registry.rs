//! [`ThingRegistry`]: things, their types and groups, and the principals attached to them.

use super::{AwsError, Page, ThingFilter, ThingGroupRecord, ThingRecord, ThingTypeRecord};
use async_trait::async_trait;

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
    /// At most `limit + 1` groups, each described (a call per group).
    async fn list_thing_groups(&self, limit: usize) -> Result<Vec<ThingGroupRecord>, AwsError>;
    /// At most `limit + 1` group names, from the listing alone.
    async fn thing_group_names(&self, limit: usize) -> Result<Vec<String>, AwsError>;
}
