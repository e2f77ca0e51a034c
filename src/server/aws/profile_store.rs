//! Where onboarding profiles live: [`ProfileStore`] is the narrow trait, `DynamoProfileStore`
//! keeps it in a DynamoDB table keyed by the profile's name.

use super::AwsError;
use crate::domain::onboarding::profile::StoredProfile;
use async_trait::async_trait;

/// A save's outcome when another admin saved first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    Yes,
    /// A new profile's name is taken, or the stored version is not the one the save was made from.
    Conflict,
}

#[async_trait]
pub trait ProfileStore: Send + Sync {
    /// At most `limit` profiles, in name order.
    async fn profiles(&self, limit: usize) -> Result<Vec<StoredProfile>, AwsError>;
    async fn profile(&self, name: &str) -> Result<Option<StoredProfile>, AwsError>;
    /// Stores `profile` (its `version` is 1) under a name not taken yet.
    async fn create(&self, profile: &StoredProfile) -> Result<Saved, AwsError>;
    /// Replaces the profile whose stored version is `profile.version - 1`.
    async fn replace(&self, profile: &StoredProfile) -> Result<Saved, AwsError>;
    /// Deletes the profile while its stored version is `version`; `Yes` also when it is gone.
    async fn delete(&self, name: &str, version: u64) -> Result<Saved, AwsError>;
}
