//! The policy service: policies and their versions, the devices they reach, and what the
//! simulator and the impact preview need from the registry.

use crate::domain::aws_names::{is_valid_aws_name, is_valid_policy_name};
use crate::domain::bounded::{Bounded, MAX_LISTED};
use crate::domain::certificates::facts::rfc3339;
use crate::domain::certificates::status::CertificateStatus;
use crate::domain::certificates::variables::certificate_policy_variables;
use crate::domain::inventory::sorted_pairs;
use crate::domain::policies::catalog::{
    is_valid_version_id, ImpactOutcome, PolicyDetail, PolicyRow, PolicyTarget, PolicyVersionView,
    SavedPolicy, SimulationDevice, MAX_IMPACT_DEVICES, MAX_POLICY_VERSIONS,
};
use crate::domain::policies::engine::{
    impact_preview, lint, parse_policy, ImpactDevice, ImpactInput, PolicyDocument,
};
use crate::domain::policies::simulation::{device_context, region_and_account, DeviceProfile};
use crate::server::aws::{
    certificate_id_of, AwsError, AwsErrorKind, CertificateDirectory, PolicyStore,
    PolicyVersionRecord, Principals, ThingRegistry,
};
use crate::server::paging::CONCURRENCY;
use crate::server::service_error::{OrNotFound, ServiceError};
use futures::stream::{self, StreamExt, TryStreamExt};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub struct Policies {
    store: Arc<dyn PolicyStore>,
    /// The things a policy's principals are attached to (ListPrincipalThings).
    principals: Arc<dyn Principals>,
    things: Arc<dyn ThingRegistry>,
    certs: Arc<dyn CertificateDirectory>,
}

fn policy_name(name: &str) -> Result<(), ServiceError> {
    if is_valid_policy_name(name) {
        Ok(())
    } else {
        Err(ServiceError::Invalid(format!(
            "{name:?} is not a policy name: use 1 to 128 letters, digits and _+=,.@-"
        )))
    }
}

fn version_id(v: &str) -> Result<(), ServiceError> {
    if is_valid_version_id(v) {
        Ok(())
    } else {
        Err(ServiceError::Invalid(format!(
            "{v:?} is not a policy version id (a number such as 2)."
        )))
    }
}

/// What a missing policy is told as.
fn no_such_policy(name: &str) -> String {
    format!("There is no policy named {name}.")
}

fn no_such_version(name: &str, version: &str) -> String {
    format!("Policy {name} has no version {version}.")
}

/// The draft as the engine reads it, or every problem in one message.
fn parse_draft(text: &str) -> Result<PolicyDocument, ServiceError> {
    parse_policy(text).map(|p| p.document).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        ServiceError::Invalid(format!(
            "The document is not a valid policy: {}",
            list.join("; ")
        ))
    })
}

impl Policies {
    pub fn new(
        store: Arc<dyn PolicyStore>,
        principals: Arc<dyn Principals>,
        things: Arc<dyn ThingRegistry>,
        certs: Arc<dyn CertificateDirectory>,
    ) -> Self {
        Policies {
            store,
            principals,
            things,
            certs,
        }
    }

    /// The policies (the first [`MAX_LISTED`]: each row costs two calls) with their default
    /// version, target count (counted up to [`MAX_LISTED`]) and worst lint finding.
    pub async fn list(&self) -> Result<Bounded<PolicyRow>, ServiceError> {
        let summaries = Bounded::of(self.store.list_policies(MAX_LISTED).await?, MAX_LISTED);
        let rows: Vec<Option<PolicyRow>> = stream::iter(summaries.items)
            .map(|s| async move {
                let fetched = futures::try_join!(
                    self.certs.get_policy(&s.name),
                    self.store.targets_of_policy(&s.name, MAX_LISTED)
                );
                let (policy, targets) = match fetched {
                    Ok(both) => both,
                    // Deleted between the listing and this read: it is not in the account.
                    Err(e) if e.kind == AwsErrorKind::NotFound => return Ok(None),
                    Err(e) => return Err(ServiceError::from(e)),
                };
                let worst_finding = parse_policy(&policy.document)
                    .ok()
                    .and_then(|p| lint(&p).into_iter().map(|f| f.severity).max())
                    .map(|s| s.to_string());
                let targets = Bounded::of(targets, MAX_LISTED);
                Ok::<_, ServiceError>(Some(PolicyRow {
                    name: s.name,
                    default_version: policy.default_version,
                    targets: targets.items.len() as u32,
                    more_targets: targets.cut,
                    worst_finding,
                }))
            })
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;
        Ok(Bounded {
            items: rows.into_iter().flatten().collect(),
            cut: summaries.cut,
        })
    }

