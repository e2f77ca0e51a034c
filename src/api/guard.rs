//! The checks every server function begins with, and the mapping of service errors to the
//! status codes the browser sees (`impl From<ServiceError> for ApiError`).

use super::ApiError;
use crate::domain::roles::Permission;
use crate::server::auth::{current_user, SessionUser};
use crate::server::service_error::{ErrorKind, ServiceError};
use crate::server::state::AppState;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use tower_sessions::Session;

/// Sets the response status for `err` and hands it back, for `return Err(fail(..))`.
pub fn fail(err: ApiError) -> ApiError {
    if let Some(res) = use_context::<ResponseOptions>() {
        res.set_status(
            axum::http::StatusCode::from_u16(err.status())
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    err
}

fn app_state() -> Result<AppState, ApiError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server-function context");
        fail(ApiError::Unavailable(
            "The console is misconfigured; see its log.".into(),
        ))
    })
}

async fn session_user(state: &AppState) -> Result<Option<SessionUser>, ApiError> {
    let session: Session = leptos_axum::extract().await.map_err(|e| {
        tracing::error!(error = %e, "no session layer");
        fail(ApiError::Unavailable(
            "Sessions are unavailable; see the console's log.".into(),
        ))
    })?;
    Ok(current_user(&session, state.config.session_max).await)
}

/// For functions anyone may call: who is signed in, if anybody.
pub async fn anyone() -> Result<Option<SessionUser>, ApiError> {
    let state = app_state()?;
    session_user(&state).await
}

/// The signed-in user's role must grant `permission`: 401 without a session, 403 without
/// the right role, 429 when the user's request budget is spent for now.
pub async fn require(permission: Permission) -> Result<(AppState, SessionUser), ApiError> {
    let state = app_state()?;
    let user = session_user(&state)
        .await?
        .ok_or_else(|| fail(ApiError::Unauthenticated))?;
    if !user.may(permission) {
        tracing::warn!(user = ?user.username, sub = ?user.subject, role = ?user.role, ?permission, "permission refused");
        return Err(fail(ApiError::Forbidden));
    }
    if let Err(wait) = state.budget.spend(&user.subject) {
        tracing::warn!(user = ?user.username, sub = ?user.subject, "request budget spent");
        return Err(fail(ApiError::TooManyRequests(format!(
            "You have made many requests in a short time. Wait {wait} seconds, then try again."
        ))));
    }
    Ok((state, user))
}

/// Publishes a run's live status on the run board under the caller and the page's `run_id`,
/// for `device_run_status` polls; a malformed id is refused (400).
pub fn run_reporter(
    state: &AppState,
    user: &SessionUser,
    run_id: &str,
) -> Result<impl Fn(&crate::domain::runs::LiveRun) + Send + Sync, ApiError> {
    if !crate::server::runs::board::is_valid_run_id(run_id) {
        return Err(fail(ApiError::Invalid("The run id is malformed.".into())));
    }
    let (board, owner, id) = (state.runs.clone(), user.subject.clone(), run_id.to_string());
    Ok(move |run: &crate::domain::runs::LiveRun| board.publish(&owner, &id, run))
}

/// A service's error as the server function's, with the matching status code set, so a
/// server function ends its service call with `?`. The one place service errors meet HTTP:
/// 404 for what does not exist, 400 for wrong input, 403 for input outside the user's
/// reach, 503 for the rest (AWS unreachable,
/// throttling, credentials that may not).
impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let sentence = e.for_user();
        fail(match e.kind() {
            ErrorKind::NotFound => ApiError::NotFound(sentence),
            ErrorKind::Invalid => ApiError::Invalid(sentence),
            ErrorKind::Refused => ApiError::Refused(sentence),
            ErrorKind::AccessDenied | ErrorKind::Throttled | ErrorKind::Unavailable => {
                ApiError::Unavailable(sentence)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The AWS kinds' sentences and kinds are pinned in `service_error`'s tests; here, that
    // each kind gets its status code.
    #[test]
    fn service_errors_keep_their_sentence_and_get_their_status() {
        let e = ApiError::from(ServiceError::not_found("There is no device named t."));
        assert_eq!(e, ApiError::NotFound("There is no device named t.".into()));
        assert_eq!(e.status(), 404);
        let e = ApiError::from(ServiceError::Invalid("\"x\" is not a thing name.".into()));
        assert_eq!(e, ApiError::Invalid("\"x\" is not a thing name.".into()));
        assert_eq!(e.status(), 400);
    }
}
