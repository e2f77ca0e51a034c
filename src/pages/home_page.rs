use crate::api::session::Viewer;
use crate::components::use_viewer;
use crate::components::{ErrorBox, Loading, NoAccess, SignInPrompt};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let viewer = use_viewer();
    view! {
        <Title text=""/>
        <Suspense fallback=|| view! { <Loading what="your account"/> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Some(Viewer { role: Some(role), name, username })) => view! {
                        <section class="home">
                            <h1>{format!("Welcome, {}", name.unwrap_or(username))}</h1>
                            <p>{format!("You are signed in as {role}.")}</p>
                            <ul class="cards">
                                <li><a href="/devices">"Devices"</a><p>"Every thing with its certificates, policies and groups."</p></li>
                                <li><a href="/thing-types">"Thing types"</a><p>"The kinds of device in the fleet."</p></li>
                                <li><a href="/thing-groups">"Thing groups"</a><p>"How devices are grouped."</p></li>
                            </ul>
                        </section>
                    }.into_any(),
                    Ok(Some(_)) => view! { <NoAccess/> }.into_any(),
                    Ok(None) => view! { <SignInPrompt/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
