//! Step 5: the device exists. The bundle (certificate, private key when there is one, public
//! key, README with the endpoint and what the policies allow) is zipped here, in the browser.

use super::Wizard;
use crate::api::onboarding::OnboardingChoices;
use crate::components::browser::save_file;
use crate::domain::certificates::device_keys::{device_bundle, key_matches_certificate};
use crate::domain::inventory::percent_encode;
use crate::domain::policies::summary::topics_for_readme;
use leptos::prelude::*;

#[component]
pub(super) fn BundleStep(w: Wizard, choices: OnboardingChoices) -> impl IntoView {
    let Some(outcome) = w.outcome.get_untracked() else {
        return view! { <p class="problem">"No device was created yet."</p> }.into_any();
    };
    let keys = w.keys.get_untracked();
    let private_key = keys
        .as_ref()
        .map(|k| k.private_key_pem.clone())
        .or_else(|| outcome.aws_private_key_pem.clone());
    let public_key = keys.as_ref().map(|k| k.public_key_pem.clone());
    let matches = private_key
        .as_deref()
        .map(|key| key_matches_certificate(key, &outcome.certificate_pem));
    let topics = w
        .summary
        .get_untracked()
        .map(|s| topics_for_readme(&s))
        .unwrap_or_default();
    let problem: RwSignal<Option<String>> = RwSignal::new(None);
    let saved = RwSignal::new(false);
    let thing = outcome.thing_name.clone();
    let (cert_pem, endpoint) = (
        outcome.certificate_pem.clone(),
        choices.data_endpoint.clone(),
    );
    let download = move |_| {
        let made = device_bundle(
            &thing,
            &cert_pem,
            private_key.as_deref(),
            public_key.as_deref(),
            endpoint.as_deref(),
            &topics,
        )
        .map_err(|e| e.to_string())
        .and_then(|zip| save_file(&format!("{thing}.zip"), "application/zip", &zip));
        match made {
            Ok(()) => {
                problem.set(None);
                saved.set(true);
            }
            Err(e) => problem.set(Some(e)),
        }
    };
    let key_line = match matches {
        Some(Ok(true)) => Some(view! { <p id="key-match" class="notice">"The private key matches the certificate."</p> }.into_any()),
        Some(Ok(false)) => Some(view! { <p id="key-match" class="problem">"The private key does not match the certificate: do not install this bundle."</p> }.into_any()),
        Some(Err(e)) => Some(view! { <p id="key-match" class="problem">{e.to_string()}</p> }.into_any()),
        None => None,
    };
    let aws_key = outcome.aws_private_key_pem.is_some();
    view! {
        <h2>"Bundle"</h2>
        <p id="device-created" class="notice">
            {format!("{} is registered: certificate {}… is ACTIVE and attached.", outcome.thing_name, outcome.certificate_id.chars().take(12).collect::<String>())}
            " " <a href=format!("/devices/{}", percent_encode(&outcome.thing_name))>"Open the device"</a>
        </p>
        {aws_key.then(|| view! {
            <p id="aws-key-once" class="warning">"This is the only time the AWS-made private key is available: download the bundle now."</p>
        })}
        {key_line}
        <button type="button" id="download-bundle" class="primary" on:click=download>"Download the bundle (.zip)"</button>
        {move || saved.get().then(|| view! { <p class="muted" id="bundle-saved">"Saved. Copy the private key only to the device, then delete other copies."</p> })}
        {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
        <p><a href="/onboard" id="onboard-another">"Onboard another device"</a></p>
    }
    .into_any()
}
