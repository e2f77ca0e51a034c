//! What every run made of steps shares (provisioning a device, rotating a certificate,
//! removing a device): its live status published on every change (`live`), what undoes each
//! created resource (`undo`), the board of the latest status each watching page polls
//! (`board`), and how a run that ended without its result is told ([`RunError`]).

pub mod board;
pub mod live;
pub mod undo;

use crate::domain::runs::{LiveRun, RunState, StepStatus};
use crate::server::service_error::ServiceError;

/// How a run ended without a device.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Refused before anything was created (invalid request): nothing to undo.
    #[error(transparent)]
    Refused(#[from] ServiceError),
    /// A step failed. `run` has every step's final status (what was undone, what could not
    /// be) and, in its state, the error and what is left behind; `cause` is the step's error.
    #[error("{}", failure_sentence(.run, .cause))]
    Failed { run: LiveRun, cause: ServiceError },
}

/// "Attach policy P to the certificate failed: Policy P does not exist. Everything this run
/// created was undone." A run that stops without undoing (a device removal) names what it
/// left for an admin or a second run instead.
pub(crate) fn failure_sentence(run: &LiveRun, cause: &ServiceError) -> String {
    let label = run
        .steps
        .iter()
        .find(|s| matches!(s.status, StepStatus::Failed(_)))
        .map(|s| s.label.as_str())
        .unwrap_or("A step");
    // Without the AWS request id: the error's Display adds it, once, after the whole sentence.
    let cause = cause.message().trim_end_matches('.');
    let created = run
        .steps
        .iter()
        .any(|s| matches!(s.status, StepStatus::Undone | StepStatus::UndoFailed(_)));
    let aftermath = match &run.state {
        RunState::Failed { left_behind, .. } if !left_behind.is_empty() && created => format!(
            "Undoing the run left this behind for an admin to remove: {}",
            left_behind.join(" ")
        ),
        RunState::Failed { left_behind, .. } if !left_behind.is_empty() => format!(
            "The run stopped there and left this for an admin or a second run to finish: {}",
            left_behind.join(" ")
        ),
        _ if created => "Everything this run created was undone.".to_string(),
        _ => "Nothing was created.".to_string(),
    };
    format!("{label} failed: {cause}. {aftermath}")
}

impl From<RunError> for ServiceError {
    /// For server functions: the failure in one sentence, keeping the cause's kind (and AWS
    /// request id) so the status code matches it.
    fn from(e: RunError) -> Self {
        match e {
            RunError::Refused(e) => e,
            RunError::Failed { run, cause } => {
                let message = failure_sentence(&run, &cause);
                cause.with_message(message)
            }
        }
    }
}
