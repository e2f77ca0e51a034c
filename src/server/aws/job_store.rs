//! Where bulk onboarding jobs live between requests and across restarts: [`JobStore`] is the
//! narrow trait, `job_store_sdk` keeps it in a DynamoDB table.

use super::AwsError;
use crate::domain::onboarding::job::{JobRow, JobState};
use async_trait::async_trait;

/// A job's own record (its rows are kept beside it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobRecord {
    pub id: String,
    pub state: JobState,
    /// The signed-in user (or `cli:<user>`) who started it.
    pub created_by: String,
    /// Unix seconds.
    pub created_at: i64,
    pub total: u32,
    /// The onboarding profile every row must fit, checked again each time the job runs.
    pub profile: Option<String>,
}

#[async_trait]
pub trait JobStore: Send + Sync {
    /// Stores a new job with every row. The job's record is written last, so a job that
    /// can be found always has all its rows.
    async fn create_job(&self, job: &JobRecord, rows: &[JobRow]) -> Result<(), AwsError>;
    async fn job(&self, id: &str) -> Result<Option<JobRecord>, AwsError>;
    /// Every row, in job order.
    async fn rows(&self, id: &str) -> Result<Vec<JobRow>, AwsError>;
    /// Replaces one row's stored state.
    async fn save_row(&self, id: &str, row: &JobRow) -> Result<(), AwsError>;
    async fn set_state(&self, id: &str, state: JobState) -> Result<(), AwsError>;
    /// Every job's record, newest first.
    async fn jobs(&self) -> Result<Vec<JobRecord>, AwsError>;
    /// Takes (or renews) the job's lease for `owner` until `until` (Unix seconds): true when
    /// no one else holds an unexpired lease. Only the holder runs the job's rows.
    async fn claim(&self, id: &str, owner: &str, now: i64, until: i64) -> Result<bool, AwsError>;
    /// Gives the lease up (when `owner` holds it), so another run need not wait for it.
    async fn release(&self, id: &str, owner: &str) -> Result<(), AwsError>;
}
