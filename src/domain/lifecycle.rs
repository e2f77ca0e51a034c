//! A device's certificate lifecycle after provisioning: rotating its certificate, and removing
//! the device. The steps each makes, their labels, and what a stopped removal leaves behind.
//! The live status of both runs uses [`ProvisionRun`], like provisioning, so the page that
//! polls a run shows all three the same way.
//!
//! Certificate ids appear shortened in labels (the first [`SHORT_ID_CHARS`] characters, as
//! the certificates page shows them) and whole in the sentences an admin acts on.

use crate::domain::provisioning::{ProvisionRun, RunState, Step, StepStatus};
use serde::{Deserialize, Serialize};

/// Characters of a certificate id shown in a step label.
pub const SHORT_ID_CHARS: usize = 12;

/// The start of a certificate id, enough to tell certificates apart on one screen.
pub fn short_id(id: &str) -> &str {
    match id.char_indices().nth(SHORT_ID_CHARS) {
        Some((end, _)) => &id[..end],
        None => id,
    }
}

/// A run of `steps` labels, all pending, for `thing`.
fn planned_run(thing: &str, labels: impl Iterator<Item = String>) -> ProvisionRun {
    ProvisionRun {
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

// --- Rotation ---------------------------------------------------------------------------

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
    pub old_status: String,
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
        if self.old_status != "INACTIVE" {
            out.push(RotationAction::DeactivateOld {
                id: self.old_certificate_id.clone(),
            });
        }
        out
    }

    /// Every step, all pending: the confirmation screen. The run's thing is the first thing.
    pub fn planned_run(&self) -> ProvisionRun {
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

// --- Removal ----------------------------------------------------------------------------

/// A certificate attached to the thing being removed, as found before the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachedCertificate {
    pub id: String,
    pub arn: String,
    /// `None` when the certificate could not be described (already deleted).
    pub status: Option<String>,
    pub policies: Vec<String>,
    /// Things other than the one being removed that the certificate is attached to.
    pub other_things: Vec<String>,
}

/// A principal attached to the thing being removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttachedPrincipal {
    Certificate(AttachedCertificate),
    /// A Cognito identity or another principal that is not a certificate: only detached.
    Other(String),
}

/// What a removal starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemovalSubject {
    pub thing: String,
    pub principals: Vec<AttachedPrincipal>,
    pub groups: Vec<String>,
}

/// One step of a removal, in run order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RemovalAction {
    /// UpdateCertificate to INACTIVE: the device loses access with the first call.
    Deactivate {
        id: String,
    },
    DetachPolicy {
        policy: String,
        id: String,
        arn: String,
    },
    /// DetachThingPrincipal; `id` is set for a certificate.
    DetachPrincipal {
        thing: String,
        principal: String,
        id: Option<String>,
    },
    DeleteCertificate {
        id: String,
    },
    /// No call: the certificate stays, with its policies, for the things still using it.
    KeepShared {
        id: String,
        other_things: Vec<String>,
    },
    LeaveGroup {
        thing: String,
        group: String,
    },
    DeleteThing {
        thing: String,
    },
}

impl RemovalSubject {
    /// Per certificate: deactivate it (unless it is INACTIVE or REVOKED already: AWS refuses
    /// to change a REVOKED certificate, and deletes it as it is), detach its policies, detach
    /// it from the thing, delete it. Detaching from the thing comes last before the delete:
    /// until then a second run still finds the certificate through the thing.
    ///
    /// A certificate another thing uses is only detached from this thing: its status and
    /// policies stay, or the other device would lose access.
    ///
    /// Then the thing leaves its groups and is deleted.
    pub fn actions(&self) -> Vec<RemovalAction> {
        let thing = &self.thing;
        let mut out = Vec::new();
        for principal in &self.principals {
            match principal {
                AttachedPrincipal::Other(p) => out.push(RemovalAction::DetachPrincipal {
                    thing: thing.clone(),
                    principal: p.clone(),
                    id: None,
                }),
                AttachedPrincipal::Certificate(c) if !c.other_things.is_empty() => {
                    out.push(RemovalAction::DetachPrincipal {
                        thing: thing.clone(),
                        principal: c.arn.clone(),
                        id: Some(c.id.clone()),
                    });
                    out.push(RemovalAction::KeepShared {
                        id: c.id.clone(),
                        other_things: c.other_things.clone(),
                    });
                }
                AttachedPrincipal::Certificate(c) => {
                    if !matches!(c.status.as_deref(), Some("INACTIVE" | "REVOKED")) {
                        out.push(RemovalAction::Deactivate { id: c.id.clone() });
                    }
                    out.extend(c.policies.iter().map(|p| RemovalAction::DetachPolicy {
                        policy: p.clone(),
                        id: c.id.clone(),
                        arn: c.arn.clone(),
                    }));
                    out.push(RemovalAction::DetachPrincipal {
                        thing: thing.clone(),
                        principal: c.arn.clone(),
                        id: Some(c.id.clone()),
                    });
                    out.push(RemovalAction::DeleteCertificate { id: c.id.clone() });
                }
            }
        }
        out.extend(self.groups.iter().map(|g| RemovalAction::LeaveGroup {
            thing: thing.clone(),
            group: g.clone(),
        }));
        out.push(RemovalAction::DeleteThing {
            thing: thing.clone(),
        });
        out
    }

