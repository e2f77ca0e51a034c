//! Upload and check: the CSV is planned here, in the browser, against the account's types,
//! groups and policies and the names already taken (asked in chunks, with progress), then
//! within the chosen onboarding profile (its type, groups and policies fill empty cells; a
//! row outside it has problems). Nothing can start until the file is clean or its bad rows
//! are left out, and until the keys made here are downloaded.

use super::keys::{KeyMaker, MadeKeys};
use crate::api::onboarding::{start_bulk_job, taken_thing_names, OnboardingChoices};
use crate::api::ApiError;
use crate::components::browser::{chosen_file_text, pause};
use crate::components::ErrorBox;
use crate::domain::aws_names::check_thing_name;
use crate::domain::onboarding::job::BulkRow;
use crate::domain::onboarding::{plan_csv, OnboardPlan, RowStatus};
use crate::pages::onboarding::profile_choice::{chosen_profile, ProfileChoice};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// Names per existence check (the server's limit).
const NAMES_PER_CHECK: usize = 1000;

#[component]
pub(super) fn Upload(
    choices: OnboardingChoices,
    started: RwSignal<Option<String>>,
) -> impl IntoView {
    let file_name: RwSignal<Option<String>> = RwSignal::new(None);
    let checking: RwSignal<Option<(usize, usize)>> = RwSignal::new(None);
    let plan: RwSignal<Option<OnboardPlan>> = RwSignal::new(None);
    let problem: RwSignal<Option<String>> = RwSignal::new(None);
    let exclude = RwSignal::new(false);
    let keys: RwSignal<MadeKeys> = RwSignal::new(MadeKeys::default());
    let starting = RwSignal::new(false);
    let start_error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let existing = choices.existing.clone();
    let chosen: RwSignal<Option<String>> = RwSignal::new(None);
    let profiles = choices.profiles.clone();
    let free_choice = choices.free_choice;

    let on_file = move |ev| {
        let mut existing = existing.clone();
        plan.set(None);
        problem.set(None);
        start_error.set(None);
        exclude.set(false);
        keys.set(MadeKeys::default());
        spawn_local(async move {
            let (name, text) = match chosen_file_text(ev).await {
                Ok(Some(f)) => f,
                Ok(None) => return,
                Err(e) => return problem.set(Some(e)),
            };
            file_name.set(Some(name));
            pause(0).await;
            // First the file alone, to learn its names; then which of them are taken.
            let names: Vec<String> = plan_csv(&text, &existing)
                .rows
                .iter()
                .map(|r| r.thing_name.clone())
                .filter(|n| check_thing_name(n).is_ok())
                .collect();
            checking.set(Some((0, names.len())));
            for (i, chunk) in names.chunks(NAMES_PER_CHECK).enumerate() {
                match taken_thing_names(chunk.to_vec()).await {
                    Ok(taken) => existing.things.extend(taken),
                    Err(e) => {
                        checking.set(None);
                        return problem.set(Some(format!(
                            "The names could not be checked against AWS: {e}"
                        )));
                    }
                }
                checking.set(Some(((i * NAMES_PER_CHECK + chunk.len()), names.len())));
            }
            checking.set(None);
            pause(0).await;
            plan.set(Some(plan_csv(&text, &existing)));
        });
    };

    // The plan within the chosen profile, recomputed when another profile is chosen.
    let fitted = Memo::new(move |_| {
        let profile = chosen_profile(&profiles, chosen.get().as_deref());
        plan.get().map(|p| match profile {
            Some(profile) => profile.fit_plan(p),
            None => p,
        })
    });
    // What would run: the plan, or the plan without its bad rows when the user agreed.
    let effective = Memo::new(move |_| {
        fitted.get().map(|p| {
            if exclude.get() {
                p.without_bad_rows()
            } else {
                p
            }
        })
    });
    let needing_keys = Memo::new(move |_| {
        effective
            .get()
            .map(|p| {
                p.valid_rows()
                    .filter(|r| r.csr_pem.is_none())
                    .map(|r| r.thing_name.clone())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let blocker = Memo::new(move |_| -> Option<String> {
        if !free_choice && chosen.get().is_none() {
            return Some("Choose the onboarding profile the devices are made within.".into());
        }
        let p = effective.get()?;
        if !p.file_problems.is_empty() {
            return Some("Fix the file's problems first.".into());
        }
        if p.rows.is_empty() {
            return Some("No row is left to onboard.".into());
        }
        if !p.is_clean() {
            return Some("Fix the rows with problems, or leave them out.".into());
        }
        let k = keys.get();
        if !needing_keys.get().is_empty() && !k.covers(&needing_keys.get()) {
            return Some("Make the key pairs for the rows without a CSR first.".into());
        }
        if !needing_keys.get().is_empty() && !k.saved {
            return Some("Download the keys first: they are not kept anywhere else.".into());
        }
        None
    });
    let navigate = use_navigate();
    let start = move |_| {
        let Some(p) = effective.get_untracked() else {
            return;
        };
        if blocker.get_untracked().is_some() || starting.get_untracked() {
            return;
        }
        let made = keys.get_untracked();
        let rows: Vec<BulkRow> = p
            .rows
            .iter()
            .filter_map(|r| match &r.status {
                RowStatus::Valid(row) => {
                    let mut device = row.clone();
                    if device.csr_pem.is_none() {
                        device.csr_pem = made.csr_for(&device.thing_name);
                    }
                    Some(BulkRow {
                        line: r.line,
                        device,
                    })
                }
                RowStatus::Invalid(_) => None,
            })
            .collect();
        starting.set(true);
        start_error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            match start_bulk_job(rows, chosen.get_untracked()).await {
                Ok(status) => {
                    started.set(Some(status.id.clone()));
                    navigate(
                        &format!("/onboard/bulk?job={}", status.id),
                        NavigateOptions {
                            replace: true,
                            ..Default::default()
                        },
                    );
                }
                Err(e) => start_error.set(Some(e)),
            }
            starting.set(false);
        });
    };

    let (choice_profiles, free_choice_shown) = (choices.profiles.clone(), free_choice);
    view! {
        <ProfileChoice profiles=choice_profiles free_choice=free_choice_shown chosen/>
        <div class="field">
            <label for="bulk-file">"Devices CSV"</label>
            <input id="bulk-file" type="file" accept=".csv,text/csv" on:change=on_file/>
        </div>
        {move || checking.get().map(|(done, total)| view! {
            <p id="name-check" class="loading" role="status">{format!("Checking names against AWS: {done} of {total}…")}</p>
        })}
        {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
        {move || fitted.get().map(|p| view! { <PlanView plan=p file=file_name.get().unwrap_or_default() exclude/> })}
        {move || (!needing_keys.get().is_empty()).then(|| view! { <KeyMaker things=needing_keys.into() keys/> })}
        {move || { let start = start.clone(); plan.get().is_some().then(|| view! {
            <div class="wizard-nav">
                <button type="button" id="start-job" class="primary" on:click=start
                    disabled=move || blocker.get().is_some() || starting.get()>
                    {move || if starting.get() { "Starting…".to_string() } else {
                        format!("Onboard {} devices", effective.get().map(|p| p.counts().valid).unwrap_or(0))
                    }}
                </button>
                {move || blocker.get().map(|b| view! { <p id="start-blocked" class="muted">{b}</p> })}
            </div>
        }) }}
        {move || start_error.get().map(|e| view! { <ErrorBox error=e/> })}
    }
    .into_any()
}

#[component]
fn PlanView(plan: OnboardPlan, file: String, exclude: RwSignal<bool>) -> impl IntoView {
    let c = plan.counts();
    let bad: Vec<_> = plan.invalid_rows().cloned().collect();
    let bad_count = bad.len();
    view! {
        <section id="plan" aria-live="polite">
            <h2>{format!("Checked {file}")}</h2>
            <p id="plan-counts">
                {format!("{} rows: {} ready, {} with problems; {} bring a CSR, {} need a key made here.",
                    c.rows, c.valid, c.invalid, c.with_csr, c.needing_key)}
            </p>
            {(!plan.file_problems.is_empty()).then(|| view! {
                <ul id="file-problems" class="problems" role="alert">
                    {plan.file_problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}
                </ul>
            })}
            {(bad_count > 0).then(|| view! {
                <table id="bad-rows" class="data">
                    <caption>"Rows with problems"</caption>
                    <thead><tr><th scope="col">"Line"</th><th scope="col">"Thing"</th><th scope="col">"Problems"</th></tr></thead>
                    <tbody>
                        {bad.into_iter().map(|r| view! {
                            <tr data-line=r.line>
                                <td>{r.line}</td><td>{r.thing_name.clone()}</td>
                                <td><ul>{r.problems().iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <label class="check">
                    <input type="checkbox" id="exclude-bad-rows" prop:checked=move || exclude.get()
                        on:change=move |ev| exclude.set(event_target_checked(&ev))/>
                    {format!("Leave out the {bad_count} row(s) with problems")}
                </label>
            })}
        </section>
    }
    .into_any()
}
