//! Starting and stopping the console: builds the state from the configuration and serves
//! until SIGINT or SIGTERM.

use crate::server::auth::rate_limit;
use crate::server::auth::Oidc;
use crate::server::aws::{
    discover_data_endpoint, DynamoJobStore, DynamoLiveRuns, DynamoProfileStore, DynamoSessions,
    SdkIot, SdkShadows,
};
use crate::server::certificates::lifecycle::Lifecycle;
use crate::server::certificates::Certificates;
use crate::server::config::Config;
use crate::server::http::router;
use crate::server::inventory::Inventory;
use crate::server::onboarding::bulk::{BulkOnboarding, DEFAULT_CONCURRENCY, LEASE_SECONDS};
use crate::server::onboarding::profiles::OnboardingProfiles;
use crate::server::onboarding::provisioning::Provisioning;
use crate::server::policies::Policies;
use crate::server::runs::board::RunBoard;
use crate::server::state::AppState;
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// A start-up failure, said in one sentence.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartError(pub String);

/// The real state, and the session store every replica shares: AWS clients from the SDK's
/// standard configuration chain.
pub async fn build_state(
    config: Config,
    leptos_options: LeptosOptions,
) -> Result<(AppState, DynamoSessions), StartError> {
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    if sdk.region().is_none() {
        return Err(StartError(
            "No AWS region is configured; set AWS_REGION (or a region in your AWS profile).".into(),
        ));
    }
    let data_endpoint = discover_data_endpoint(&sdk).await.map_err(|e| {
        StartError(format!(
            "The AWS IoT data endpoint could not be found: {e}."
        ))
    })?;
    let iot = Arc::new(SdkIot::new(&sdk));
    let shadows = Arc::new(SdkShadows::new(&sdk, data_endpoint.clone()));
    let store = Arc::new(DynamoJobStore::new(&sdk, config.jobs.jobs_table.clone()));
    let profiles = Arc::new(OnboardingProfiles::new(
        Arc::new(DynamoProfileStore::new(
            &sdk,
            config.jobs.profiles_table.clone(),
        )),
        iot.clone(),
        iot.clone(),
    ));
    let bulk = Arc::new(BulkOnboarding::new(
        iot.clone(),
        store,
        profiles.clone(),
        &config.jobs.limits,
        DEFAULT_CONCURRENCY,
    ));
    let sessions = DynamoSessions::new(&sdk, config.sessions_table.clone());
    let runs = RunBoard::shared(Arc::new(DynamoLiveRuns::new(
        &sdk,
        config.sessions_table.clone(),
    )));
    let config = Arc::new(config);
    let state = AppState {
        leptos_options,
        oidc: Arc::new(Oidc::new(config.clone())),
        inventory: Arc::new(Inventory::new(iot.clone(), iot.clone(), shadows)),
        policies: Arc::new(Policies::new(
            iot.clone(),
            iot.clone(),
            iot.clone(),
            iot.clone(),
        )),
        certificates: Arc::new(Certificates::new(
            iot.clone(),
            iot.clone(),
            iot.clone(),
            iot.clone(),
        )),
        lifecycle: Arc::new(Lifecycle::new(
            iot.clone(),
            iot.clone(),
            iot.clone(),
            iot.clone(),
        )),
        provisioning: Arc::new(Provisioning::new(iot, profiles.clone())),
        bulk,
        profiles,
        runs: Arc::new(runs),
        budget: Arc::new(crate::server::budget::RequestBudget::per_minute(
            config.api_per_minute,
        )),
        data_endpoint,
        config,
    };
    Ok((state, sessions))
}

/// Serves on `listener` until a shutdown signal.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    sessions: DynamoSessions,
) -> std::io::Result<()> {
    // A first discovery now puts a misconfigured issuer in the log at start, not at the first
    // sign-in; the console still starts, and sign-in retries, if the IdP is down.
    if let Err(e) = state.oidc.rediscover().await {
        tracing::warn!(issuer = %state.config.oidc_issuer, "sign-in provider not reachable yet: {e}");
    }
    spawn_job_takeover(state.bulk.clone());
    let limit = rate_limit::sign_in_limit(state.config.sign_in_per_minute);
    spawn_sweeper(limit.clone(), state.budget.clone());
    let app = router(state, sessions, limit);
    // With the peer's address: the sign-in rate limit is per client address.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

/// At start and every lease period: jobs nobody runs (left by the last run of this console, or
/// by a replica that stopped) go on here where they stopped.
fn spawn_job_takeover(bulk: Arc<BulkOnboarding>) {
    tokio::spawn(async move {
        let period = std::time::Duration::from_secs(LEASE_SECONDS as u64);
        let mut every = tokio::time::interval(period);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            every.tick().await;
            match bulk.resume_unfinished().await {
                Ok(0) => {}
                Ok(n) => tracing::info!("took up {n} onboarding job(s)"),
                Err(e) => tracing::warn!("open onboarding jobs could not be checked: {e}"),
            }
        }
    });
}

/// Every minute: idle addresses and users leave the limiters. (Expired sessions leave the
/// sessions table by its TTL; every read checks the expiry meanwhile.)
fn spawn_sweeper(
    limit: Arc<rate_limit::SignInLimit>,
    budget: Arc<crate::server::budget::RequestBudget>,
) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            every.tick().await;
            rate_limit::forget_idle_clients(&limit);
            budget.forget_idle();
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
