//! What every request handler and server function can reach.

use crate::server::auth::Oidc;
use crate::server::certificates::lifecycle::Lifecycle;
use crate::server::certificates::Certificates;
use crate::server::config::Config;
use crate::server::inventory::Inventory;
use crate::server::onboarding::bulk::BulkOnboarding;
use crate::server::onboarding::profiles::OnboardingProfiles;
use crate::server::onboarding::provisioning::Provisioning;
use crate::server::policies::Policies;
use crate::server::runs::board::RunBoard;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub oidc: Arc<Oidc>,
    pub inventory: Arc<Inventory>,
    pub policies: Arc<Policies>,
    pub certificates: Arc<Certificates>,
    pub provisioning: Arc<Provisioning>,
    pub lifecycle: Arc<Lifecycle>,
    pub bulk: Arc<BulkOnboarding>,
    pub profiles: Arc<OnboardingProfiles>,
    /// Each user's server-function request budget.
    pub budget: Arc<crate::server::budget::RequestBudget>,
    /// Live status of wizard, rotation and removal runs, for polling pages.
    pub runs: Arc<RunBoard>,
    /// The account's IoT data endpoint (ATS) for device bundles; `None` against an emulator
    /// (the SDK's endpoint override serves every API there).
    pub data_endpoint: Option<String>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
