//! A run's AWS calls with their live status (the wizard, rotation, device removal), and what a
//! failed run left behind.

use crate::api::onboarding::device_run_status;
use crate::api::ApiError;
use crate::components::browser::pause;
use crate::domain::runs::{LiveRun, RunState, StepStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;

/// Polls the run board every 300 ms while `work` runs, showing each new status in `run`.
pub async fn with_live_steps<T>(
    run_id: String,
    run: RwSignal<LiveRun>,
    work: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let finished = RwSignal::new(false);
    let poll_id = run_id.clone();
    spawn_local(async move {
        while !finished.get_untracked() {
            pause(300).await;
            if let Ok(Some(r)) = device_run_status(poll_id.clone()).await {
                if !finished.get_untracked() {
                    run.set(r);
                }
            }
        }
    });
    let result = work.await;
    finished.set(true);
    // The run's final steps (what was done, undone or left) are on the board.
    if let Ok(Some(r)) = device_run_status(run_id).await {
        run.set(r);
    }
    result
}

/// A run's steps with their status, for the wizard and the certificate pages.
#[component]
pub fn RunSteps(run: Signal<LiveRun>) -> impl IntoView {
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
