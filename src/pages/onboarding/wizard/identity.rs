//! Step 1: thing name (AWS's rule as you type; a taken name is caught on Next), type,
//! attributes and groups.

use super::{AttributeRow, Problems, Wizard};
use crate::api::onboarding::{check_new_thing_name, OnboardingChoices};
use crate::api::ApiError;
use crate::domain::onboarding::profile::{OnboardingProfile, StoredProfile};
use crate::domain::onboarding::provisioning::{CertificateSource, ProvisionRequest};
use crate::domain::onboarding::request_problems;
use crate::pages::onboarding::profile_choice::{chosen_profile, ProfileChoice};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The identity fields' problems, as the request checks (and the chosen profile) see them.
fn identity_problems(w: &Wizard, profiles: &[StoredProfile], free_choice: bool) -> Vec<String> {
    let mut req: ProvisionRequest = w.request();
    // Only this step's fields: no certificate or policy yet.
    req.certificate = CertificateSource::AwsGenerated;
    req.policies.clear();
    let mut problems = request_problems(&req, 0);
    match chosen_profile(profiles, w.profile.get().as_deref()) {
        Some(profile) => {
            // The policies come from the profile in step 3.
            req.policies = profile.policies.clone();
            problems.extend(profile.differences((&req).into()));
        }
        None if !free_choice => problems.insert(
            0,
            "Choose the onboarding profile the device is made within.".into(),
        ),
        None => {}
    }
    if w.attributes
        .get()
        .iter()
        .any(|a| a.name.trim().is_empty() && !a.value.is_empty())
    {
        problems.push("An attribute has a value but no name; name it or remove it.".into());
    }
    if w.name.get().trim().is_empty() {
        problems.retain(|p| !p.contains("thing name"));
        problems.insert(0, "Give the thing a name.".into());
    }
    problems
}

