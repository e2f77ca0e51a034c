//! Step 2: where the certificate comes from. A key made here (the default) is generated in
//! this browser and only its CSR is sent; an AWS-made key passes through the server once; a
//! brought certificate is read and checked here before anything is sent.

use super::{BackButton, CertChoice, Problems, Wizard};
use crate::components::browser::{chosen_file_text, now_unix, pause};
use crate::domain::certificates::device_keys::{build_csr, generate_key_pair, KeyKind};
use crate::domain::onboarding::provisioning::check_certificate_pem;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub(super) fn CertificateStep(w: Wizard) -> impl IntoView {
    let problems: RwSignal<Vec<String>> = RwSignal::new(vec![]);
    let working = RwSignal::new(false);
    let facts = move || {
        (w.cert.get() == CertChoice::Bring && !w.brought_pem.get().trim().is_empty()).then(|| {
            match check_certificate_pem(&w.brought_pem.get(), now_unix()) {
                Ok(f) => view! {
                    <p id="brought-facts" class="notice">
                        {format!("{} key ({} bits), valid until {}, issued by {}.", f.key_algorithm, f.key_bits, f.not_after, f.issuer)}
                    </p>
                }.into_any(),
                Err(e) => view! { <p id="brought-facts" class="problem">{e}</p> }.into_any(),
            }
        })
    };
    let next = move |_| {
        problems.set(vec![]);
        match w.cert.get_untracked() {
            CertChoice::AwsKey => {
                w.keys.set(None);
                w.step.set(3);
            }
            CertChoice::Bring => {
                match check_certificate_pem(&w.brought_pem.get_untracked(), now_unix()) {
                    Ok(_) => {
                        w.keys.set(None);
                        w.step.set(3);
                    }
                    Err(e) => problems.set(vec![e]),
                }
            }
            CertChoice::BrowserKey => {
                let kind = w.key_kind.get_untracked();
                let name = w.name.get_untracked().trim().to_string();
                working.set(true);
                spawn_local(async move {
                    // Let "Making the key pair…" paint first: an RSA key takes a moment.
                    pause(30).await;
                    let made = generate_key_pair(kind).and_then(|keys| {
                        let csr = build_csr(&keys, &name)?;
                        Ok((keys, csr))
                    });
                    working.set(false);
                    match made {
                        Ok((keys, csr)) => {
                            w.keys.set(Some(keys));
                            w.csr.set(Some(csr));
                            w.step.set(3);
                        }
                        Err(e) => problems.set(vec![e.to_string()]),
                    }
                });
            }
        }
    };
    let choose = move |c: CertChoice| {
        move |_| {
            problems.set(vec![]);
            w.cert.set(c);
        }
    };
    let radio = move |c: CertChoice, label: &'static str, hint: &'static str| {
        view! {
            <label class="choice">
                <input type="radio" name="cert-source" value=c.value()
                    prop:checked=move || w.cert.get() == c on:change=choose(c)/>
                <span><strong>{label}</strong><br/><span class="hint">{hint}</span></span>
            </label>
        }
    };
    view! {
        <h2>"Certificate"</h2>
        <fieldset class="cert-source">
            <legend>"Where the device's certificate comes from"</legend>
            {radio(CertChoice::BrowserKey, "Key made in this browser (recommended)",
                "A key pair is generated here; only a certificate signing request goes to AWS. The private key stays in this page until you download the bundle.")}
            {radio(CertChoice::AwsKey, "Key made by AWS",
                "AWS makes the key pair; the private key passes through the console once and is shown only once. It is never stored or logged.")}
            {radio(CertChoice::Bring, "Bring your own certificate",
                "Paste or upload the device's certificate (PEM). It is registered without a CA.")}
        </fieldset>
        {move || match w.cert.get() {
            CertChoice::BrowserKey => view! {
                <div class="field">
                    <label for="key-kind">"Key type"</label>
                    <select id="key-kind" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        w.key_kind.set(if v == "rsa" { KeyKind::Rsa2048 } else { KeyKind::EcP256 });
                    }>
                        <option value="ec" selected=move || w.key_kind.get() == KeyKind::EcP256>{KeyKind::EcP256.label()}</option>
                        <option value="rsa" selected=move || w.key_kind.get() == KeyKind::Rsa2048>{KeyKind::Rsa2048.label()}</option>
                    </select>
                </div>
            }.into_any(),
            CertChoice::AwsKey => view! {
                <p id="aws-key-warning" class="warning">"The private key is shown once, at the end of this wizard. Download the bundle then: AWS keeps no copy."</p>
            }.into_any(),
            CertChoice::Bring => view! {
                <div class="field">
                    <label for="brought-pem">"Device certificate (PEM)"</label>
                    <textarea id="brought-pem" rows="10" spellcheck="false" class="mono"
                        prop:value=move || w.brought_pem.get()
                        on:input=move |ev| w.brought_pem.set(event_target_value(&ev))></textarea>
                    <label for="brought-file">"…or upload it"</label>
                    <input id="brought-file" type="file" accept=".pem,.crt,.cer,text/plain"
                        on:change=move |ev| spawn_local(async move {
                            match chosen_file_text(ev).await {
                                Ok(Some((_, text))) => w.brought_pem.set(text),
                                Ok(None) => {}
                                Err(e) => problems.set(vec![e]),
                            }
                        })/>
                </div>
            }.into_any(),
        }}
        {facts}
        <Problems id="certificate-problems" problems=problems.into()/>
        <div class="wizard-nav">
            <BackButton w/>
            <button type="button" id="certificate-next" class="primary" on:click=next disabled=move || working.get()>
                {move || if working.get() { "Making the key pair…" } else { "Next" }}
            </button>
        </div>
    }
    .into_any()
}
