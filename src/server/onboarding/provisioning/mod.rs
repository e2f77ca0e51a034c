//! The provisioning service: creates one device (thing, groups, certificate, policies,
//! attachment) step by step, publishing each step's status as it goes, and on a failure
//! undoes, in reverse, everything the run created.
//!
//! The run machinery it shares with rotation and removal (live status, undo, the board pages
//! poll, the error and its sentence) is in [`crate::server::runs`].
//!
//! Live status: [`Provisioning::provision`] calls `report` with the whole [`LiveRun`]
//! after every change (a step starts, ends, is undone; the run's state changes). A caller
//! that serves a polling page keeps the latest copy (a `tokio::sync::watch` sender's
//! `send_replace`, or a map entry behind a mutex) and answers polls from it.

#[cfg(test)]
mod tests;

use crate::domain::onboarding::profile::OnboardingReach;
use crate::domain::onboarding::request_problems;
use crate::server::onboarding::profiles::OnboardingProfiles;
use crate::server::runs::live::Live;
use crate::server::runs::undo::{run_undoable, Undo, UndoableSteps};
use crate::server::runs::RunError;

use crate::domain::aws_names::check_thing_name;
use crate::domain::onboarding::provisioning::{
    CertificateSource, ProvisionOutcome, ProvisionRequest, StepAction,
};
use crate::domain::runs::LiveRun;
use crate::server::aws::{CreatedCertificate, PrivateKeyPem, Provisioner};
use crate::server::service_error::ServiceError;
use std::sync::Arc;

pub struct Provisioning {
    aws: Arc<dyn Provisioner>,
    profiles: Arc<OnboardingProfiles>,
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

/// One provisioning run's steps, for [`run_undoable`].
struct DeviceSteps<'a> {
    service: &'a Provisioning,
    req: &'a ProvisionRequest,
    made: Made,
}

impl UndoableSteps<StepAction> for DeviceSteps<'_> {
    fn step<'s>(
        &'s mut self,
        action: &'s StepAction,
    ) -> futures::future::BoxFuture<'s, Result<Option<Undo>, ServiceError>> {
        Box::pin(self.service.perform(action, self.req, &mut self.made))
    }
}

impl Provisioning {
    pub fn new(aws: Arc<dyn Provisioner>, profiles: Arc<OnboardingProfiles>) -> Self {
        Provisioning {
            aws,
            profiles,
            now: unix_now,
        }
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

    /// The wizard's create: refused, before anything is checked or created, when the device
    /// is outside the onboarding profile that binds it (the profile `chosen`, which `reach`
    /// may require); otherwise [`Provisioning::provision`].
    pub async fn provision_within(
        &self,
        req: &ProvisionRequest,
        chosen: Option<&str>,
        reach: OnboardingReach,
        report: &(dyn Fn(&LiveRun) + Send + Sync),
    ) -> Result<ProvisionOutcome, RunError> {
        if let Some(profile) = self.profiles.binding(reach, chosen).await? {
            OnboardingProfiles::admit(&profile, req.into())?;
        }
        self.provision(req, report).await
    }

    /// Creates the device the request describes. Checks the request first (an invalid one
    /// is refused before any call), then runs [`StepAction::planned`] in order, calling
    /// `report` after every change. On a failure, undoes in reverse what the run created and
    /// returns [`RunError::Failed`] with every step's final status.
    ///
    /// The private key of an [`CertificateSource::AwsGenerated`] run is in the outcome and
    /// nowhere else: never in `report`'s runs, never logged.
    pub async fn provision(
        &self,
        req: &ProvisionRequest,
        report: &(dyn Fn(&LiveRun) + Send + Sync),
    ) -> Result<ProvisionOutcome, RunError> {
        let problems = request_problems(req, (self.now)());
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(problems.join(" ")).into());
        }
        let actions = StepAction::planned(req);
        let live = Live::start(LiveRun::planned(req), report);
        let mut steps = DeviceSteps {
            service: self,
            req,
            made: Made::default(),
        };
        let live = run_undoable(self.aws.as_ref(), live, &actions, &mut steps).await?;
        let made = steps.made;
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
                Some(Undo::Thing(thing.to_string()))
            }
            StepAction::AddToGroup(group) => {
                aws.add_thing_to_group(thing, group).await?;
                Some(Undo::Group {
                    thing: thing.to_string(),
                    group: group.clone(),
                })
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
                Some(Undo::Principal {
                    thing: thing.to_string(),
                    principal_arn: arn,
                })
            }
        })
    }
}
