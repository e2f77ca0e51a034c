//! The onboarding profile a device is made within, chosen first on the wizard and the bulk
//! page. Onboarding staff must choose one; admins may also choose "none" and pick freely.
//! The server checks the device against the profile again, whatever the page sends.

use crate::domain::onboarding::profile::{OnboardingProfile, StoredProfile};
use leptos::prelude::*;

/// The profile named `chosen`, if it is among `profiles`.
pub fn chosen_profile(
    profiles: &[StoredProfile],
    chosen: Option<&str>,
) -> Option<OnboardingProfile> {
    let chosen = chosen?;
    profiles
        .iter()
        .find(|s| s.profile.name == chosen)
        .map(|s| s.profile.clone())
}

#[component]
pub fn ProfileChoice(
    profiles: Vec<StoredProfile>,
    free_choice: bool,
    chosen: RwSignal<Option<String>>,
    /// Called with the newly chosen profile (`None`: none) after every change.
    #[prop(optional)]
    on_choose: Option<Callback<Option<OnboardingProfile>>>,
) -> impl IntoView {
    if profiles.is_empty() && !free_choice {
        return view! {
            <p id="no-profiles" class="problem" role="alert">
                "There are no onboarding profiles yet, and devices are registered within one. Ask an admin to create one on "
                <a href="/onboard/profiles">"the profiles page"</a> "."
            </p>
        }
        .into_any();
    }
    let described = profiles.clone();
    let all = profiles.clone();
    let change = move |ev| {
        let value = event_target_value(&ev);
        let name = (!value.is_empty()).then_some(value);
        let profile = chosen_profile(&all, name.as_deref());
        chosen.set(name);
        if let Some(f) = on_choose {
            f.run(profile);
        }
    };
    view! {
        <div class="field">
            <label for="onboarding-profile">"Onboarding profile"</label>
            <select id="onboarding-profile" required=!free_choice on:change=change>
                {if free_choice {
                    view! { <option value="" selected=move || chosen.get().is_none()>"(none: choose freely, as an admin)"</option> }.into_any()
                } else {
                    view! { <option value="" disabled=true selected=move || chosen.get().is_none()>"Choose a profile"</option> }.into_any()
                }}
                {profiles.into_iter().map(|s| {
                    let (name, label) = (s.profile.name.clone(), s.profile.name.clone());
                    view! { <option value=s.profile.name selected=move || chosen.get().as_deref() == Some(name.as_str())>{label}</option> }
                }).collect_view()}
            </select>
            {move || chosen_profile(&described, chosen.get().as_deref()).map(|p| view! {
                <p id="profile-summary" class="hint">
                    {format!(
                        "{}Type {}; groups {}; policies {}; required attributes {}.",
                        if p.description.is_empty() { String::new() } else { format!("{}. ", p.description) },
                        p.thing_type.as_deref().unwrap_or("none"),
                        joined(&p.groups), joined(&p.policies), joined(&p.required_attributes)
                    )}
                </p>
            })}
        </div>
    }
    .into_any()
}

fn joined(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}