    /// A policy with the document of every version and the principals and things it reaches.
    pub async fn detail(&self, name: &str) -> Result<PolicyDetail, ServiceError> {
        policy_name(name)?;
        let (arn, versions, targets) = futures::try_join!(
            self.store.policy_arn(name),
            self.store.list_policy_versions(name),
            self.store.targets_of_policy(name, MAX_LISTED),
        )
        .or_not_found(|| no_such_policy(name))?;
        // Each target costs a call (its things): the first MAX_LISTED, and the page says so.
        let targets = Bounded::of(targets, MAX_LISTED);
        let targets_cut = targets.cut;
        let mut versions: Vec<PolicyVersionView> = stream::iter(versions)
            .map(|v| async move {
                let document = self
                    .store
                    .policy_version_document(name, &v.version_id)
                    .await?;
                Ok::<_, AwsError>(PolicyVersionView {
                    id: v.version_id,
                    is_default: v.is_default,
                    created: v.created.map(rfc3339),
                    document,
                })
            })
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;
        versions.sort_by_key(|v| std::cmp::Reverse(v.id.parse::<u64>().unwrap_or(0)));
        let targets = stream::iter(targets.items)
            .map(|principal| async move {
                let things = self.principals.things_of_principal(&principal).await?;
                Ok::<_, AwsError>(PolicyTarget {
                    certificate_id: certificate_id_of(&principal).map(str::to_string),
                    principal,
                    things,
                })
            })
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;
        Ok(PolicyDetail {
            name: name.to_string(),
            arn,
            versions,
            targets,
            targets_cut,
        })
    }

    /// Saves `document` as a new version; returns its id. The document is checked first, and
    /// a policy already at AWS's five versions is refused with what to do about it.
    pub async fn create_version(
        &self,
        name: &str,
        document: &str,
        set_as_default: bool,
    ) -> Result<String, ServiceError> {
        policy_name(name)?;
        parse_draft(document)?;
        let versions = self.versions(name).await?;
        if versions.len() >= MAX_POLICY_VERSIONS {
            return Err(ServiceError::Invalid(format!(
                "{name} already has {} versions, the most AWS keeps; delete an old version first.",
                versions.len()
            )));
        }
        Ok(self
            .store
            .create_policy_version(name, document, set_as_default)
            .await?)
    }

    async fn versions(&self, name: &str) -> Result<Vec<PolicyVersionRecord>, ServiceError> {
        self.store
            .list_policy_versions(name)
            .await
            .or_not_found(|| no_such_policy(name))
    }

    /// Makes `version` the default: how a rollback is done.
    pub async fn set_default(&self, name: &str, version: &str) -> Result<(), ServiceError> {
        policy_name(name)?;
        version_id(version)?;
        self.store
            .set_default_policy_version(name, version)
            .await
            .or_not_found(|| no_such_version(name, version))
    }

    /// Deletes a version that is not the default (AWS refuses the default; so do we, first).
    pub async fn delete_version(&self, name: &str, version: &str) -> Result<(), ServiceError> {
        policy_name(name)?;
        version_id(version)?;
        let versions = self.versions(name).await?;
        match versions.iter().find(|v| v.version_id == version) {
            None => Err(ServiceError::not_found(no_such_version(name, version))),
            Some(v) if v.is_default => Err(ServiceError::Invalid(format!(
                "Version {version} is the default of {name}; make another version the default before deleting it."
            ))),
            Some(_) => Ok(self.store.delete_policy_version(name, version).await?),
        }
    }

