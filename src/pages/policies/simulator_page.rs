use crate::components::{RequireRole, Simulator};
use crate::domain::roles::Permission;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SimulatorPage() -> impl IntoView {
    view! {
        <Title text="Policy simulator"/>
        <RequireRole permission=Permission::ViewPolicies>
            <h1>"Policy simulator"</h1>
            <p>
                "What may a device do? Load a device to fill its context and policies from the registry, "
                "or type the context, then choose an operation. The decision follows AWS IoT's rules and shows the statements that made it."
            </p>
            <noscript><p class="warn">"The simulator decides in your browser and needs JavaScript."</p></noscript>
            <Simulator/>
        </RequireRole>
    }
}
