//! The latest status of each run a page is watching (a wizard's create, a rotation, a
//! removal), keyed by who started it and the id their page chose, so a poll shows live steps
//! and nobody else's. Runs are forgotten after an hour. Replicas share it through a
//! [`LiveRunStore`].

use crate::domain::runs::LiveRun;
use crate::server::aws::{AwsError, LiveRunStore};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEEP: Duration = Duration::from_secs(3600);

type Key = (String, String);

/// This replica's runs, and, when replicas share a store, every replica's: a status is kept
/// here at once (the poll of the page that started the run usually lands on this replica) and
/// written to the shared store behind it, so a poll that lands on another replica reads it
/// there.
#[derive(Default)]
pub struct RunBoard {
    runs: Mutex<HashMap<Key, Held>>,
    shared: Option<Arc<dyn LiveRunStore>>,
}

struct Held {
    at: Instant,
    /// The status's number in its run: shared writes may finish out of order, and the store
    /// keeps the highest.
    seq: u64,
    run: LiveRun,
}

/// A run id a page makes: 8 to 64 letters, digits or dashes.
pub fn is_valid_run_id(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl RunBoard {
    /// A board whose runs every replica sharing `store` can read.
    pub fn shared(store: Arc<dyn LiveRunStore>) -> Self {
        RunBoard {
            runs: Mutex::default(),
            shared: Some(store),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Held>> {
        // Every change is one insert or retain: a poisoned lock is still a sound one.
        self.runs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Called from a run's steps (synchronous code): keeps the status here and starts its
    /// shared write. [`RunBoard::settle`] at the end of the run waits for the last one.
    pub fn publish(&self, owner: &str, id: &str, run: &LiveRun) {
        let key = (owner.to_string(), id.to_string());
        let seq = {
            let mut runs = self.lock();
            runs.retain(|_, held| held.at.elapsed() < KEEP);
            let seq = runs.get(&key).map_or(1, |held| held.seq + 1);
            runs.insert(
                key,
                Held {
                    at: Instant::now(),
                    seq,
                    run: run.clone(),
                },
            );
            seq
        };
        if let Some(store) = self.shared.clone() {
            let (owner, id, run) = (owner.to_string(), id.to_string(), run.clone());
            // A failed write is logged by the adapter; the run goes on, and `settle` tries
            // the last status again.
            tokio::spawn(async move {
                let _ = store.put(&owner, &id, seq, &run).await;
            });
        }
    }

    /// Writes the run's latest status to the shared store and waits for it, so that once the
    /// run's server function answers, any replica shows the run's end.
    pub async fn settle(&self, owner: &str, id: &str) {
        let Some(store) = &self.shared else { return };
        let latest = self
            .lock()
            .get(&(owner.to_string(), id.to_string()))
            .map(|held| (held.seq, held.run.clone()));
        if let Some((seq, run)) = latest {
            let _ = store.put(owner, id, seq, &run).await;
        }
    }

    /// The run's latest status: this replica's if it runs it, else the shared store's.
    pub async fn get(&self, owner: &str, id: &str) -> Result<Option<LiveRun>, AwsError> {
        let here = self
            .lock()
            .get(&(owner.to_string(), id.to_string()))
            .filter(|held| held.at.elapsed() < KEEP)
            .map(|held| held.run.clone());
        match (here, &self.shared) {
            (Some(run), _) => Ok(Some(run)),
            (None, Some(store)) => store.get(owner, id).await,
            (None, None) => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::runs::RunState;

    #[tokio::test]
    async fn runs_are_seen_only_by_who_started_them() {
        let board = RunBoard::default();
        let run = LiveRun {
            thing_name: "t".into(),
            steps: vec![],
            state: RunState::Running,
            certificate_id: None,
        };
        board.publish("alice", "run-12345678", &run);
        assert_eq!(board.get("alice", "run-12345678").await.unwrap(), Some(run));
        assert_eq!(board.get("bob", "run-12345678").await.unwrap(), None);
        assert!(is_valid_run_id("run-12345678"));
        assert!(!is_valid_run_id("short"));
        assert!(!is_valid_run_id("run-1234567/"));
    }
}
