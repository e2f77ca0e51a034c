//! `/onboard/profiles`: the onboarding profiles. Every role reads them; admins create, edit
//! and delete them here. A save names the version it was made from, so an admin whose copy
//! is out of date is told so instead of overwriting someone else's change.

use crate::api::onboarding::profiles::{
    list_onboarding_profiles, DeleteOnboardingProfile, ProfilesPage, SaveOnboardingProfile,
};
use crate::api::onboarding::{onboarding_catalog, OnboardingChoices};
use crate::components::{ErrorBox, Loaded, RequireRole};
use crate::domain::onboarding::profile::{profile_problems, OnboardingProfile, StoredProfile};
use crate::domain::roles::Permission;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProfilesPage() -> impl IntoView {
    view! {
        <Title text="Onboarding profiles"/>
        <RequireRole permission=Permission::ViewOnboardingProfiles>
            <ProfilesView/>
        </RequireRole>
    }
}

/// What the editor holds: the profile being written, and the version it was opened at
/// (`None` for a new one).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Draft {
    profile: OnboardingProfile,
    version: Option<u64>,
}

#[component]
fn ProfilesView() -> impl IntoView {
    let save = ServerAction::<SaveOnboardingProfile>::new();
    let delete = ServerAction::<DeleteOnboardingProfile>::new();
    let profiles = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| list_onboarding_profiles(),
    );
    let draft: RwSignal<Option<Draft>> = RwSignal::new(None);
    // A successful save closes the editor.
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            draft.set(None);
        }
    });
    view! {
        <h1>"Onboarding profiles"</h1>
        <p class="muted">
            "Onboarding staff register devices within one of these profiles: the device gets exactly its "
            "thing type, thing groups and policies, must carry its required attributes, and may carry "
            "no attribute it does not name. The server refuses anything outside it."
        </p>
        <Outcome save delete/>
        <Loaded resource=profiles what="onboarding profiles"
            render=move |page| view! { <ProfileList page draft delete/> }/>
        {move || draft.get().map(|d| view! { <Editor draft=d close=draft save/> })}
    }
}

#[component]
fn Outcome(
    save: ServerAction<SaveOnboardingProfile>,
    delete: ServerAction<DeleteOnboardingProfile>,
) -> impl IntoView {
    view! {
        <div aria-live="polite">
            {move || save.value().get().map(|r| match r {
                Ok(s) => view! {
                    <p class="notice" id="profile-notice">
                        {format!("Profile {} saved (version {}).", s.profile.name, s.version)}
                    </p>
                }.into_any(),
                Err(e) => view! { <div id="profile-save-error"><ErrorBox error=e/></div> }.into_any(),
            })}
            {move || delete.value().get().map(|r| match r {
                Ok(()) => view! { <p class="notice" id="profile-deleted">"Profile deleted."</p> }.into_any(),
                Err(e) => view! { <ErrorBox error=e/> }.into_any(),
            })}
        </div>
    }
}

