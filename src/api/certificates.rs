//! Certificates: the lifecycle list and status changes (admin).

use super::ApiError;
use crate::domain::certificates::{CertificatePage, CertificateQuery, StatusChanged};
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_certificates")]
pub async fn list_certificates(
    #[server(default)] query: CertificateQuery,
) -> Result<CertificatePage, ApiError> {
    use super::guard::{answer, require};
    let (state, _) = require(Permission::ManageCertificates).await?;
    answer(state.certificates.list(&query).await)
}

/// `change`: Activate, Deactivate or Revoke. Answers the status now set.
#[server(prefix = "/api", endpoint = "change_certificate_status")]
pub async fn change_certificate_status(
    #[server(default)] id: String,
    #[server(default)] change: String,
) -> Result<StatusChanged, ApiError> {
    use super::guard::{answer, require};
    let (state, user) = require(Permission::ManageCertificates).await?;
    let result = state.certificates.change_status(&id, &change).await;
    if let Ok(done) = &result {
        tracing::info!(user = %user.username, certificate = %id, status = %done.status, "certificate status changed");
    }
    answer(result)
}