    /// Every step, all pending: the confirmation screen.
    pub fn planned_run(&self) -> ProvisionRun {
        planned_run(&self.thing, self.actions().iter().map(RemovalAction::label))
    }
}

/// "thing X" / "things X and Y" / "things X, Y and Z".
fn things_phrase(things: &[String]) -> String {
    match things {
        [one] => format!("thing {one} still uses it"),
        [init @ .., last] => format!("things {} and {last} still use it", init.join(", ")),
        [] => "another thing still uses it".into(),
    }
}

impl RemovalAction {
    pub fn label(&self) -> String {
        match self {
            RemovalAction::Deactivate { id } => {
                format!("Set certificate {} INACTIVE", short_id(id))
            }
            RemovalAction::DetachPolicy { policy, id, .. } => {
                format!("Detach policy {policy} from certificate {}", short_id(id))
            }
            RemovalAction::DetachPrincipal {
                thing,
                id: Some(id),
                ..
            } => format!("Detach certificate {} from {thing}", short_id(id)),
            RemovalAction::DetachPrincipal {
                thing, principal, ..
            } => format!("Detach principal {principal} from {thing}"),
            RemovalAction::DeleteCertificate { id } => {
                format!("Delete certificate {}", short_id(id))
            }
            RemovalAction::KeepShared { id, other_things } => format!(
                "Keep certificate {} and its policies: {}",
                short_id(id),
                things_phrase(other_things)
            ),
            RemovalAction::LeaveGroup { thing, group } => {
                format!("Remove {thing} from thing group {group}")
            }
            RemovalAction::DeleteThing { thing } => format!("Delete thing {thing}"),
        }
    }

    /// Whether the step only tells something (no AWS call).
    pub fn is_note(&self) -> bool {
        matches!(self, RemovalAction::KeepShared { .. })
    }

    /// What remains while this step has not run, in one sentence; `None` for a note.
    /// `detached_from` is the thing the certificate was already detached from, for a
    /// [`RemovalAction::DeleteCertificate`] the run reached after that detach.
    fn remains(&self, detached_from: Option<&str>) -> Option<String> {
        Some(match self {
            // Not "still ACTIVE": the step may have failed because someone revoked it meanwhile.
            RemovalAction::Deactivate { id } => format!("Certificate {id} was not set INACTIVE."),
            RemovalAction::DetachPolicy { policy, id, .. } => {
                format!("Policy {policy} is still attached to certificate {id}.")
            }
            RemovalAction::DetachPrincipal {
                thing,
                id: Some(id),
                ..
            } => format!("Certificate {id} is still attached to thing {thing}."),
            RemovalAction::DetachPrincipal {
                thing, principal, ..
            } => format!("Principal {principal} is still attached to thing {thing}."),
            RemovalAction::DeleteCertificate { id } => match detached_from {
                Some(thing) => format!(
                    "Certificate {id} still exists and is no longer attached to thing {thing}, so a second run will not find it: delete it on the certificates page."
                ),
                None => format!("Certificate {id} still exists."),
            },
            RemovalAction::KeepShared { .. } => return None,
            RemovalAction::LeaveGroup { thing, group } => {
                format!("Thing {thing} is still in thing group {group}.")
            }
            RemovalAction::DeleteThing { thing } => format!("Thing {thing} still exists."),
        })
    }
}

