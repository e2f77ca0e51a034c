//! Sign-in (OIDC authorization code flow with PKCE), sessions, and the role check every
//! server function starts with.

pub mod oidc;
pub mod pending;
pub mod rate_limit;
pub mod routes;
pub mod session;

pub use oidc::{AuthError, Identity, Oidc};
pub use session::{current_user, SessionUser};
