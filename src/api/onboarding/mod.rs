//! Onboarding (onboarding staff and admins): what the wizards pick from, the one-device
//! create with live steps, and bulk jobs. Onboarding staff work within an onboarding
//! profile (`profiles`: admins define them); every function that names a device's
//! policies or groups checks them against it on the server.

pub mod profiles;

use crate::api::ApiError;
use crate::domain::onboarding::job::{BulkRow, JobStatus, JobSummary};
use crate::domain::onboarding::profile::StoredProfile;
use crate::domain::onboarding::provisioning::{ProvisionOutcome, ProvisionRequest};
use crate::domain::onboarding::Existing;
use crate::domain::policies::summary::PolicySummary;
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;
use crate::domain::runs::LiveRun;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

/// The account's thing types, groups and policies, the onboarding profiles, and the data
/// endpoint for bundles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnboardingChoices {
    pub existing: Existing,
    pub profiles: Vec<StoredProfile>,
    /// Whether this user may onboard without a profile (admins).
    pub free_choice: bool,
    /// `host` of the account's IoT data endpoint, when known.
    pub data_endpoint: Option<String>,
}

#[server(prefix = "/api", endpoint = "onboarding_catalog")]
pub async fn onboarding_catalog() -> Result<OnboardingChoices, ApiError> {
    use crate::api::guard::require;
    let (state, user) = require(Permission::Onboard).await?;
    let (existing, profiles) = futures::try_join!(state.bulk.catalog(), state.profiles.list())?;
    Ok(OnboardingChoices {
        existing,
        profiles,
        free_choice: user.may(Permission::OnboardOutsideProfiles),
        data_endpoint: state
            .data_endpoint
            .as_deref()
            .map(|e| e.trim_start_matches("https://").to_string()),
    })
}

/// Step 1's check: the name follows AWS's rule and no thing has it.
#[server(prefix = "/api", endpoint = "check_new_thing_name")]
pub async fn check_new_thing_name(#[server(default)] name: String) -> Result<(), ApiError> {
    use crate::api::guard::require;
    let (state, _) = require(Permission::Onboard).await?;
    Ok(state.provisioning.check_thing_name(&name).await?)
}

/// Which of `names` are taken (at most 1,000 per call; the bulk page asks in chunks).
#[server(prefix = "/api", endpoint = "taken_thing_names", input = Json)]
pub async fn taken_thing_names(names: Vec<String>) -> Result<Vec<String>, ApiError> {
    use crate::api::guard::require;
    let (state, _) = require(Permission::Onboard).await?;
    Ok(state.bulk.taken_names(&names).await?.into_iter().collect())
}

/// What the chosen policies let the device do; within `profile`, only its policies.
#[server(prefix = "/api", endpoint = "device_policy_summary", input = Json)]
pub async fn device_policy_summary(
    policies: Vec<String>,
    thing_name: String,
    profile: Option<String>,
) -> Result<PolicySummary, ApiError> {
    use crate::api::guard::require;
    let (state, user) = require(Permission::Onboard).await?;
    let reach = user.onboarding_reach();
    Ok(state
        .bulk
        .policy_summary(&policies, &thing_name, profile.as_deref(), reach)
        .await?)
}

/// Creates one device, within the onboarding `profile` (which onboarding staff must give).
/// `run_id` is the page's name for the run; poll [`device_run_status`] with it for live
/// steps while this call is under way. An AWS-made private key is in this one answer and
/// nowhere else.
#[server(prefix = "/api", endpoint = "provision_device", input = Json)]
pub async fn provision_device(
    run_id: String,
    request: ProvisionRequest,
    profile: Option<String>,
) -> Result<ProvisionOutcome, ApiError> {
    use crate::api::guard::{require, run_reporter};
    use crate::api::outcome::{logged, Action};
    let (state, user) = require(Permission::Onboard).await?;
    let report = run_reporter(&state, &user, &run_id)?;
    let reach = user.onboarding_reach();
    let result = state
        .provisioning
        .provision_within(&request, profile.as_deref(), reach, &report)
        .await;
    state.runs.settle(&user.subject, &run_id).await;
    let subject = format!("thing {}", request.thing_name);
    logged(&user, Action::OnboardDevice, &subject, result, |o| {
        Some(format!("certificate {}", o.certificate_id))
    })
}

