//! # IoT Warden
//!
//! A self-hosted security console for AWS IoT fleets: a Leptos app, rendered on the server
//! by axum and hydrated in the browser from WASM.
//!
//! # Layout
//!
//! Requests travel one hop per layer: page → server function → service → AWS adapter.
//!
//! - [`app`]: the HTML shell, router and role-aware layout.
//! - [`pages`]: one file per page; resources and components only.
//! - [`components`]: pieces shared by pages (role gates, error box, loading state, the
//!   policy simulator, which decides in the browser, and `browser`: saving and reading files,
//!   pausing for a repaint).
//! - [`api`]: the server functions (`POST /api/<name>`), each opening with a role check from
//!   `api::guard`, then one service call; [`api::ApiError`] is the one error users see.
//! - [`domain`]: pure logic and the types that cross the wire (roles, inventory queries,
//!   certificate facts). No AWS, Leptos or tokio: builds for wasm32, tests in milliseconds.
//!   [`domain::policy`] is the AWS IoT policy engine: parse, validate, lint and decide
//!   requests, and preview a draft's impact. Around it: [`domain::policy_catalog`] (what the
//!   policy pages show), [`domain::policy_editor`] (the editor's diagnostics),
//!   [`domain::simulation`] (device contexts and MQTT requests), [`domain::cert_variables`]
//!   (certificate policy variables) and [`domain::text_diff`] (version diffs).
//!   Onboarding and certificates: [`domain::onboarding`] (AWS name and attribute rules, CSR
//!   checks, the bulk CSV plan, one request's checks, a bulk job's rows, progress and result
//!   file), [`domain::provisioning`] (one device's steps and their status),
//!   [`domain::device_keys`] (key pairs, CSRs and bundles made in the browser),
//!   [`domain::policy_summary`] (what a device's policies let it do, for the wizard and its
//!   bundle), [`domain::pacing`] (per-API token buckets and back-off for bulk jobs),
//!   [`domain::certificates`] (the lifecycle list's filters and status changes) and
//!   [`domain::lifecycle`] (the steps of a certificate rotation and of a device removal).
//! - `server` (feature `ssr`): configuration (`config`), sign-in and sessions (`auth`),
//!   the security layers (`security`), the AWS adapters behind narrow traits (`aws`), the
//!   services (`inventory`, `policies`, `certificates`) with their one error type
//!   (`service_error`) and filtered paging over AWS listings (`paging`), the router (`http`)
//!   and start-up (`run`).
//!   `provisioning` creates one device step by step with live status, undoing it on a failure
//!   (its `board` keeps each watched run's latest status for polling pages). `lifecycle`
//!   rotates a device's certificate (undone on a failure) and removes a device (stopping
//!   safely, so a second run finishes), with the same live status. `bulk` runs onboarding
//!   jobs: kept in DynamoDB (`aws::JobStore`) under a lease, paced per AWS API, idempotent row
//!   by row, resumed at start-up.
//! - `cli` (feature `ssr`): the bodies of the policy commands `lint` (least-privilege
//!   findings placed at their line) and `simulate` (JSON Lines cases in, decisions out), and
//!   of `onboard` (a bulk job from a CSV, for factory pipelines).
//!
//! The binary (`src/main.rs`) is a thin clap front: `iot-warden serve`, `iot-warden lint`,
//! `iot-warden simulate`, `iot-warden onboard`.
//! The local stack (AWS emulator, IdP, seed) lives in `stack/`, browser tests in `end2end/`,
//! integration tests in `tests/`.

pub mod api;
pub mod app;
#[cfg(feature = "ssr")]
pub mod cli;
pub mod components;
pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the browser build: takes over the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
