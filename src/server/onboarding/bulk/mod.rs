//! Bulk onboarding: a job of up to 10,000 devices, run on the server (or by `iot-warden
//! onboard`), paced per AWS API, kept in DynamoDB row by row so it survives a restart and
//! resumes where it stopped.
//!
//! - `pacer`: per-API token buckets and back-off on throttling.
//! - `row`: one device's idempotent steps.
//! - `recovery`: how a resumed job finds the certificates whose answer a stopped run lost.
//! - `live`: the figures of running jobs, for progress polls.
//!
//! Every step is idempotent (CreateThing with the same configuration, group membership,
//! attachments), and the one that is not, CreateCertificateFromCsr, is recorded before it is
//! called: a resumed job first looks for certificates with those rows' keys, so a job run
//! twice never makes a second thing, certificate or attachment for a row.

mod existing;
mod live;
mod pacer;
mod recovery;
mod row;
#[cfg(test)]
mod tests;

pub use existing::MAX_NAMES_PER_CHECK;
pub use pacer::Pacer;

use crate::domain::onboarding::job::{
    is_valid_job_id, BulkRow, JobCounts, JobRow, JobState, JobStatus, JobSummary,
};
use crate::domain::onboarding::pacing::RateLimits;
use crate::domain::onboarding::plan::OnboardRow;
use crate::domain::onboarding::profile::{OnboardingProfile, OnboardingReach};
use crate::server::auth::SessionUser;
use crate::server::aws::{
    CertificateDirectory, JobRecord, JobStore, PolicyStore, Principals, Provisioner, ThingRegistry,
};
use crate::server::onboarding::profiles::OnboardingProfiles;
use crate::server::service_error::ServiceError;
use futures::StreamExt;
use live::LiveJob;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Rows under way at once. The token buckets set the pace; this only bounds the calls in
/// flight (and so the rows a crash leaves half done).
pub const DEFAULT_CONCURRENCY: usize = 32;

/// How long a run's hold on its job lasts without renewal. A run renews it every third of
/// that; a run that died lets go within this time.
pub const LEASE_SECONDS: i64 = 15;

pub struct BulkOnboarding {
    /// This process's name in job leases.
    owner: String,
    aws: Arc<dyn Provisioner>,
    registry: Arc<dyn ThingRegistry>,
    certificates: Arc<dyn CertificateDirectory>,
    principals: Arc<dyn Principals>,
    policies: Arc<dyn PolicyStore>,
    store: Arc<dyn JobStore>,
    profiles: Arc<OnboardingProfiles>,
    pacer: Pacer,
    concurrency: usize,
    live: Mutex<HashMap<String, Arc<LiveJob>>>,
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn no_such_job(id: &str) -> ServiceError {
    ServiceError::not_found(format!("There is no onboarding job {id}."))
}

fn check_id(id: &str) -> Result<(), ServiceError> {
    if is_valid_job_id(id) {
        Ok(())
    } else {
        Err(ServiceError::Invalid(format!(
            "\"{id}\" is not an onboarding job id."
        )))
    }
}

/// The first five problems, and how many more there are.
fn first_problems(problems: &[String]) -> String {
    let shown = problems.len().min(5);
    let more = problems.len() - shown;
    let mut message = problems[..shown].join(" ");
    if more > 0 {
        message.push_str(&format!(" … and {more} more."));
    }
    message
}

/// A new job id the console makes: `job-` and 26 random lowercase letters and digits.
pub fn new_job_id() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let tail: String = (0..26)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("job-{tail}")
}

impl BulkOnboarding {
    /// `aws` serves every IoT call a job makes (the SDK client in production); `profiles`
    /// binds jobs made within an onboarding profile.
    pub fn new<A>(
        aws: Arc<A>,
        store: Arc<dyn JobStore>,
        profiles: Arc<OnboardingProfiles>,
        limits: &RateLimits,
        concurrency: usize,
    ) -> Self
    where
        A: Provisioner + ThingRegistry + CertificateDirectory + Principals + PolicyStore + 'static,
    {
        BulkOnboarding {
            owner: new_job_id().replacen("job-", "run-", 1),
            aws: aws.clone(),
            registry: aws.clone(),
            certificates: aws.clone(),
            principals: aws.clone(),
            policies: aws,
            store,
            profiles,
            pacer: Pacer::new(limits),
            concurrency: concurrency.max(1),
            live: Mutex::new(HashMap::new()),
        }
    }

