//! Before a resumed job runs its rows: finds the certificates whose CreateCertificateFromCsr
//! answer a stopped run lost. Such a row is recorded as `CertificateRequested { at }` without
//! a certificate id. One pass over the account's certificates made around those times (newest
//! first, stopping before the window) finds them by key; certificates the job already knows
//! (other rows' ids) are skipped unread, so the pass reads only the unknown few.
//!
//! A certificate is adopted only when it cannot be someone else's: made inside that row's own
//! window, and attached to no thing but the row's and no policy the row does not give (a lost
//! answer's certificate is attached to nothing, or to its own thing when the run got that far
//! before it stopped). The CSR's self-signature is verified when the job is created, so a row
//! cannot carry another device's public key to begin with; this is the second line.

use super::BulkOnboarding;
use crate::domain::onboarding::csr_matches_certificate;
use crate::domain::onboarding::job::{JobRow, RowStage};
use crate::domain::onboarding::pacing::Api;
use crate::server::aws::AwsError;
use std::collections::HashSet;

/// Slack around the recorded request time: the console's clock and AWS's may disagree, and
/// the call itself takes time.
const BEFORE_SECONDS: i64 = 120;
const AFTER_SECONDS: i64 = 600;

/// Gives each in-doubt row of `rows` the certificate an earlier run made for it, if any, and
/// records it. Returns how many were found.
pub(super) async fn recover_lost_certificates(
    job: &BulkOnboarding,
    job_id: &str,
    rows: &mut [JobRow],
) -> Result<u32, AwsError> {
    let in_doubt: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            matches!(r.stage, RowStage::CertificateRequested { .. }) && r.certificate_id.is_none()
        })
        .map(|(i, _)| i)
        .collect();
    let times: Vec<i64> = in_doubt
        .iter()
        .filter_map(|&i| match rows[i].stage {
            RowStage::CertificateRequested { at } => Some(at),
            _ => None,
        })
        .collect();
    let (Some(first), Some(last)) = (times.iter().min(), times.iter().max()) else {
        return Ok(0);
    };
    let (from, until) = (first - BEFORE_SECONDS, last + AFTER_SECONDS);
    let known: HashSet<String> = rows
        .iter()
        .filter_map(|r| r.certificate_id.clone())
        .collect();
    let mut open: Vec<usize> = in_doubt;
    let mut found = 0;
    let mut token: Option<String> = None;
    'pages: loop {
        let page = job
            .pacer
            .call(Api::ListCertificates, || {
                job.certificates.list_certificates(token.as_deref())
            })
            .await?;
        for c in &page.items {
            match c.created {
                Some(t) if t > until => continue,
                Some(t) if t < from => break 'pages,
                _ => {}
            }
            if known.contains(&c.id) {
                continue;
            }
            let record = job
                .pacer
                .call(Api::DescribeCertificate, || {
                    job.certificates.describe_certificate(&c.id)
                })
                .await?;
            let Some(pem) = record.pem.as_deref() else {
                continue;
            };
            let matched = open.iter().position(|&i| {
                let requested = match rows[i].stage {
                    RowStage::CertificateRequested { at } => at,
                    _ => return false,
                };
                let in_window = c.created.is_some_and(|t| {
                    (requested - BEFORE_SECONDS..=requested + AFTER_SECONDS).contains(&t)
                });
                in_window
                    && rows[i]
                        .device
                        .csr_pem
                        .as_deref()
                        .is_some_and(|csr| csr_matches_certificate(csr, pem))
            });
            let matched = match matched {
                Some(k) if attached_only_to_its_row(job, &rows[open[k]], &c.arn).await? => Some(k),
                Some(k) => {
                    tracing::warn!(job = %job_id, thing = ?rows[open[k]].device.thing_name, certificate = %c.id, "a certificate with the row's key is attached elsewhere; not adopted");
                    None
                }
                None => None,
            };
            if let Some(k) = matched {
                let i = open.swap_remove(k);
                rows[i].certificate_id = Some(c.id.clone());
                rows[i].certificate_arn = Some(c.arn.clone());
                job.store.save_row(job_id, &rows[i]).await?;
                tracing::info!(job = %job_id, thing = %rows[i].device.thing_name, certificate = %c.id, "certificate of a lost answer found again");
                found += 1;
                if open.is_empty() {
                    break 'pages;
                }
            }
        }
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    Ok(found)
}

/// True when the certificate is attached to no thing but `row`'s and to no policy `row` does
/// not give.
async fn attached_only_to_its_row(
    job: &BulkOnboarding,
    row: &JobRow,
    certificate_arn: &str,
) -> Result<bool, AwsError> {
    let things = job
        .pacer
        .call(Api::ListPrincipalThings, || {
            job.principals.things_of_principal(certificate_arn)
        })
        .await?;
    if things.iter().any(|t| *t != row.device.thing_name) {
        return Ok(false);
    }
    let policies = job
        .pacer
        .call(Api::ListAttachedPolicies, || {
            job.certificates.policies_of_principal(certificate_arn)
        })
        .await?;
    Ok(policies.iter().all(|p| row.device.policies.contains(p)))
}
