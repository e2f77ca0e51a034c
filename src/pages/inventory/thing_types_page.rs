use crate::api::inventory::list_thing_types;
use crate::components::{Loaded, RequireRole};
use crate::domain::inventory::percent_encode;
use crate::domain::inventory::ThingTypeRow;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ThingTypesPage() -> impl IntoView {
    view! {
        <Title text="Thing types"/>
        <RequireRole>
            <ThingTypesView/>
        </RequireRole>
    }
}

#[component]
fn ThingTypesView() -> impl IntoView {
    let types = Resource::new(|| (), |_| list_thing_types());
    view! {
        <h1>"Thing types"</h1>
        <Loaded resource=types what="thing types" render=types_table/>
    }
}

fn types_table(types: Vec<ThingTypeRow>) -> AnyView {
    if types.is_empty() {
        return view! { <p class="empty">"No thing types are defined."</p> }.into_any();
    }
    view! {
            <table id="thing-types-table" class="data">
                <thead><tr>
                    <th scope="col">"Name"</th><th scope="col">"Description"</th>
                    <th scope="col">"Searchable attributes"</th><th scope="col">"State"</th><th scope="col">"Created"</th>
                </tr></thead>
                <tbody>
                    {types.into_iter().map(|t| view! {
                        <tr>
                            <th scope="row"><a href=format!("/devices?thing_type={}", percent_encode(&t.name))>{t.name.clone()}</a></th>
                            <td>{t.description.unwrap_or_default()}</td>
                            <td>{t.searchable_attributes.join(", ")}</td>
                            <td>{if t.deprecated { "deprecated" } else { "active" }}</td>
                            <td>{t.created.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
    }.into_any()
}
