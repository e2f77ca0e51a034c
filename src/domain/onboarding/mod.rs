//! Onboarding, the pure part: one device's request and its steps, CSR checks, the plan made
//! from an uploaded CSV, a bulk job's rows and its pacing. No AWS, no Leptos, no tokio: the browser runs the same
//! checks before upload that the server runs before it creates anything.
//!
//! (AWS's name and attribute rules are in [`crate::domain::aws_names`].)
//! - `csr`: a CSR's PEM, structure and key (EC P-256/384/521, RSA ≥ 2048).
//! - `columns`: the CSV header (`thingName`, `thingType`, `groups`, `policies`, `csr`,
//!   `attr.<name>`).
//! - `csv_plan`: reads the file and checks every row against the rules and what exists.
//! - `plan`: the resulting plan and its types, shared with the browser.
//! - `request`: the checks of one device's request (the wizard, and each bulk row).
//! - `job`: a bulk job's rows and stages, its progress figures and the result CSV.
//! - `provisioning`: one device's request, the AWS calls it makes, and what comes back.
//! - `profile`: onboarding profiles, what a device registered within one gets, and the check
//!   that a device fits its profile.
//! - `pacing`: per-API token buckets and back-off for bulk jobs.

pub mod columns;
pub mod csr;
mod csr_signature;
pub mod csv_plan;
pub mod job;
pub mod pacing;
pub mod plan;
pub mod profile;
pub mod provisioning;
pub mod request;

pub use columns::ATTRIBUTE_PREFIX;
pub use csr::{check_csr_pem, csr_matches_certificate, CsrFacts};
pub use csv_plan::{plan_csv, LIST_SEPARATOR, MAX_ROWS};
pub use plan::{Existing, OnboardPlan, OnboardRow, PlanCounts, PlannedRow, RowStatus};
pub use request::request_problems;
