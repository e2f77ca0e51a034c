//! The fleet inventory service: turns the console's queries into AWS calls through the
//! narrow traits of [`crate::server::aws`], and AWS records into the rows pages show.

use crate::domain::aws_names::is_valid_aws_name;
use crate::domain::bounded::{Bounded, MAX_LISTED};
use crate::domain::certificates::facts::{days_between, parse_certificate_pem, rfc3339};
use crate::domain::inventory::{
    pretty_json, sorted_pairs, CertificateDetail, CertificateSummary, DeviceDetail, DevicePage,
    DeviceQuery, DeviceRow, PolicyView, ShadowView, ThingGroupRow, ThingTypeRow, ValidQuery,
};
use crate::server::aws::{
    certificate_id_of, AwsError, AwsErrorKind, CertificateDirectory, CertificateRecord,
    ShadowReader, ThingFilter, ThingRecord, ThingRegistry,
};
use crate::server::paging::{collect_matches, Matches, CONCURRENCY};
use crate::server::service_error::{OrNotFound, ServiceError};
use futures::future::try_join_all;
use futures::stream::{self, StreamExt, TryStreamExt};
use std::sync::Arc;

/// AWS pages one request may read while looking for matches: bounds the latency of a
/// filter that matches little in a large fleet. The page then offers "Next" to go on.
const MAX_AWS_PAGES_PER_REQUEST: usize = 20;

pub struct Inventory {
    things: Arc<dyn ThingRegistry>,
    certs: Arc<dyn CertificateDirectory>,
    shadows: Arc<dyn ShadowReader>,
    now: fn() -> i64,
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Whether a device's detail carries its policy documents and shadow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Documents {
    Included,
    /// For roles that may not read policies.
    Withheld,
}

impl Inventory {
    pub fn new(
        things: Arc<dyn ThingRegistry>,
        certs: Arc<dyn CertificateDirectory>,
        shadows: Arc<dyn ShadowReader>,
    ) -> Self {
        Inventory {
            things,
            certs,
            shadows,
            now: unix_now,
        }
    }

    /// One page of devices matching the query.
    pub async fn list_devices(&self, query: &DeviceQuery) -> Result<DevicePage, ServiceError> {
        let q = query.validate().map_err(ServiceError::Invalid)?;
        let (records, next) = self.matching_things(&q).await?;
        let rows = stream::iter(records)
            .map(|r| self.device_row(r))
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;
        Ok(DevicePage {
            rows,
            next_cursor: next.map(|c| c.encode()),
        })
    }

    /// Walks AWS pages from the cursor until a page of matches is full, and says where the
    /// next page starts.
    async fn matching_things(&self, q: &ValidQuery) -> Result<Matches<ThingRecord>, ServiceError> {
        collect_matches(
            &q.cursor,
            q.page_size as usize,
            MAX_AWS_PAGES_PER_REQUEST,
            CONCURRENCY,
            |token| async move { self.source_page(q, token.as_deref()).await },
            |candidate| async move {
                Ok(self.resolve(q, &candidate).await?.filter(|r| matches(q, r)))
            },
        )
        .await
    }

    /// One AWS page of candidates: group members by name when a group is named (AWS filters
    /// them by nothing else), otherwise things from ListThings with AWS's own filters.
    async fn source_page(
        &self,
        q: &ValidQuery,
        token: Option<&str>,
    ) -> Result<(Vec<Candidate>, Option<String>), ServiceError> {
        match &q.group {
            Some(group) => {
                let page = self
                    .things
                    .list_things_in_group(group, token)
                    .await
                    .or_not_found(|| format!("There is no thing group named {group}."))?;
                Ok((
                    page.items.into_iter().map(Candidate::Name).collect(),
                    page.next_token,
                ))
            }
            None => {
                let filter = ThingFilter {
                    thing_type: q.thing_type.clone(),
                    attribute: q.attribute.clone(),
                };
                let page = self.things.list_things(&filter, token).await?;
                Ok((
                    page.items.into_iter().map(Candidate::Record).collect(),
                    page.next_token,
                ))
            }
        }
    }

    /// The record of a candidate; `None` when it is ruled out or no longer exists.
    async fn resolve(
        &self,
        q: &ValidQuery,
        candidate: &Candidate,
    ) -> Result<Option<ThingRecord>, ServiceError> {
        match candidate {
            Candidate::Record(r) => Ok(Some(r.clone())),
            // Describing costs a call, so names the prefix rules out are not described.
            Candidate::Name(name)
                if q.name_prefix
                    .as_ref()
                    .is_some_and(|p| !name.starts_with(p.as_str())) =>
            {
                Ok(None)
            }
            Candidate::Name(name) => match self.things.describe_thing(name).await {
                Ok(r) => Ok(Some(r)),
                // Deleted between the two calls: not an error, just gone.
                Err(e) if e.kind == AwsErrorKind::NotFound => Ok(None),
                Err(e) => Err(e.into()),
            },
        }
    }

    async fn device_row(&self, rec: ThingRecord) -> Result<DeviceRow, ServiceError> {
        let (groups, principals) = futures::try_join!(
            self.things.groups_of_thing(&rec.name),
            self.things.principals_of_thing(&rec.name)
        )?;
        let cert_ids: Vec<&str> = principals
            .iter()
            .filter_map(|p| certificate_id_of(p))
            .collect();
        let certs =
            try_join_all(cert_ids.iter().map(|id| self.certificate_with_policies(id))).await?;
        let mut policies: Vec<String> = certs.iter().flat_map(|(_, p)| p.iter().cloned()).collect();
        policies.sort();
        policies.dedup();
        let now = (self.now)();
        Ok(DeviceRow {
            attributes: sorted_pairs(&rec.attributes),
            name: rec.name,
            thing_type: rec.thing_type,
            groups,
            certificates: certs
                .into_iter()
                .map(|(c, _)| CertificateSummary {
                    days_left: c.not_after.map(|t| days_between(now, t)),
                    not_after: c.not_after.map(rfc3339),
                    id: c.id,
                    status: c.status,
                })
                .collect(),
            policies,
        })
    }

