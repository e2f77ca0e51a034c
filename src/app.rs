//! The HTML shell, the router and the role-aware layout.

use crate::api::session::{current_viewer, Viewer};
use crate::components::{use_viewer, ViewerResource};
use crate::domain::roles::Permission;
use crate::pages::certificates::{
    certificates_page::CertificatesPage,
    lifecycle_run::{RemoveDevicePage, RotateCertificatePage},
};
use crate::pages::inventory::{
    device_page::DevicePage, devices_page::DevicesPage, thing_groups_page::ThingGroupsPage,
    thing_types_page::ThingTypesPage,
};
use crate::pages::onboarding::{
    bulk::BulkOnboardPage, profiles_page::ProfilesPage, wizard::OnboardPage,
};
use crate::pages::policies::{
    policies_page::PoliciesPage, policy_editor_page::PolicyEditorPage, policy_page::PolicyPage,
    simulator_page::SimulatorPage,
};
use crate::pages::{home_page::HomePage, not_found_page::NotFoundPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, SsrMode};

/// The document around the app. Runs once per server-rendered page, so it is where the
/// page's Content-Security-Policy learns this response's script nonce.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        let idp = use_context::<crate::server::state::AppState>().map(|s| s.config.idp_origin());
        let csp = crate::server::security::page_csp(&nonce.to_string(), idp.as_deref());
        if let Ok(value) = axum::http::HeaderValue::from_str(&csp) {
            res.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let viewer = Resource::new(|| (), |_| current_viewer());
    provide_context(ViewerResource(viewer));
    // Effects run only in the browser, after hydration: a marker tests (and curious admins)
    // can see, telling a hydrated page from a server-rendered one.
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/iot-warden.css"/>
        <Title formatter=|page: String| if page.is_empty() { "IoT Warden".to_string() } else { format!("{page} · IoT Warden") }/>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header/>
            // Async rendering: the server sends each page whole, so it reads the same with
            // JavaScript off (streamed Suspense content would need a script to swap it in).
            <main id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/devices") view=DevicesPage ssr=SsrMode::Async/>
                    <Route path=path!("/devices/:name") view=DevicePage ssr=SsrMode::Async/>
                    <Route path=path!("/thing-types") view=ThingTypesPage ssr=SsrMode::Async/>
                    <Route path=path!("/thing-groups") view=ThingGroupsPage ssr=SsrMode::Async/>
                    <Route path=path!("/policies") view=PoliciesPage ssr=SsrMode::Async/>
                    <Route path=path!("/policies/:name") view=PolicyPage ssr=SsrMode::Async/>
                    <Route path=path!("/policies/:name/edit") view=PolicyEditorPage ssr=SsrMode::Async/>
                    <Route path=path!("/simulator") view=SimulatorPage ssr=SsrMode::Async/>
                    <Route path=path!("/certificates") view=CertificatesPage ssr=SsrMode::Async/>
                    <Route path=path!("/certificates/:id/rotate") view=RotateCertificatePage ssr=SsrMode::Async/>
                    <Route path=path!("/devices/:name/remove") view=RemoveDevicePage ssr=SsrMode::Async/>
                    <Route path=path!("/onboard") view=OnboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/onboard/bulk") view=BulkOnboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/onboard/profiles") view=ProfilesPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn Header() -> impl IntoView {
    let viewer = use_viewer();
    view! {
        <header class="top">
            <a class="brand" href="/">"IoT Warden"</a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match viewer.await {
                        Ok(Some(v)) => view! { <SignedInBar viewer=v/> }.into_any(),
                        _ => ().into_any(),
                    }
                })}
            </Suspense>
        </header>
    }
}

#[component]
fn SignedInBar(viewer: Viewer) -> impl IntoView {
    let role = viewer.role.map(|r| r.as_str()).unwrap_or("none");
    let nav = viewer.role.map(|role| {
        let policies = role.allows(Permission::ViewPolicies).then(|| {
            view! {
                <A href="/policies">"Policies"</A>
                <A href="/simulator">"Simulator"</A>
            }
        });
        let certificates = role
            .allows(Permission::ViewCertificates)
            .then(|| view! { <A href="/certificates">"Certificates"</A> });
        let onboard = role.allows(Permission::Onboard).then(|| {
            view! {
                <A href="/onboard">"Onboard"</A>
                <A href="/onboard/bulk">"Bulk onboard"</A>
            }
        });
        let profiles = role
            .allows(Permission::ViewOnboardingProfiles)
            .then(|| view! { <A href="/onboard/profiles">"Onboarding profiles"</A> });
        view! {
            <nav aria-label="Main">
                <A href="/devices">"Devices"</A>
                <A href="/thing-types">"Thing types"</A>
                <A href="/thing-groups">"Thing groups"</A>
                {policies}
                {certificates}
                {onboard}
                {profiles}
            </nav>
        }
    });
    view! {
        {nav}
        <div class="user">
            <span id="current-user" title=viewer.name.clone().unwrap_or_default()>{viewer.username.clone()}</span>
            <span id="current-role" class="role">{role}</span>
            <form method="post" action="/auth/logout">
                <button id="sign-out" type="submit">"Sign out"</button>
            </form>
        </div>
    }
}
