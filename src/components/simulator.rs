//! The policy simulator: a device's context (loaded from the registry or typed), a request
//! (an MQTT operation and topic, or any action and resource), saved policies and an optional
//! draft; the decision, the statements that made it and the context values that were missing.
//! It decides in the browser with the same engine the server and the CLI use.

use crate::api::policies::LoadSimulationDevice;
use crate::components::ErrorBox;
use crate::domain::policies::catalog::SavedPolicy;
use crate::domain::policies::engine::{
    evaluate, parse_policy, Decision, Evaluation, NamedPolicy, Request,
};
use crate::domain::policies::simulation::{
    context_from_json, context_to_json, mqtt_request, MqttOperation,
};
use leptos::prelude::*;

/// The request mode that is not an MQTT operation.
const OTHER: &str = "other";

#[derive(Clone, Debug, PartialEq)]
struct Outcome {
    request: Request,
    evaluation: Evaluation,
    /// (name, document text) of every policy taken into account.
    policies: Vec<(String, String)>,
}

/// `draft`: the text under edit, and the name of the saved policy it would replace.
#[component]
pub fn Simulator(#[prop(optional)] draft: Option<(String, Signal<String>)>) -> impl IntoView {
    let thing = RwSignal::new(String::new());
    let load = ServerAction::<LoadSimulationDevice>::new();
    let context_text = RwSignal::new("{}".to_string());
    let saved = RwSignal::new(Vec::<(SavedPolicy, bool)>::new());
    let op = RwSignal::new("iot:Publish".to_string());
    let target = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let resource = RwSignal::new(String::new());
    let region = RwSignal::new("us-east-1".to_string());
    let account = RwSignal::new("123456789012".to_string());

    Effect::new(move |_| {
        if let Some(Ok(d)) = load.value().get() {
            context_text.set(context_to_json(&d.context));
            saved.set(d.policies.into_iter().map(|p| (p, true)).collect());
            region.set(d.region);
            account.set(d.account);
        }
    });

    let draft_name = draft.as_ref().map(|(n, _)| n.clone());
    let draft_text = draft.map(|(_, t)| t);
    let outcome = Memo::new(move |_| -> Result<Outcome, String> {
        let context = context_from_json(&context_text.get())?;
        let request = if op.get() == OTHER {
            let (a, r) = (action.get(), resource.get());
            if a.trim().is_empty() || r.trim().is_empty() {
                return Err("Give an action and a resource ARN.".into());
            }
            Request {
                action: a.trim().into(),
                resource: r.trim().into(),
                context,
            }
        } else {
            let op = MqttOperation::parse(&op.get()).ok_or("Choose an operation.")?;
            mqtt_request(
                op,
                &target.get(),
                region.get().trim(),
                account.get().trim(),
                context,
            )?
        };
        let mut policies: Vec<(String, String)> = saved.with(|s| {
            s.iter()
                .filter(|(_, on)| *on)
                .map(|(p, _)| (p.name.clone(), p.document.clone()))
                .collect()
        });
        if let (Some(name), Some(text)) = (&draft_name, draft_text) {
            policies.retain(|(n, _)| n != name);
            policies.push((format!("{name} (draft)"), text.get()));
        }
        let mut docs = Vec::with_capacity(policies.len());
        for (name, text) in &policies {
            let parsed = parse_policy(text).map_err(|e| {
                format!(
                    "{name} is not a valid policy yet: {}",
                    e.first().map(|e| e.to_string()).unwrap_or_default()
                )
            })?;
            docs.push((name.clone(), parsed.document));
        }
        let named: Vec<NamedPolicy<'_>> = docs
            .iter()
            .map(|(name, document)| NamedPolicy { name, document })
            .collect();
        let evaluation = evaluate(&named, &request);
        Ok(Outcome {
            request,
            evaluation,
            policies,
        })
    });

    view! {
        <section id="simulator" class="simulator">
            <h2>"Simulator"</h2>
            <DeviceLoader thing load/>
            <div class="sim-grid">
                <div>
                    <label for="sim-context">"Context (condition keys and policy variables, as JSON)"</label>
                    <textarea id="sim-context" rows="12" spellcheck="false" prop:value=context_text
                        on:input=move |ev| context_text.set(event_target_value(&ev))></textarea>
                </div>
                <div>
                    <RequestFields fields=RequestSignals { op, target, action, resource, region, account }/>
                    <SavedPolicies saved/>
                </div>
            </div>
            {move || match outcome.get() {
                Err(message) => view! { <p id="sim-result" class="error" data-decision="">{message}</p> }.into_any(),
                Ok(o) => view! { <OutcomeView o/> }.into_any(),
            }}
        </section>
    }
    // Type erasure keeps the view's type shallow enough for the compiler.
    .into_any()
}

#[component]
fn DeviceLoader(
    thing: RwSignal<String>,
    load: ServerAction<LoadSimulationDevice>,
) -> impl IntoView {
    view! {
        <form class="filters" on:submit=move |ev| {
            ev.prevent_default();
            load.dispatch(LoadSimulationDevice { thing: thing.get_untracked() });
        }>
            <label>"Device (thing name)"
                <input id="sim-thing" type="text" autocomplete="off" prop:value=thing
                    on:input=move |ev| thing.set(event_target_value(&ev))/>
            </label>
            <button type="submit" id="sim-load">"Load its context and policies"</button>
        </form>
        {move || match load.value().get() {
            Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
            Some(Ok(d)) => Some(view! {
                <p class="notice" id="sim-loaded">{format!(
                    "Loaded {}: {} polic{} on certificate {}.",
                    d.profile.thing_name, d.policies.len(), if d.policies.len() == 1 { "y" } else { "ies" },
                    d.certificate_id.clone().unwrap_or_else(|| "none".into()),
                )}</p>
            }.into_any()),
            None => None,
        }}
    }
    .into_any()
}

