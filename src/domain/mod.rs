//! Pure domain logic: no AWS, no Leptos, no tokio. Builds for wasm32 and tests in milliseconds.

pub mod cert_variables;
pub mod certificates;
pub mod certs;
pub mod device_keys;
pub mod inventory;
pub mod lifecycle;
pub mod onboarding;
pub mod pacing;
pub mod policy;
pub mod policy_catalog;
pub mod policy_editor;
pub mod policy_summary;
pub mod provisioning;
pub mod roles;
pub mod simulation;
pub mod text_diff;
