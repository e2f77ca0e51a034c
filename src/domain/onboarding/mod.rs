//! Bulk onboarding, the pure part: AWS IoT's name and attribute rules, CSR checks, and the
//! plan made from an uploaded CSV. No AWS, no Leptos, no tokio: the browser runs the same
//! checks before upload that the server runs before it creates anything.
//!
//! - `rules`: thing, type, group, attribute and policy rules, each cited from AWS's docs.
//! - `csr`: a CSR's PEM, structure and key (EC P-256/384/521, RSA ≥ 2048).
//! - `columns`: the CSV header (`thingName`, `thingType`, `groups`, `policies`, `csr`,
//!   `attr.<name>`).
//! - `csv_plan`: reads the file and checks every row against the rules and what exists.
//! - `plan`: the resulting plan and its types, shared with the browser.
//! - `request`: the checks of one device's request (the wizard, and each bulk row).
//! - `job`: a bulk job's rows and stages, its progress figures and the result CSV.

pub mod columns;
pub mod csr;
pub mod csv_plan;
pub mod job;
pub mod plan;
pub mod request;
pub mod rules;

pub use columns::ATTRIBUTE_PREFIX;
pub use csr::{check_csr_pem, csr_matches_certificate, CsrFacts};
pub use csv_plan::{plan_csv, LIST_SEPARATOR, MAX_ROWS};
pub use plan::{Existing, OnboardPlan, OnboardRow, PlanCounts, PlannedRow, RowStatus};
pub use request::request_problems;
