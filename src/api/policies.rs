//! Policies: the list, one policy with its versions, version changes, the simulator's
//! device context, and the impact preview of a draft.

use super::ApiError;
use crate::domain::policies::catalog::{ImpactOutcome, PolicyDetail, PolicyRow, SimulationDevice};
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_policies")]
pub async fn list_policies() -> Result<Vec<PolicyRow>, ApiError> {
    use super::guard::{answer, require};
    let (state, _) = require(Permission::ViewPolicies).await?;
    answer(state.policies.list().await)
}

#[server(prefix = "/api", endpoint = "get_policy")]
pub async fn get_policy(#[server(default)] name: String) -> Result<PolicyDetail, ApiError> {
    use super::guard::{answer, require};
    let (state, _) = require(Permission::ViewPolicies).await?;
    answer(state.policies.detail(&name).await)
}

/// Saves a new version; answers its id.
#[server(prefix = "/api", endpoint = "create_policy_version")]
pub async fn create_policy_version(
    #[server(default)] name: String,
    #[server(default)] document: String,
    #[server(default)] set_as_default: bool,
) -> Result<String, ApiError> {
    use super::guard::{answer, require};
    let (state, user) = require(Permission::ManagePolicies).await?;
    let result = state
        .policies
        .create_version(&name, &document, set_as_default)
        .await;
    if let Ok(v) = &result {
        tracing::info!(user = %user.username, policy = %name, version = %v, set_as_default, "policy version created");
    }
    answer(result)
}

/// Makes an existing version the default (a rollback when it is an older one); answers the
/// version now in force.
#[server(prefix = "/api", endpoint = "set_default_policy_version")]
pub async fn set_default_policy_version(
    #[server(default)] name: String,
    #[server(default)] version: String,
) -> Result<String, ApiError> {
    use super::guard::{answer, require};
    let (state, user) = require(Permission::ManagePolicies).await?;
    let result = state.policies.set_default(&name, &version).await;
    if result.is_ok() {
        tracing::info!(user = %user.username, policy = %name, version = %version, "policy default version changed");
    }
    answer(result.map(|()| version))
}

/// Deletes a version that is not the default; answers the deleted version's id.
#[server(prefix = "/api", endpoint = "delete_policy_version")]
pub async fn delete_policy_version(
    #[server(default)] name: String,
    #[server(default)] version: String,
) -> Result<String, ApiError> {
    use super::guard::{answer, require};
    let (state, user) = require(Permission::ManagePolicies).await?;
    let result = state.policies.delete_version(&name, &version).await;
    if result.is_ok() {
        tracing::info!(user = %user.username, policy = %name, version = %version, "policy version deleted");
    }
    answer(result.map(|()| version))
}

/// A device's context and the policies on its certificate, for the simulator.
#[server(prefix = "/api", endpoint = "load_simulation_device")]
pub async fn load_simulation_device(
    #[server(default)] thing: String,
) -> Result<SimulationDevice, ApiError> {
    use super::guard::{answer, require};
    let (state, _) = require(Permission::ViewPolicies).await?;
    answer(state.policies.simulation_device(&thing).await)
}

/// Which devices' requests change decision if `draft` becomes the default of `name`.
#[server(prefix = "/api", endpoint = "preview_policy_impact")]
pub async fn preview_policy_impact(
    #[server(default)] name: String,
    #[server(default)] draft: String,
) -> Result<ImpactOutcome, ApiError> {
    use super::guard::{answer, require};
    let (state, _) = require(Permission::ManagePolicies).await?;
    answer(state.policies.impact(&name, &draft).await)
}
