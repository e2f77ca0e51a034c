//! The single-device wizard (`/onboard`, onboarding staff and admins): identity (within an
//! onboarding profile, which sets the type, groups and policies) → certificate → policies →
//! review and create → bundle. Each step checks its fields before
//! the next opens; Back is always there until the device exists. The state lives in
//! [`Wizard`], one set of signals the step components share.

mod bundle;
mod certificate;
mod identity;
mod policies;
mod review;

use crate::api::onboarding::{onboarding_catalog, OnboardingChoices};
use crate::components::{Loaded, RequireRole};
use crate::domain::certificates::device_keys::{DeviceKeyPair, KeyKind};
use crate::domain::onboarding::provisioning::{
    CertificateSource, ProvisionOutcome, ProvisionRequest,
};
use crate::domain::policies::summary::PolicySummary;
use crate::domain::roles::Permission;
use leptos::prelude::*;
use leptos_meta::Title;

/// Where the device's certificate comes from, as the user chose it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertChoice {
    /// A key pair made in this browser; only its CSR goes to the server.
    BrowserKey,
    /// CreateKeysAndCertificate: AWS makes the key and hands it over once.
    AwsKey,
    /// A certificate PEM the user brings.
    Bring,
}

impl CertChoice {
    fn value(self) -> &'static str {
        match self {
            CertChoice::BrowserKey => "browser",
            CertChoice::AwsKey => "aws",
            CertChoice::Bring => "bring",
        }
    }
}

/// One attribute row; `id` keys it in the list so edits keep their input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeRow {
    pub id: u32,
    pub name: String,
    pub value: String,
}

/// Everything the wizard has been told so far.
#[derive(Clone, Copy)]
pub struct Wizard {
    pub step: RwSignal<u8>,
    /// The onboarding profile the device is made within; `None` only for an admin choosing
    /// freely.
    pub profile: RwSignal<Option<String>>,
    pub name: RwSignal<String>,
    pub thing_type: RwSignal<String>,
    pub attributes: RwSignal<Vec<AttributeRow>>,
    pub groups: RwSignal<Vec<String>>,
    pub cert: RwSignal<CertChoice>,
    pub key_kind: RwSignal<KeyKind>,
    /// The browser-made key pair; its private key never leaves this page except in the bundle.
    pub keys: RwSignal<Option<DeviceKeyPair>>,
    pub csr: RwSignal<Option<String>>,
    pub brought_pem: RwSignal<String>,
    pub policies: RwSignal<Vec<String>>,
    pub summary: RwSignal<Option<PolicySummary>>,
    pub outcome: RwSignal<Option<ProvisionOutcome>>,
}

impl Wizard {
    fn new() -> Wizard {
        Wizard {
            step: RwSignal::new(1),
            profile: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            thing_type: RwSignal::new(String::new()),
            attributes: RwSignal::new(Vec::new()),
            groups: RwSignal::new(Vec::new()),
            cert: RwSignal::new(CertChoice::BrowserKey),
            key_kind: RwSignal::new(KeyKind::EcP256),
            keys: RwSignal::new(None),
            csr: RwSignal::new(None),
            brought_pem: RwSignal::new(String::new()),
            policies: RwSignal::new(Vec::new()),
            summary: RwSignal::new(None),
            outcome: RwSignal::new(None),
        }
    }

    /// The request the review step sends.
    pub fn request(&self) -> ProvisionRequest {
        let thing_type = self.thing_type.get_untracked();
        ProvisionRequest {
            thing_name: self.name.get_untracked().trim().to_string(),
            thing_type: (!thing_type.is_empty()).then_some(thing_type),
            attributes: self
                .attributes
                .get_untracked()
                .into_iter()
                .filter(|a| !a.name.trim().is_empty())
                .map(|a| (a.name.trim().to_string(), a.value))
                .collect(),
            groups: self.groups.get_untracked(),
            policies: self.policies.get_untracked(),
            certificate: match self.cert.get_untracked() {
                CertChoice::BrowserKey => {
                    CertificateSource::Csr(self.csr.get_untracked().unwrap_or_default())
                }
                CertChoice::AwsKey => CertificateSource::AwsGenerated,
                CertChoice::Bring => CertificateSource::Existing {
                    pem: self.brought_pem.get_untracked().trim().to_string(),
                },
            },
        }
    }
}

const STEPS: [&str; 5] = [
    "Identity",
    "Certificate",
    "Policies",
    "Review and create",
    "Bundle",
];

#[component]
pub fn OnboardPage() -> impl IntoView {
    view! {
        <Title text="Onboard a device"/>
        <RequireRole permission=Permission::Onboard>
            <WizardView/>
        </RequireRole>
    }
}

#[component]
fn WizardView() -> impl IntoView {
    let choices = Resource::new(|| (), |_| onboarding_catalog());
    view! {
        <h1>"Onboard a device"</h1>
        <p class="muted">"One device, step by step. For many devices at once, use "
            <a href="/onboard/bulk">"bulk onboarding"</a>"."</p>
        <Loaded resource=choices what="thing types, groups and policies"
            render=move |choices| view! { <Steps choices/> }/>
    }
}

#[component]
fn Steps(choices: OnboardingChoices) -> impl IntoView {
    let w = Wizard::new();
    let stepper = move || {
        let current = w.step.get();
        STEPS
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let n = i as u8 + 1;
                let state = if n < current {
                    "done"
                } else if n == current {
                    "current"
                } else {
                    "todo"
                };
                view! {
                    <li class=format!("wizard-step {state}")
                        aria-current=(n == current).then_some("step")>
                        {format!("{n}. {label}")}
                    </li>
                }
            })
            .collect_view()
    };
    let body = move || {
        let choices = choices.clone();
        match w.step.get() {
            1 => view! { <identity::IdentityStep w choices/> }.into_any(),
            2 => view! { <certificate::CertificateStep w/> }.into_any(),
            3 => view! { <policies::PolicyStep w choices/> }.into_any(),
            4 => view! { <review::ReviewStep w/> }.into_any(),
            _ => view! { <bundle::BundleStep w choices/> }.into_any(),
        }
    };
    view! {
        <ol class="wizard-steps" aria-label="Steps">{stepper}</ol>
        <section class="wizard-body" aria-live="polite">{body}</section>
    }
}

/// Back to the previous step.
#[component]
pub(super) fn BackButton(w: Wizard) -> impl IntoView {
    view! {
        <button type="button" class="wizard-back" on:click=move |_| w.step.update(|s| *s = s.saturating_sub(1).max(1))>
            "Back"
        </button>
    }
}

/// The step's problems, announced.
#[component]
pub(super) fn Problems(id: &'static str, problems: Signal<Vec<String>>) -> impl IntoView {
    view! {
        <ul id=id class="problems" role="alert">
            {move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
        </ul>
    }
}
