//! The latest status of each run a page is watching (a wizard's create, a rotation, a
//! removal), keyed by who started it and the id their page chose, so a poll shows live steps
//! and nobody else's. Runs are forgotten after an hour.

use crate::domain::runs::LiveRun;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const KEEP: Duration = Duration::from_secs(3600);

#[derive(Default)]
pub struct RunBoard {
    runs: Mutex<HashMap<(String, String), (Instant, LiveRun)>>,
}

/// A run id a page makes: 8 to 64 letters, digits or dashes.
pub fn is_valid_run_id(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl RunBoard {
    pub fn publish(&self, owner: &str, id: &str, run: &LiveRun) {
        let mut runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
        runs.retain(|_, (at, _)| at.elapsed() < KEEP);
        runs.insert(
            (owner.to_string(), id.to_string()),
            (Instant::now(), run.clone()),
        );
    }

    pub fn get(&self, owner: &str, id: &str) -> Option<LiveRun> {
        self.runs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(owner.to_string(), id.to_string()))
            .map(|(_, run)| run.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::runs::RunState;

    #[test]
    fn runs_are_seen_only_by_who_started_them() {
        let board = RunBoard::default();
        let run = LiveRun {
            thing_name: "t".into(),
            steps: vec![],
            state: RunState::Running,
            certificate_id: None,
        };
        board.publish("alice", "run-12345678", &run);
        assert_eq!(board.get("alice", "run-12345678"), Some(run));
        assert_eq!(board.get("bob", "run-12345678"), None);
        assert!(is_valid_run_id("run-12345678"));
        assert!(!is_valid_run_id("short"));
        assert!(!is_valid_run_id("run-1234567/"));
    }
}
