//! The provisioning service: creates one device (thing, groups, certificate, policies,
//! attachment) step by step, publishing each step's status as it goes, and on a failure
//! undoes, in reverse, everything the run created.
//!
//! - `undo`: what each created resource needs to go away again.
//! - `board`: the latest status of each run a page is watching.
//!
//! Live status: [`Provisioning::provision`] calls `report` with the whole [`ProvisionRun`]
//! after every change (a step starts, ends, is undone; the run's state changes). A caller
//! that serves a polling page keeps the latest copy (a `tokio::sync::watch` sender's
//! `send_replace`, or a map entry behind a mutex) and answers polls from it.

pub mod board;
mod undo;

#[cfg(test)]
mod tests;

pub use crate::domain::onboarding::request_problems as problems;

use crate::domain::onboarding::rules::check_thing_name;
use crate::domain::provisioning::{
    CertificateSource, ProvisionOutcome, ProvisionRequest, ProvisionRun, RunState, StepAction,
    StepStatus,
};
use crate::server::aws::{AwsError, CreatedCertificate, PrivateKeyPem, Provisioner};
use crate::server::service_error::ServiceError;
use std::sync::Arc;
use undo::Undo;

/// How a run ended without a device.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    /// Refused before anything was created (invalid request): nothing to undo.
    #[error(transparent)]
    Refused(#[from] ServiceError),
    /// A step failed. `run` has every step's final status (what was undone, what could not
    /// be) and, in its state, the error and what is left behind; `cause` is the step's error.
    #[error("{}", failure_sentence(.run, .cause))]
    Failed {
        run: ProvisionRun,
        cause: ServiceError,
    },
}

/// "Attach policy P to the certificate failed: Policy P does not exist. Everything this run
/// created was undone."
fn failure_sentence(run: &ProvisionRun, cause: &ServiceError) -> String {
    let label = run
        .steps
        .iter()
        .find(|s| matches!(s.status, StepStatus::Failed(_)))
        .map(|s| s.label.as_str())
        .unwrap_or("A step");
    let cause = match cause {
        // The request id is added by AwsError's Display, once, after the whole sentence.
        ServiceError::Aws(a) => a.message.clone(),
        other => other.to_string(),
    };
    let cause = cause.trim_end_matches('.');
    let created = run
        .steps
        .iter()
        .any(|s| matches!(s.status, StepStatus::Undone | StepStatus::UndoFailed(_)));
    let aftermath = match &run.state {
        RunState::Failed { left_behind, .. } if !left_behind.is_empty() => format!(
            "Undoing the run left this behind for an admin to remove: {}",
            left_behind.join(" ")
        ),
        _ if created => "Everything this run created was undone.".to_string(),
        _ => "Nothing was created.".to_string(),
    };
    format!("{label} failed: {cause}. {aftermath}")
}

impl From<ProvisionError> for ServiceError {
    /// For server functions: the failure in one sentence, keeping the cause's kind (and AWS
    /// request id) so the status code matches it.
    fn from(e: ProvisionError) -> Self {
        match e {
            ProvisionError::Refused(e) => e,
            ProvisionError::Failed { run, cause } => {
                let message = failure_sentence(&run, &cause);
                match cause {
                    ServiceError::Invalid(_) => ServiceError::Invalid(message),
                    ServiceError::NotFound(_) => ServiceError::NotFound(message),
                    ServiceError::Aws(a) => ServiceError::Aws(AwsError { message, ..a }),
                }
            }
        }
    }
}

pub struct Provisioning {
    aws: Arc<dyn Provisioner>,
    now: fn() -> i64,
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// What the run has made so far, to build the outcome from.
#[derive(Default)]
struct Made {
    thing_arn: Option<String>,
    certificate: Option<CreatedCertificate>,
    private_key: Option<PrivateKeyPem>,
}

/// The run as the page sees it, published on every change.
struct Live<'a> {
    run: ProvisionRun,
    report: &'a (dyn Fn(&ProvisionRun) + Send + Sync),
}

impl Live<'_> {
    fn step(&mut self, i: usize, status: StepStatus) {
        self.run.steps[i].status = status;
        (self.report)(&self.run);
    }

    fn state(&mut self, state: RunState) {
        self.run.state = state;
        (self.report)(&self.run);
    }
}

impl Provisioning {
    pub fn new(aws: Arc<dyn Provisioner>) -> Self {
        Provisioning { aws, now: unix_now }
    }

    /// The wizard's step 1 check, and the run's first step: the name follows AWS's rule and
    /// no thing has it yet.
    pub async fn check_thing_name(&self, name: &str) -> Result<(), ServiceError> {
        check_thing_name(name).map_err(ServiceError::Invalid)?;
        self.name_is_free(name).await
    }

    async fn name_is_free(&self, name: &str) -> Result<(), ServiceError> {
        match self.aws.find_thing(name).await? {
            None => Ok(()),
            Some(_) => Err(ServiceError::Invalid(format!(
                "A thing named {name} already exists; choose another name."
            ))),
        }
    }

