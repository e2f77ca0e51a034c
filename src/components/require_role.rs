use crate::api::session::Viewer;
use crate::components::use_viewer;
use crate::components::{ErrorBox, Loading};
use crate::domain::roles::Permission;
use leptos::prelude::*;

/// Renders its children only for a signed-in user with a role (that grants `permission`,
/// when one is given). This is for the page's sake only: every server function checks the
/// role again on its own.
#[component]
pub fn RequireRole(
    children: ChildrenFn,
    #[prop(optional)] permission: Option<Permission>,
) -> impl IntoView {
    let viewer = use_viewer();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <Loading what="your account"/> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Some(Viewer { role: Some(role), .. }))
                        if permission.is_none_or(|p| role.allows(p)) =>
                    {
                        children.read_value()().into_any()
                    }
                    Ok(Some(Viewer { role: Some(_), .. })) => view! { <NotForYourRole/> }.into_any(),
                    Ok(Some(_)) => view! { <NoAccess/> }.into_any(),
                    Ok(None) => view! { <SignInPrompt/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn SignInPrompt() -> impl IntoView {
    view! {
        <section class="sign-in">
            <h1>"IoT Warden"</h1>
            <p>"The security console for your AWS IoT fleet. Sign in with your organisation's account."</p>
            // rel=external: a full page load, not a client-side route change.
            <a id="sign-in" class="button" href="/auth/login" rel="external">"Sign in"</a>
        </section>
    }
}

#[component]
pub fn NoAccess() -> impl IntoView {
    view! {
        <section id="no-access" class="no-access">
            <h1>"You have no access"</h1>
            <p>
                "You are signed in, but none of your groups grants a role in IoT Warden. "
                "Ask an administrator to add you to the admin, onboarding or auditor group."
            </p>
        </section>
    }
}

/// Renders its children only when the viewer's role grants `permission`; nothing otherwise.
/// For controls (buttons, forms) on pages others may read.
#[component]
pub fn WhenAllowed(permission: Permission, children: ChildrenFn) -> impl IntoView {
    let viewer = use_viewer();
    let children = StoredValue::new(children);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Some(Viewer { role: Some(role), .. })) if role.allows(permission) => {
                        Some(children.read_value()())
                    }
                    _ => None,
                }
            })}
        </Suspense>
    }
}

#[component]
fn NotForYourRole() -> impl IntoView {
    view! {
        <section id="no-access" class="no-access">
            <h1>"Not for your role"</h1>
            <p>"Your role does not include this page. Ask an administrator if you need it."</p>
        </section>
    }
}