/// What a removal that stopped at step `failed` leaves, one sentence per step not done.
pub fn removal_left_behind(actions: &[RemovalAction], failed: usize) -> Vec<String> {
    let detached = |id: &str| {
        actions[..failed].iter().find_map(|a| match a {
            RemovalAction::DetachPrincipal {
                thing,
                id: Some(done),
                ..
            } if done == id => Some(thing.as_str()),
            _ => None,
        })
    };
    actions[failed..]
        .iter()
        .filter_map(|a| {
            let from = match a {
                RemovalAction::DeleteCertificate { id } => detached(id),
                _ => None,
            };
            a.remains(from)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn labels(run: &ProvisionRun) -> Vec<&str> {
        run.steps.iter().map(|s| s.label.as_str()).collect()
    }

    #[test]
    fn short_ids_are_the_first_twelve_characters() {
        assert_eq!(short_id(OLD), "0123456789ab");
        assert_eq!(short_id("abc"), "abc");
    }

    #[test]
    fn a_rotation_gives_the_new_certificate_everything_before_deactivating_the_old() {
        let subject = RotationSubject {
            old_certificate_id: OLD.into(),
            old_status: "ACTIVE".into(),
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
            old_status: "INACTIVE".into(),
            ..subject
        };
        assert_eq!(
            inactive.actions().last(),
            Some(&RotationAction::AttachToThing("sensor-9-spare".into())),
            "an INACTIVE old certificate needs no last step"
        );
    }

    fn certificate(
        id: &str,
        status: &str,
        policies: &[&str],
        others: &[&str],
    ) -> AttachedPrincipal {
        AttachedPrincipal::Certificate(AttachedCertificate {
            id: id.into(),
            arn: format!("arn:aws:iot:us-east-1:123456789012:cert/{id}"),
            status: Some(status.into()),
            policies: policies.iter().map(|p| p.to_string()).collect(),
            other_things: others.iter().map(|t| t.to_string()).collect(),
        })
    }

    fn subject(principals: Vec<AttachedPrincipal>) -> RemovalSubject {
        RemovalSubject {
            thing: "sensor-9".into(),
            principals,
            groups: vec!["G1".into()],
        }
    }

    #[test]
    fn a_removal_deactivates_detaches_and_deletes_then_leaves_groups_and_deletes_the_thing() {
        let run = subject(vec![certificate(
            "c1aaaaaaaaaaaaaa",
            "ACTIVE",
            &["P1", "P2"],
            &[],
        )])
        .planned_run();
        assert_eq!(
            labels(&run),
            [
                "Set certificate c1aaaaaaaaaa INACTIVE",
                "Detach policy P1 from certificate c1aaaaaaaaaa",
                "Detach policy P2 from certificate c1aaaaaaaaaa",
                "Detach certificate c1aaaaaaaaaa from sensor-9",
                "Delete certificate c1aaaaaaaaaa",
                "Remove sensor-9 from thing group G1",
                "Delete thing sensor-9",
            ]
        );
    }

    #[test]
    fn revoked_and_inactive_certificates_are_not_deactivated_again() {
        for status in ["REVOKED", "INACTIVE"] {
            let actions = subject(vec![certificate("c1", status, &[], &[])]).actions();
            assert!(
                !actions
                    .iter()
                    .any(|a| matches!(a, RemovalAction::Deactivate { .. })),
                "{status}: {actions:?}"
            );
            assert!(actions.contains(&RemovalAction::DeleteCertificate { id: "c1".into() }));
        }
    }

    #[test]
    fn a_shared_certificate_is_only_detached_and_the_plan_says_why() {
        let run = subject(vec![
            certificate("c1", "ACTIVE", &["P1"], &["sensor-10"]),
            certificate("c2", "ACTIVE", &[], &["a", "b", "c"]),
            AttachedPrincipal::Other("us-east-1:cognito-id".into()),
        ])
        .planned_run();
        assert_eq!(
            labels(&run),
            [
                "Detach certificate c1 from sensor-9",
                "Keep certificate c1 and its policies: thing sensor-10 still uses it",
                "Detach certificate c2 from sensor-9",
                "Keep certificate c2 and its policies: things a, b and c still use it",
                "Detach principal us-east-1:cognito-id from sensor-9",
                "Remove sensor-9 from thing group G1",
                "Delete thing sensor-9",
            ]
        );
    }

    #[test]
    fn a_stopped_removal_names_what_remains_with_whole_ids() {
        let actions = subject(vec![certificate(
            "c1aaaaaaaaaaaaaa",
            "ACTIVE",
            &["P1"],
            &[],
        )])
        .actions();
        // Stopped at detaching P1: the certificate is INACTIVE already.
        assert_eq!(
            removal_left_behind(&actions, 1),
            [
                "Policy P1 is still attached to certificate c1aaaaaaaaaaaaaa.",
                "Certificate c1aaaaaaaaaaaaaa is still attached to thing sensor-9.",
                "Certificate c1aaaaaaaaaaaaaa still exists.",
                "Thing sensor-9 is still in thing group G1.",
                "Thing sensor-9 still exists.",
            ]
        );
        // Stopped at the delete, after the detach: a second run cannot find it any more.
        let at_delete = removal_left_behind(&actions, 3);
        assert!(
            at_delete[0]
                .contains("no longer attached to thing sensor-9, so a second run will not find it"),
            "{at_delete:?}"
        );
        assert_eq!(at_delete.len(), 3);
    }

    #[test]
    fn notes_leave_nothing_behind() {
        let actions = subject(vec![certificate("c1", "ACTIVE", &[], &["x"])]).actions();
        assert!(actions[1].is_note());
        assert_eq!(
            removal_left_behind(&actions, 1),
            [
                "Thing sensor-9 is still in thing group G1.",
                "Thing sensor-9 still exists."
            ]
        );
    }
}
