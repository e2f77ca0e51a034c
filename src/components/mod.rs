//! Pieces shared by pages.

pub mod browser;
mod error_box;
mod loaded;
mod require_role;
mod run_steps;
mod simulator;
mod viewer;

pub use error_box::ErrorBox;
pub use loaded::Loaded;
pub use require_role::{NoAccess, RequireRole, SignInPrompt, WhenAllowed};
pub use run_steps::{with_live_steps, RunSteps};
pub use simulator::Simulator;
pub use viewer::{use_viewer, ViewerResource};

use leptos::prelude::*;

/// A certificate's status in AWS's word, coloured by `style/main.css` (`.status-active`, …).
#[component]
pub fn CertificateStatusBadge(
    status: crate::domain::certificates::status::CertificateStatus,
) -> impl IntoView {
    let word = status.as_aws();
    view! { <span class=format!("status status-{}", word.to_lowercase())>{word}</span> }
}

/// What shows while data loads: announced to screen readers, never an empty page.
#[component]
pub fn Loading(#[prop(into)] what: String) -> impl IntoView {
    view! { <p class="loading" role="status" aria-busy="true">{format!("Loading {what}…")}</p> }
}
