//! Rotation: the steps that move a device to a new certificate, and what a finished one
//! hands back.

use super::short_id;
use crate::domain::certificates::status::CertificateStatus;
use crate::domain::runs::planned_run;
use crate::domain::runs::{LiveRun, Step};
use serde::{Deserialize, Serialize};

/// One call of a rotation, in run order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RotationAction {
    /// CreateCertificateFromCsr, ACTIVE.
    CreateCertificate,
    /// AttachPolicy of one of the old certificate's policies to the new certificate.
    AttachPolicy(String),
    /// AttachThingPrincipal of the new certificate to one of the old one's things.
    AttachToThing(String),
    /// UpdateCertificate of the old certificate to INACTIVE (not deleted: it can be
    /// activated again if the device cannot use the new one yet).
    DeactivateOld { id: String },
}

/// What a rotation starts from: the old certificate and what it is attached to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationSubject {
    pub old_certificate_id: String,
    pub old_status: CertificateStatus,
    pub policies: Vec<String>,
    /// Never empty: a certificate attached to no thing is refused before planning.
    pub things: Vec<String>,
}

impl RotationSubject {
    /// The new certificate gets every policy and thing of the old one before the old one is
    /// deactivated, so the device has a working certificate at every moment. An old
    /// certificate that is INACTIVE already needs no last step.
    pub fn actions(&self) -> Vec<RotationAction> {
        let mut out = vec![RotationAction::CreateCertificate];
        out.extend(
            self.policies
                .iter()
                .cloned()
                .map(RotationAction::AttachPolicy),
        );
        out.extend(
            self.things
                .iter()
                .cloned()
                .map(RotationAction::AttachToThing),
        );
        if self.old_status != CertificateStatus::Inactive {
            out.push(RotationAction::DeactivateOld {
                id: self.old_certificate_id.clone(),
            });
        }
        out
    }

    /// Every step, all pending: the confirmation screen. The run's thing is the first thing.
    pub fn planned_run(&self) -> LiveRun {
        planned_run(
            self.things.first().map(String::as_str).unwrap_or_default(),
            self.actions().iter().map(RotationAction::label),
        )
    }
}

impl RotationAction {
    pub fn label(&self) -> String {
        match self {
            RotationAction::CreateCertificate => "Create the new certificate from the CSR".into(),
            RotationAction::AttachPolicy(p) => format!("Attach policy {p} to the new certificate"),
            RotationAction::AttachToThing(t) => {
                format!("Attach the new certificate to thing {t}")
            }
            RotationAction::DeactivateOld { id } => {
                format!("Set the old certificate {} INACTIVE", short_id(id))
            }
        }
    }
}

/// A rotation that succeeded: the new certificate (its PEM goes to the device), what it was
/// given, and the old certificate it replaces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotationOutcome {
    pub steps: Vec<Step>,
    pub old_certificate_id: String,
    pub certificate_id: String,
    pub certificate_arn: String,
    pub certificate_pem: String,
    pub things: Vec<String>,
    pub policies: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::runs::StepStatus;

    const OLD: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn labels(run: &LiveRun) -> Vec<&str> {
        run.steps.iter().map(|s| s.label.as_str()).collect()
    }

    #[test]
    fn a_rotation_gives_the_new_certificate_everything_before_deactivating_the_old() {
        let subject = RotationSubject {
            old_certificate_id: OLD.into(),
            old_status: CertificateStatus::Active,
            policies: vec!["P1".into(), "P2".into()],
            things: vec!["sensor-9".into(), "sensor-9-spare".into()],
        };
        let run = subject.planned_run();
        assert_eq!(run.thing_name, "sensor-9");
        assert_eq!(
            labels(&run),
            [
                "Create the new certificate from the CSR",
                "Attach policy P1 to the new certificate",
                "Attach policy P2 to the new certificate",
                "Attach the new certificate to thing sensor-9",
                "Attach the new certificate to thing sensor-9-spare",
                "Set the old certificate 0123456789ab INACTIVE",
            ]
        );
        assert!(run.steps.iter().all(|s| s.status == StepStatus::Pending));

        let inactive = RotationSubject {
            old_status: CertificateStatus::Inactive,
            ..subject
        };
        assert_eq!(
            inactive.actions().last(),
            Some(&RotationAction::AttachToThing("sensor-9-spare".into())),
            "an INACTIVE old certificate needs no last step"
        );
    }
}
