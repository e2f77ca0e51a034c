//! A job's live progress: done, failed and remaining, rate and ETA, the latest failures;
//! refreshed every second while it runs. Cancel, resume, and the per-row result file.

use crate::api::onboarding::{bulk_job_result, bulk_job_status, cancel_bulk_job, resume_bulk_job};
use crate::api::ApiError;
use crate::components::browser::{pause, save_file};
use crate::components::ErrorBox;
use crate::domain::onboarding::job::{duration_words, JobState, JobStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub(super) fn JobProgress(id: String) -> impl IntoView {
    let job_id = StoredValue::new(id.clone());
    let status = Resource::new(move || job_id.get_value(), bulk_job_status);
    let action_error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    // While the job runs, read it again a second after each answer.
    Effect::new(move |_| {
        if let Some(Ok(s)) = status.get() {
            if !s.state.is_over() {
                spawn_local(async move {
                    pause(1000).await;
                    status.refetch();
                });
            }
        }
    });
    let act = move |what: &'static str| {
        move |_| {
            action_error.set(None);
            let id = job_id.get_value();
            spawn_local(async move {
                let result = match what {
                    "cancel" => cancel_bulk_job(id).await.map(|_| ()),
                    "resume" => resume_bulk_job(id).await.map(|_| ()),
                    _ => match bulk_job_result(id.clone()).await {
                        Ok(csv) => {
                            save_file(&format!("{id}-result.csv"), "text/csv", csv.as_bytes())
                                .map_err(ApiError::Invalid)
                        }
                        Err(e) => Err(e),
                    },
                };
                match result {
                    Ok(()) => status.refetch(),
                    Err(e) => action_error.set(Some(e)),
                }
            });
        }
    };
    view! {
        <section id="job" data-job=id.clone() aria-live="polite">
            <h2>{format!("Job {id}")}</h2>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading the job…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) => view! { <StatusView s/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Transition>
            <div class="wizard-nav">
                {move || {
                    let state = status.get().and_then(|r| r.ok()).map(|s| (s.state, s.counts.failed, s.counts.remaining()));
                    match state {
                        Some((JobState::Running, _, _)) => view! {
                            <button type="button" id="cancel-job" class="danger" on:click=act("cancel")>"Cancel the job"</button>
                        }.into_any(),
                        Some((JobState::Cancelling, _, _)) => view! { <span class="muted">"Cancelling: rows under way are finishing…"</span> }.into_any(),
                        Some((_, failed, remaining)) => view! {
                            <button type="button" id="download-result" class="primary" on:click=act("result")>"Download the result (.csv)"</button>
                            {(failed + remaining > 0).then(|| view! {
                                <button type="button" id="resume-job" on:click=act("resume")>
                                    {format!("Run the {} failed or remaining row(s) again", failed + remaining)}
                                </button>
                            })}
                        }.into_any(),
                        None => ().into_any(),
                    }
                }}
            </div>
            {move || action_error.get().map(|e| view! { <ErrorBox error=e/> })}
            <p><a href="/onboard/bulk" id="new-job">"Start another job"</a></p>
        </section>
    }
    .into_any()
}

#[component]
fn StatusView(s: JobStatus) -> impl IntoView {
    let c = s.counts;
    let rate = if s.state.is_over() {
        String::new()
    } else {
        match (s.rate_per_second, s.eta_seconds) {
            (r, Some(eta)) if r > 0.0 => {
                format!("{r:.1} devices/s, about {} left", duration_words(eta))
            }
            _ => "Starting…".to_string(),
        }
    };
    view! {
        <p id="job-state" data-state=s.state.as_str()>{format!("State: {}", s.state.as_str())}</p>
        <progress id="job-bar" max=c.total value=c.done + c.failed aria-label="Rows settled"></progress>
        <p id="job-counts">{format!("{} done, {} failed, {} remaining of {}", c.done, c.failed, c.remaining(), c.total)}</p>
        <p id="job-rate">{rate}</p>
        {(!s.recent_failures.is_empty()).then(|| view! {
            <div id="job-failures">
                <h3>"Latest failures"</h3>
                <ul>{s.recent_failures.into_iter().map(|(thing, e)| view! { <li><strong>{thing}</strong>": "{e}</li> }).collect_view()}</ul>
            </div>
        })}
    }
    .into_any()
}
