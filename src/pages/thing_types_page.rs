use crate::api::inventory::list_thing_types;
use crate::components::{ErrorBox, Loading, RequireRole};
use crate::domain::inventory::percent_encode;
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
        <Suspense fallback=|| view! { <Loading what="thing types"/> }>
            {move || Suspend::new(async move {
                match types.await {
                    Ok(types) if types.is_empty() => view! { <p class="empty">"No thing types are defined."</p> }.into_any(),
                    Ok(types) => view! {
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
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
