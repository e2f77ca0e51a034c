//! Server functions, by area. Each is a public HTTP endpoint (`POST /api/<name>`): its first
//! line is a role check from [`guard`], then it makes one call into a service.
//! `session` says who is looking; `error` is the one error type users see.

pub mod certificates;
mod error;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod inventory;
pub mod onboarding;
pub mod policies;
pub mod session;

pub use error::ApiError;
