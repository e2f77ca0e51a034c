//! The HTTP surface: routes, sessions, and the security layers around all of it.

use crate::app::{shell, App};
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
use tower_sessions_memory_store::MemoryStore;

pub const SESSION_COOKIE: &str = "warden_session";

/// The whole app. `store` is passed in so that tests can look into the sessions.
pub fn router(state: AppState, store: MemoryStore) -> Router {
    let config = &state.config;
    let idle = time::Duration::seconds(config.session_idle.as_secs() as i64);
    let sessions = SessionManagerLayer::new(store)
        .with_name(SESSION_COOKIE)
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
        .route("/auth/login", get(auth_routes::login))
        .route("/auth/callback", get(auth_routes::callback))
        .route("/auth/logout", post(auth_routes::logout))
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