    /// Creates the device the request describes. Checks the request first (an invalid one
    /// is refused before any call), then runs [`StepAction::planned`] in order, calling
    /// `report` after every change. On a failure, undoes in reverse what the run created and
    /// returns [`ProvisionError::Failed`] with every step's final status.
    ///
    /// The private key of an [`CertificateSource::AwsGenerated`] run is in the outcome and
    /// nowhere else: never in `report`'s runs, never logged.
    pub async fn provision(
        &self,
        req: &ProvisionRequest,
        report: &(dyn Fn(&ProvisionRun) + Send + Sync),
    ) -> Result<ProvisionOutcome, ProvisionError> {
        let problems = problems(req, (self.now)());
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(problems.join(" ")).into());
        }
        let actions = StepAction::planned(req);
        let mut live = Live {
            run: ProvisionRun::planned(req),
            report,
        };
        report(&live.run);
        let mut made = Made::default();
        let mut created: Vec<(usize, Undo)> = Vec::new();
        for (i, action) in actions.iter().enumerate() {
            live.step(i, StepStatus::Running);
            match self.perform(action, req, &mut made).await {
                Ok(undo) => {
                    if let Some(Undo::Certificate { id }) = &undo {
                        live.run.certificate_id = Some(id.clone());
                    }
                    live.step(i, StepStatus::Done);
                    created.extend(undo.map(|u| (i, u)));
                }
                Err(cause) => {
                    live.step(i, StepStatus::Failed(cause.to_string()));
                    let error = format!("{} failed: {cause}", live.run.steps[i].label);
                    tracing::warn!(thing = %req.thing_name, %error, "provisioning failed; undoing");
                    live.state(RunState::Undoing {
                        error: error.clone(),
                    });
                    let left_behind = self.undo(&req.thing_name, created, &mut live).await;
                    if !left_behind.is_empty() {
                        tracing::error!(thing = %req.thing_name, ?left_behind, "provisioning undo incomplete");
                    }
                    live.state(RunState::Failed { error, left_behind });
                    return Err(ProvisionError::Failed {
                        run: live.run,
                        cause,
                    });
                }
            }
        }
        live.state(RunState::Succeeded);
        tracing::info!(thing = %req.thing_name, "device provisioned");
        let certificate = made.certificate.expect("the certificate step ran");
        Ok(ProvisionOutcome {
            steps: live.run.steps,
            thing_name: req.thing_name.clone(),
            thing_arn: made.thing_arn.expect("the thing step ran"),
            certificate_id: certificate.id,
            certificate_arn: certificate.arn,
            certificate_pem: certificate.pem,
            aws_private_key_pem: made.private_key.map(PrivateKeyPem::into_exposed),
        })
    }

    /// One step's call; returns what undoes it, if it created something.
    async fn perform(
        &self,
        action: &StepAction,
        req: &ProvisionRequest,
        made: &mut Made,
    ) -> Result<Option<Undo>, ServiceError> {
        let thing = req.thing_name.as_str();
        let aws = &self.aws;
        let cert_arn = |made: &Made| {
            made.certificate
                .as_ref()
                .map(|c| c.arn.clone())
                .expect("the certificate step runs before its attachments")
        };
        Ok(match action {
            StepAction::CheckName => {
                self.name_is_free(thing).await?;
                None
            }
            StepAction::CreateThing => {
                let created = aws
                    .create_thing(thing, req.thing_type.as_deref(), &req.attributes)
                    .await?;
                made.thing_arn = Some(created.arn);
                Some(Undo::Thing)
            }
            StepAction::AddToGroup(group) => {
                aws.add_thing_to_group(thing, group).await?;
                Some(Undo::Group(group.clone()))
            }
            StepAction::Certificate => {
                let certificate = match &req.certificate {
                    CertificateSource::Csr(csr) => {
                        aws.create_certificate_from_csr(csr, true).await?
                    }
                    CertificateSource::AwsGenerated => {
                        let keys = aws.create_keys_and_certificate(true).await?;
                        made.private_key = Some(keys.private_key);
                        keys.certificate
                    }
                    CertificateSource::Existing { pem } => {
                        aws.register_certificate_without_ca(pem, true).await?
                    }
                };
                let undo = Undo::Certificate {
                    id: certificate.id.clone(),
                };
                made.certificate = Some(certificate);
                Some(undo)
            }
            StepAction::AttachPolicy(policy) => {
                let arn = cert_arn(made);
                aws.attach_policy(policy, &arn).await?;
                Some(Undo::Policy {
                    policy: policy.clone(),
                    principal_arn: arn,
                })
            }
            StepAction::AttachToThing => {
                let arn = cert_arn(made);
                aws.attach_thing_principal(thing, &arn).await?;
                Some(Undo::Principal { principal_arn: arn })
            }
        })
    }

    /// Undoes `created` in reverse, marking each step; returns what could not be undone,
    /// one sentence each.
    async fn undo(
        &self,
        thing: &str,
        created: Vec<(usize, Undo)>,
        live: &mut Live<'_>,
    ) -> Vec<String> {
        let mut left_behind = Vec::new();
        for (i, undo) in created.into_iter().rev() {
            match undo.run(self.aws.as_ref(), thing).await {
                Ok(()) => live.step(i, StepStatus::Undone),
                Err(sentence) => {
                    live.step(i, StepStatus::UndoFailed(sentence.clone()));
                    left_behind.push(sentence);
                }
            }
        }
        left_behind
    }
}
