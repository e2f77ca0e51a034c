use crate::api::policies::{get_policy, DeletePolicyVersion, SetDefaultPolicyVersion};
use crate::api::ApiError;
use crate::components::{ErrorBox, Loaded, RequireRole, WhenAllowed};
use crate::domain::inventory::{percent_encode, pretty_json};
use crate::domain::policies::catalog::{
    PolicyDetail, PolicyTarget, PolicyVersionView, MAX_POLICY_VERSIONS,
};
use crate::domain::policies::text_diff::{line_diff, LineChange};
use crate::domain::roles::Permission;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn PolicyPage() -> impl IntoView {
    view! {
        <RequireRole permission=Permission::ViewPolicies>
            <PolicyView/>
        </RequireRole>
    }
}

#[component]
fn PolicyView() -> impl IntoView {
    let params = use_params_map();
    let name = Memo::new(move |_| params.with(|p| p.get("name").unwrap_or_default()));
    let set_default = ServerAction::<SetDefaultPolicyVersion>::new();
    let delete = ServerAction::<DeletePolicyVersion>::new();
    // Read again after every change, so the page shows what AWS now holds.
    let detail = Resource::new(
        move || {
            (
                name.get(),
                set_default.version().get(),
                delete.version().get(),
            )
        },
        |(name, _, _)| get_policy(name),
    );
    let actions = Actions {
        set_default,
        delete,
    };
    view! {
        <Title text=move || name.get()/>
        <p class="breadcrumb"><a href="/policies">"Policies"</a> " / " {move || name.get()}</p>
        <ActionOutcome set_default delete/>
        <Loaded resource=detail what="the policy" render=move |d| view! { <PolicyDetailView d actions/> }/>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    set_default: ServerAction<SetDefaultPolicyVersion>,
    delete: ServerAction<DeletePolicyVersion>,
}

/// The error of the last change, or what it did.
#[component]
fn ActionOutcome(
    set_default: ServerAction<SetDefaultPolicyVersion>,
    delete: ServerAction<DeletePolicyVersion>,
) -> impl IntoView {
    // Whichever change finished last speaks.
    let outcome = RwSignal::new(None::<Result<String, ApiError>>);
    Effect::new(move |_| {
        if let Some(r) = set_default.value().get() {
            outcome.set(Some(r.map(|v| format!("Version {v} is now the default."))));
        }
    });
    Effect::new(move |_| {
        if let Some(r) = delete.value().get() {
            outcome.set(Some(r.map(|v| format!("Version {v} was deleted."))));
        }
    });
    view! {
        <div aria-live="polite">
            {move || match outcome.get() {
                Some(Ok(m)) => Some(view! { <p class="notice" id="action-notice">{m}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
                None => None,
            }}
        </div>
    }
}

#[component]
fn PolicyDetailView(d: PolicyDetail, actions: Actions) -> impl IntoView {
    let name = d.name.clone();
    let full = d.versions.len() >= MAX_POLICY_VERSIONS;
    let edit_href = format!("/policies/{}/edit", percent_encode(&d.name));
    view! {
        <h1>{d.name.clone()}</h1>
        <dl class="facts">
            <dt>"ARN"</dt><dd class="mono">{d.arn.clone()}</dd>
            <dt>"Default version"</dt><dd>{d.default_version().map(|v| v.id.clone()).unwrap_or_else(|| "none".into())}</dd>
            <dt>"Versions"</dt><dd>{format!("{} of the {MAX_POLICY_VERSIONS} AWS keeps", d.versions.len())}</dd>
        </dl>
        <WhenAllowed permission=Permission::ManagePolicies>
            <p>
                <a id="edit-policy" class="button" href=edit_href.clone()>"Edit as a new version"</a>
                {full.then(|| view! { <span class="warn">" This policy has five versions: delete one before saving another."</span> })}
            </p>
        </WhenAllowed>
        <VersionsSection name=name.clone() versions=d.versions.clone() actions/>
        <DiffSection versions=d.versions.clone()/>
        <TargetsSection targets=d.targets.clone() cut=d.targets_cut/>
    }
}

#[component]
fn VersionsSection(
    name: String,
    versions: Vec<PolicyVersionView>,
    actions: Actions,
) -> impl IntoView {
    view! {
        <section id="versions">
            <h2>"Versions"</h2>
            {versions.into_iter().map(|v| {
                let name = name.clone();
                view! { <VersionView name v actions/> }
            }).collect_view()}
        </section>
    }
}

#[component]
fn VersionView(name: String, v: PolicyVersionView, actions: Actions) -> impl IntoView {
    let label = if v.is_default {
        format!("Version {} (default)", v.id)
    } else {
        format!("Version {}", v.id)
    };
    let controls = (!v.is_default).then(|| {
        let id = v.id.clone();
        view! {
            <WhenAllowed permission=Permission::ManagePolicies>
                <VersionActions name=name.clone() id=id.clone() actions/>
            </WhenAllowed>
        }
    });
    view! {
        <article class="version" data-version=v.id.clone() data-default=v.is_default.to_string()>
            <h3>{label}</h3>
            <p class="muted">{v.created.clone().map(|c| format!("Created {c}")).unwrap_or_default()}</p>
            {controls}
            <details open=v.is_default>
                <summary>"Document"</summary>
                <pre class="policy-document">{pretty_json(&v.document)}</pre>
            </details>
        </article>
    }
}

/// Roll back to a version, or delete it (behind a second, explicit button).
#[component]
fn VersionActions(name: String, id: String, actions: Actions) -> impl IntoView {
    let (name2, id2) = (name.clone(), id.clone());
    view! {
        <div class="version-actions">
            <ActionForm action=actions.set_default>
                <input type="hidden" name="name" value=name.clone()/>
                <input type="hidden" name="version" value=id.clone()/>
                <button type="submit" class="make-default">{format!("Make version {id} the default")}</button>
            </ActionForm>
            <details class="confirm">
                <summary>{format!("Delete version {id2}…")}</summary>
                <ActionForm action=actions.delete>
                    <input type="hidden" name="name" value=name2.clone()/>
                    <input type="hidden" name="version" value=id2.clone()/>
                    <p>{format!("Version {id2} of {name2} will be gone for good.")}</p>
                    <button type="submit" class="danger delete-version">{format!("Delete version {id2}")}</button>
                </ActionForm>
            </details>
        </div>
    }
}

/// A line diff between any two versions; by default the newest against the one before it.
#[component]
fn DiffSection(versions: Vec<PolicyVersionView>) -> impl IntoView {
    if versions.len() < 2 {
        return view! {
            <section id="diff"><h2>"Changes between versions"</h2><p class="empty">"There is only one version."</p></section>
        }.into_any();
    }
    let versions = StoredValue::new(versions);
    let ids: Vec<String> = versions.with_value(|v| v.iter().map(|v| v.id.clone()).collect());
    let from = RwSignal::new(ids[1].clone());
    let to = RwSignal::new(ids[0].clone());
    let doc = move |id: String| {
        versions.with_value(|v| {
            v.iter()
                .find(|x| x.id == id)
                .map(|x| pretty_json(&x.document))
                .unwrap_or_default()
        })
    };
    let lines = move || line_diff(&doc(from.get()), &doc(to.get()));
    let options = move |selected: RwSignal<String>| {
        ids.iter().map(|id| {
            let id = id.clone();
            let id2 = id.clone();
            view! { <option value=id.clone() selected=move || selected.get() == id2>{format!("version {id}")}</option> }
        }).collect_view()
    };
    view! {
        <section id="diff">
            <h2>"Changes between versions"</h2>
            <div class="filters">
                <label>"From" <select id="diff-from" on:change=move |ev| from.set(event_target_value(&ev))>{options(from)}</select></label>
                <label>"To" <select id="diff-to" on:change=move |ev| to.set(event_target_value(&ev))>{options(to)}</select></label>
            </div>
            <pre class="diff" aria-label="Line changes">
                {move || lines().into_iter().map(|l| {
                    let (class, mark) = match l.change {
                        LineChange::Same => ("same", "  "),
                        LineChange::Removed => ("removed", "- "),
                        LineChange::Added => ("added", "+ "),
                    };
                    view! { <span class=format!("diff-line {class}")>{format!("{mark}{}\n", l.text)}</span> }
                }).collect_view()}
            </pre>
        </section>
    }.into_any()
}

#[component]
fn TargetsSection(targets: Vec<PolicyTarget>, cut: bool) -> impl IntoView {
    let note = crate::domain::bounded::Bounded {
        items: targets.clone(),
        cut,
    }
    .note("certificates");
    view! {
        <section id="targets">
            <h2>"Attached to"</h2>
            {note.map(|n| view! { <p class="notice" id="targets-cut" role="status">{n}</p> })}
            {if targets.is_empty() {
                view! { <p class="empty">"The policy is attached to no certificate: it grants nothing to anybody."</p> }.into_any()
            } else {
                view! {
                    <table class="data" id="targets-table">
                        <thead><tr><th scope="col">"Certificate"</th><th scope="col">"Things"</th></tr></thead>
                        <tbody>
                            {targets.into_iter().map(|t| view! {
                                <tr>
                                    <td class="mono">{t.certificate_id.clone().unwrap_or_else(|| t.principal.clone())}</td>
                                    <td>{if t.things.is_empty() { view! { <span class="empty">"no thing"</span> }.into_any() } else {
                                        t.things.iter().map(|n| view! {
                                            <a class="chip" href=format!("/devices/{}", percent_encode(n))>{n.clone()}</a>
                                        }).collect_view().into_any()
                                    }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
