use crate::api::policies::{get_policy, CreatePolicyVersion, PreviewPolicyImpact};
use crate::components::{ErrorBox, Loaded, RequireRole, Simulator};
use crate::domain::inventory::{percent_encode, pretty_json};
use crate::domain::policies::catalog::{ImpactOutcome, PolicyDetail};
use crate::domain::policies::editor::{diagnose, utf16_offset, Diagnostic};
use crate::domain::policies::engine::{AccessChange, ImpactChange};
use crate::domain::roles::Permission;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

#[component]
pub fn PolicyEditorPage() -> impl IntoView {
    view! {
        <RequireRole permission=Permission::ManagePolicies>
            <EditorView/>
        </RequireRole>
    }
}

#[component]
fn EditorView() -> impl IntoView {
    let params = use_params_map();
    let name = Memo::new(move |_| params.with(|p| p.get("name").unwrap_or_default()));
    let detail = Resource::new(move || name.get(), get_policy);
    view! {
        <Title text=move || format!("Edit {}", name.get())/>
        <p class="breadcrumb">
            <a href="/policies">"Policies"</a> " / "
            <a href=move || format!("/policies/{}", percent_encode(&name.get()))>{move || name.get()}</a>
            " / new version"
        </p>
        <Loaded resource=detail what="the policy" render=|d| view! { <Editor d/> }/>
    }
}

#[component]
fn Editor(d: PolicyDetail) -> impl IntoView {
    let name = d.name.clone();
    let start = d
        .default_version()
        .map(|v| pretty_json(&v.document))
        .unwrap_or_default();
    let text = RwSignal::new(start);
    let editor_ref = NodeRef::<leptos::html::Textarea>::new();
    let checked = Memo::new(move |_| diagnose(&text.get()));
    let save = ServerAction::<CreatePolicyVersion>::new();
    let impact = ServerAction::<PreviewPolicyImpact>::new();
    let navigate = use_navigate();
    let back = format!("/policies/{}", percent_encode(&name));
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            navigate(&back, Default::default());
        }
    });
    let versions = d.versions.len();
    let name_for_impact = name.clone();
    let name_for_form = name.clone();
    let name_for_simulator = name.clone();
    view! {
        <h1>{format!("New version of {name}")}</h1>
        <p class="muted">{format!(
            "Starts from the default version. {versions} of 5 versions exist; saving adds one."
        )}</p>
        <div class="editor-grid">
            <div>
                <ActionForm action=save>
                    <input type="hidden" name="name" value=name_for_form/>
                    <label for="policy-editor">"Policy document (JSON)"</label>
                    <textarea id="policy-editor" name="document" rows="28" spellcheck="false" node_ref=editor_ref
                        aria-describedby="diagnostics"
                        prop:value=text on:input=move |ev| text.set(event_target_value(&ev))>{text.get_untracked()}</textarea>
                    <label class="check">
                        <input type="checkbox" id="set-default" name="set_as_default" value="true" checked/>
                        "Make it the default version (it takes effect for every device at once)"
                    </label>
                    <button type="submit" id="save-version" prop:disabled=move || !checked.get().0 || save.pending().get()>
                        {move || if save.pending().get() { "Saving…" } else { "Save as a new version" }}
                    </button>
                </ActionForm>
                {move || save.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBox error=e/> })}
            </div>
            <div>
                <h2>"Problems"</h2>
                <DiagnosticsList checked text editor_ref/>
            </div>
        </div>
        <section id="impact">
            <h2>"Impact preview"</h2>
            <p>"Before saving: which requests of which devices change decision if this draft replaces the default version."</p>
            <button type="button" id="preview-impact" prop:disabled=move || !checked.get().0 || impact.pending().get()
                on:click=move |_| { impact.dispatch(PreviewPolicyImpact { name: name_for_impact.clone(), draft: text.get_untracked() }); }>
                {move || if impact.pending().get() { "Checking every device…" } else { "Preview the impact" }}
            </button>
            {move || match impact.value().get() {
                None => None,
                Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
                Some(Ok(o)) => Some(view! { <ImpactView o/> }.into_any()),
            }}
        </section>
        <Simulator draft=(name_for_simulator, text.into())/>
    }
    // Type erasure keeps the view's type shallow enough for the compiler.
    .into_any()
}

