//! [`ThingRegistry`] and [`CertificateDirectory`] over the AWS IoT control-plane SDK.

use crate::domain::certificates::status::CertificateStatus;
use crate::server::aws::{
    AwsError, CertificateDirectory, CertificateListing, CertificateRecord, Page, PolicyRecord,
    ThingFilter, ThingGroupRecord, ThingRecord, ThingRegistry, ThingTypeRecord, AWS_PAGE_SIZE,
};
use async_trait::async_trait;
use aws_sdk_iot::Client;
use futures::stream::{self, StreamExt, TryStreamExt};

#[derive(Clone)]
pub struct SdkIot {
    pub(super) client: Client,
}

impl SdkIot {
    pub fn new(config: &aws_config::SdkConfig) -> Self {
        SdkIot {
            client: Client::new(config),
        }
    }
}

/// Our status for the SDK's; a status with no word, or one newer than us, is `Unknown`.
pub(super) fn status_of(s: Option<&aws_sdk_iot::types::CertificateStatus>) -> CertificateStatus {
    s.map_or(CertificateStatus::Unknown, |s| {
        CertificateStatus::from_aws(s.as_str())
    })
}

pub(super) fn secs(t: Option<&aws_smithy_types::DateTime>) -> Option<i64> {
    t.map(|t| t.secs())
}

#[async_trait]
impl ThingRegistry for SdkIot {
    async fn list_things(
        &self,
        filter: &ThingFilter,
        token: Option<&str>,
    ) -> Result<Page<ThingRecord>, AwsError> {
        let mut req = self
            .client
            .list_things()
            .max_results(AWS_PAGE_SIZE)
            .set_next_token(token.map(str::to_string))
            .set_thing_type_name(filter.thing_type.clone());
        if let Some((k, v)) = &filter.attribute {
            req = req.attribute_name(k).attribute_value(v);
        }
        let out = req
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "list things", "the fleet"))?;
        let items = out
            .things()
            .iter()
            .map(|t| ThingRecord {
                name: t.thing_name().unwrap_or_default().to_string(),
                arn: t.thing_arn().map(str::to_string),
                thing_type: t.thing_type_name().map(str::to_string),
                attributes: t.attributes().cloned().unwrap_or_default(),
                version: Some(t.version()),
            })
            .collect();
        Ok(Page {
            items,
            next_token: out.next_token().map(str::to_string),
        })
    }

    async fn list_things_in_group(
        &self,
        group: &str,
        token: Option<&str>,
    ) -> Result<Page<String>, AwsError> {
        let out = self
            .client
            .list_things_in_thing_group()
            .thing_group_name(group)
            .recursive(true)
            .max_results(AWS_PAGE_SIZE)
            .set_next_token(token.map(str::to_string))
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    e,
                    "list the group's things",
                    &format!("Thing group {group}"),
                )
            })?;
        Ok(Page {
            items: out.things().to_vec(),
            next_token: out.next_token().map(str::to_string),
        })
    }

    async fn describe_thing(&self, name: &str) -> Result<ThingRecord, AwsError> {
        let t = self
            .client
            .describe_thing()
            .thing_name(name)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "describe the thing", &format!("Thing {name}")))?;
        Ok(ThingRecord {
            name: t.thing_name().unwrap_or(name).to_string(),
            arn: t.thing_arn().map(str::to_string),
            thing_type: t.thing_type_name().map(str::to_string),
            attributes: t.attributes().cloned().unwrap_or_default(),
            version: Some(t.version()),
        })
    }

    async fn groups_of_thing(&self, name: &str) -> Result<Vec<String>, AwsError> {
        let pages = self
            .client
            .list_thing_groups_for_thing()
            .thing_name(name)
            .into_paginator()
            .send();
        let groups: Vec<_> = pages.try_collect().await.map_err(|e| {
            AwsError::from_sdk(e, "list the thing's groups", &format!("Thing {name}"))
        })?;
        let mut names: Vec<String> = groups
            .iter()
            .flat_map(|p| p.thing_groups())
            .filter_map(|g| g.group_name().map(str::to_string))
            .collect();
        names.sort();
        Ok(names)
    }

    async fn principals_of_thing(&self, name: &str) -> Result<Vec<String>, AwsError> {
        let pages = self
            .client
            .list_thing_principals()
            .thing_name(name)
            .into_paginator()
            .send();
        let out: Vec<_> = pages.try_collect().await.map_err(|e| {
            AwsError::from_sdk(e, "list the thing's certificates", &format!("Thing {name}"))
        })?;
        Ok(out
            .iter()
            .flat_map(|p| p.principals().iter().cloned())
            .collect())
    }

    async fn list_thing_types(&self) -> Result<Vec<ThingTypeRecord>, AwsError> {
        let pages: Vec<_> = self
            .client
            .list_thing_types()
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| AwsError::from_sdk(e, "list thing types", "the thing types"))?;
        let mut types: Vec<ThingTypeRecord> = pages
            .iter()
            .flat_map(|p| p.thing_types())
            .map(|t| {
                let props = t.thing_type_properties();
                let meta = t.thing_type_metadata();
                ThingTypeRecord {
                    name: t.thing_type_name().unwrap_or_default().to_string(),
                    description: props
                        .and_then(|p| p.thing_type_description())
                        .map(str::to_string),
                    searchable_attributes: props
                        .map(|p| p.searchable_attributes().to_vec())
                        .unwrap_or_default(),
                    deprecated: meta.map(|m| m.deprecated()).unwrap_or(false),
                    created: secs(meta.and_then(|m| m.creation_date())),
                }
            })
            .collect();
        types.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(types)
    }

    async fn thing_group_names(&self, limit: usize) -> Result<Vec<String>, AwsError> {
        let mut pages = self.client.list_thing_groups().into_paginator().send();
        let mut names: Vec<String> = Vec::new();
        while names.len() <= limit {
            let Some(page) = pages.next().await else {
                break;
            };
            let page =
                page.map_err(|e| AwsError::from_sdk(e, "list thing groups", "the thing groups"))?;
            names.extend(
                page.thing_groups()
                    .iter()
                    .filter_map(|g| g.group_name().map(str::to_string)),
            );
        }
        names.truncate(limit.saturating_add(1));
        Ok(names)
    }

    async fn list_thing_groups(&self, limit: usize) -> Result<Vec<ThingGroupRecord>, AwsError> {
        let names = self.thing_group_names(limit).await?;
        // ListThingGroups carries names only; the description and parent need a describe each.
        let mut groups: Vec<ThingGroupRecord> = stream::iter(names)
            .map(|name| async move {
                let d = self
                    .client
                    .describe_thing_group()
                    .thing_group_name(&name)
                    .send()
                    .await
                    .map_err(|e| {
                        AwsError::from_sdk(
                            e,
                            "describe the thing group",
                            &format!("Thing group {name}"),
                        )
                    })?;
                let props = d.thing_group_properties();
                Ok::<_, AwsError>(ThingGroupRecord {
                    description: props
                        .and_then(|p| p.thing_group_description())
                        .map(str::to_string),
                    attributes: props
                        .and_then(|p| p.attribute_payload())
                        .and_then(|a| a.attributes())
                        .cloned()
                        .unwrap_or_default(),
                    parent: d
                        .thing_group_metadata()
                        .and_then(|m| m.parent_group_name())
                        .map(str::to_string),
                    name,
                })
            })
            .buffer_unordered(8)
            .try_collect()
            .await?;
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(groups)
    }
}

