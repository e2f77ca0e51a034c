//! What the session holds about the signed-in user, and the absolute timeout.
//! (The idle timeout is the session layer's expiry, set in [`crate::server::http`]: every
//! request of a signed-in user saves the session again, so activity moves it.)

use crate::domain::roles::Role;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tower_sessions::Session;

pub const USER_KEY: &str = "user";
/// The ID token of the sign-in, kept for the sign-out's `id_token_hint`.
pub const ID_TOKEN_KEY: &str = "id_token";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub subject: String,
    pub username: String,
    pub name: Option<String>,
    /// `None` for a user whose groups map to no role: signed in, but without access.
    pub role: Option<Role>,
    /// Unix seconds.
    pub signed_in_at: i64,
}

impl SessionUser {
    /// Whether the user's role grants `permission` (a user without a role is granted nothing).
    pub fn may(&self, permission: crate::domain::roles::Permission) -> bool {
        self.role.is_some_and(|r| r.allows(permission))
    }

    /// How far this user's onboarding reaches: freely, or only within a profile.
    pub fn onboarding_reach(&self) -> crate::domain::onboarding::profile::OnboardingReach {
        use crate::domain::onboarding::profile::OnboardingReach;
        if self.may(crate::domain::roles::Permission::OnboardOutsideProfiles) {
            OnboardingReach::Free
        } else {
            OnboardingReach::ProfileOnly
        }
    }
}

/// The signed-in user, or `None`. A session older than `max_age` is destroyed here, so the
/// absolute timeout holds however active the user is.
pub async fn current_user(session: &Session, max_age: Duration) -> Option<SessionUser> {
    let user: SessionUser = match session.get(USER_KEY).await {
        Ok(u) => u?,
        Err(e) => {
            tracing::error!(error = %e, "session store failed");
            return None;
        }
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if now - user.signed_in_at > max_age.as_secs() as i64 {
        tracing::info!(user = ?user.username, sub = ?user.subject, "session reached its absolute lifetime");
        if let Err(e) = session.flush().await {
            tracing::error!(error = %e, "could not destroy an expired session");
        }
        return None;
    }
    Some(user)
}
