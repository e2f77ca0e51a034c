//! Bulk jobs in memory, with the DynamoDB store's lease rule, for the bulk engine's unit
//! tests.

use crate::domain::onboarding::job::{JobRow, JobState};
use crate::server::aws::{AwsError, JobRecord, JobStore};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

#[derive(Default)]
struct Job {
    record: Option<JobRecord>,
    rows: BTreeMap<u32, JobRow>,
    lease: Option<(String, i64)>,
}

#[derive(Default)]
pub struct MemoryJobs(Mutex<BTreeMap<String, Job>>);

impl MemoryJobs {
    fn jobs(&self) -> MutexGuard<'_, BTreeMap<String, Job>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The row `index` of job `id` as stored.
    pub fn stored_row(&self, id: &str, index: u32) -> Option<JobRow> {
        self.jobs().get(id)?.rows.get(&index).cloned()
    }
}

#[async_trait]
impl JobStore for MemoryJobs {
    async fn create_job(&self, job: &JobRecord, rows: &[JobRow]) -> Result<(), AwsError> {
        let mut jobs = self.jobs();
        let entry = jobs.entry(job.id.clone()).or_default();
        entry.rows = rows.iter().map(|r| (r.index, r.clone())).collect();
        entry.record = Some(job.clone());
        Ok(())
    }

    async fn job(&self, id: &str) -> Result<Option<JobRecord>, AwsError> {
        Ok(self.jobs().get(id).and_then(|j| j.record.clone()))
    }

    async fn rows(&self, id: &str) -> Result<Vec<JobRow>, AwsError> {
        Ok(self
            .jobs()
            .get(id)
            .map(|j| j.rows.values().cloned().collect())
            .unwrap_or_default())
    }

    async fn save_row(&self, id: &str, row: &JobRow) -> Result<(), AwsError> {
        self.jobs()
            .entry(id.to_string())
            .or_default()
            .rows
            .insert(row.index, row.clone());
        Ok(())
    }

    async fn set_state(&self, id: &str, state: JobState) -> Result<(), AwsError> {
        if let Some(r) = self.jobs().get_mut(id).and_then(|j| j.record.as_mut()) {
            r.state = state;
        }
        Ok(())
    }

    async fn jobs(&self) -> Result<Vec<JobRecord>, AwsError> {
        let mut all: Vec<JobRecord> = self
            .jobs()
            .values()
            .filter_map(|j| j.record.clone())
            .collect();
        all.sort_by_key(|j| std::cmp::Reverse(j.created_at));
        Ok(all)
    }

    async fn claim(&self, id: &str, owner: &str, now: i64, until: i64) -> Result<bool, AwsError> {
        let mut jobs = self.jobs();
        let Some(job) = jobs.get_mut(id).filter(|j| j.record.is_some()) else {
            return Ok(false);
        };
        match &job.lease {
            Some((holder, expires)) if holder != owner && *expires >= now => Ok(false),
            _ => {
                job.lease = Some((owner.to_string(), until));
                Ok(true)
            }
        }
    }

    async fn release(&self, id: &str, owner: &str) -> Result<(), AwsError> {
        if let Some(job) = self.jobs().get_mut(id) {
            if job.lease.as_ref().is_some_and(|(h, _)| h == owner) {
                job.lease = None;
            }
        }
        Ok(())
    }
}