#[async_trait]
impl CertificateDirectory for SdkIot {
    async fn list_certificates(
        &self,
        token: Option<&str>,
    ) -> Result<Page<CertificateListing>, AwsError> {
        let out = self
            .client
            .list_certificates()
            .page_size(AWS_PAGE_SIZE)
            .ascending_order(false)
            .set_marker(token.map(str::to_string))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "list certificates", "the certificates"))?;
        Ok(Page {
            items: out
                .certificates()
                .iter()
                .map(|c| CertificateListing {
                    id: c.certificate_id().unwrap_or_default().to_string(),
                    arn: c.certificate_arn().unwrap_or_default().to_string(),
                    created: secs(c.creation_date()),
                })
                .collect(),
            next_token: out.next_marker().map(str::to_string),
        })
    }

    async fn describe_certificate(&self, id: &str) -> Result<CertificateRecord, AwsError> {
        let out = self
            .client
            .describe_certificate()
            .certificate_id(id)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(e, "describe the certificate", &format!("Certificate {id}"))
            })?;
        let d = out
            .certificate_description()
            .ok_or_else(|| AwsError::not_found(format!("Certificate {id} does not exist")))?;
        Ok(CertificateRecord {
            id: d.certificate_id().unwrap_or(id).to_string(),
            arn: d.certificate_arn().unwrap_or_default().to_string(),
            status: status_of(d.status()),
            created: secs(d.creation_date()),
            not_before: secs(d.validity().and_then(|v| v.not_before())),
            not_after: secs(d.validity().and_then(|v| v.not_after())),
            pem: d.certificate_pem().map(str::to_string),
        })
    }

    async fn policies_of_principal(&self, principal_arn: &str) -> Result<Vec<String>, AwsError> {
        let pages: Vec<_> = self
            .client
            .list_attached_policies()
            .target(principal_arn)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| {
                AwsError::from_sdk(e, "list the certificate's policies", "The certificate")
            })?;
        let mut names: Vec<String> = pages
            .iter()
            .flat_map(|p| p.policies())
            .filter_map(|p| p.policy_name().map(str::to_string))
            .collect();
        names.sort();
        Ok(names)
    }

    async fn get_policy(&self, name: &str) -> Result<PolicyRecord, AwsError> {
        let p = self
            .client
            .get_policy()
            .policy_name(name)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "read the policy", &format!("Policy {name}")))?;
        Ok(PolicyRecord {
            name: p.policy_name().unwrap_or(name).to_string(),
            document: p.policy_document().unwrap_or_default().to_string(),
            default_version: p.default_version_id().map(str::to_string),
        })
    }
}