#[component]
pub(super) fn IdentityStep(w: Wizard, choices: OnboardingChoices) -> impl IntoView {
    let (profiles, free_choice) = (choices.profiles.clone(), choices.free_choice);
    // Read every field so the check re-runs on any edit.
    let problems = Signal::derive(move || {
        w.name.track();
        w.thing_type.track();
        w.attributes.track();
        w.groups.track();
        identity_problems(&w, &profiles, free_choice)
    });
    let bound = Signal::derive(move || w.profile.get().is_some());
    let apply = Callback::new(move |profile: Option<OnboardingProfile>| apply_profile(&w, profile));
    let touched = RwSignal::new(false);
    let checking = RwSignal::new(false);
    let taken: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let shown = Signal::derive(move || {
        let mut p = if touched.get() {
            problems.get()
        } else {
            vec![]
        };
        if let Some(e) = taken.get() {
            p.push(e.to_string());
        }
        p
    });
    let next = move |_| {
        touched.set(true);
        taken.set(None);
        if !problems.get_untracked().is_empty() {
            return;
        }
        checking.set(true);
        let name = w.name.get_untracked().trim().to_string();
        spawn_local(async move {
            let result = check_new_thing_name(name).await;
            checking.set(false);
            match result {
                Ok(()) => w.step.set(2),
                Err(e) => taken.set(Some(e)),
            }
        });
    };
    let types = choices.existing.thing_types.clone();
    let groups = choices.existing.thing_groups.clone();
    view! {
        <h2>"Identity"</h2>
        <ProfileChoice profiles=choices.profiles.clone() free_choice=choices.free_choice chosen=w.profile on_choose=apply/>
        <div class="field">
            <label for="thing-name">"Thing name"</label>
            <input id="thing-name" type="text" autocomplete="off" required
                prop:value=move || w.name.get()
                on:input=move |ev| { touched.set(true); taken.set(None); w.name.set(event_target_value(&ev)); }/>
            <p class="hint">"Letters, digits and : _ - only, up to 128 characters. It is also the device's MQTT client id."</p>
        </div>
        <div class="field">
            <label for="thing-type">"Thing type"</label>
            <select id="thing-type" disabled=move || bound.get() on:change=move |ev| w.thing_type.set(event_target_value(&ev))>
                <option value="" selected=move || w.thing_type.get().is_empty()>"(none: at most 3 attributes)"</option>
                {types.into_iter().map(|t| {
                    let (v, label) = (t.clone(), t.clone());
                    view! { <option value=t selected=move || w.thing_type.get() == v>{label}</option> }
                }).collect_view()}
            </select>
        </div>
        <fieldset class="attributes">
            <legend>"Attributes"</legend>
            <For each=move || w.attributes.get() key=|a| a.id
                children=move |a: AttributeRow| view! { <AttributeEditor w id=a.id name=a.name value=a.value/> }/>
            <button type="button" id="add-attribute" on:click=move |_| w.attributes.update(|rows| {
                let id = rows.iter().map(|r| r.id + 1).max().unwrap_or(0);
                rows.push(AttributeRow { id, name: String::new(), value: String::new() });
            })>"Add attribute"</button>
        </fieldset>
        <fieldset class="groups">
            <legend>"Thing groups"</legend>
            {if groups.is_empty() { Some(view! { <p class="muted">"The account has no thing groups."</p> }) } else { None }}
            {groups.into_iter().map(|g| {
                let (checked, toggle) = (g.clone(), g.clone());
                view! {
                    <label class="check">
                        <input type="checkbox" name="group" value=g.clone() disabled=move || bound.get()
                            prop:checked=move || w.groups.get().contains(&checked)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                w.groups.update(|gs| { gs.retain(|x| x != &toggle); if on { gs.push(toggle.clone()); } });
                            }/>
                        {g}
                    </label>
                }
            }).collect_view()}
        </fieldset>
        <Problems id="identity-problems" problems=shown/>
        <div class="wizard-nav">
            <button type="button" id="identity-next" class="primary" on:click=next disabled=move || checking.get()>
                {move || if checking.get() { "Checking the name…" } else { "Next" }}
            </button>
        </div>
    }
    .into_any()
}

/// A chosen profile sets the type, groups and policies, and adds a row for each required
/// attribute the device does not have yet. Choosing none (admins) leaves them to pick.
fn apply_profile(w: &Wizard, profile: Option<OnboardingProfile>) {
    let Some(p) = profile else {
        return;
    };
    w.thing_type.set(p.thing_type.clone().unwrap_or_default());
    w.groups.set(p.groups.clone());
    w.policies.set(p.policies.clone());
    w.attributes.update(|rows| {
        for name in &p.required_attributes {
            if !rows.iter().any(|r| r.name.trim() == name) {
                let id = rows.iter().map(|r| r.id + 1).max().unwrap_or(0);
                rows.push(AttributeRow {
                    id,
                    name: name.clone(),
                    value: String::new(),
                });
            }
        }
    });
}

#[component]
fn AttributeEditor(w: Wizard, id: u32, name: String, value: String) -> impl IntoView {
    let set = move |f: &dyn Fn(&mut AttributeRow)| {
        w.attributes.update(|rows| {
            if let Some(r) = rows.iter_mut().find(|r| r.id == id) {
                f(r);
            }
        })
    };
    view! {
        <div class="attribute-row">
            <label>"Name" <input name="attr-name" type="text" value=name
                on:input=move |ev| { let v = event_target_value(&ev); set(&|r| r.name = v.clone()); }/></label>
            <label>"Value" <input name="attr-value" type="text" value=value
                on:input=move |ev| { let v = event_target_value(&ev); set(&|r| r.value = v.clone()); }/></label>
            <button type="button" class="remove-attribute" aria-label="Remove this attribute"
                on:click=move |_| w.attributes.update(|rows| rows.retain(|r| r.id != id))>"Remove"</button>
        </div>
    }
}