/// The latest status of a run this user started; `None` before its first step.
#[server(prefix = "/api", endpoint = "device_run_status")]
pub async fn device_run_status(
    #[server(default)] run_id: String,
) -> Result<Option<LiveRun>, ApiError> {
    use crate::api::guard::require;
    let (state, user) = require(Permission::Onboard).await?;
    Ok(state
        .runs
        .get(&user.subject, &run_id)
        .await
        .map_err(crate::server::service_error::ServiceError::from)?)
}

/// Stores a bulk job (every row with its CSR, within the onboarding `profile`, which
/// onboarding staff must give) and starts it.
#[server(prefix = "/api", endpoint = "start_bulk_job", input = Json)]
pub async fn start_bulk_job(
    rows: Vec<BulkRow>,
    profile: Option<String>,
) -> Result<JobStatus, ApiError> {
    use crate::api::guard::require;
    use crate::api::outcome::{logged, Action};
    let (state, user) = require(Permission::Onboard).await?;
    let subject = format!("{} rows", rows.len());
    let reach = user.onboarding_reach();
    let result = state
        .bulk
        .submit(rows, profile.as_deref(), reach, &user)
        .await;
    logged(&user, Action::StartBulkJob, &subject, result, |s| {
        Some(format!("job {}", s.id))
    })
}

#[server(prefix = "/api", endpoint = "bulk_job_status")]
pub async fn bulk_job_status(#[server(default)] id: String) -> Result<JobStatus, ApiError> {
    use crate::api::guard::require;
    let (state, _) = require(Permission::Onboard).await?;
    Ok(state.bulk.status(&id).await?)
}

#[server(prefix = "/api", endpoint = "cancel_bulk_job")]
pub async fn cancel_bulk_job(#[server(default)] id: String) -> Result<JobStatus, ApiError> {
    use crate::api::guard::require;
    use crate::api::outcome::{logged, Action};
    let (state, user) = require(Permission::Onboard).await?;
    let result = state.bulk.cancel(&id).await;
    logged(
        &user,
        Action::CancelBulkJob,
        &format!("onboarding job {id}"),
        result,
        |_| None,
    )
}

/// Runs a stopped job again: failed rows are retried, rows not begun begin.
#[server(prefix = "/api", endpoint = "resume_bulk_job")]
pub async fn resume_bulk_job(#[server(default)] id: String) -> Result<JobStatus, ApiError> {
    use crate::api::guard::require;
    use crate::api::outcome::{logged, Action};
    let (state, user) = require(Permission::Onboard).await?;
    let result = state.bulk.resume(&id).await;
    logged(
        &user,
        Action::ResumeBulkJob,
        &format!("onboarding job {id}"),
        result,
        |_| None,
    )
}

/// The per-row result CSV.
#[server(prefix = "/api", endpoint = "bulk_job_result")]
pub async fn bulk_job_result(#[server(default)] id: String) -> Result<String, ApiError> {
    use crate::api::guard::require;
    let (state, _) = require(Permission::Onboard).await?;
    Ok(state.bulk.result_csv(&id).await?)
}

/// The 20 most recent jobs.
#[server(prefix = "/api", endpoint = "list_bulk_jobs")]
pub async fn list_bulk_jobs() -> Result<Vec<JobSummary>, ApiError> {
    use crate::api::guard::require;
    let (state, _) = require(Permission::Onboard).await?;
    Ok(state.bulk.jobs(20).await?)
}
