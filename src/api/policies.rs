//! Policies: the list, one policy with its versions, version changes, the simulator's
//! device context, and the impact preview of a draft.

use super::ApiError;
use crate::domain::bounded::Bounded;
use crate::domain::policies::catalog::{ImpactOutcome, PolicyDetail, PolicyRow, SimulationDevice};
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_policies")]
pub async fn list_policies() -> Result<Bounded<PolicyRow>, ApiError> {
    use super::guard::require;
    let (state, _) = require(Permission::ViewPolicies).await?;
    Ok(state.policies.list().await?)
}

#[server(prefix = "/api", endpoint = "get_policy")]
pub async fn get_policy(#[server(default)] name: String) -> Result<PolicyDetail, ApiError> {
    use super::guard::require;
    let (state, _) = require(Permission::ViewPolicies).await?;
    Ok(state.policies.detail(&name).await?)
}

/// Saves a new version; answers its id.
#[server(prefix = "/api", endpoint = "create_policy_version")]
pub async fn create_policy_version(
    #[server(default)] name: String,
    #[server(default)] document: String,
    #[server(default)] set_as_default: bool,
) -> Result<String, ApiError> {
    use super::guard::require;
    use super::outcome::{logged, Action};
    let (state, user) = require(Permission::ManagePolicies).await?;
    let result = state
        .policies
        .create_version(&name, &document, set_as_default)
        .await;
    let subject = format!("policy {name}");
    logged(&user, Action::CreatePolicyVersion, &subject, result, |v| {
        Some(if set_as_default {
            format!("version {v}, set as the default")
        } else {
            format!("version {v}, not the default")
        })
    })
}

/// Makes an existing version the default (a rollback when it is an older one); answers the
/// version now in force.
#[server(prefix = "/api", endpoint = "set_default_policy_version")]
pub async fn set_default_policy_version(
    #[server(default)] name: String,
    #[server(default)] version: String,
) -> Result<String, ApiError> {
    use super::guard::require;
    use super::outcome::{logged, Action};
    let (state, user) = require(Permission::ManagePolicies).await?;
    let result = state.policies.set_default(&name, &version).await;
    let subject = format!("policy {name} version {version}");
    logged(
        &user,
        Action::SetDefaultPolicyVersion,
        &subject,
        result,
        |()| None,
    )
    .map(|()| version)
}

/// Deletes a version that is not the default; answers the deleted version's id.
#[server(prefix = "/api", endpoint = "delete_policy_version")]
pub async fn delete_policy_version(
    #[server(default)] name: String,
    #[server(default)] version: String,
) -> Result<String, ApiError> {
    use super::guard::require;
    use super::outcome::{logged, Action};
    let (state, user) = require(Permission::ManagePolicies).await?;
    let result = state.policies.delete_version(&name, &version).await;
    let subject = format!("policy {name} version {version}");
    logged(&user, Action::DeletePolicyVersion, &subject, result, |()| {
        None
    })
    .map(|()| version)
}

/// A device's context and the policies on its certificate, for the simulator.
#[server(prefix = "/api", endpoint = "load_simulation_device")]
pub async fn load_simulation_device(
    #[server(default)] thing: String,
) -> Result<SimulationDevice, ApiError> {
    use super::guard::require;
    let (state, _) = require(Permission::ViewPolicies).await?;
    Ok(state.policies.simulation_device(&thing).await?)
}

/// Which devices' requests change decision if `draft` becomes the default of `name`.
#[server(prefix = "/api", endpoint = "preview_policy_impact")]
pub async fn preview_policy_impact(
    #[server(default)] name: String,
    #[server(default)] draft: String,
) -> Result<ImpactOutcome, ApiError> {
    use super::guard::require;
    let (state, _) = require(Permission::ManagePolicies).await?;
    Ok(state.policies.impact(&name, &draft).await?)
}