    /// A device's context and the policies on its certificate, for the simulator.
    pub async fn simulation_device(&self, thing: &str) -> Result<SimulationDevice, ServiceError> {
        if !is_valid_aws_name(thing) {
            return Err(ServiceError::Invalid(format!(
                "{thing:?} is not a valid thing name."
            )));
        }
        let (profile, certificate) = self.profile(thing).await?;
        let names = match &certificate {
            Some((_, arn)) => self.certs.policies_of_principal(arn).await?,
            None => Vec::new(),
        };
        let policies = stream::iter(names)
            .map(|n| async move {
                let p = self.certs.get_policy(&n).await?;
                Ok::<_, AwsError>(SavedPolicy {
                    name: p.name,
                    document: p.document,
                })
            })
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;
        let (region, account) = match &certificate {
            Some((_, arn)) => region_and_account(arn),
            None => None,
        }
        .unwrap_or_else(|| ("us-east-1".into(), "123456789012".into()));
        Ok(SimulationDevice {
            context: device_context(&profile),
            profile,
            certificate_id: certificate.map(|(id, _)| id),
            policies,
            region,
            account,
        })
    }

    /// What the registry says about a thing, with the variables of the certificate it
    /// connects with (an ACTIVE one when it has several), and that certificate's id and ARN.
    async fn profile(
        &self,
        thing: &str,
    ) -> Result<(DeviceProfile, Option<(String, String)>), ServiceError> {
        let (record, principals) = futures::try_join!(
            self.things.describe_thing(thing),
            self.things.principals_of_thing(thing)
        )
        .or_not_found(|| format!("There is no device named {thing}."))?;
        let mut chosen = None;
        for id in principals.iter().filter_map(|p| certificate_id_of(p)) {
            let cert = self.certs.describe_certificate(id).await?;
            let active = cert.status == CertificateStatus::Active;
            if chosen.is_none() || active {
                chosen = Some(cert);
            }
            if active {
                break;
            }
        }
        let variables = chosen
            .as_ref()
            .and_then(|c| c.pem.as_deref())
            .and_then(|pem| certificate_policy_variables(pem).ok())
            .unwrap_or_default();
        let profile = DeviceProfile {
            thing_name: record.name,
            thing_type: record.thing_type,
            attributes: sorted_pairs(&record.attributes),
            certificate: variables,
        };
        Ok((profile, chosen.map(|c| (c.id, c.arn))))
    }

