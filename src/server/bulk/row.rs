//! One row's steps, each idempotent: CreateThing (same configuration → the same thing),
//! AddThingToThingGroup, the certificate (found again if an earlier run made it), then
//! AttachThingPrincipal and AttachPolicy. The error is one sentence for the result file.

use super::BulkOnboarding;
use crate::domain::onboarding::csr_matches_certificate;
use crate::domain::onboarding::job::{JobRow, RowStage};
use crate::domain::pacing::Api;
use crate::server::aws::{certificate_id_of, AwsError};

/// How far before the recorded request a certificate may be dated and still be the one it
/// made: the console's clock and AWS's may disagree a little.
const CLOCK_SLACK_SECONDS: i64 = 300;

fn step_failed(step: &str, e: AwsError) -> String {
    format!("{step} failed: {e}.")
}

/// Runs the row's steps; on success the row holds its thing and certificate.
pub(super) async fn onboard(
    job: &BulkOnboarding,
    job_id: &str,
    row: &mut JobRow,
) -> Result<(), String> {
    let device = row.device.clone();
    let thing = device.thing_name.as_str();
    let csr = device
        .csr_pem
        .as_deref()
        .ok_or_else(|| "The row has no CSR.".to_string())?;
    let pacer = &job.pacer;
    let aws = &job.aws;

    let created = pacer
        .call(Api::CreateThing, || {
            aws.create_thing(thing, device.thing_type.as_deref(), &device.attributes)
        })
        .await
        .map_err(|e| step_failed(&format!("Create thing {thing}"), e))?;
    row.thing_arn = Some(created.arn);

    for group in &device.groups {
        pacer
            .call(Api::AddThingToThingGroup, || {
                aws.add_thing_to_group(thing, group)
            })
            .await
            .map_err(|e| step_failed(&format!("Add {thing} to thing group {group}"), e))?;
    }

    let (certificate_id, certificate_arn) = match (&row.certificate_id, &row.certificate_arn) {
        (Some(id), Some(arn)) => (id.clone(), arn.clone()),
        _ => certificate(job, job_id, row, thing, csr).await?,
    };
    row.certificate_id = Some(certificate_id);
    row.certificate_arn = Some(certificate_arn.clone());

    pacer
        .call(Api::AttachThingPrincipal, || {
            aws.attach_thing_principal(thing, &certificate_arn)
        })
        .await
        .map_err(|e| step_failed(&format!("Attach the certificate to {thing}"), e))?;

    for policy in &device.policies {
        pacer
            .call(Api::AttachPolicy, || aws.attach_policy(policy, &certificate_arn))
            .await
            .map_err(|e| step_failed(&format!("Attach policy {policy} to the certificate"), e))?;
    }
    Ok(())
}

/// The row's certificate: the one an earlier run made if its answer was lost, else a new
/// one. The request is recorded before it is made, so the next run knows to look.
async fn certificate(
    job: &BulkOnboarding,
    job_id: &str,
    row: &mut JobRow,
    thing: &str,
    csr: &str,
) -> Result<(String, String), String> {
    if let RowStage::CertificateRequested { at } = row.stage {
        let found = find_certificate(job, thing, csr, at)
            .await
            .map_err(|e| step_failed("Look for the certificate an earlier run made", e))?;
        if let Some(found) = found {
            tracing::info!(job = %job_id, thing, certificate = %found.0, "resumed row: certificate found again");
            return Ok(found);
        }
    }
    row.stage = RowStage::CertificateRequested {
        at: super::unix_now(),
    };
    job.store
        .save_row(job_id, row)
        .await
        .map_err(|e| step_failed("Record the certificate request", e))?;
    let made = job
        .pacer
        .call(Api::CreateCertificateFromCsr, || {
            job.aws.create_certificate_from_csr(csr, true)
        })
        .await
        .map_err(|e| step_failed("Create the certificate from the CSR", e))?;
    Ok((made.id, made.arn))
}

/// A certificate for the CSR's key: attached to the thing already, or made since the request
/// was recorded (newest first, stopping at certificates older than that).
async fn find_certificate(
    job: &BulkOnboarding,
    thing: &str,
    csr: &str,
    requested_at: i64,
) -> Result<Option<(String, String)>, AwsError> {
    let pacer = &job.pacer;
    let principals = pacer
        .call(Api::ListThingPrincipals, || job.registry.principals_of_thing(thing))
        .await?;
    for arn in principals {
        if let Some(id) = certificate_id_of(&arn) {
            if certifies(job, id, csr).await? {
                return Ok(Some((id.to_string(), arn)));
            }
        }
    }
    let oldest = requested_at - CLOCK_SLACK_SECONDS;
    let mut token: Option<String> = None;
    loop {
        let page = pacer
            .call(Api::ListCertificates, || {
                job.certificates.list_certificates(token.as_deref())
            })
            .await?;
        for c in &page.items {
            if c.created.is_some_and(|t| t < oldest) {
                return Ok(None);
            }
            if certifies(job, &c.id, csr).await? {
                return Ok(Some((c.id.clone(), c.arn.clone())));
            }
        }
        match page.next_token {
            Some(t) => token = Some(t),
            None => return Ok(None),
        }
    }
}

async fn certifies(job: &BulkOnboarding, id: &str, csr: &str) -> Result<bool, AwsError> {
    let record = job
        .pacer
        .call(Api::DescribeCertificate, || {
            job.certificates.describe_certificate(id)
        })
        .await?;
    Ok(record
        .pem
        .as_deref()
        .is_some_and(|pem| csr_matches_certificate(csr, pem)))
}
