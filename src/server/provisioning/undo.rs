//! What makes each created resource go away again, and the sentence naming what is left
//! behind when it cannot.

use crate::server::aws::{AwsError, AwsErrorKind, CertificateState, Provisioner};

/// One thing a run created, and so must remove on a failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Undo {
    Thing,
    Group(String),
    Certificate {
        id: String,
    },
    Policy {
        policy: String,
        principal_arn: String,
    },
    Principal {
        principal_arn: String,
    },
}

/// Gone already counts as undone: the resource is not left behind.
fn gone_ok(r: Result<(), AwsError>) -> Result<(), AwsError> {
    match r {
        Err(e) if e.kind == AwsErrorKind::NotFound => Ok(()),
        other => other,
    }
}

impl Undo {
    /// Undoes it; on failure, one sentence naming what is left behind and why.
    pub(super) async fn run(&self, aws: &dyn Provisioner, thing: &str) -> Result<(), String> {
        match self {
            Undo::Principal { principal_arn } => {
                gone_ok(aws.detach_thing_principal(thing, principal_arn).await).map_err(|e| {
                    format!("Certificate {principal_arn} is still attached to thing {thing} ({e}).")
                })
            }
            Undo::Policy {
                policy,
                principal_arn,
            } => gone_ok(aws.detach_policy(policy, principal_arn).await).map_err(|e| {
                format!("Policy {policy} is still attached to certificate {principal_arn} ({e}).")
            }),
            Undo::Certificate { id } => {
                // AWS deletes only an INACTIVE certificate.
                gone_ok(aws.update_certificate(id, CertificateState::Inactive).await).map_err(
                    |e| format!("Certificate {id} was not deleted and is still ACTIVE ({e})."),
                )?;
                gone_ok(aws.delete_certificate(id).await).map_err(|e| {
                    format!("Certificate {id} was set INACTIVE but not deleted ({e}).")
                })
            }
            Undo::Group(group) => gone_ok(aws.remove_thing_from_group(thing, group).await)
                .map_err(|e| format!("Thing {thing} is still in thing group {group} ({e}).")),
            Undo::Thing => gone_ok(aws.delete_thing(thing).await)
                .map_err(|e| format!("Thing {thing} was not deleted ({e}).")),
        }
    }
}
