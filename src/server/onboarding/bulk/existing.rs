//! What already exists in the account, for checking a plan: thing types, groups and
//! policies (listed whole) and which of the plan's thing names are taken (asked name by name,
//! paced, so a fleet of millions is never listed).

use super::BulkOnboarding;
use crate::domain::aws_names::check_policy_name;
use crate::domain::bounded::MAX_NAMES;
use crate::domain::onboarding::pacing::Api;
use crate::domain::onboarding::plan::Existing;
use crate::domain::onboarding::profile::OnboardingReach;
use crate::domain::policies::summary::{summarize, PolicySummary};
use crate::server::service_error::ServiceError;
use futures::{StreamExt, TryStreamExt};
use std::collections::BTreeSet;

/// Names one existence check takes at most (the browser asks in chunks, showing progress).
pub const MAX_NAMES_PER_CHECK: usize = 1000;

impl BulkOnboarding {
    /// The account's thing types, thing groups and policies, by name.
    pub async fn catalog(&self) -> Result<Existing, ServiceError> {
        let (types, groups, policies) = futures::try_join!(
            self.registry.list_thing_types(),
            self.registry.thing_group_names(MAX_NAMES),
            self.policies.list_policies(MAX_NAMES),
        )?;
        Ok(Existing {
            things: BTreeSet::new(),
            thing_types: types.into_iter().map(|t| t.name).collect(),
            thing_groups: groups.into_iter().collect(),
            policies: policies.into_iter().map(|p| p.name).collect(),
        })
    }

    /// What `policies` let a device named `thing` do: the wizard's policy step. Within a
    /// profile (one `chosen`, or any for a `reach` that needs one), only the profile's
    /// policies: the summary tells what a policy allows, which onboarding staff may not
    /// read of a policy outside their profile.
    pub async fn policy_summary(
        &self,
        policies: &[String],
        thing: &str,
        chosen: Option<&str>,
        reach: OnboardingReach,
    ) -> Result<PolicySummary, ServiceError> {
        // More names than a certificate can carry are no device's, and each is a call.
        const MAX_POLICIES: usize = crate::domain::aws_names::MAX_POLICIES_PER_CERTIFICATE;
        if policies.len() > MAX_POLICIES {
            return Err(ServiceError::Invalid(format!(
                "A device takes at most {MAX_POLICIES} policies; {} were named.",
                policies.len()
            )));
        }
        if let Some(profile) = self.profiles.binding(reach, chosen).await? {
            if let Some(p) = policies.iter().find(|p| !profile.policies.contains(p)) {
                return Err(ServiceError::Refused(format!(
                    "The onboarding profile {} does not give the policy {p}.",
                    profile.name
                )));
            }
        }
        let mut documents = Vec::with_capacity(policies.len());
        for name in policies {
            check_policy_name(name).map_err(ServiceError::Invalid)?;
            let record = self.certificates.get_policy(name).await?;
            documents.push((record.name, record.document));
        }
        Ok(summarize(&documents, thing))
    }

    /// Which of `names` are things already.
    pub async fn taken_names(&self, names: &[String]) -> Result<BTreeSet<String>, ServiceError> {
        if names.len() > MAX_NAMES_PER_CHECK {
            return Err(ServiceError::Invalid(format!(
                "Check at most {MAX_NAMES_PER_CHECK} names at a time."
            )));
        }
        // Owned names: a stream of borrowed ones trips the compiler's lifetime inference
        // inside a server function's future.
        let unique: BTreeSet<String> = names.iter().cloned().collect();
        let found: Vec<Option<String>> = futures::stream::iter(unique)
            .map(|name: String| async move {
                let arn = self
                    .pacer
                    .call(Api::DescribeThing, || self.aws.find_thing(&name))
                    .await?;
                Ok::<_, ServiceError>(arn.map(|_| name))
            })
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await?;
        Ok(found.into_iter().flatten().collect())
    }
}
