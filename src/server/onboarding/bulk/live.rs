//! A job running in this process: its counts, rate and latest failures, answered to progress
//! polls without reading DynamoDB.

use crate::domain::onboarding::job::{rate_and_eta, JobCounts, JobRow, JobState, JobStatus};
use crate::server::aws::JobRecord;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Failures kept for the progress page; the result file has them all.
const RECENT_FAILURES: usize = 5;

pub(super) struct LiveJob {
    record: JobRecord,
    inner: Mutex<Inner>,
    cancel: AtomicBool,
    started: Instant,
}

struct Inner {
    state: JobState,
    counts: JobCounts,
    /// Rows settled before this run began (a resumed job), left out of the rate.
    settled_before: u32,
    failures: VecDeque<(String, String)>,
}

impl LiveJob {
    pub(super) fn new(record: JobRecord, counts: JobCounts) -> LiveJob {
        LiveJob {
            inner: Mutex::new(Inner {
                state: record.state,
                counts,
                settled_before: counts.done + counts.failed,
                failures: VecDeque::new(),
            }),
            record,
            cancel: AtomicBool::new(false),
            started: Instant::now(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn counts(&self) -> JobCounts {
        self.lock().counts
    }

    pub(super) fn state(&self) -> JobState {
        self.lock().state
    }

    pub(super) fn is_over(&self) -> bool {
        self.state().is_over()
    }

    pub(super) fn set_state(&self, state: JobState) {
        self.lock().state = state;
    }

    pub(super) fn request_cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
        let mut inner = self.lock();
        if !inner.state.is_over() {
            inner.state = JobState::Cancelling;
        }
    }

    pub(super) fn cancel_requested(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// A row settled: counted as done or failed.
    pub(super) fn settled(&self, row: &JobRow) {
        let mut inner = self.lock();
        if row.is_done() {
            inner.counts.done += 1;
        } else if let Some(error) = row.error.as_ref().filter(|_| row.is_failed()) {
            inner.counts.failed += 1;
            inner
                .failures
                .push_front((row.device.thing_name.clone(), error.clone()));
            inner.failures.truncate(RECENT_FAILURES);
        }
    }

    pub(super) fn status(&self) -> JobStatus {
        let inner = self.lock();
        let settled =
            (inner.counts.done + inner.counts.failed).saturating_sub(inner.settled_before);
        let (rate, eta) = if inner.state.is_over() {
            (0.0, None)
        } else {
            rate_and_eta(
                settled,
                self.started.elapsed().as_secs_f64(),
                inner.counts.remaining(),
            )
        };
        JobStatus {
            id: self.record.id.clone(),
            state: inner.state,
            created_by: self.record.created_by.clone(),
            created_at: self.record.created_at,
            counts: inner.counts,
            rate_per_second: rate,
            eta_seconds: eta,
            recent_failures: inner.failures.iter().cloned().collect(),
        }
    }
}
