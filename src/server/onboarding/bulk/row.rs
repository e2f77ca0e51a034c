//! One row's steps, each idempotent: CreateThing (same configuration → the same thing),
//! AddThingToThingGroup, the certificate (kept from an earlier run when it has one, see
//! `recovery`), then AttachThingPrincipal and AttachPolicy. The error is one sentence for the
//! result file.

use super::BulkOnboarding;
use crate::domain::onboarding::job::{JobRow, RowStage};
use crate::domain::onboarding::pacing::Api;
use crate::server::aws::AwsError;

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
        _ => certificate(job, job_id, row, csr).await?,
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
            .call(Api::AttachPolicy, || {
                aws.attach_policy(policy, &certificate_arn)
            })
            .await
            .map_err(|e| step_failed(&format!("Attach policy {policy} to the certificate"), e))?;
    }
    Ok(())
}

/// A new certificate for the row. The request is recorded before it is made, so that a run
/// resumed after a crash knows to look for it first (`recovery`).
async fn certificate(
    job: &BulkOnboarding,
    job_id: &str,
    row: &mut JobRow,
    csr: &str,
) -> Result<(String, String), String> {
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
        .await;
    match made {
        Ok(made) => Ok((made.id, made.arn)),
        Err(e) => {
            // A definite refusal made nothing: the row goes back to Pending, so that a resumed
            // run does not search for a certificate that cannot exist (and adopt a look-alike).
            // After a timeout or an AWS-side fault the answer may have been lost: the row keeps
            // its CertificateRequested stage for recovery to look.
            if e.kind.is_definite_refusal() {
                row.stage = RowStage::Pending;
                if let Err(save) = job.store.save_row(job_id, row).await {
                    tracing::warn!(job = %job_id, "row stage not reset: {save}");
                }
            }
            Err(step_failed("Create the certificate from the CSR", e))
        }
    }
}
