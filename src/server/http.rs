//! The HTTP surface: routes, sessions, and the security layers around all of it.

use crate::app::{shell, App};
use crate::server::auth::rate_limit;
use crate::server::auth::routes as auth_routes;
use crate::server::security;
use crate::server::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{middleware, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The session cookie's name over plain http (development).
pub const SESSION_COOKIE: &str = "warden_session";
/// Its name under https: `__Host-` makes the browser refuse it unless it is Secure, for
/// path `/` and without a Domain, so no subdomain can set or overwrite it.
pub const SESSION_COOKIE_HTTPS: &str = "__Host-warden_session";

pub fn session_cookie_name(https: bool) -> &'static str {
    if https {
        SESSION_COOKIE_HTTPS
    } else {
        SESSION_COOKIE
    }
}

/// The largest bulk job request accepted: 10,000 rows with CSRs and attributes fit with room.
pub const BULK_JOB_BODY_LIMIT: usize = 32 * 1024 * 1024;
/// Every other request body: axum's own default.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// The one server function whose input is large: a bulk job's rows.
const BULK_JOB_PATH: &str = "/api/start_bulk_job";

/// Gives a server function's error the status its [`ApiError`] says. A function's own errors
/// set it already; one refused before the function runs (a malformed or too large request)
/// comes out of Leptos as 500, which would blame the server for the caller's input.
async fn api_error_status(
    req: Request<Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let is_api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_api || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if let Ok(err) = serde_json::from_slice::<crate::api::ApiError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    axum::response::Response::from_parts(parts, Body::from(bytes))
}

/// Caps request bodies: [`BULK_JOB_BODY_LIMIT`] for a bulk job's rows, [`BODY_LIMIT`] for
/// everything else. (axum's extractors read the larger cap, set on the whole router; this
/// narrows it for every other path. Leptos registers the server functions' routes itself,
/// so a per-route layer cannot reach them.)
async fn body_limits(req: Request<Body>, next: axum::middleware::Next) -> axum::response::Response {
    if req.uri().path() == BULK_JOB_PATH {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let limited = Body::new(http_body_util::Limited::new(body, BODY_LIMIT));
    next.run(Request::from_parts(parts, limited)).await
}

/// The whole app. `store` is the sessions' store (the shared DynamoDB table when serving;
/// tests may pass one in memory to look into); `sign_in_limit` is passed in so that tests can
/// look into it and the server can sweep it.
pub fn router<S: tower_sessions::SessionStore + Clone>(
    state: AppState,
    store: S,
    sign_in_limit: std::sync::Arc<rate_limit::SignInLimit>,
) -> Router {
    let config = &state.config;
    let idle = time::Duration::seconds(config.session_idle.as_secs() as i64);
    let sessions = SessionManagerLayer::new(store)
        .with_name(session_cookie_name(config.is_https()))
        // Saved on every request of a signed-in user, so the idle expiry slides with activity
        // (tower-sessions otherwise saves, and moves the expiry, only when the data changes).
        // An empty (anonymous) session is never saved.
        .with_always_save(true)
        .with_http_only(true)
        .with_secure(config.is_https())
        // Lax, not Strict: the IdP's redirect back to /auth/callback is a cross-site
        // navigation and must carry the cookie holding the pending login.
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle));

    let routes = generate_route_list(App);
    let page_state = state.clone();
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(
            Router::new()
                .route("/auth/login", get(auth_routes::login))
                .route("/auth/callback", get(auth_routes::callback))
                .route("/auth/logout", post(auth_routes::logout))
                .layer(rate_limit::layer(sign_in_limit)),
        )
        .route(
            "/api/{*fn_name}",
            post(server_fn_handler).get(server_fn_handler),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(page_state.clone()),
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(sessions)
        .layer(middleware::from_fn(body_limits))
        .layer(middleware::from_fn(api_error_status))
        .layer(axum::extract::DefaultBodyLimit::max(BULK_JOB_BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::same_origin_guard,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::security_headers,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> impl IntoResponse {
    // Server functions are POST only; GET gives a clear 405 rather than leptos's default.
    if req.method() != axum::http::Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, "Use POST.").into_response();
    }
    handle_server_fns_with_context(move || provide_context(state.clone()), req)
        .await
        .into_response()
}
