//! Onboarding profiles: every role reads them; admins create, edit and delete them.

use crate::api::ApiError;
use crate::domain::onboarding::profile::{OnboardingProfile, StoredProfile};
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

/// The profiles, and whether this user may change them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfilesPage {
    pub profiles: Vec<StoredProfile>,
    pub can_change: bool,
}

#[server(prefix = "/api", endpoint = "list_onboarding_profiles")]
pub async fn list_onboarding_profiles() -> Result<ProfilesPage, ApiError> {
    use crate::api::guard::require;
    let (state, user) = require(Permission::ViewOnboardingProfiles).await?;
    Ok(ProfilesPage {
        profiles: state.profiles.list().await?,
        can_change: user.may(Permission::ManageOnboardingProfiles),
    })
}

/// Creates `profile` (no `version`), or replaces it when `version` is the one the admin
/// opened; a profile someone else saved since is refused, never overwritten.
#[server(prefix = "/api", endpoint = "save_onboarding_profile", input = Json)]
pub async fn save_onboarding_profile(
    profile: OnboardingProfile,
    version: Option<u64>,
) -> Result<StoredProfile, ApiError> {
    use crate::api::guard::require;
    use crate::api::outcome::{logged, Action};
    let (state, user) = require(Permission::ManageOnboardingProfiles).await?;
    let subject = format!("onboarding profile {}", profile.name);
    let detail = |s: &StoredProfile| {
        Some(format!(
            "version {}: type {:?}, groups {:?}, policies {:?}",
            s.version, s.profile.thing_type, s.profile.groups, s.profile.policies
        ))
    };
    match version {
        None => {
            let result = state.profiles.create(profile, &user.username).await;
            logged(
                &user,
                Action::CreateOnboardingProfile,
                &subject,
                result,
                detail,
            )
        }
        Some(version) => {
            let result = state
                .profiles
                .update(profile, version, &user.username)
                .await;
            logged(
                &user,
                Action::EditOnboardingProfile,
                &subject,
                result,
                detail,
            )
        }
    }
}

/// Deletes the profile the admin saw at `version`.
#[server(prefix = "/api", endpoint = "delete_onboarding_profile")]
pub async fn delete_onboarding_profile(
    #[server(default)] name: String,
    #[server(default)] version: u64,
) -> Result<(), ApiError> {
    use crate::api::guard::require;
    use crate::api::outcome::{logged, Action};
    let (state, user) = require(Permission::ManageOnboardingProfiles).await?;
    let result = state.profiles.delete(&name, version).await;
    logged(
        &user,
        Action::DeleteOnboardingProfile,
        &format!("onboarding profile {name}"),
        result,
        |_| None,
    )
}
