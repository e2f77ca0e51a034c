//! # IoT Warden
//!
//! A self-hosted security console for AWS IoT fleets: a Leptos app, rendered on the server
//! by axum and hydrated in the browser from WASM.
//!
//! # Layout
//!
//! Requests travel one hop per layer: page → server function → service → AWS adapter. The
//! code is grouped by feature area, with the same area names at every layer;
//! `docs/architecture.md` draws the path and says where a new feature's files and tests go.
//!
//! - **inventory**: [`domain::inventory`] (queries, cursors, rows) · `server::inventory` ·
//!   [`api::inventory`] · [`pages::inventory`] (devices, one device, thing types and groups).
//! - **policies**: [`domain::policies`] (the AWS IoT policy engine: parse, validate, lint,
//!   decide, impact preview; with the catalog, editor diagnostics, simulation, summary and
//!   diffs) · `server::policies` · [`api::policies`] · [`pages::policies`] (list, versions,
//!   editor, simulator).
//! - **certificates**: [`domain::certificates`] (facts read from a PEM, key algorithms,
//!   policy variables, the list's filters, rotation and removal steps, browser-made keys and
//!   bundles) · `server::certificates` (the list and status changes; `lifecycle`: rotation
//!   and removal runs) · [`api::certificates`] · [`pages::certificates`].
//! - **onboarding**: [`domain::onboarding`] (one device's request and steps, CSR checks, the
//!   bulk CSV plan, job rows, pacing, onboarding profiles and the check that a device fits
//!   one) · `server::onboarding` (`provisioning`: one device with live steps, undone on a
//!   failure; `bulk`: jobs in DynamoDB under a lease, paced per AWS API, resumed at start-up;
//!   `profiles`: admins' onboarding profiles in DynamoDB, and which one binds a request) ·
//!   [`api::onboarding`] (with `profiles`) · [`pages::onboarding`] (the wizard, bulk
//!   onboarding, the profiles page, the profile choice both share).
//!
//! Shared by the areas:
//! - [`domain`]: pure (no AWS, Leptos or tokio; builds for wasm32): [`domain::roles`],
//!   [`domain::aws_names`] (AWS's name and attribute rules), [`domain::runs`] (a run's
//!   steps and live status), [`domain::csv_cells`] (CSV cells safe to open in a
//!   spreadsheet) and [`domain::bounded`] (listings cut at a limit, and saying so).
//! - `server` (feature `ssr`): `config`, `state`, `run` (start-up), `http` (router),
//!   `security` (origin check, headers), `logging` (escaped log lines), `auth` (OIDC sign-in,
//!   the sealed pending-sign-in cookie, the sign-in rate limit; sessions live in DynamoDB, `aws::DynamoSessions`), `aws` (narrow
//!   traits, SDK implementations in `aws::sdk`, the fake account for tests), `runs` (live
//!   status, undo, the run board every replica reads), `paging`, `service_error` (the services' one error type).
//! - [`api`]: server functions (`POST /api/<name>`), each a role check from `api::guard`
//!   then one service call; [`api::session`] says who is looking; [`api::ApiError`] is the
//!   one error users see.
//! - [`components`]: pieces pages share (role gates, error box, loading state, live run
//!   steps, the policy simulator, browser-only helpers); [`app`]: shell, router, layout.
//! - `cli` (feature `ssr`): the bodies of `lint`, `simulate` and `onboard`.
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
