//! Certificate rotation: the device made a new key pair and a CSR; AWS signs it, the new
//! certificate gets every policy and thing of the old one, and the old one is set INACTIVE.
//!
//! This is the fix AWS IoT Device Defender gives for an expiring device certificate
//! (<https://docs.aws.amazon.com/iot-device-defender/latest/devguide/audit-chk-device-cert-approaching-expiration.html>):
//! provision a new certificate and attach it to the device, then mark the old one INACTIVE
//! with UpdateCertificate. The old certificate is only deactivated, never deleted: until the
//! device has installed the new certificate (the run's outcome carries it), an admin can
//! activate the old one again from the certificates page.
//!
//! Each step that creates something is undone, in reverse, when a later one fails; the old
//! certificate is changed only by the last step, so a failed run leaves it exactly as it was.

use super::Lifecycle;
use crate::domain::certificates::lifecycle::{
    short_id, RotationAction, RotationOutcome, RotationSubject,
};
use crate::domain::certificates::status::CertificateStatus;
use crate::domain::onboarding::check_csr_pem;
use crate::domain::runs::LiveRun;
use crate::server::aws::CreatedCertificate;
use crate::server::certificates::certificate_id;
use crate::server::runs::live::Live;
use crate::server::runs::undo::{run_undoable, Undo, UndoableSteps};
use crate::server::runs::RunError;
use crate::server::service_error::{OrNotFound, ServiceError};

/// One rotation's steps, for [`run_undoable`].
struct RotationSteps<'a> {
    service: &'a Lifecycle,
    csr_pem: &'a str,
    made: Option<CreatedCertificate>,
}

impl UndoableSteps<RotationAction> for RotationSteps<'_> {
    fn step<'s>(
        &'s mut self,
        action: &'s RotationAction,
    ) -> futures::future::BoxFuture<'s, Result<Option<Undo>, ServiceError>> {
        Box::pin(
            self.service
                .rotation_step(action, self.csr_pem, &mut self.made),
        )
    }
}

impl Lifecycle {
    /// The steps a rotation of `old_certificate_id` will make, all pending (for the
    /// confirmation screen); refused as [`Lifecycle::rotate`] would refuse it.
    pub async fn plan_rotation(&self, old_certificate_id: &str) -> Result<LiveRun, ServiceError> {
        Ok(self
            .rotation_subject(old_certificate_id)
            .await?
            .planned_run())
    }

    /// Rotates `old_certificate_id` to a certificate AWS signs from `csr_pem`, calling
    /// `report` after every change. Refuses, before any change, a malformed id or CSR, an
    /// unknown certificate, one that is not ACTIVE or INACTIVE, or one attached to no thing.
    pub async fn rotate(
        &self,
        old_certificate_id: &str,
        csr_pem: &str,
        report: &(dyn Fn(&LiveRun) + Send + Sync),
    ) -> Result<RotationOutcome, RunError> {
        // The checks that need no call come first.
        certificate_id(old_certificate_id)?;
        check_csr_pem(csr_pem).map_err(ServiceError::Invalid)?;
        let subject = self.rotation_subject(old_certificate_id).await?;
        let actions = subject.actions();
        let live = Live::start(subject.planned_run(), report);
        let mut steps = RotationSteps {
            service: self,
            csr_pem,
            made: None,
        };
        let live = run_undoable(self.aws.as_ref(), live, &actions, &mut steps).await?;
        let made = steps.made;
        let new = made.expect("the certificate step ran");
        tracing::info!(old = %old_certificate_id, new = %new.id, "certificate rotated");
        Ok(RotationOutcome {
            steps: live.run.steps,
            old_certificate_id: old_certificate_id.to_string(),
            certificate_id: new.id,
            certificate_arn: new.arn,
            certificate_pem: new.pem,
            things: subject.things,
            policies: subject.policies,
        })
    }

    /// The old certificate and what it is attached to, or the sentence refusing it.
    async fn rotation_subject(&self, id: &str) -> Result<RotationSubject, ServiceError> {
        certificate_id(id)?;
        let old = self
            .certificates
            .describe_certificate(id)
            .await
            .or_not_found(|| format!("There is no certificate {id}."))?;
        let short = short_id(id);
        match old.status {
            s if s.is_in_service() => {}
            CertificateStatus::Revoked => {
                return Err(ServiceError::Invalid(format!(
                    "Certificate {short} is REVOKED: revocation is final, so it cannot be rotated."
                )))
            }
            other => {
                return Err(ServiceError::Invalid(format!(
                    "Certificate {short} is {other}; only an ACTIVE or INACTIVE certificate can be rotated."
                )))
            }
        }
        let (policies, things) = futures::try_join!(
            self.certificates.policies_of_principal(&old.arn),
            self.principals.things_of_principal(&old.arn),
        )?;
        if things.is_empty() {
            return Err(ServiceError::Invalid(format!(
                "Certificate {short} is attached to no thing, so there is no device to rotate it for."
            )));
        }
        Ok(RotationSubject {
            old_certificate_id: id.to_string(),
            old_status: old.status,
            policies,
            things,
        })
    }

    /// One step's call; returns what undoes it, if it created something.
    async fn rotation_step(
        &self,
        action: &RotationAction,
        csr_pem: &str,
        made: &mut Option<CreatedCertificate>,
    ) -> Result<Option<Undo>, ServiceError> {
        let aws = &self.aws;
        let new_arn = |made: &Option<CreatedCertificate>| {
            made.as_ref()
                .map(|c| c.arn.clone())
                .expect("the certificate step runs first")
        };
        Ok(match action {
            RotationAction::CreateCertificate => {
                let certificate = aws.create_certificate_from_csr(csr_pem, true).await?;
                let undo = Undo::Certificate {
                    id: certificate.id.clone(),
                };
                *made = Some(certificate);
                Some(undo)
            }
            RotationAction::AttachPolicy(policy) => {
                let arn = new_arn(made);
                aws.attach_policy(policy, &arn).await?;
                Some(Undo::Policy {
                    policy: policy.clone(),
                    principal_arn: arn,
                })
            }
            RotationAction::AttachToThing(thing) => {
                let arn = new_arn(made);
                aws.attach_thing_principal(thing, &arn).await?;
                Some(Undo::Principal {
                    thing: thing.clone(),
                    principal_arn: arn,
                })
            }
            RotationAction::DeactivateOld { id } => {
                aws.update_certificate(id, CertificateStatus::Inactive)
                    .await?;
                None
            }
        })
    }
}
