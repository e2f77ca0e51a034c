//! `/auth/login`, `/auth/callback`, `/auth/logout`: plain axum handlers, not server
//! functions, because they answer with redirects the browser follows.

use super::oidc::{AuthError, PendingLogin};
use super::session::{SessionUser, PENDING_LOGIN_KEY, USER_KEY};
use crate::server::pages::message_page;
use crate::server::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

pub async fn login(State(state): State<AppState>, session: Session) -> Response {
    match state.oidc.begin().await {
        Ok((url, pending)) => {
            if let Err(e) = session.insert(PENDING_LOGIN_KEY, pending).await {
                tracing::error!(error = %e, "session store failed");
                return auth_failure(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The console could not start a sign-in. Try again.",
                );
            }
            Redirect::to(&url).into_response()
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
    Query(params): Query<CallbackParams>,
) -> Response {
    // The pending login is single-use: taken out whatever happens next.
    let pending: Option<PendingLogin> =
        session.remove(PENDING_LOGIN_KEY).await.unwrap_or_else(|e| {
            tracing::error!(error = %e, "session store failed");
            None
        });
    if let Some(err) = params.error {
        let detail = params.error_description.unwrap_or(err);
        return auth_failure(
            StatusCode::UNAUTHORIZED,
            &AuthError::Refused(detail).to_string(),
        );
    }
    let (Some(pending), Some(code), Some(returned_state)) = (pending, params.code, params.state)
    else {
        return auth_failure(
            StatusCode::BAD_REQUEST,
            &AuthError::StateMismatch.to_string(),
        );
    };
    let identity = match state.oidc.finish(pending, &code, &returned_state).await {
        Ok(i) => i,
        Err(e) => return auth_failure(StatusCode::UNAUTHORIZED, &e.to_string()),
    };
    let role = state.config.role_map.role_for(&identity.groups);
    let user = SessionUser {
        subject: identity.subject,
        username: identity.username,
        name: identity.name,
        role,
        signed_in_at: time::OffsetDateTime::now_utc().unix_timestamp(),
    };
    tracing::info!(user = %user.username, role = ?user.role, "signed in");
    // A new session id at sign-in, so an id planted before it (session fixation) is worthless.
    if let Err(e) = async {
        session.cycle_id().await?;
        session.insert(USER_KEY, &user).await
    }
    .await
    {
        tracing::error!(error = %e, "session store failed");
        return auth_failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The console could not record the sign-in. Try again.",
        );
    }
    // Everyone lands on the inventory; a user without a role sees "no access" there.
    Redirect::to("/devices").into_response()
}

/// Destroys the server-side session: the old cookie is worthless afterwards.
pub async fn logout(session: Session) -> Response {
    if let Err(e) = session.flush().await {
        tracing::error!(error = %e, "could not destroy the session");
        return auth_failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Signing out failed. Close the browser to be safe.",
        );
    }
    Redirect::to("/").into_response()
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
