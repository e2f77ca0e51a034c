//! Pure domain logic: no AWS, no Leptos, no tokio. Builds for wasm32 and tests in milliseconds.

pub mod certs;
pub mod inventory;
pub mod policy;
pub mod roles;
