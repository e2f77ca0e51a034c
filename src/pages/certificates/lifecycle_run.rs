//! The lifecycle's run pages (admin): `/certificates/:id/rotate` and `/devices/:name/remove`.
//! Each shows the planned steps first, runs on an explicit button that names the device, and
//! then shows every step's live status. A rotation's new key is made in this browser, and the
//! bundle with it is zipped here.

use crate::api::certificates::{
    plan_certificate_rotation, plan_device_removal, remove_device, rotate_certificate,
};
use crate::api::onboarding::{device_policy_summary, onboarding_catalog};
use crate::api::ApiError;
use crate::components::browser::{pause, random_id, save_file};
use crate::components::with_live_steps;
use crate::components::{ErrorBox, Loaded, RequireRole, RunSteps};
use crate::domain::certificates::device_keys::{
    build_csr, device_bundle, generate_key_pair, key_matches_certificate, DeviceKeyPair, KeyKind,
};
use crate::domain::certificates::lifecycle::{short_id, RotationOutcome};
use crate::domain::inventory::percent_encode;
use crate::domain::policies::summary::topics_for_readme;
use crate::domain::roles::Permission;
use crate::domain::runs::{LiveRun, RunState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn RotateCertificatePage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let plan = Resource::new(move || id.get(), plan_certificate_rotation);
    view! {
        <Title text="Rotate a certificate"/>
        <RequireRole permission=Permission::ManageCertificates>
            <p class="breadcrumb"><a href="/certificates">"Certificates"</a> " / " {move || format!("{}…", short_id(&id.get()))}</p>
            <h1>"Rotate a certificate"</h1>
            <Loaded resource=plan what="the rotation" render=move |planned| view! { <Rotation id=id.get_untracked() planned/> }/>
        </RequireRole>
    }
}