#[derive(Clone, Copy)]
struct RequestSignals {
    op: RwSignal<String>,
    target: RwSignal<String>,
    action: RwSignal<String>,
    resource: RwSignal<String>,
    region: RwSignal<String>,
    account: RwSignal<String>,
}

#[component]
fn RequestFields(fields: RequestSignals) -> impl IntoView {
    let RequestSignals {
        op,
        target,
        action,
        resource,
        region,
        account,
    } = fields;
    let other = move || {
        view! {
        <label>"Action " <input id="sim-action" type="text" placeholder="iot:UpdateThingShadow" prop:value=action on:input=move |ev| action.set(event_target_value(&ev))/></label>
        <label>"Resource ARN " <input id="sim-resource" type="text" placeholder="arn:aws:iot:us-east-1:123456789012:thing/sensor-001" prop:value=resource on:input=move |ev| resource.set(event_target_value(&ev))/></label>
    }.into_any()
    };
    let mqtt = move || {
        view! {
        <label>{move || if op.get() == "iot:Connect" { "Client id (empty: iot:ClientId) " } else if op.get() == "iot:Subscribe" { "Topic filter " } else { "Topic " }}
            <input id="sim-topic" type="text" placeholder="sensors/sensor-001/telemetry" prop:value=target on:input=move |ev| target.set(event_target_value(&ev))/>
        </label>
        <label>"Region " <input id="sim-region" type="text" size="12" prop:value=region on:input=move |ev| region.set(event_target_value(&ev))/></label>
        <label>"Account " <input id="sim-account" type="text" size="14" prop:value=account on:input=move |ev| account.set(event_target_value(&ev))/></label>
    }.into_any()
    };
    view! {
        <fieldset>
            <legend>"Request"</legend>
            <label>"Operation "
                <select id="sim-op" on:change=move |ev| op.set(event_target_value(&ev))>
                    {MqttOperation::ALL.into_iter().map(|o| view! {
                        <option value=o.action() selected=move || op.get() == o.action()>{o.action()}</option>
                    }).collect_view()}
                    <option value=OTHER>"Another action (type it)"</option>
                </select>
            </label>
            {move || if op.get() == OTHER { other() } else { mqtt() }}
        </fieldset>
    }
    .into_any()
}

#[component]
fn SavedPolicies(saved: RwSignal<Vec<(SavedPolicy, bool)>>) -> impl IntoView {
    view! {
        <fieldset>
            <legend>"Saved policies"</legend>
            {move || {
                let list = saved.get();
                if list.is_empty() {
                    return view! { <p class="empty">"Load a device to test the policies on its certificate."</p> }.into_any();
                }
                list.into_iter().enumerate().map(|(i, (p, on))| view! {
                    <label class="check">
                        <input type="checkbox" class="sim-policy" prop:checked=on
                            on:change=move |ev| saved.update(|s| s[i].1 = event_target_checked(&ev))/>
                        {p.name.clone()}
                    </label>
                }).collect_view().into_any()
            }}
        </fieldset>
    }
    .into_any()
}

#[component]
fn OutcomeView(o: Outcome) -> impl IntoView {
    let decision = o.evaluation.decision.as_str();
    let why = match o.evaluation.decision {
        Decision::Allowed => "An Allow statement matches and no Deny does.",
        Decision::ExplicitDeny => "A Deny statement matches; a Deny wins over every Allow.",
        Decision::ImplicitDeny => "No statement allows this request.",
    };
    let eval = o.evaluation.clone();
    view! {
        <div id="sim-result" class=format!("sim-result decision-{}", decision.to_lowercase()) data-decision=decision aria-live="polite">
            <p class="decision"><strong>{decision}</strong> " — " {why}</p>
            <p class="mono">{format!("{} on {}", o.request.action, o.request.resource)}</p>
            {(!eval.notes.is_empty()).then(|| view! {
                <h3>"Context a statement needed but did not get, and other notes"</h3>
                <ul id="sim-notes">
                    {eval.notes.iter().map(|n| view! {
                        <li>{format!("{} statement {}{}: {}", n.statement.policy, n.statement.index,
                            n.statement.sid.as_ref().map(|s| format!(" ({s})")).unwrap_or_default(), n.message)}</li>
                    }).collect_view()}
                </ul>
            })}
            {o.policies.into_iter().map(|(name, text)| view! { <PolicyStatements name text eval=eval.clone()/> }).collect_view()}
        </div>
    }
}

/// The statements of one policy, those that decided highlighted.
#[component]
fn PolicyStatements(name: String, text: String, eval: Evaluation) -> impl IntoView {
    let statements = match serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("Statement").cloned())
    {
        Some(serde_json::Value::Array(list)) => list,
        Some(one) => vec![one],
        None => Vec::new(),
    };
    view! {
        <details class="sim-policy-statements" open=eval.statements.iter().any(|s| s.policy == name)>
            <summary>{name.clone()}</summary>
            <ol start="0">
                {statements.into_iter().enumerate().map(|(i, st)| {
                    let decided = eval.statements.iter().any(|s| s.policy == name && s.index == i);
                    view! {
                        <li class:decided=decided data-statement=i.to_string()>
                            {decided.then(|| view! { <strong class="decided-label">"Decided the request"</strong> })}
                            <pre>{serde_json::to_string_pretty(&st).unwrap_or_default()}</pre>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </details>
    }
}
