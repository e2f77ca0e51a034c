//! [`PolicyStore`] over the AWS IoT control-plane SDK.

use super::iot::secs;
use super::SdkIot;
use crate::server::aws::{AwsError, PolicyStore, PolicySummary, PolicyVersionRecord};
use async_trait::async_trait;

fn subject(name: &str) -> String {
    format!("Policy {name}")
}

#[async_trait]
impl PolicyStore for SdkIot {
    async fn list_policies(&self, limit: usize) -> Result<Vec<PolicySummary>, AwsError> {
        let mut pages = self.client.list_policies().into_paginator().send();
        let mut out: Vec<PolicySummary> = Vec::new();
        // Pages until one more than the limit: the caller learns there are more, and no
        // more pages are read than that.
        while out.len() <= limit {
            let Some(page) = pages.next().await else {
                break;
            };
            let page = page.map_err(|e| AwsError::from_sdk(e, "list policies", "the policies"))?;
            out.extend(page.policies().iter().map(|p| PolicySummary {
                name: p.policy_name().unwrap_or_default().to_string(),
                arn: p.policy_arn().unwrap_or_default().to_string(),
            }));
        }
        out.truncate(limit.saturating_add(1));
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    async fn policy_arn(&self, name: &str) -> Result<String, AwsError> {
        let p = self
            .client
            .get_policy()
            .policy_name(name)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "read the policy", &subject(name)))?;
        Ok(p.policy_arn().unwrap_or_default().to_string())
    }

    async fn list_policy_versions(&self, name: &str) -> Result<Vec<PolicyVersionRecord>, AwsError> {
        let out = self
            .client
            .list_policy_versions()
            .policy_name(name)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "list the policy's versions", &subject(name)))?;
        Ok(out
            .policy_versions()
            .iter()
            .map(|v| PolicyVersionRecord {
                version_id: v.version_id().unwrap_or_default().to_string(),
                is_default: v.is_default_version(),
                created: secs(v.create_date()),
            })
            .collect())
    }

    async fn policy_version_document(&self, name: &str, version: &str) -> Result<String, AwsError> {
        let out = self
            .client
            .get_policy_version()
            .policy_name(name)
            .policy_version_id(version)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    e,
                    "read the policy version",
                    &format!("Version {version} of policy {name}"),
                )
            })?;
        Ok(out.policy_document().unwrap_or_default().to_string())
    }

    async fn create_policy_version(
        &self,
        name: &str,
        document: &str,
        set_as_default: bool,
    ) -> Result<String, AwsError> {
        let out = self
            .client
            .create_policy_version()
            .policy_name(name)
            .policy_document(document)
            .set_as_default(set_as_default)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "create a policy version", &subject(name)))?;
        Ok(out.policy_version_id().unwrap_or_default().to_string())
    }

    async fn set_default_policy_version(&self, name: &str, version: &str) -> Result<(), AwsError> {
        self.client
            .set_default_policy_version()
            .policy_name(name)
            .policy_version_id(version)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "change the default version", &subject(name)))?;
        Ok(())
    }

    async fn delete_policy_version(&self, name: &str, version: &str) -> Result<(), AwsError> {
        self.client
            .delete_policy_version()
            .policy_name(name)
            .policy_version_id(version)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    e,
                    "delete the policy version",
                    &format!("Version {version} of policy {name}"),
                )
            })?;
        Ok(())
    }

    async fn targets_of_policy(&self, name: &str, limit: usize) -> Result<Vec<String>, AwsError> {
        let mut pages = self
            .client
            .list_targets_for_policy()
            .policy_name(name)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while out.len() <= limit {
            let Some(page) = pages.next().await else {
                break;
            };
            let page = page
                .map_err(|e| AwsError::from_sdk(e, "list the policy's targets", &subject(name)))?;
            out.extend(page.targets().iter().cloned());
        }
        out.truncate(limit.saturating_add(1));
        Ok(out)
    }
}
