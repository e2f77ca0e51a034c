use crate::api::inventory::get_device;
use crate::components::{CertificateStatusBadge, Loaded, RequireRole, WhenAllowed};
use crate::domain::inventory::{percent_encode, CertificateDetail, DeviceDetail, ShadowView};
use crate::domain::roles::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn DevicePage() -> impl IntoView {
    view! {
        <RequireRole>
            <DeviceView/>
        </RequireRole>
    }
}

#[component]
fn DeviceView() -> impl IntoView {
    let params = use_params_map();
    let name = Memo::new(move |_| params.with(|p| p.get("name").unwrap_or_default()));
    let detail = Resource::new(move || name.get(), get_device);
    view! {
        <Title text=move || name.get()/>
        <p class="breadcrumb"><a href="/devices">"Devices"</a> " / " {move || name.get()}</p>
        <Loaded resource=detail what="the device" render=|d| view! { <DeviceDetailView d/> }/>
    }
}

#[component]
fn DeviceDetailView(d: DeviceDetail) -> impl IntoView {
    let certificates_href = format!("/certificates?thing={}", percent_encode(&d.name));
    view! {
        <h1>{d.name.clone()}</h1>
        <WhenAllowed permission=Permission::ManageCertificates>
            <p><a id="remove-device-link" class="button danger" href=format!("/devices/{}/remove", percent_encode(&d.name))>"Remove this device…"</a></p>
        </WhenAllowed>
        <dl class="facts">
            <dt>"Thing type"</dt><dd>{d.thing_type.clone().unwrap_or_else(|| "none".into())}</dd>
            <dt>"ARN"</dt><dd class="mono">{d.arn.clone().unwrap_or_default()}</dd>
            <dt>"Registry version"</dt><dd>{d.version.map(|v| v.to_string()).unwrap_or_default()}</dd>
            <dt>"Groups"</dt>
            <dd>
                {if d.groups.is_empty() { "none".to_string().into_any() } else {
                    d.groups.iter().map(|g| view! {
                        <a class="chip" href=format!("/devices?group={}", percent_encode(g))>{g.clone()}</a>
                    }).collect_view().into_any()
                }}
            </dd>
        </dl>
        <section id="attributes">
            <h2>"Attributes"</h2>
            {if d.attributes.is_empty() {
                view! { <p class="empty">"No attributes."</p> }.into_any()
            } else {
                view! {
                    <table class="data">
                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Value"</th></tr></thead>
                        <tbody>
                            {d.attributes.iter().map(|(k, v)| view! { <tr><th scope="row">{k.clone()}</th><td>{v.clone()}</td></tr> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <section id="certificates">
            <h2>"Certificates"</h2>
            <WhenAllowed permission=Permission::ManageCertificates>
                <p><a id="manage-certificates-link" href=certificates_href.clone()>
                    "Rotate, deactivate or revoke these certificates…"
                </a></p>
            </WhenAllowed>
            {if d.certificates.is_empty() {
                view! { <p class="empty warn">"No certificate is attached: this device cannot connect."</p> }.into_any()
            } else {
                d.certificates.iter().cloned().map(|c| view! { <CertificateView c/> }).collect_view().into_any()
            }}
            {(!d.other_principals.is_empty()).then(|| view! {
                <p>"Other principals: " {d.other_principals.join(", ")}</p>
            })}
        </section>
        {if d.documents_withheld {
            view! {
                <p id="documents-withheld" class="muted">
                    "Policy documents and the device shadow are shown to admins and auditors."
                </p>
            }.into_any()
        } else {
            view! { <ShadowSection shadow=d.shadow.clone()/> }.into_any()
        }}
    }
}

#[component]
fn CertificateView(c: CertificateDetail) -> impl IntoView {
    let validity = format!(
        "{} → {}{}",
        c.not_before.clone().unwrap_or_else(|| "?".into()),
        c.not_after.clone().unwrap_or_else(|| "?".into()),
        c.days_left
            .map(|d| if d < 0 {
                " (expired)".to_string()
            } else {
                format!(" ({d} days left)")
            })
            .unwrap_or_default()
    );
    let facts = c.facts.clone();
    view! {
        <section class="certificate">
            <h3><CertificateStatusBadge status=c.status/> " " <span class="mono">{c.id.clone()}</span></h3>
            <dl class="facts">
                <dt>"Validity"</dt><dd>{validity}</dd>
                {facts.map(|f| view! {
                    <dt>"Key"</dt><dd>{format!("{} ({} bits)", f.key_algorithm, f.key_bits)}</dd>
                    <dt>"Issuer"</dt><dd>{f.issuer}</dd>
                    <dt>"Subject"</dt><dd>{f.subject}</dd>
                    <dt>"Serial"</dt><dd class="mono">{f.serial_hex}</dd>
                })}
                <dt>"ARN"</dt><dd class="mono">{c.arn.clone()}</dd>
            </dl>
            <h4>"Attached policies"</h4>
            {if c.policies.is_empty() {
                view! { <p class="empty">"No policy is attached: this certificate may do nothing."</p> }.into_any()
            } else {
                c.policies.into_iter().map(|p| view! {
                    <details class="policy" open>
                        <summary>
                            {p.name.clone()}
                            {p.default_version.map(|v| format!(" (default version {v})"))}
                        </summary>
                        {p.document.map(|doc| view! { <pre class="policy-document">{doc}</pre> })}
                    </details>
                }).collect_view().into_any()
            }}
        </section>
    }
}

#[component]
fn ShadowSection(shadow: Option<ShadowView>) -> impl IntoView {
    view! {
        <section id="shadow">
            <h2>"Device shadow"</h2>
            {match shadow {
                None => view! { <p class="empty">"This device has no shadow."</p> }.into_any(),
                Some(s) => view! {
                    {s.version.map(|v| view! { <p>{format!("Version {v}")}</p> })}
                    <div class="shadow-parts">
                        <ShadowPart title="Desired" body=s.desired/>
                        <ShadowPart title="Reported" body=s.reported/>
                        <ShadowPart title="Delta (desired but not yet reported)" body=s.delta/>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ShadowPart(title: &'static str, body: Option<String>) -> impl IntoView {
    view! {
        <div class="shadow-part">
            <h3>{title}</h3>
            {match body {
                Some(b) => view! { <pre>{b}</pre> }.into_any(),
                None => view! { <p class="empty">"none"</p> }.into_any(),
            }}
        </div>
    }
}
