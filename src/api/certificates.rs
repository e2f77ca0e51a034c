//! Certificates (admin): the lifecycle list and status changes, and the lifecycle's runs:
//! rotating a device's certificate and removing a device, each planned first (for the
//! confirmation) and then run with live steps, polled with
//! [`crate::api::onboarding::device_run_status`].

use super::ApiError;
use crate::domain::certificates::lifecycle::RotationOutcome;
use crate::domain::certificates::listing::{
    CertificatePage, CertificateQuery, StatusChange, StatusChanged,
};
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;
use crate::domain::runs::LiveRun;
use leptos::prelude::*;
use server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "list_certificates")]
pub async fn list_certificates(
    #[server(default)] query: CertificateQuery,
) -> Result<CertificatePage, ApiError> {
    use super::guard::require;
    let (state, user) = require(Permission::ViewCertificates).await?;
    let mut page = state.certificates.list(&query).await?;
    page.can_change = user.may(Permission::ManageCertificates);
    Ok(page)
}

/// `change`: Activate, Deactivate or Revoke (any other value is refused, 400, before this
/// runs). Answers the status now set.
#[server(prefix = "/api", endpoint = "change_certificate_status")]
pub async fn change_certificate_status(
    #[server(default)] id: String,
    change: StatusChange,
) -> Result<StatusChanged, ApiError> {
    use super::guard::require;
    use super::outcome::{logged, Action};
    let (state, user) = require(Permission::ManageCertificates).await?;
    let result = state.certificates.change_status(&id, change).await;
    let subject = format!("certificate {id}: {}", change.verb());
    logged(
        &user,
        Action::ChangeCertificateStatus,
        &subject,
        result,
        |done| Some(format!("now {}", done.status)),
    )
}

/// The steps a rotation of certificate `id` will take, all pending.
#[server(prefix = "/api", endpoint = "plan_certificate_rotation")]
pub async fn plan_certificate_rotation(#[server(default)] id: String) -> Result<LiveRun, ApiError> {
    use super::guard::require;
    let (state, _) = require(Permission::ManageCertificates).await?;
    Ok(state.lifecycle.plan_rotation(&id).await?)
}

/// Rotates certificate `old_id` to a new one from `csr` (made in the admin's browser).
#[server(prefix = "/api", endpoint = "rotate_certificate", input = Json)]
pub async fn rotate_certificate(
    run_id: String,
    old_id: String,
    csr: String,
) -> Result<RotationOutcome, ApiError> {
    use super::guard::{require, run_reporter};
    use super::outcome::{logged, Action};
    let (state, user) = require(Permission::ManageCertificates).await?;
    let report = run_reporter(&state, &user, &run_id)?;
    let result = state.lifecycle.rotate(&old_id, &csr, &report).await;
    state.runs.settle(&user.subject, &run_id).await;
    let subject = format!("certificate {old_id}");
    logged(&user, Action::RotateCertificate, &subject, result, |o| {
        Some(format!("new certificate {}", o.certificate_id))
    })
}

/// The steps removing `thing` will take, all pending.
#[server(prefix = "/api", endpoint = "plan_device_removal")]
pub async fn plan_device_removal(#[server(default)] thing: String) -> Result<LiveRun, ApiError> {
    use super::guard::require;
    let (state, _) = require(Permission::ManageCertificates).await?;
    Ok(state.lifecycle.plan_removal(&thing).await?)
}

/// Removes the device: policies and principals detached, certificates deactivated and
/// deleted, groups left, the thing deleted. Stops at the first failure, saying what remains.
#[server(prefix = "/api", endpoint = "remove_device", input = Json)]
pub async fn remove_device(run_id: String, thing: String) -> Result<LiveRun, ApiError> {
    use super::guard::{require, run_reporter};
    use super::outcome::{logged, Action};
    let (state, user) = require(Permission::ManageCertificates).await?;
    let report = run_reporter(&state, &user, &run_id)?;
    let result = state.lifecycle.remove_device(&thing, &report).await;
    state.runs.settle(&user.subject, &run_id).await;
    let subject = format!("thing {thing}");
    logged(&user, Action::RemoveDevice, &subject, result, |_| None)
}
