//! Removal: the steps that take a device apart in the order AWS allows, and the sentences
//! naming what a stopped removal leaves.

use super::short_id;
use crate::domain::certificates::status::CertificateStatus;
use crate::domain::runs::planned_run;
use crate::domain::runs::LiveRun;

/// A certificate attached to the thing being removed, as found before the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachedCertificate {
    pub id: String,
    pub arn: String,
    /// `None` when the certificate could not be described (already deleted).
    pub status: Option<CertificateStatus>,
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
                    if !c.status.is_some_and(CertificateStatus::is_out_of_service) {
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
    pub fn planned_run(&self) -> LiveRun {
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

    fn labels(run: &LiveRun) -> Vec<&str> {
        run.steps.iter().map(|s| s.label.as_str()).collect()
    }

    fn certificate(
        id: &str,
        status: CertificateStatus,
        policies: &[&str],
        others: &[&str],
    ) -> AttachedPrincipal {
        AttachedPrincipal::Certificate(AttachedCertificate {
            id: id.into(),
            arn: format!("arn:aws:iot:us-east-1:123456789012:cert/{id}"),
            status: Some(status),
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
            CertificateStatus::Active,
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
        for status in [CertificateStatus::Revoked, CertificateStatus::Inactive] {
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
            certificate("c1", CertificateStatus::Active, &["P1"], &["sensor-10"]),
            certificate("c2", CertificateStatus::Active, &[], &["a", "b", "c"]),
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
            CertificateStatus::Active,
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
        let actions = subject(vec![certificate(
            "c1",
            CertificateStatus::Active,
            &[],
            &["x"],
        )])
        .actions();
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
