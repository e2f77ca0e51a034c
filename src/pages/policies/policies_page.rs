use crate::api::policies::list_policies;
use crate::components::{Loaded, RequireRole};
use crate::domain::bounded::Bounded;
use crate::domain::inventory::percent_encode;
use crate::domain::policies::catalog::PolicyRow;
use crate::domain::roles::Permission;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PoliciesPage() -> impl IntoView {
    view! {
        <Title text="Policies"/>
        <RequireRole permission=Permission::ViewPolicies>
            <PoliciesView/>
        </RequireRole>
    }
}

#[component]
fn PoliciesView() -> impl IntoView {
    let policies = Resource::new(|| (), |_| list_policies());
    view! {
        <h1>"Policies"</h1>
        <p><a href="/simulator">"Open the simulator"</a>" to test what a device may do."</p>
        <Loaded resource=policies what="policies" render=policies_table/>
    }
}

fn policies_table(listed: Bounded<PolicyRow>) -> AnyView {
    let cut = listed.note("policies");
    let rows = listed.items;
    if rows.is_empty() {
        return view! { <p class="empty">"No policies exist in this account and region."</p> }
            .into_any();
    }
    view! {
        {cut.map(|c| view! { <p class="notice" id="list-cut" role="status">{c}</p> })}
        <table id="policies-table" class="data">
            <thead><tr>
                <th scope="col">"Name"</th><th scope="col">"Default version"</th>
                <th scope="col">"Attached to"</th><th scope="col">"Least privilege"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|p| {
                    let finding = match p.worst_finding.clone() {
                        Some(s) => view! { <span class=format!("severity severity-{s}")>{format!("{s} finding")}</span> }.into_any(),
                        None => view! { <span class="severity severity-none">"no findings"</span> }.into_any(),
                    };
                    view! {
                        <tr data-policy=p.name.clone()>
                            <th scope="row"><a href=format!("/policies/{}", percent_encode(&p.name))>{p.name.clone()}</a></th>
                            <td>{p.default_version.clone().unwrap_or_default()}</td>
                            <td>{match (p.targets, p.more_targets) {
                                (n, true) => format!("{n} or more certificates"),
                                (1, false) => "1 certificate".to_string(),
                                (n, false) => format!("{n} certificates"),
                            }}</td>
                            <td>{finding}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }.into_any()
}
