//! Server functions, by area. Each is a public HTTP endpoint (`POST /api/<name>`): its first
//! line is a role check from [`guard`], then it makes one call into a service, whose error
//! becomes an [`ApiError`] with `?`. One that changes something hands its result to
//! `outcome::logged`, which logs who did what to what and how it ended.
//! `session` says who is looking; `error` is the one error type users see.

pub mod certificates;
mod error;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod inventory;
pub mod onboarding;
#[cfg(feature = "ssr")]
mod outcome;
pub mod policies;
pub mod session;

pub use error::ApiError;
