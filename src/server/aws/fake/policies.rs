//! Policies and their versions, and the things a principal is attached to.

use super::account::{not_found, policy_arn, PolicyVersion};
use super::{refused, short, Fake};
use crate::server::aws::{
    AwsError, AwsErrorKind, PolicyStore, PolicySummary, PolicyVersionRecord, Principals,
};
use async_trait::async_trait;

/// The most versions AWS keeps of a policy.
const MAX_VERSIONS: usize = 5;

#[async_trait]
impl PolicyStore for Fake {
    async fn list_policies(&self, limit: usize) -> Result<Vec<PolicySummary>, AwsError> {
        self.read("ListPolicies", String::new(), |i| {
            Ok(i.account
                .policies
                .iter()
                .take(limit.saturating_add(1))
                .map(|p| PolicySummary {
                    name: p.name.clone(),
                    arn: policy_arn(&p.name),
                })
                .collect())
        })
        .await
    }

    async fn policy_arn(&self, name: &str) -> Result<String, AwsError> {
        self.read("GetPolicy", name.into(), |i| {
            Ok(policy_arn(&i.account.policy(name)?.name))
        })
        .await
    }

    async fn list_policy_versions(&self, name: &str) -> Result<Vec<PolicyVersionRecord>, AwsError> {
        self.read("ListPolicyVersions", name.into(), |i| {
            let p = i.account.policy(name)?;
            Ok(p.versions
                .iter()
                .rev()
                .map(|v| PolicyVersionRecord {
                    version_id: v.id.clone(),
                    is_default: v.id == p.default_version,
                    created: v.created,
                })
                .collect())
        })
        .await
    }

    async fn policy_version_document(&self, name: &str, version: &str) -> Result<String, AwsError> {
        self.read("GetPolicyVersion", format!("{name} {version}"), |i| {
            let p = i.account.policy(name)?;
            p.versions
                .iter()
                .find(|v| v.id == version)
                .map(|v| v.document.clone())
                .ok_or_else(|| not_found(format!("Version {version} of policy {name}")))
        })
        .await
    }

    async fn create_policy_version(
        &self,
        name: &str,
        document: &str,
        set_as_default: bool,
    ) -> Result<String, AwsError> {
        let args = format!("{name} default={set_as_default}");
        self.change("CreatePolicyVersion", args, |i| {
            let p = i.account.policy_mut(name)?;
            if p.versions.len() >= MAX_VERSIONS {
                return Err(AwsError {
                    kind: AwsErrorKind::Invalid,
                    message: format!(
                        "Policy {name} already has five versions, the most AWS allows; delete an old one first"
                    ),
                    request_id: None,
                });
            }
            if serde_json::from_str::<serde_json::Value>(document).is_err() {
                return Err(AwsError {
                    kind: AwsErrorKind::Invalid,
                    message: format!("AWS rejected the policy document for Policy {name}"),
                    request_id: None,
                });
            }
            let id = p.next_version.to_string();
            p.next_version += 1;
            p.versions.push(PolicyVersion {
                id: id.clone(),
                document: document.to_string(),
                created: None,
            });
            if set_as_default {
                p.default_version = id.clone();
            }
            Ok(id)
        })
        .await
    }

    async fn set_default_policy_version(&self, name: &str, version: &str) -> Result<(), AwsError> {
        self.change(
            "SetDefaultPolicyVersion",
            format!("{name} {version}"),
            |i| {
                let p = i.account.policy_mut(name)?;
                if !p.versions.iter().any(|v| v.id == version) {
                    return Err(not_found(format!("Version {version} of policy {name}")));
                }
                p.default_version = version.to_string();
                Ok(())
            },
        )
        .await
    }

    async fn delete_policy_version(&self, name: &str, version: &str) -> Result<(), AwsError> {
        self.change("DeletePolicyVersion", format!("{name} {version}"), |i| {
            let p = i.account.policy_mut(name)?;
            if !p.versions.iter().any(|v| v.id == version) {
                return Err(not_found(format!("Version {version} of policy {name}")));
            }
            if p.default_version == version {
                return Err(refused(format!(
                    "delete the policy version: version {version} of Policy {name} is its default"
                )));
            }
            p.versions.retain(|v| v.id != version);
            Ok(())
        })
        .await
    }

    async fn targets_of_policy(&self, name: &str, limit: usize) -> Result<Vec<String>, AwsError> {
        self.read("ListTargetsForPolicy", name.into(), |i| {
            i.account.policy(name)?;
            Ok(i.account
                .policy_attachments
                .iter()
                .filter(|(p, _)| p == name)
                .take(limit.saturating_add(1))
                .map(|(_, principal)| principal.clone())
                .collect())
        })
        .await
    }
}

#[async_trait]
impl Principals for Fake {
    async fn things_of_principal(&self, principal_arn: &str) -> Result<Vec<String>, AwsError> {
        self.read("ListPrincipalThings", short(principal_arn).into(), |i| {
            Ok(i.account
                .principals
                .iter()
                .filter(|(_, p)| p == principal_arn)
                .map(|(thing, _)| thing.clone())
                .collect())
        })
        .await
    }
}