#[component]
fn Rotation(id: String, planned: LiveRun) -> impl IntoView {
    let thing = planned.thing_name.clone();
    let run = RwSignal::new(planned);
    let kind = RwSignal::new(KeyKind::EcP256);
    let busy = RwSignal::new(false);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let done: RwSignal<Option<(RotationOutcome, DeviceKeyPair)>> = RwSignal::new(None);
    let (old_id, cn) = (id.clone(), thing.clone());
    let rotate = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (old_id, cn) = (old_id.clone(), cn.clone());
        spawn_local(async move {
            pause(30).await;
            let made = generate_key_pair(kind.get_untracked()).and_then(|k| {
                let csr = build_csr(&k, &cn)?;
                Ok((k, csr))
            });
            let (keys, csr) = match made {
                Ok(m) => m,
                Err(e) => {
                    error.set(Some(ApiError::Invalid(e.to_string())));
                    return busy.set(false);
                }
            };
            let run_id = random_id("rot");
            let result =
                with_live_steps(run_id.clone(), run, rotate_certificate(run_id, old_id, csr)).await;
            match result {
                Ok(outcome) => done.set(Some((outcome, keys))),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <p>
            {format!("A new key pair is made in this browser and certified by AWS; the new certificate gets the same policies and things as certificate {}…, which is then set INACTIVE: ", short_id(&id))}
            <strong>"the device must switch to the new certificate, or it cannot connect."</strong>
            " If a step fails, everything the rotation made is undone and the old certificate is left as it was."
        </p>
        {move || done.get().is_none().then(|| view! {
            <div class="field">
                <label for="key-kind">"New key type"</label>
                <select id="key-kind" on:change=move |ev| kind.set(if event_target_value(&ev) == "rsa" { KeyKind::Rsa2048 } else { KeyKind::EcP256 })>
                    <option value="ec">{KeyKind::EcP256.label()}</option>
                    <option value="rsa">{KeyKind::Rsa2048.label()}</option>
                </select>
            </div>
        })}
        <h2>"Steps"</h2>
        <RunSteps run=run.into()/>
        {move || error.get().map(|e| view! { <div id="run-error"><ErrorBox error=e/></div> })}
        {let thing = thing.clone(); move || match done.get() {
            None => view! {
                <button type="button" id="rotate-certificate" class="danger" on:click=rotate.clone() disabled=move || busy.get()>
                    {let thing = thing.clone(); move || if busy.get() { "Rotating…".to_string() } else { format!("Rotate the certificate of {thing}") }}
                </button>
            }.into_any(),
            Some((outcome, keys)) => view! { <RotatedBundle outcome keys/> }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn RotatedBundle(outcome: RotationOutcome, keys: DeviceKeyPair) -> impl IntoView {
    let thing = outcome.things.first().cloned().unwrap_or_default();
    let matches = key_matches_certificate(&keys.private_key_pem, &outcome.certificate_pem);
    let problem: RwSignal<Option<String>> = RwSignal::new(None);
    // For the bundle's README, as the wizard writes it: the endpoint and what the policies allow.
    let (policies, who) = (outcome.policies.clone(), thing.clone());
    let summary = Resource::new(
        move || (policies.clone(), who.clone()),
        |(p, t)| device_policy_summary(p, t, None),
    );
    let catalog = Resource::new(|| (), |_| onboarding_catalog());
    let (cert, name) = (outcome.certificate_pem.clone(), thing.clone());
    let download = move |_| {
        let topics = summary
            .get_untracked()
            .and_then(Result::ok)
            .map(|s| topics_for_readme(&s))
            .unwrap_or_default();
        let endpoint = catalog
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|c| c.data_endpoint);
        let made = device_bundle(
            &name,
            &cert,
            Some(&keys.private_key_pem),
            Some(&keys.public_key_pem),
            endpoint.as_deref(),
            &topics,
        )
        .map_err(|e| e.to_string())
        .and_then(|zip| save_file(&format!("{name}-rotated.zip"), "application/zip", &zip));
        problem.set(made.err());
    };
    view! {
        <p id="rotated" class="notice">
            {format!("Certificate {}… now serves {}; the old certificate {}… is INACTIVE.",
                short_id(&outcome.certificate_id), outcome.things.join(", "), short_id(&outcome.old_certificate_id))}
        </p>
        {match matches {
            Ok(true) => view! { <p id="key-match" class="notice">"The private key matches the certificate."</p> }.into_any(),
            Ok(false) => view! { <p id="key-match" class="problem">"The private key does not match the certificate."</p> }.into_any(),
            Err(e) => view! { <p id="key-match" class="problem">{e.to_string()}</p> }.into_any(),
        }}
        <button type="button" id="download-bundle" class="primary" on:click=download>"Download the new bundle (.zip)"</button>
        {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
        <p><a href="/certificates">"Back to the certificates"</a> " · "
            <a href=format!("/devices/{}", percent_encode(&thing))>"Open the device"</a></p>
    }
}

#[component]
pub fn RemoveDevicePage() -> impl IntoView {
    let params = use_params_map();
    let name = Memo::new(move |_| params.with(|p| p.get("name").unwrap_or_default()));
    let plan = Resource::new(move || name.get(), plan_device_removal);
    view! {
        <Title text="Remove a device"/>
        <RequireRole permission=Permission::ManageCertificates>
            <p class="breadcrumb"><a href="/devices">"Devices"</a> " / "
                <a href=move || format!("/devices/{}", percent_encode(&name.get()))>{move || name.get()}</a></p>
            <h1>{move || format!("Remove {}", name.get())}</h1>
            <Loaded resource=plan what="the removal" render=move |planned| view! { <Removal thing=name.get_untracked() planned/> }/>
        </RequireRole>
    }
}

#[component]
fn Removal(thing: String, planned: LiveRun) -> impl IntoView {
    let run = RwSignal::new(planned);
    let busy = RwSignal::new(false);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let name = thing.clone();
    let remove = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let thing = name.clone();
        spawn_local(async move {
            let run_id = random_id("rm");
            let result = with_live_steps(run_id.clone(), run, remove_device(run_id, thing)).await;
            if let Err(e) = result {
                error.set(Some(e));
            }
            busy.set(false);
        });
    };
    let finished = move || matches!(run.get().state, RunState::Succeeded);
    view! {
        <p>"Everything below happens in this order, each step shown as it runs. If a step fails, the removal stops there and says what remains; running it again finishes the job."</p>
        <h2>"Steps"</h2>
        <RunSteps run=run.into()/>
        {move || error.get().map(|e| view! { <div id="run-error"><ErrorBox error=e/></div> })}
        {move || if finished() {
            view! { <p id="removed" class="notice">{format!("{thing} is removed.")} " " <a href="/devices">"Back to the devices"</a></p> }.into_any()
        } else {
            let thing = thing.clone();
            view! {
                <button type="button" id="remove-device" class="danger" on:click=remove.clone() disabled=move || busy.get()>
                    {move || if busy.get() { "Removing…".to_string() } else { format!("Remove {thing} and its certificates") }}
                </button>
            }.into_any()
        }}
    }
    .into_any()
}
