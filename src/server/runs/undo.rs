//! What makes each created resource go away again, and the sentence naming what is left
//! behind when it cannot. Shared by every run that undoes itself on a failure (provisioning,
//! certificate rotation).

use super::live::Live;
use super::RunError;
use crate::domain::certificates::status::CertificateStatus;
use crate::domain::runs::{RunState, StepStatus};
use crate::server::aws::{AwsError, AwsErrorKind, Provisioner};
use crate::server::service_error::ServiceError;

/// One thing a run created, and so must remove on a failure. Each names everything its
/// removal needs, so one run can create attachments to several things.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Undo {
    Thing(String),
    Group {
        thing: String,
        group: String,
    },
    Certificate {
        id: String,
    },
    Policy {
        policy: String,
        principal_arn: String,
    },
    Principal {
        thing: String,
        principal_arn: String,
    },
}

/// Gone already counts as undone (or removed): the resource is not left behind.
pub(crate) fn gone_ok(r: Result<(), AwsError>) -> Result<(), AwsError> {
    match r {
        Err(e) if e.kind == AwsErrorKind::NotFound => Ok(()),
        other => other,
    }
}

impl Undo {
    /// Undoes it; on failure, one sentence naming what is left behind and why.
    pub(crate) async fn run(&self, aws: &dyn Provisioner) -> Result<(), String> {
        match self {
            Undo::Principal {
                thing,
                principal_arn,
            } => gone_ok(aws.detach_thing_principal(thing, principal_arn).await).map_err(|e| {
                format!("Certificate {principal_arn} is still attached to thing {thing} ({e}).")
            }),
            Undo::Policy {
                policy,
                principal_arn,
            } => gone_ok(aws.detach_policy(policy, principal_arn).await).map_err(|e| {
                format!("Policy {policy} is still attached to certificate {principal_arn} ({e}).")
            }),
            Undo::Certificate { id } => {
                // AWS deletes only an INACTIVE certificate.
                gone_ok(
                    aws.update_certificate(id, CertificateStatus::Inactive)
                        .await,
                )
                .map_err(|e| {
                    format!("Certificate {id} was not deleted and is still ACTIVE ({e}).")
                })?;
                gone_ok(aws.delete_certificate(id).await).map_err(|e| {
                    format!("Certificate {id} was set INACTIVE but not deleted ({e}).")
                })
            }
            Undo::Group { thing, group } => {
                gone_ok(aws.remove_thing_from_group(thing, group).await)
                    .map_err(|e| format!("Thing {thing} is still in thing group {group} ({e})."))
            }
            Undo::Thing(thing) => gone_ok(aws.delete_thing(thing).await)
                .map_err(|e| format!("Thing {thing} was not deleted ({e}).")),
        }
    }
}

/// Ends a run whose step `i` failed with `cause`: marks the step, undoes `created` (each with
/// the index of the step that created it) in reverse, and returns the run's error with every
/// step's final status.
/// A run whose steps may each create something that a later failure must undo.
pub(crate) trait UndoableSteps<A>: Send {
    /// Makes `action`'s call; returns what undoes it, if it created something.
    fn step<'s>(
        &'s mut self,
        action: &'s A,
    ) -> futures::future::BoxFuture<'s, Result<Option<Undo>, ServiceError>>;
}

/// Runs `actions` in order through `steps`, marking each step live. On the first failure,
/// undoes in reverse what the run created and returns [`RunError::Failed`]; otherwise
/// the run, marked Succeeded. Shared by the runs that must leave nothing behind
/// (provisioning, rotation).
pub(crate) async fn run_undoable<'r, A: Sync>(
    aws: &dyn Provisioner,
    mut live: Live<'r>,
    actions: &[A],
    steps: &mut impl UndoableSteps<A>,
) -> Result<Live<'r>, RunError> {
    let mut created: Vec<(usize, Undo)> = Vec::new();
    for (i, action) in actions.iter().enumerate() {
        live.step(i, StepStatus::Running);
        match steps.step(action).await {
            Ok(undo) => {
                if let Some(Undo::Certificate { id }) = &undo {
                    live.run.certificate_id = Some(id.clone());
                }
                live.step(i, StepStatus::Done);
                created.extend(undo.map(|u| (i, u)));
            }
            Err(cause) => return Err(fail_and_undo(aws, live, i, cause, created).await),
        }
    }
    live.state(RunState::Succeeded);
    Ok(live)
}

async fn fail_and_undo(
    aws: &dyn Provisioner,
    mut live: Live<'_>,
    i: usize,
    cause: ServiceError,
    created: Vec<(usize, Undo)>,
) -> RunError {
    live.step(i, StepStatus::Failed(cause.to_string()));
    let error = format!("{} failed: {cause}", live.run.steps[i].label);
    let thing = live.run.thing_name.clone();
    tracing::warn!(%thing, %error, "run failed; undoing");
    live.state(RunState::Undoing {
        error: error.clone(),
    });
    let left_behind = undo_in_reverse(aws, created, &mut live).await;
    if !left_behind.is_empty() {
        tracing::error!(%thing, ?left_behind, "undo incomplete");
    }
    live.state(RunState::Failed { error, left_behind });
    RunError::Failed {
        run: live.run,
        cause,
    }
}

/// Undoes `created` in reverse, marking each step Undone or UndoFailed; returns what could
/// not be undone, one sentence each.
async fn undo_in_reverse(
    aws: &dyn Provisioner,
    created: Vec<(usize, Undo)>,
    live: &mut Live<'_>,
) -> Vec<String> {
    let mut left_behind = Vec::new();
    for (i, undo) in created.into_iter().rev() {
        match undo.run(aws).await {
            Ok(()) => live.step(i, StepStatus::Undone),
            Err(sentence) => {
                live.step(i, StepStatus::UndoFailed(sentence.clone()));
                left_behind.push(sentence);
            }
        }
    }
    left_behind
}