    fn live_job(&self, id: &str) -> Option<Arc<LiveJob>> {
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    /// Stores a new job (state `Running`, nothing created yet). `rows` are `(CSV line, row)`;
    /// every row must carry its CSR, and fit `profile` when there is one. Refused whole,
    /// with its first problems, if any row is wrong.
    pub async fn create(
        &self,
        id: String,
        rows: Vec<(u32, OnboardRow)>,
        created_by: &str,
        profile: Option<&OnboardingProfile>,
    ) -> Result<JobRecord, ServiceError> {
        check_id(&id)?;
        let now = unix_now();
        let problems = crate::domain::onboarding::request::row_problems(&rows, now);
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(first_problems(&problems)));
        }
        if let Some(profile) = profile {
            let outside: Vec<String> = rows
                .iter()
                .flat_map(|(line, row)| {
                    profile
                        .differences(row.into())
                        .into_iter()
                        .map(move |d| format!("Line {line} ({}): {d}", row.thing_name))
                })
                .collect();
            if !outside.is_empty() {
                return Err(ServiceError::Refused(first_problems(&outside)));
            }
        }
        let record = JobRecord {
            id: id.clone(),
            state: JobState::Running,
            created_by: created_by.to_string(),
            created_at: now,
            total: rows.len() as u32,
            profile: profile.map(|p| p.name.clone()),
        };
        let rows: Vec<JobRow> = rows
            .into_iter()
            .enumerate()
            .map(|(i, (line, device))| JobRow::new(i as u32, line, device))
            .collect();
        self.store.create_job(&record, &rows).await?;
        tracing::info!(job = %id, rows = rows.len(), created_by, "onboarding job created");
        Ok(record)
    }

    /// A job from the console's bulk page: stored under a new id (refused whole, as by
    /// [`BulkOnboarding::create`]) with `user` as its creator, within the profile `chosen`
    /// (which `reach` may require), then started in the background. Answers its first
    /// status, which names the id.
    pub async fn submit(
        self: &Arc<Self>,
        rows: Vec<BulkRow>,
        chosen: Option<&str>,
        reach: OnboardingReach,
        user: &SessionUser,
    ) -> Result<JobStatus, ServiceError> {
        let profile = self.profiles.binding(reach, chosen).await?;
        let id = new_job_id();
        let rows = rows.into_iter().map(|r| (r.line, r.device)).collect();
        self.create(id.clone(), rows, &user.username, profile.as_ref())
            .await?;
        self.start(&id);
        self.status(&id).await
    }

    pub async fn record(&self, id: &str) -> Result<JobRecord, ServiceError> {
        check_id(id)?;
        self.store.job(id).await?.ok_or_else(|| no_such_job(id))
    }

    /// Runs the job in the background (no-op when it is already running here).
    pub fn start(self: &Arc<Self>, id: &str) {
        if self.live_job(id).is_some_and(|j| !j.is_over()) {
            return;
        }
        let this = Arc::clone(self);
        let id = id.to_string();
        tokio::spawn(async move {
            if let Err(e) = this.run(&id, &|_| {}).await {
                tracing::error!(job = %id, "onboarding job stopped: {e}");
            }
        });
    }

    /// Runs every open row of the job, `concurrency` at a time, calling `progress` after each
    /// settles; ends `Finished`, or `Cancelled` when [`BulkOnboarding::cancel`] was called.
    pub async fn run(
        &self,
        id: &str,
        progress: &(dyn Fn(&JobStatus) + Send + Sync),
    ) -> Result<JobStatus, ServiceError> {
        self.claim(id).await?;
        let renewing = self.keep_claim(id);
        let outcome = self.run_claimed(id, progress).await;
        renewing.abort();
        if let Err(e) = self.store.release(id, &self.owner).await {
            tracing::warn!(job = %id, "lease not given up (it expires by itself): {e}");
        }
        outcome
    }

    /// Takes the job's lease, waiting (bounded) for one a stopped run left behind to expire.
    async fn claim(&self, id: &str) -> Result<(), ServiceError> {
        let deadline = unix_now() + LEASE_SECONDS + 5;
        let mut said = false;
        loop {
            let now = unix_now();
            if self
                .store
                .claim(id, &self.owner, now, now + LEASE_SECONDS)
                .await?
            {
                return Ok(());
            }
            if now >= deadline {
                return Err(ServiceError::Invalid(format!(
                    "Job {id} is being run by another console or command; it can run here once that one stops."
                )));
            }
            if !said {
                tracing::info!(job = %id, "another run holds the job; waiting for its lease to end");
                said = true;
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }

    /// Renews the lease in the background while the job runs.
    fn keep_claim(&self, id: &str) -> tokio::task::JoinHandle<()> {
        let store = Arc::clone(&self.store);
        let (owner, id) = (self.owner.clone(), id.to_string());
        tokio::spawn(async move {
            let every = std::time::Duration::from_secs((LEASE_SECONDS / 3) as u64);
            loop {
                tokio::time::sleep(every).await;
                let now = unix_now();
                match store.claim(&id, &owner, now, now + LEASE_SECONDS).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::error!(job = %id, "the job's lease was taken by another run")
                    }
                    Err(e) => tracing::warn!(job = %id, "lease not renewed: {e}"),
                }
            }
        })
    }

    async fn run_claimed(
        &self,
        id: &str,
        progress: &(dyn Fn(&JobStatus) + Send + Sync),
    ) -> Result<JobStatus, ServiceError> {
        let mut record = self.record(id).await?;
        if record.state.is_over() {
            return self.status(id).await;
        }
        let mut rows = self.store.rows(id).await?;
        let found = recovery::recover_lost_certificates(self, id, &mut rows).await?;
        if found > 0 {
            tracing::info!(job = %id, found, "certificates of a stopped run found again");
        }
        self.hold_to_profile(&record, &mut rows).await?;
        let live = Arc::new(LiveJob::new(record.clone(), JobCounts::of(&rows)));
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.to_string(), live.clone());
        tracing::info!(job = %id, open = live.counts().remaining(), "onboarding job running");
        let open = rows.into_iter().filter(JobRow::is_open);
        let mut settled = futures::stream::iter(open)
            .map(|row| self.settle(id, row, &live))
            .buffer_unordered(self.concurrency);
        while settled.next().await.is_some() {
            progress(&live.status());
        }
        let end = if live.cancel_requested() {
            JobState::Cancelled
        } else {
            JobState::Finished
        };
        self.store.set_state(id, end).await?;
        live.set_state(end);
        record.state = end;
        let status = live.status();
        tracing::info!(job = %id, state = end.as_str(), done = status.counts.done, failed = status.counts.failed, "onboarding job over");
        progress(&status);
        Ok(status)
    }

    /// A job made within a profile runs only the rows that fit the profile as it is now: an
    /// admin may have narrowed or deleted it since. The others fail, saying why, and may be
    /// resumed once the profile gives them again.
    async fn hold_to_profile(
        &self,
        record: &JobRecord,
        rows: &mut [JobRow],
    ) -> Result<(), ServiceError> {
        let Some(name) = &record.profile else {
            return Ok(());
        };
        let profile = match self.profiles.get(name).await {
            Ok(stored) => Some(stored.profile),
            Err(ServiceError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        for row in rows.iter_mut().filter(|r| r.is_open()) {
            let outside = match &profile {
                None => vec![format!(
                    "The onboarding profile {name} no longer exists; an admin must create it again before this row can run."
                )],
                Some(p) => p.differences((&row.device).into()),
            };
            if outside.is_empty() {
                continue;
            }
            row.error = Some(outside.join(" "));
            self.store.save_row(&record.id, row).await?;
        }
        Ok(())
    }

    /// One row: its steps, then its outcome recorded. A cancelled job leaves rows not yet
    /// begun as they are.
    async fn settle(&self, id: &str, mut row: JobRow, live: &LiveJob) {
        if live.cancel_requested() {
            return;
        }
        let outcome = row::onboard(self, id, &mut row).await;
        match outcome {
            Ok(()) => {
                row.stage = crate::domain::onboarding::job::RowStage::Done;
                row.error = None;
            }
            Err(sentence) => row.error = Some(sentence),
        }
        if let Err(e) = self.store.save_row(id, &row).await {
            // The row's AWS work stands; a resumed job finds it again (every step is idempotent).
            tracing::error!(job = %id, thing = %row.device.thing_name, "row outcome not recorded: {e}");
            row.error = Some(format!("The outcome could not be recorded: {e}."));
            row.stage = crate::domain::onboarding::job::RowStage::Pending;
        }
        live.settled(&row);
    }

    /// The job's figures: live ones while it runs here, otherwise counted from its rows.
    pub async fn status(&self, id: &str) -> Result<JobStatus, ServiceError> {
        check_id(id)?;
        if let Some(live) = self.live_job(id) {
            return Ok(live.status());
        }
        let record = self.record(id).await?;
        let rows = self.store.rows(id).await?;
        Ok(LiveJob::new(record, JobCounts::of(&rows)).status())
    }

    /// Asks a running job to stop: rows under way finish, no new row begins.
    pub async fn cancel(&self, id: &str) -> Result<JobStatus, ServiceError> {
        let record = self.record(id).await?;
        if record.state.is_over() {
            return Err(ServiceError::Invalid(format!(
                "Job {id} is {} already.",
                record.state.as_str()
            )));
        }
        match self.live_job(id) {
            Some(live) if !live.is_over() => {
                live.request_cancel();
                self.store.set_state(id, JobState::Cancelling).await?;
                Ok(live.status())
            }
            // Stored as running but not running here (another console, or not resumed yet).
            _ => {
                self.store.set_state(id, JobState::Cancelled).await?;
                self.status(id).await
            }
        }
    }

    /// Makes a stopped job runnable again: its failed rows are open again and it is
    /// `Running`. [`BulkOnboarding::run`] (or `start`) then does the work.
    pub async fn reopen(&self, id: &str) -> Result<(), ServiceError> {
        let record = self.record(id).await?;
        if self.live_job(id).is_some_and(|j| !j.is_over()) {
            return Err(ServiceError::Invalid(format!("Job {id} is running.")));
        }
        let rows = self.store.rows(id).await?;
        for mut row in rows.into_iter().filter(JobRow::is_failed) {
            row.error = None;
            self.store.save_row(id, &row).await?;
        }
        if record.state != JobState::Running {
            self.store.set_state(id, JobState::Running).await?;
        }
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
        Ok(())
    }

    /// Runs a stopped job again in the background: failed rows are tried again, open rows begin.
    pub async fn resume(self: &Arc<Self>, id: &str) -> Result<JobStatus, ServiceError> {
        self.reopen(id).await?;
        self.start(id);
        tracing::info!(job = %id, "onboarding job resumed");
        self.status(id).await
    }

    /// Takes up every open job nobody runs: left by this console before a restart, or by
    /// another replica that stopped (its lease ran out). Runs those left running and settles
    /// those left cancelling. The console calls it at start and every [`LEASE_SECONDS`]; a job
    /// whose lease a live run holds is left to it (one conditional write, no wait).
    pub async fn resume_unfinished(self: &Arc<Self>) -> Result<u32, ServiceError> {
        let mut resumed = 0;
        for job in self.store.jobs().await? {
            if job.state.is_over() || self.live_job(&job.id).is_some_and(|j| !j.is_over()) {
                continue;
            }
            let now = unix_now();
            if !self
                .store
                .claim(&job.id, &self.owner, now, now + LEASE_SECONDS)
                .await?
            {
                continue;
            }
            match job.state {
                JobState::Running => {
                    tracing::info!(job = %job.id, "taking up onboarding job nobody runs");
                    // The run renews the lease just taken.
                    self.start(&job.id);
                    resumed += 1;
                }
                JobState::Cancelling => {
                    self.store.set_state(&job.id, JobState::Cancelled).await?;
                    self.store.release(&job.id, &self.owner).await?;
                }
                JobState::Cancelled | JobState::Finished => {}
            }
        }
        Ok(resumed)
    }

    /// The per-row result file.
    pub async fn result_csv(&self, id: &str) -> Result<String, ServiceError> {
        self.record(id).await?;
        let rows = self.store.rows(id).await?;
        Ok(crate::domain::onboarding::job::result_csv(&rows))
    }

    /// The most recent jobs, newest first.
    pub async fn jobs(&self, limit: usize) -> Result<Vec<JobSummary>, ServiceError> {
        Ok(self
            .store
            .jobs()
            .await?
            .into_iter()
            .take(limit)
            .map(|j| {
                let state = self.live_job(&j.id).map(|l| l.state()).unwrap_or(j.state);
                JobSummary {
                    id: j.id,
                    state,
                    created_by: j.created_by,
                    created_at: j.created_at,
                    total: j.total,
                }
            })
            .collect())
    }
}
