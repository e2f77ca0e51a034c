//! Step 3: the policies the certificate gets, and what they let the device do (connect as,
//! publish, subscribe, receive), worked out for this thing's name.

use super::{BackButton, Problems, Wizard};
use crate::api::onboarding::{device_policy_summary, OnboardingChoices};
use crate::components::ErrorBox;
use crate::domain::policies::summary::{Grant, PolicySummary};
use leptos::prelude::*;

#[component]
pub(super) fn PolicyStep(w: Wizard, choices: OnboardingChoices) -> impl IntoView {
    let problems: RwSignal<Vec<String>> = RwSignal::new(vec![]);
    let summary = Resource::new(
        move || {
            (
                w.policies.get(),
                w.name.get_untracked(),
                w.profile.get_untracked(),
            )
        },
        |(policies, thing, profile)| async move {
            if policies.is_empty() {
                return Ok(None);
            }
            device_policy_summary(policies, thing.trim().to_string(), profile)
                .await
                .map(Some)
        },
    );
    let bound = w.profile.get_untracked();
    let next = move |_| {
        if w.policies.get_untracked().is_empty() {
            problems.set(vec![
                "Choose at least one policy: a device without one can do nothing.".into(),
            ]);
            return;
        }
        problems.set(vec![]);
        w.step.set(4);
    };
    // Within a profile, its policies and no others (the server refuses any other).
    let policies: Vec<String> = match &bound {
        Some(_) => w.policies.get_untracked(),
        None => choices.existing.policies.iter().cloned().collect(),
    };
    let fixed = bound.is_some();
    view! {
        <h2>"Policies"</h2>
        <fieldset class="policies">
            <legend>"Policies attached to the device's certificate"</legend>
            {bound.map(|p| view! { <p class="hint" id="policies-from-profile">{format!("Set by the onboarding profile {p}.")}</p> })}
            {if policies.is_empty() { Some(view! { <p class="muted">"The account has no policies yet; an admin must create one first."</p> }) } else { None }}
            {policies.into_iter().map(|p| {
                let (checked, toggle) = (p.clone(), p.clone());
                view! {
                    <label class="check">
                        <input type="checkbox" name="policy" value=p.clone() disabled=fixed
                            prop:checked=move || w.policies.get().contains(&checked)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                w.policies.update(|ps| { ps.retain(|x| x != &toggle); if on { ps.push(toggle.clone()); } });
                            }/>
                        {p}
                    </label>
                }
            }).collect_view()}
        </fieldset>
        <section id="policy-summary" aria-live="polite">
            <Transition fallback=|| view! { <p class="loading" role="status">"Working out what the device may do…"</p> }>
                {move || Suspend::new(async move {
                    match summary.await {
                        Ok(Some(s)) => { w.summary.set(Some(s.clone())); view! { <SummaryView s/> }.into_any() }
                        Ok(None) => { w.summary.set(None); view! { <p class="muted">"Choose a policy to see what the device may do."</p> }.into_any() }
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <Problems id="policy-problems" problems=problems.into()/>
        <div class="wizard-nav">
            <BackButton w/>
            <button type="button" id="policy-next" class="primary" on:click=next>"Next"</button>
        </div>
    }
    .into_any()
}

/// What the policies allow, by kind, as the device will see it.
#[component]
pub(super) fn SummaryView(s: PolicySummary) -> impl IntoView {
    let group = |id: &'static str, title: &'static str, grants: Vec<Grant>| {
        (!grants.is_empty()).then(|| {
            view! {
                <div class=format!("grants grants-{id}")>
                    <h3>{title}</h3>
                    <ul>
                        {grants.into_iter().map(|g| view! {
                            <li>
                                <code>{g.resource}</code>
                                {g.conditional.then_some(" (only when its condition holds)")}
                                <span class="muted">{format!(" from {}", g.policy)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    };
    let nothing = s.connect.is_empty()
        && s.publish.is_empty()
        && s.subscribe.is_empty()
        && s.receive.is_empty()
        && s.shadow.is_empty();
    view! {
        <h3 class="sr-only">"What the device may do"</h3>
        {nothing.then(|| view! { <p class="warning">"These policies allow this device nothing."</p> })}
        {group("connect", "Connect as", s.connect)}
        {group("publish", "Publish to", s.publish)}
        {group("subscribe", "Subscribe to", s.subscribe)}
        {group("receive", "Receive from", s.receive)}
        {group("shadow", "Device shadow", s.shadow)}
        {group("deny", "Denied", s.denies)}
        {(!s.notes.is_empty()).then(|| view! {
            <ul class="notes">{s.notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
        })}
    }
    .into_any()
}