    /// Everything the console knows about one device. Without `documents`, the policies are
    /// named but their documents are not read, nor is the shadow.
    pub async fn device_detail(
        &self,
        name: &str,
        documents: Documents,
    ) -> Result<DeviceDetail, ServiceError> {
        if !is_valid_aws_name(name) {
            return Err(ServiceError::Invalid(format!(
                "{name:?} is not a valid thing name."
            )));
        }
        let thing = self
            .things
            .describe_thing(name)
            .await
            .or_not_found(|| format!("There is no device named {name}."))?;
        let shadow = async {
            if documents == Documents::Included {
                self.shadows.classic_shadow(name).await
            } else {
                Ok(None)
            }
        };
        let (groups, principals, shadow) = futures::try_join!(
            self.things.groups_of_thing(name),
            self.things.principals_of_thing(name),
            shadow,
        )?;
        let (cert_arns, other_principals): (Vec<String>, Vec<String>) = principals
            .into_iter()
            .partition(|p| certificate_id_of(p).is_some());
        let certificates = try_join_all(
            cert_arns
                .iter()
                .filter_map(|arn| certificate_id_of(arn))
                .map(|id| self.certificate_detail(id, documents)),
        )
        .await?;
        Ok(DeviceDetail {
            name: thing.name,
            arn: thing.arn,
            thing_type: thing.thing_type,
            version: thing.version,
            attributes: sorted_pairs(&thing.attributes),
            groups,
            certificates,
            other_principals,
            shadow: shadow.as_ref().map(ShadowView::from_document),
            documents_withheld: documents == Documents::Withheld,
        })
    }

    /// A certificate and the names of the policies attached to it: what both the row and the
    /// detail show.
    async fn certificate_with_policies(
        &self,
        id: &str,
    ) -> Result<(CertificateRecord, Vec<String>), AwsError> {
        let cert = self.certs.describe_certificate(id).await?;
        let policies = self.certs.policies_of_principal(&cert.arn).await?;
        Ok((cert, policies))
    }

    async fn certificate_detail(
        &self,
        id: &str,
        documents: Documents,
    ) -> Result<CertificateDetail, ServiceError> {
        let (cert, names) = self.certificate_with_policies(id).await?;
        let policies = try_join_all(names.iter().map(|n| async move {
            if documents == Documents::Withheld {
                return Ok::<_, AwsError>(PolicyView {
                    name: n.clone(),
                    default_version: None,
                    document: None,
                });
            }
            let p = self.certs.get_policy(n).await?;
            Ok(PolicyView {
                document: Some(pretty_json(&p.document)),
                name: p.name,
                default_version: p.default_version,
            })
        }))
        .await?;
        let facts = cert.pem.as_deref().and_then(|pem| match parse_certificate_pem(pem) {
            Ok(f) => Some(f),
            Err(e) => {
                tracing::warn!(certificate = id, error = %e, "certificate PEM could not be parsed");
                None
            }
        });
        let now = (self.now)();
        Ok(CertificateDetail {
            id: cert.id,
            arn: cert.arn,
            status: cert.status,
            not_before: cert.not_before.map(rfc3339),
            days_left: cert.not_after.map(|t| days_between(now, t)),
            not_after: cert.not_after.map(rfc3339),
            facts,
            policies,
        })
    }

    pub async fn thing_types(&self) -> Result<Vec<ThingTypeRow>, ServiceError> {
        Ok(self
            .things
            .list_thing_types()
            .await?
            .into_iter()
            .map(|t| ThingTypeRow {
                name: t.name,
                description: t.description,
                searchable_attributes: t.searchable_attributes,
                deprecated: t.deprecated,
                created: t.created.map(rfc3339),
            })
            .collect())
    }

    /// The first [`MAX_LISTED`] thing groups (each is a call of its own), and whether there
    /// are more.
    pub async fn thing_groups(&self) -> Result<Bounded<ThingGroupRow>, ServiceError> {
        let groups = Bounded::of(self.things.list_thing_groups(MAX_LISTED).await?, MAX_LISTED);
        Ok(Bounded {
            items: groups
                .items
                .into_iter()
                .map(|g| ThingGroupRow {
                    attributes: sorted_pairs(&g.attributes),
                    name: g.name,
                    description: g.description,
                    parent: g.parent,
                })
                .collect(),
            cut: groups.cut,
        })
    }
}

/// A thing as a listing names it: whole from ListThings, by name only from a group.
enum Candidate {
    Record(ThingRecord),
    Name(String),
}

fn matches(q: &ValidQuery, r: &ThingRecord) -> bool {
    q.name_prefix
        .as_ref()
        .is_none_or(|p| r.name.starts_with(p.as_str()))
        && q.thing_type
            .as_ref()
            .is_none_or(|t| r.thing_type.as_ref() == Some(t))
        && q.attribute
            .as_ref()
            .is_none_or(|(k, v)| r.attributes.get(k) == Some(v))
}

#[cfg(test)]
mod tests;
