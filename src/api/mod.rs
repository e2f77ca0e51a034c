//! Server functions, by area. Each is a public HTTP endpoint (`POST /api/<name>`): its first
//! line is a role check from [`guard`], then it makes one call into a service.

pub mod certificates;
mod error;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod inventory;
pub mod lifecycle;
pub mod onboarding;
pub mod policies;
pub mod viewer;

pub use error::ApiError;
