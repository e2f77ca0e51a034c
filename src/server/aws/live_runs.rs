//! Where the live status of wizard, rotation and removal runs is shared between replicas:
//! [`LiveRunStore`] is the narrow trait, `DynamoLiveRuns` keeps it in the sessions table.

use super::AwsError;
use crate::domain::runs::LiveRun;
use async_trait::async_trait;

#[async_trait]
pub trait LiveRunStore: Send + Sync {
    /// Stores `run` as the status numbered `seq` of `owner`'s run `id`, unless a later status
    /// (a higher `seq`) is stored already: writes may finish out of order.
    async fn put(&self, owner: &str, id: &str, seq: u64, run: &LiveRun) -> Result<(), AwsError>;
    /// The latest stored status, if the run exists and is not older than its keep time.
    async fn get(&self, owner: &str, id: &str) -> Result<Option<LiveRun>, AwsError>;
}
