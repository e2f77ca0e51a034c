//! Bulk onboarding (`/onboard/bulk`, onboarding staff and admins): a CSV checked in this
//! browser against the account and the chosen onboarding profile, key pairs made here for rows without a CSR (downloaded before
//! anything starts), then a server-side job with live progress, cancel and a result file.
//! `?job=ID` shows a job's progress (after a reload, or from the list of recent jobs).

mod keys;
mod plan;
mod progress;

use crate::api::onboarding::{list_bulk_jobs, onboarding_catalog};
use crate::components::{Loaded, RequireRole};
use crate::domain::onboarding::job::JobSummary;
use crate::domain::roles::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BulkOnboardPage() -> impl IntoView {
    view! {
        <Title text="Bulk onboarding"/>
        <RequireRole permission=Permission::Onboard>
            <BulkView/>
        </RequireRole>
    }
}

#[component]
fn BulkView() -> impl IntoView {
    let query = use_query_map();
    let job_in_url = Memo::new(move |_| query.with(|q| q.get("job")).filter(|j| !j.is_empty()));
    // A job started on this page, shown without a reload.
    let started: RwSignal<Option<String>> = RwSignal::new(None);
    let job = Signal::derive(move || started.get().or_else(|| job_in_url.get()));
    let catalog = Resource::new(|| (), |_| onboarding_catalog());
    let jobs = Resource::new(move || job.get(), |_| list_bulk_jobs());
    view! {
        <h1>"Bulk onboarding"</h1>
        <p class="muted">
            "Choose the onboarding profile the devices are made within: its thing type, groups and "
            "policies fill the cells you leave empty, and a row asking for anything else is refused. "
            "Upload a CSV with a header row: " <code>"thingName"</code> " (required), "
            <code>"thingType"</code> ", " <code>"groups"</code> " and " <code>"policies"</code>
            " (separated by ;), " <code>"csr"</code> " (PEM, optional) and one "
            <code>"attr.<name>"</code> " column per attribute. One device at a time: "
            <a href="/onboard">"the wizard"</a> "."
        </p>
        {move || match job.get() {
            Some(id) => view! { <progress::JobProgress id/> }.into_any(),
            None => view! {
                <Loaded resource=catalog what="thing types, groups and policies"
                    render=move |choices| view! { <plan::Upload choices started/> }/>
            }.into_any(),
        }}
        <Loaded resource=jobs what="recent jobs" render=move |list| view! { <RecentJobs list/> }/>
    }
}

#[component]
fn RecentJobs(list: Vec<JobSummary>) -> impl IntoView {
    if list.is_empty() {
        return ().into_any();
    }
    view! {
        <h2>"Recent jobs"</h2>
        <table id="recent-jobs" class="data">
            <thead><tr><th scope="col">"Job"</th><th scope="col">"State"</th><th scope="col">"Devices"</th>
                <th scope="col">"Started by"</th><th scope="col">"Started"</th></tr></thead>
            <tbody>
                {list.into_iter().map(|j| view! {
                    <tr data-job=j.id.clone()>
                        <th scope="row"><a href=format!("/onboard/bulk?job={}", j.id)>{j.id.clone()}</a></th>
                        <td>{j.state.as_str()}</td>
                        <td>{j.total}</td>
                        <td>{j.created_by.clone()}</td>
                        <td>{crate::domain::certificates::facts::rfc3339(j.created_at)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
