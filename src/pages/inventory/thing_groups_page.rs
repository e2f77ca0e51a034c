use crate::api::inventory::list_thing_groups;
use crate::components::{Loaded, RequireRole};
use crate::domain::bounded::Bounded;
use crate::domain::inventory::percent_encode;
use crate::domain::inventory::ThingGroupRow;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ThingGroupsPage() -> impl IntoView {
    view! {
        <Title text="Thing groups"/>
        <RequireRole>
            <ThingGroupsView/>
        </RequireRole>
    }
}

#[component]
fn ThingGroupsView() -> impl IntoView {
    let groups = Resource::new(|| (), |_| list_thing_groups());
    view! {
        <h1>"Thing groups"</h1>
        <Loaded resource=groups what="thing groups" render=groups_table/>
    }
}

fn groups_table(listed: Bounded<ThingGroupRow>) -> AnyView {
    let cut = listed.note("thing groups");
    let groups = listed.items;
    if groups.is_empty() {
        return view! { <p class="empty">"No thing groups are defined."</p> }.into_any();
    }
    view! {
            {cut.map(|c| view! { <p class="notice" id="list-cut" role="status">{c}</p> })}
            <table id="thing-groups-table" class="data">
                <thead><tr>
                    <th scope="col">"Name"</th><th scope="col">"Description"</th>
                    <th scope="col">"Parent"</th><th scope="col">"Attributes"</th>
                </tr></thead>
                <tbody>
                    {groups.into_iter().map(|g| view! {
                        <tr>
                            <th scope="row"><a href=format!("/devices?group={}", percent_encode(&g.name))>{g.name.clone()}</a></th>
                            <td>{g.description.unwrap_or_default()}</td>
                            <td>{g.parent.unwrap_or_default()}</td>
                            <td>{g.attributes.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
    }.into_any()
}
