//! `/auth/login`, `/auth/callback`, `/auth/logout`: plain axum handlers, not server
//! functions, because they answer with redirects the browser follows.

use super::oidc::{refusal_for, AuthError};
use super::session::{ID_TOKEN_KEY, USER_KEY};
use super::SessionUser;
use crate::server::pages::message_page;
use crate::server::state::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Starts a sign-in. Stores nothing on the server: what the callback must check rides in
/// the sealed pending-login cookie (see `pending.rs`).
pub async fn login(State(state): State<AppState>) -> Response {
    match state.oidc.begin().await {
        Ok((url, pending)) => {
            let cookie = state.oidc.pending.seal(pending, now());
            ([(header::SET_COOKIE, cookie)], Redirect::to(&url)).into_response()
        }
        Err(e) => auth_failure(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    }
}

#[derive(Deserialize)]
pub struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

pub async fn callback(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(params): Query<CallbackParams>,
) -> Response {
    // The pending login is single-use: the cookie is cleared whatever happens next.
    let clear = [(header::SET_COOKIE, state.oidc.pending.clear())];
    let pending = state.oidc.pending.open(&headers, now());
    if let Some(code) = params.error {
        // Escaped (`?`): both values come from the query string, which anyone can write.
        tracing::warn!(error = ?code, description = ?params.error_description, "sign-in refused by the IdP");
        let sentence = refusal_for(&code);
        return (clear, auth_failure(StatusCode::UNAUTHORIZED, sentence)).into_response();
    }
    let (Some(pending), Some(code), Some(returned_state)) = (pending, params.code, params.state)
    else {
        tracing::warn!("sign-in failed: no pending sign-in, or the callback lacks code or state");
        return (
            clear,
            auth_failure(
                StatusCode::BAD_REQUEST,
                &AuthError::StateMismatch.to_string(),
            ),
        )
            .into_response();
    };
    let identity = match state.oidc.finish(pending, &code, &returned_state).await {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!(reason = ?e, "sign-in failed");
            return (
                clear,
                auth_failure(StatusCode::UNAUTHORIZED, &e.to_string()),
            )
                .into_response();
        }
    };
    let role = state.config.role_map.role_for(&identity.groups);
    let user = SessionUser {
        subject: identity.subject,
        username: identity.username,
        name: identity.name,
        role,
        signed_in_at: now(),
    };
    tracing::info!(user = ?user.username, sub = ?user.subject, role = ?user.role, "signed in");
    // A new session id at sign-in, so an id planted before it (session fixation) is worthless.
    if let Err(e) = async {
        session.cycle_id().await?;
        session.insert(USER_KEY, &user).await?;
        session.insert(ID_TOKEN_KEY, &identity.id_token).await
    }
    .await
    {
        tracing::error!(error = %e, "session store failed");
        return (
            clear,
            auth_failure(
                StatusCode::SERVICE_UNAVAILABLE,
                "The console could not record the sign-in. Try again in a moment.",
            ),
        )
            .into_response();
    }
    // Everyone lands on the inventory; a user without a role sees "no access" there.
    (clear, Redirect::to("/devices")).into_response()
}

/// Destroys the server-side session (the old cookie is worthless afterwards), then sends
/// the browser to the IdP to end its session there too, when the IdP offers that.
pub async fn logout(State(state): State<AppState>, session: Session) -> Response {
    let user: Option<SessionUser> = session.get(USER_KEY).await.unwrap_or(None);
    let id_token: Option<String> = session.get(ID_TOKEN_KEY).await.unwrap_or(None);
    if let Err(e) = session.flush().await {
        tracing::error!(error = %e, "could not destroy the session");
        return auth_failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Signing out failed. Close the browser to be safe.",
        );
    }
    if let Some(u) = &user {
        tracing::info!(user = ?u.username, sub = ?u.subject, "signed out");
    }
    match state.oidc.end_session_url(id_token.as_deref()).await {
        Some(url) if user.is_some() => Redirect::to(&url).into_response(),
        _ => Redirect::to("/").into_response(),
    }
}

fn auth_failure(status: StatusCode, message: &str) -> Response {
    (
        status,
        message_page(
            "Sign-in failed",
            message,
            Some(("/auth/login", "Sign in again")),
        ),
    )
        .into_response()
}
