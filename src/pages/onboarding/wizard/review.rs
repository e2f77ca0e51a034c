//! Step 4: everything the user chose, the AWS calls it makes, and their live status once
//! "Create" is pressed (polled every 300 ms while the create call is under way). A failed
//! step undoes the run; the page says what failed and why, and Back stays possible.

use super::{BackButton, CertChoice, Wizard};
use crate::api::onboarding::provision_device;
use crate::api::ApiError;
use crate::components::browser::random_id;
use crate::components::{with_live_steps, ErrorBox, RunSteps};
use crate::domain::runs::LiveRun;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub(super) fn ReviewStep(w: Wizard) -> impl IntoView {
    let request = w.request();
    let run: RwSignal<LiveRun> = RwSignal::new(LiveRun::planned(&request));
    let running = RwSignal::new(false);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let create = move |_| {
        if running.get_untracked() {
            return;
        }
        let request = w.request();
        running.set(true);
        error.set(None);
        run.set(LiveRun::planned(&request));
        let run_id = random_id("run");
        spawn_local(async move {
            let result = with_live_steps(
                run_id.clone(),
                run,
                provision_device(run_id, request, w.profile.get_untracked()),
            )
            .await;
            match result {
                Ok(outcome) => {
                    w.outcome.set(Some(outcome));
                    running.set(false);
                    w.step.set(5);
                }
                Err(e) => {
                    error.set(Some(e));
                    running.set(false);
                }
            }
        });
    };
    let attributes = request
        .attributes
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let certificate = match w.cert.get_untracked() {
        CertChoice::BrowserKey => format!(
            "from a {} key made in this browser (only the CSR is sent)",
            w.key_kind.get_untracked().label()
        ),
        CertChoice::AwsKey => "made by AWS with its key pair (the key is shown once)".to_string(),
        CertChoice::Bring => "your certificate, registered without a CA".to_string(),
    };
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_string()
        } else {
            items.join(", ")
        }
    };
    view! {
        <h2>"Review and create"</h2>
        <dl id="review" class="facts">
            <dt>"Onboarding profile"</dt><dd>{w.profile.get_untracked().unwrap_or_else(|| "none (chosen freely)".into())}</dd>
            <dt>"Thing"</dt><dd>{request.thing_name.clone()}</dd>
            <dt>"Thing type"</dt><dd>{request.thing_type.clone().unwrap_or_else(|| "none".into())}</dd>
            <dt>"Attributes"</dt><dd>{if attributes.is_empty() { "none".to_string() } else { attributes }}</dd>
            <dt>"Thing groups"</dt><dd>{list(&request.groups)}</dd>
            <dt>"Certificate"</dt><dd>{certificate}</dd>
            <dt>"Policies"</dt><dd>{list(&request.policies)}</dd>
        </dl>
        <h3>"AWS calls"</h3>
        <RunSteps run=run.into()/>
        {move || error.get().map(|e| view! { <div id="run-error"><ErrorBox error=e/></div> })}
        <div class="wizard-nav">
            {move || (!running.get()).then(|| view! { <BackButton w/> })}
            <button type="button" id="create-device" class="primary" on:click=create disabled=move || running.get()>
                {move || if running.get() { "Creating…" } else if error.get().is_some() { "Try again" } else { "Create the device" }}
            </button>
        </div>
    }
    .into_any()
}