/// Errors and findings; each one with a place is a button that puts the cursor there.
#[component]
fn DiagnosticsList(
    checked: Memo<(bool, Vec<Diagnostic>)>,
    text: RwSignal<String>,
    editor_ref: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    let jump = move |line: u32, column: u32| {
        if let Some(el) = editor_ref.get() {
            let at = text.with_untracked(|t| utf16_offset(t, line, column));
            let _ = el.focus();
            let _ = el.set_selection_range(at, at);
        }
    };
    view! {
        <div id="diagnostics" aria-live="polite">
            {move || {
                let (valid, list) = checked.get();
                if list.is_empty() {
                    return view! { <p class="notice" id="no-problems">"Valid, and no least-privilege findings."</p> }.into_any();
                }
                view! {
                    {(!valid).then(|| view! { <p class="error">"AWS would refuse this document. Fix the errors to save it."</p> })}
                    <ul class="diagnostics">
                        {list.into_iter().map(|d| view! {
                            <li class=format!("diagnostic level-{}", d.level) data-line=d.line.map(|l| l.to_string()).unwrap_or_default()>
                                <span class=format!("severity severity-{}", d.level)>{d.level.clone()}</span>" "
                                {match (d.line, d.column) {
                                    (Some(l), Some(c)) => view! {
                                        <button type="button" class="where link" title="Put the cursor there"
                                            on:click=move |_| jump(l, c)>{format!("line {l}, column {c}")}</button>
                                    }.into_any(),
                                    _ => view! { <span class="where">"document"</span> }.into_any(),
                                }}": "
                                {d.message.clone()}
                                {d.suggestion.clone().map(|s| view! { <span class="suggestion">" Fix: "{s}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn ImpactView(o: ImpactOutcome) -> impl IntoView {
    let r = o.report;
    let count = |kind| {
        r.changes
            .iter()
            .filter(|c| c.access_change() == kind)
            .count()
    };
    let summary = format!(
        "{} device{} and {} request{} checked: {} lose access, {} gain access, {} only change the kind of deny.",
        r.devices,
        if r.devices == 1 { "" } else { "s" },
        r.requests,
        if r.requests == 1 { "" } else { "s" },
        count(AccessChange::Lost),
        count(AccessChange::Gained),
        count(AccessChange::DenyKindOnly),
    );
    let changed_devices = {
        let mut d: Vec<&str> = r.changes.iter().map(|c| c.thing_name.as_str()).collect();
        d.dedup();
        d.len()
    };
    view! {
        <p id="impact-summary" data-changes=r.changes.len().to_string() data-devices-changed=changed_devices.to_string()>{summary}</p>
        {o.truncated.then(|| view! { <p class="warn">"The policy reaches more devices than one preview reads; only the first 10,000 were checked."</p> })}
        {if r.changes.is_empty() {
            view! { <p class="empty">"No device's requests change decision."</p> }.into_any()
        } else {
            view! {
                <table class="data" id="impact-table">
                    <thead><tr><th scope="col">"Device"</th><th scope="col">"Action"</th><th scope="col">"Resource"</th><th scope="col">"Now"</th><th scope="col">"With the draft"</th></tr></thead>
                    <tbody>{r.changes.into_iter().map(|c: ImpactChange| view! {
                        <tr data-thing=c.thing_name.clone() data-access=match c.access_change() {
                            AccessChange::Lost => "lost",
                            AccessChange::Gained => "gained",
                            AccessChange::DenyKindOnly => "deny-kind",
                        }>
                            <th scope="row">{c.thing_name.clone()}</th>
                            <td>{c.action.clone()}</td>
                            <td class="mono">{c.resource.clone()}</td>
                            <td class=format!("decision-{}", c.before.as_str().to_lowercase())>{c.before.as_str()}</td>
                            <td class=format!("decision-{}", c.after.as_str().to_lowercase())>{c.after.as_str()}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
            }.into_any()
        }}
    }
}