    /// Which requests of which devices change decision if `draft` replaces the default
    /// version of `name`. Devices are those whose certificates carry the policy.
    pub async fn impact(&self, name: &str, draft: &str) -> Result<ImpactOutcome, ServiceError> {
        policy_name(name)?;
        let draft = parse_draft(draft)?;
        let (current, arn, targets) = futures::try_join!(
            self.certs.get_policy(name),
            self.store.policy_arn(name),
            self.store.targets_of_policy(name, MAX_IMPACT_DEVICES),
        )
        .or_not_found(|| no_such_policy(name))?;
        // Two calls per target: no more targets than devices the preview takes.
        let targets = Bounded::of(targets, MAX_IMPACT_DEVICES);
        let targets_cut = targets.cut;
        let targets = targets.items;
        let current = parse_policy(&current.document)
            .map(|p| p.document)
            .map_err(|_| {
                ServiceError::Invalid(format!(
                    "The saved default version of {name} cannot be read as a policy, so there is nothing to compare the draft with."
                ))
            })?;
        let (region, account) =
            region_and_account(&arn).unwrap_or_else(|| ("us-east-1".into(), "123456789012".into()));
        // Principal → (its things, its other policies).
        let reach: Vec<(Vec<String>, Vec<String>)> = stream::iter(targets)
            .map(|principal| async move {
                let (things, policies) = futures::try_join!(
                    self.principals.things_of_principal(&principal),
                    self.certs.policies_of_principal(&principal)
                )?;
                let others = policies.into_iter().filter(|p| p != name).collect();
                Ok::<_, AwsError>((things, others))
            })
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;
        let mut devices: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (things, others) in reach {
            for t in things {
                devices.entry(t).or_default().extend(others.iter().cloned());
            }
        }
        let truncated = targets_cut || devices.len() > MAX_IMPACT_DEVICES;
        let other_names: BTreeSet<String> = devices.values().flatten().cloned().collect();
        let others: BTreeMap<String, PolicyDocument> = stream::iter(other_names)
            .map(|n| async move {
                let p = self.certs.get_policy(&n).await?;
                // A saved policy the engine cannot read is left out of the comparison:
                // it is the same on both sides.
                Ok::<_, AwsError>(parse_policy(&p.document).ok().map(|d| (n, d.document)))
            })
            .buffered(CONCURRENCY)
            .try_collect::<Vec<_>>()
            .await?
            .into_iter()
            .flatten()
            .collect();
        let devices: Vec<ImpactDevice> = stream::iter(devices.into_iter().take(MAX_IMPACT_DEVICES))
            .map(|(thing, other_policies)| async move {
                match self.profile(&thing).await {
                    Ok((profile, _)) => Ok(Some(ImpactDevice {
                        thing_name: thing,
                        context: device_context(&profile),
                        other_policies: other_policies.into_iter().collect(),
                    })),
                    // Deleted since the listing: nothing to preview.
                    Err(ServiceError::NotFound(_)) => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .buffered(CONCURRENCY)
            .try_collect::<Vec<_>>()
            .await?
            .into_iter()
            .flatten()
            .collect();
        let report = impact_preview(&ImpactInput {
            policy_name: name,
            current: &current,
            draft: &draft,
            others: &others,
            devices: &devices,
            region: &region,
            account: &account,
        });
        Ok(ImpactOutcome { report, truncated })
    }
}

#[cfg(test)]
mod tests {
    //! The listing against an account where a policy is deleted between ListPolicies and
    //! the reads that follow (another admin, or a test, at the same moment).

    use super::*;
    use crate::server::aws::fake::{arn_of, cert_id, Account, Fake};

    #[tokio::test]
    async fn a_policy_deleted_while_listing_is_left_out() {
        let account = Account::default()
            .with_policies(["A", "Gone"])
            .with_policy_on("A", &arn_of(&cert_id(1)));
        let fake = Arc::new(Fake::new(account));
        fake.after_call("ListPolicies", |a| a.policies.retain(|p| p.name != "Gone"));
        let policies = Policies::new(fake.clone(), fake.clone(), fake.clone(), fake.clone());
        let rows = policies.list().await.expect("the list survives the race");
        let names: Vec<&str> = rows.items.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["A"]);
        assert_eq!(
            (rows.items[0].targets, rows.items[0].more_targets),
            (1, false)
        );
        assert!(!rows.cut);
        assert!(
            fake.calls().contains(&"GetPolicy Gone".to_string()),
            "Gone was listed, then read: {:?}",
            fake.calls()
        );
    }

    /// Security review finding 4: each row costs two calls, each target of a policy one, so
    /// the list stops at MAX_LISTED policies and counts targets up to MAX_LISTED, and says so.
    #[tokio::test]
    async fn the_list_and_the_targets_are_bounded_and_say_so() {
        let names: Vec<String> = (0..=MAX_LISTED).map(|i| format!("P{i:05}")).collect();
        let mut account = Account::default();
        for n in &names {
            account = account.with_policy(n, crate::server::aws::fake::POLICY_DOCUMENT);
        }
        for i in 0..=MAX_LISTED as u32 {
            account = account.with_policy_on("P00000", &arn_of(&cert_id(i + 1)));
        }
        let fake = Arc::new(Fake::new(account));
        let policies = Policies::new(fake.clone(), fake.clone(), fake.clone(), fake.clone());
        let rows = policies.list().await.unwrap();
        assert!(rows.cut);
        assert_eq!(rows.items.len(), MAX_LISTED);
        assert_eq!(
            fake.count("GetPolicy"),
            MAX_LISTED,
            "no read past the limit"
        );
        let first = &rows.items[0];
        assert_eq!(
            (first.targets as usize, first.more_targets),
            (MAX_LISTED, true)
        );

        let detail = policies.detail("P00000").await.unwrap();
        assert!(detail.targets_cut);
        assert_eq!(detail.targets.len(), MAX_LISTED);
        assert_eq!(fake.count("ListPrincipalThings"), MAX_LISTED);
    }
}
