//! A run made of steps, each with its live status: provisioning one device, rotating a
//! certificate, removing a device. The page that polls a run shows all three the same way.
//! These types cross between the server and the browser (WASM), so counts are `u32`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepStatus {
    Pending,
    Running,
    Done,
    /// The call failed; the sentence says why.
    Failed(String),
    /// Done, then undone because a later step failed.
    Undone,
    /// Done, and undoing it failed: the sentence names what is left behind.
    UndoFailed(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub label: String,
    pub status: StepStatus,
}

/// Where a run is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunState {
    Running,
    /// A step failed (`error` says which and why); what the run created is being undone.
    Undoing {
        error: String,
    },
    Succeeded,
    /// A step failed and the run is over. `left_behind` names, one sentence each, what could
    /// not be undone and needs an admin; empty when everything was undone.
    Failed {
        error: String,
        left_behind: Vec<String>,
    },
}

/// A run's steps and state, as the review page polls them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveRun {
    pub thing_name: String,
    pub steps: Vec<Step>,
    pub state: RunState,
    /// Set once the certificate step is done: the certificate this run made (and, after a
    /// failure, undid), so it can be looked up or cleaned up.
    pub certificate_id: Option<String>,
}

impl LiveRun {
    pub fn is_finished(&self) -> bool {
        matches!(self.state, RunState::Succeeded | RunState::Failed { .. })
    }

    /// Steps done so far, for a progress bar.
    pub fn done_count(&self) -> u32 {
        self.steps
            .iter()
            .filter(|s| s.status == StepStatus::Done)
            .count() as u32
    }
}

/// A run of `labels`, all pending, for `thing`: what a page shows before the run starts.
pub fn planned_run(thing: &str, labels: impl Iterator<Item = String>) -> LiveRun {
    LiveRun {
        thing_name: thing.to_string(),
        steps: labels
            .map(|label| Step {
                label,
                status: StepStatus::Pending,
            })
            .collect(),
        state: RunState::Running,
        certificate_id: None,
    }
}
