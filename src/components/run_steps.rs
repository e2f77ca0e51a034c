//! A run's AWS calls with their live status (the wizard, rotation, device removal), and what a
//! failed run left behind.

use crate::domain::provisioning::{ProvisionRun, RunState, StepStatus};
use leptos::prelude::*;

/// A run's steps with their status, for the wizard and the certificate pages.
#[component]
pub fn RunSteps(run: Signal<ProvisionRun>) -> impl IntoView {
    view! {
        <ol id="run-steps" class="run-steps" aria-live="polite">
            {move || run.get().steps.into_iter().map(|s| {
                let (status, note) = match &s.status {
                    StepStatus::Pending => ("pending", String::new()),
                    StepStatus::Running => ("running", "running…".to_string()),
                    StepStatus::Done => ("done", "done".to_string()),
                    StepStatus::Failed(e) => ("failed", format!("failed: {e}")),
                    StepStatus::Undone => ("undone", "undone".to_string()),
                    StepStatus::UndoFailed(e) => ("undo-failed", format!("could not be undone: {e}")),
                };
                view! {
                    <li class=format!("run-step step-{status}") data-status=status>
                        <span class="label">{s.label}</span>
                        " " <span class="step-status">{note}</span>
                    </li>
                }
            }).collect_view()}
        </ol>
        {move || match run.get().state {
            RunState::Failed { left_behind, .. } if !left_behind.is_empty() => Some(view! {
                <div class="warning" id="left-behind">
                    <p>"Left behind for an admin to remove:"</p>
                    <ul>{left_behind.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                </div>
            }),
            _ => None,
        }}
    }
}
