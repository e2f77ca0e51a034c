//! Removing a device: its certificates (deactivated, policies detached, detached, deleted —
//! the order AWS requires before DeleteCertificate), its group memberships, then the thing.
//!
//! No step is undone on a failure: the device is on its way out, and putting back what was
//! removed would give it access again. The run stops at the failing step and names, one
//! sentence each, what remains. Every step takes "already gone" as done, so running the
//! removal again finishes it.
//!
//! DetachThingPrincipal "is asynchronous. It might take several seconds for the detachment
//! to propagate" (AWS IoT API Reference,
//! <https://docs.aws.amazon.com/iot/latest/apireference/API_DetachThingPrincipal.html>);
//! until it has, AWS refuses to delete the certificate or the thing as still attached. Those
//! two deletes wait and try again a few times before the run stops.

use super::Lifecycle;
use crate::domain::aws_names::check_thing_name;
use crate::domain::certificates::lifecycle::{
    removal_left_behind, AttachedCertificate, AttachedPrincipal, RemovalAction, RemovalSubject,
};
use crate::domain::certificates::status::CertificateStatus;
use crate::domain::runs::{LiveRun, RunState, StepStatus};
use crate::server::aws::{certificate_id_of, AwsError, AwsErrorKind};
use crate::server::runs::live::Live;
use crate::server::runs::undo::gone_ok;
use crate::server::runs::RunError;
use crate::server::service_error::{OrNotFound, ServiceError};
use std::future::Future;

/// A listing of something that is gone already is empty.
fn empty_if_gone(r: Result<Vec<String>, AwsError>) -> Result<Vec<String>, AwsError> {
    match r {
        Err(e) if e.kind == AwsErrorKind::NotFound => Ok(Vec::new()),
        other => other,
    }
}

impl Lifecycle {
    /// The steps removing `thing` will make, all pending (for the confirmation screen).
    pub async fn plan_removal(&self, thing: &str) -> Result<LiveRun, ServiceError> {
        Ok(self.removal_subject(thing).await?.planned_run())
    }

    /// Removes `thing` and everything only it uses, calling `report` after every change.
    /// A thing that does not exist is refused before any change. On a failure the run ends
    /// [`RunState::Failed`] with what remains in `left_behind`.
    pub async fn remove_device(
        &self,
        thing: &str,
        report: &(dyn Fn(&LiveRun) + Send + Sync),
    ) -> Result<LiveRun, RunError> {
        let subject = self.removal_subject(thing).await?;
        let actions = subject.actions();
        let mut live = Live::start(subject.planned_run(), report);
        for (i, action) in actions.iter().enumerate() {
            if action.is_note() {
                live.step(i, StepStatus::Done);
                continue;
            }
            live.step(i, StepStatus::Running);
            if let Err(cause) = self.removal_step(action).await {
                live.step(i, StepStatus::Failed(cause.to_string()));
                let error = format!("{} failed: {cause}", live.run.steps[i].label);
                let left_behind = removal_left_behind(&actions, i);
                tracing::warn!(%thing, %error, ?left_behind, "device removal stopped");
                live.state(RunState::Failed { error, left_behind });
                return Err(RunError::Failed {
                    run: live.run,
                    cause,
                });
            }
            live.step(i, StepStatus::Done);
        }
        live.state(RunState::Succeeded);
        tracing::info!(%thing, "device removed");
        Ok(live.run)
    }

    /// The thing, what is attached to it and its groups, or the sentence refusing it.
    async fn removal_subject(&self, thing: &str) -> Result<RemovalSubject, ServiceError> {
        check_thing_name(thing).map_err(ServiceError::Invalid)?;
        self.registry
            .describe_thing(thing)
            .await
            .or_not_found(|| format!("There is no thing {thing}."))?;
        let (principals, groups) = futures::try_join!(
            self.registry.principals_of_thing(thing),
            self.registry.groups_of_thing(thing),
        )?;
        let principals =
            futures::future::try_join_all(principals.into_iter().map(|p| self.attached(thing, p)))
                .await?;
        Ok(RemovalSubject {
            thing: thing.to_string(),
            principals,
            groups,
        })
    }

    async fn attached(
        &self,
        thing: &str,
        principal: String,
    ) -> Result<AttachedPrincipal, AwsError> {
        let Some(id) = certificate_id_of(&principal).map(str::to_string) else {
            return Ok(AttachedPrincipal::Other(principal));
        };
        let status = async {
            match self.certificates.describe_certificate(&id).await {
                Ok(c) => Ok(Some(c.status)),
                Err(e) if e.kind == AwsErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        };
        let (status, policies, things) = futures::try_join!(
            status,
            async { empty_if_gone(self.certificates.policies_of_principal(&principal).await) },
            async { empty_if_gone(self.principals.things_of_principal(&principal).await) },
        )?;
        Ok(AttachedPrincipal::Certificate(AttachedCertificate {
            id,
            arn: principal,
            status,
            policies,
            other_things: things.into_iter().filter(|t| t != thing).collect(),
        }))
    }

    async fn removal_step(&self, action: &RemovalAction) -> Result<(), ServiceError> {
        let aws = self.aws.as_ref();
        match action {
            RemovalAction::Deactivate { id } => gone_ok(
                aws.update_certificate(id, CertificateStatus::Inactive)
                    .await,
            )?,
            RemovalAction::DetachPolicy { policy, arn, .. } => {
                gone_ok(aws.detach_policy(policy, arn).await)?
            }
            RemovalAction::DetachPrincipal {
                thing, principal, ..
            } => gone_ok(aws.detach_thing_principal(thing, principal).await)?,
            RemovalAction::DeleteCertificate { id } => {
                self.settled(|| aws.delete_certificate(id)).await?
            }
            RemovalAction::KeepShared { .. } => {}
            RemovalAction::LeaveGroup { thing, group } => {
                gone_ok(aws.remove_thing_from_group(thing, group).await)?
            }
            RemovalAction::DeleteThing { thing } => {
                self.settled(|| aws.delete_thing(thing)).await?
            }
        }
        Ok(())
    }

    /// A delete that follows a detachment: gone counts as done, and a refusal (AWS's
    /// "still attached", kind Invalid) is tried again after each wait in `settle`.
    async fn settled<F, Fut>(&self, call: F) -> Result<(), AwsError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<(), AwsError>>,
    {
        let mut waits = self.settle.iter();
        loop {
            match gone_ok(call().await) {
                Err(e) if e.kind == AwsErrorKind::Invalid => match waits.next() {
                    Some(wait) => tokio::time::sleep(*wait).await,
                    None => return Err(e),
                },
                other => return other,
            }
        }
    }
}