fn listed(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

#[component]
fn ProfileList(
    page: ProfilesPage,
    draft: RwSignal<Option<Draft>>,
    delete: ServerAction<DeleteOnboardingProfile>,
) -> impl IntoView {
    let can_change = page.can_change;
    let new_button = can_change.then(|| {
        view! {
            <button type="button" id="new-profile" class="primary"
                on:click=move |_| draft.set(Some(Draft { profile: OnboardingProfile::default(), version: None }))>
                "New profile"
            </button>
        }
    });
    if page.profiles.is_empty() {
        return view! {
            <p class="empty" id="no-profiles">
                "There are no onboarding profiles yet. Until an admin creates one, onboarding staff cannot register devices."
            </p>
            {new_button}
        }
        .into_any();
    }
    view! {
        <table id="profiles-table" class="data">
            <thead><tr>
                <th scope="col">"Profile"</th>
                <th scope="col">"Thing type"</th>
                <th scope="col">"Thing groups"</th>
                <th scope="col">"Policies"</th>
                <th scope="col">"Required attributes"</th>
                <th scope="col">"Other attributes allowed"</th>
                <th scope="col">"Last saved"</th>
                {can_change.then(|| view! { <th scope="col">"Change"</th> })}
            </tr></thead>
            <tbody>
                {page.profiles.into_iter().map(|s| view! { <ProfileRow s can_change draft delete/> }).collect_view()}
            </tbody>
        </table>
        {new_button}
    }
    .into_any()
}

#[component]
fn ProfileRow(
    s: StoredProfile,
    can_change: bool,
    draft: RwSignal<Option<Draft>>,
    delete: ServerAction<DeleteOnboardingProfile>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let p = s.profile.clone();
    let (name, version) = (p.name.clone(), s.version);
    let edit = {
        let draft_value = Draft {
            profile: p.clone(),
            version: Some(version),
        };
        move |_| draft.set(Some(draft_value.clone()))
    };
    let confirm_delete = {
        let name = name.clone();
        move |_| {
            confirming.set(false);
            delete.dispatch(DeleteOnboardingProfile {
                name: name.clone(),
                version,
            });
        }
    };
    let changes = can_change.then(|| {
        let name = name.clone();
        view! {
            <td class="actions">
                {move || if confirming.get() {
                    view! {
                        <span role="alert">{format!("Delete {name}? Devices onboarded with it keep what they got.")}</span>
                        <button type="button" class="danger confirm-delete" on:click=confirm_delete.clone()>"Delete"</button>
                        <button type="button" on:click=move |_| confirming.set(false)>"Keep it"</button>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="edit-profile" on:click=edit.clone()>"Edit"</button>
                        <button type="button" class="delete-profile" on:click=move |_| confirming.set(true)>"Delete"</button>
                    }.into_any()
                }}
            </td>
        }
    });
    view! {
        <tr data-profile=name.clone()>
            <th scope="row">
                <span class="profile-name">{name.clone()}</span>
                {(!p.description.is_empty()).then(|| view! { <br/><span class="muted">{p.description.clone()}</span> })}
            </th>
            <td>{p.thing_type.clone().unwrap_or_else(|| "none".into())}</td>
            <td>{listed(&p.groups)}</td>
            <td class="profile-policies">{listed(&p.policies)}</td>
            <td>{listed(&p.required_attributes)}</td>
            <td>{listed(&p.optional_attributes)}</td>
            <td>{format!("version {} by {}", s.version, s.updated_by)}</td>
            {changes}
        </tr>
    }
}

/// Names typed as a comma-separated list.
fn names(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[component]
fn Editor(
    draft: Draft,
    close: RwSignal<Option<Draft>>,
    save: ServerAction<SaveOnboardingProfile>,
) -> impl IntoView {
    let catalog = Resource::new(|| (), |_| onboarding_catalog());
    let is_new = draft.version.is_none();
    let p = draft.profile.clone();
    let name = RwSignal::new(p.name.clone());
    let description = RwSignal::new(p.description.clone());
    let thing_type = RwSignal::new(p.thing_type.clone().unwrap_or_default());
    let groups = RwSignal::new(p.groups.clone());
    let policies = RwSignal::new(p.policies.clone());
    let required = RwSignal::new(p.required_attributes.join(", "));
    let optional = RwSignal::new(p.optional_attributes.join(", "));
    let touched = RwSignal::new(false);
    let profile = move || OnboardingProfile {
        name: name.get().trim().to_string(),
        description: description.get().trim().to_string(),
        thing_type: Some(thing_type.get()).filter(|t| !t.is_empty()),
        groups: groups.get(),
        policies: policies.get(),
        required_attributes: names(&required.get()),
        optional_attributes: names(&optional.get()),
    };
    let problems = Signal::derive(move || {
        if touched.get() {
            profile_problems(&profile())
        } else {
            vec![]
        }
    });
    let version = draft.version;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        let p = profile();
        if profile_problems(&p).is_empty() {
            save.dispatch(SaveOnboardingProfile {
                profile: p,
                version,
            });
        }
    };
    let title = if is_new {
        "New onboarding profile".to_string()
    } else {
        format!("Edit {} (version {})", p.name, version.unwrap_or(0))
    };
    view! {
        <section id="profile-editor" aria-labelledby="profile-editor-title">
            <h2 id="profile-editor-title">{title}</h2>
            <form on:submit=submit>
                <div class="field">
                    <label for="profile-name">"Name"</label>
                    <input id="profile-name" type="text" autocomplete="off" required maxlength="64"
                        readonly=!is_new prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                    <p class="hint">"Letters, digits and _ - . only; it cannot be changed later."</p>
                </div>
                <TextField id="profile-description" label="Description" value=description hint=""/>
                <Loaded resource=catalog what="thing types, groups and policies"
                    render=move |c| view! { <Choices c thing_type groups policies/> }/>
                <TextField id="profile-required" label="Required attributes" value=required
                    hint="Names separated by commas; every device must give each a value."/>
                <TextField id="profile-optional" label="Other attributes allowed" value=optional
                    hint="Names separated by commas; any attribute not named here or above is refused (policies may read attributes)."/>
                <ul id="profile-problems" class="problems" role="alert">
                    {move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                </ul>
                <div class="wizard-nav">
                    <button type="button" on:click=move |_| close.set(None)>"Cancel"</button>
                    <button type="submit" id="save-profile" class="primary" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { "Saving…" } else { "Save profile" }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// One labelled text input bound to `value`, with an optional hint below it.
#[component]
fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    hint: &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="text" autocomplete="off" maxlength="500"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))/>
            {(!hint.is_empty()).then(|| view! { <p class="hint">{hint}</p> })}
        </div>
    }
}

/// The thing type, groups and policies to choose from: what the account has.
#[component]
fn Choices(
    c: OnboardingChoices,
    thing_type: RwSignal<String>,
    groups: RwSignal<Vec<String>>,
    policies: RwSignal<Vec<String>>,
) -> impl IntoView {
    let checkboxes = |legend: &'static str,
                      field: &'static str,
                      names: Vec<String>,
                      chosen: RwSignal<Vec<String>>| {
        view! {
            <fieldset class=field>
                <legend>{legend}</legend>
                {names.is_empty().then(|| view! { <p class="muted">"The account has none."</p> })}
                {names.into_iter().map(|n| {
                    let (checked, toggle) = (n.clone(), n.clone());
                    view! {
                        <label class="check">
                            <input type="checkbox" name=field value=n.clone()
                                prop:checked=move || chosen.get().contains(&checked)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|xs| { xs.retain(|x| x != &toggle); if on { xs.push(toggle.clone()); } });
                                }/>
                            {n}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
        }
    };
    let types = c.existing.thing_types.clone();
    view! {
        <div class="field">
            <label for="profile-thing-type">"Thing type"</label>
            <select id="profile-thing-type" on:change=move |ev| thing_type.set(event_target_value(&ev))>
                <option value="" selected=move || thing_type.get().is_empty()>"(none: at most 3 attributes)"</option>
                {types.into_iter().map(|t| {
                    let (v, label) = (t.clone(), t.clone());
                    view! { <option value=t selected=move || thing_type.get() == v>{label}</option> }
                }).collect_view()}
            </select>
        </div>
        {checkboxes("Thing groups", "profile-group", c.existing.thing_groups.into_iter().collect(), groups)}
        {checkboxes("Policies", "profile-policy", c.existing.policies.into_iter().collect(), policies)}
    }
}
