//! The certificates service: every certificate with its validity, age, key and attachments,
//! filtered by expiry, age and device; and the status changes an admin makes. Rotation and
//! removal runs are in `lifecycle`.

pub mod lifecycle;

use crate::domain::certificates::facts::{days_between, parse_certificate_pem, rfc3339};
use crate::domain::certificates::listing::{
    passes, CertificatePage, CertificateQuery, CertificateRow, StatusChange, StatusChanged,
    ValidCertificateQuery, CERTIFICATES_PAGE_SIZE,
};
use crate::domain::certificates::status::CertificateStatus;
use crate::server::aws::{
    certificate_id_of, CertificateDirectory, CertificateListing, Principals, Provisioner,
    ThingRegistry,
};
use crate::server::paging::{collect_matches, CONCURRENCY};
use crate::server::service_error::{ErrorKind, OrNotFound, ServiceError};
use futures::stream::{self, StreamExt, TryStreamExt};
use std::sync::Arc;

/// AWS pages one request may read while looking for matches: bounds the latency of a filter
/// that matches little in a large fleet. The page then offers "Next" to go on.
const MAX_AWS_PAGES_PER_REQUEST: usize = 10;
const DAY: i64 = 86_400;

pub struct Certificates {
    certs: Arc<dyn CertificateDirectory>,
    /// For the things a certificate is attached to (ListPrincipalThings).
    principals: Arc<dyn Principals>,
    /// For the certificates of one device (ListThingPrincipals).
    things: Arc<dyn ThingRegistry>,
    /// Status changes (UpdateCertificate), shared with provisioning.
    lifecycle: Arc<dyn Provisioner>,
    now: fn() -> i64,
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Certificate ids are 64 hex characters (CertificateDescription, AWS IoT API Reference).
pub(crate) fn certificate_id(id: &str) -> Result<(), ServiceError> {
    if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(ServiceError::Invalid(format!(
            "{id:?} is not a certificate id."
        )))
    }
}

impl Certificates {
    pub fn new(
        certs: Arc<dyn CertificateDirectory>,
        principals: Arc<dyn Principals>,
        things: Arc<dyn ThingRegistry>,
        lifecycle: Arc<dyn Provisioner>,
    ) -> Self {
        Certificates {
            certs,
            principals,
            things,
            lifecycle,
            now: unix_now,
        }
    }

    /// One page of certificates passing the query's filters, newest first.
    pub async fn list(&self, query: &CertificateQuery) -> Result<CertificatePage, ServiceError> {
        let q = query.validate().map_err(ServiceError::Invalid)?;
        let now = (self.now)();
        if let Some(thing) = &q.thing {
            return self.list_of_thing(&q, thing, now).await;
        }
        let (rows, next) = collect_matches(
            &q.cursor,
            CERTIFICATES_PAGE_SIZE as usize,
            MAX_AWS_PAGES_PER_REQUEST,
            CONCURRENCY,
            |token| async move {
                let page = self.certs.list_certificates(token.as_deref()).await?;
                Ok::<_, ServiceError>((page.items, page.next_token))
            },
            |listing| {
                let q = &q;
                async move { self.row_if_passing(q, listing, now).await }
            },
        )
        .await?;
        Ok(CertificatePage {
            can_change: false,
            rows,
            next_cursor: next.map(|c| c.encode()),
        })
    }

    /// The certificates of one device, newest first, on one page: a device has its current
    /// certificate and the few a rotation left, not a fleet's worth.
    async fn list_of_thing(
        &self,
        q: &ValidCertificateQuery,
        thing: &str,
        now: i64,
    ) -> Result<CertificatePage, ServiceError> {
        let principals = self
            .things
            .principals_of_thing(thing)
            .await
            .or_not_found(|| format!("There is no device named {thing}."))?;
        let listings = principals.into_iter().filter_map(|arn| {
            let id = certificate_id_of(&arn)?.to_string();
            // No creation date yet: `row` takes it from the describe.
            Some(CertificateListing {
                id,
                arn,
                created: None,
            })
        });
        // Three calls a certificate, as many certificates at a time as a listing page reads.
        let found: Vec<Option<CertificateRow>> = stream::iter(listings)
            .map(|listing| self.row_if_passing(q, listing, now))
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;
        let mut rows: Vec<CertificateRow> = found.into_iter().flatten().collect();
        rows.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
        Ok(CertificatePage {
            can_change: false,
            rows,
            next_cursor: None,
        })
    }

    /// The row of a listed certificate, or `None` when a filter leaves it out. The age filter
    /// needs only the listing, so it is applied before any further call.
    async fn row_if_passing(
        &self,
        q: &ValidCertificateQuery,
        c: CertificateListing,
        now: i64,
    ) -> Result<Option<CertificateRow>, ServiceError> {
        // A listing without a creation date (a device's certificates) waits for the describe.
        let age_days = c.created.map(|t| (now - t).div_euclid(DAY));
        if age_days.is_some()
            && !passes(
                &ValidCertificateQuery {
                    expiring_within: None,
                    ..q.clone()
                },
                age_days,
                None,
            )
        {
            return Ok(None);
        }
        let row = match self.row(c, now).await {
            Ok(r) => r,
            // Deleted between the listing and the describe: not an error, just gone.
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(passes(q, row.age_days, row.days_left).then_some(row))
    }

    async fn row(&self, c: CertificateListing, now: i64) -> Result<CertificateRow, ServiceError> {
        let (record, things, policies) = futures::try_join!(
            self.certs.describe_certificate(&c.id),
            self.principals.things_of_principal(&c.arn),
            self.certs.policies_of_principal(&c.arn),
        )?;
        let facts = record
            .pem
            .as_deref()
            .and_then(|pem| parse_certificate_pem(pem).ok());
        let created = c.created.or(record.created);
        Ok(CertificateRow {
            age_days: created.map(|t| (now - t).div_euclid(DAY)),
            created: created.map(rfc3339),
            not_after: record.not_after.map(rfc3339),
            days_left: record.not_after.map(|t| days_between(now, t)),
            // "EC P-256" names its size already; "RSA" needs it.
            key: facts.as_ref().map(|f| {
                if f.key_algorithm.starts_with("EC") {
                    f.key_algorithm.clone()
                } else {
                    format!("{} {}", f.key_algorithm, f.key_bits)
                }
            }),
            issuer: facts.map(|f| f.issuer),
            status: record.status,
            id: c.id,
            arn: c.arn,
            things,
            policies,
        })
    }

    /// Activates, deactivates or revokes a certificate; refuses what AWS would refuse
    /// (a revoked certificate stays revoked) with a sentence, before calling it.
    pub async fn change_status(
        &self,
        id: &str,
        change: StatusChange,
    ) -> Result<StatusChanged, ServiceError> {
        certificate_id(id)?;
        let current = self
            .certs
            .describe_certificate(id)
            .await
            .or_not_found(|| format!("There is no certificate {id}."))?;
        if !change.allowed_from(current.status) {
            return Err(ServiceError::Invalid(format!(
                "A certificate that is {} cannot be {}{}.",
                current.status,
                change.past(),
                if current.status == CertificateStatus::Revoked {
                    ": revocation is final"
                } else {
                    ""
                }
            )));
        }
        let status = change.target();
        self.lifecycle.update_certificate(id, status).await?;
        Ok(StatusChanged {
            id: id.to_string(),
            status,
        })
    }
}
