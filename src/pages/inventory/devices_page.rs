use crate::api::inventory::list_devices;
use crate::components::{CertificateStatusBadge, Loaded, RequireRole};
use crate::domain::inventory::{
    percent_encode, CertificateSummary, DevicePage, DeviceQuery, DeviceRow, DEFAULT_PAGE_SIZE,
    PAGE_SIZES,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DevicesPage() -> impl IntoView {
    view! {
        <Title text="Devices"/>
        <RequireRole>
            <DevicesView/>
        </RequireRole>
    }
}

#[component]
fn DevicesView() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|m| DeviceQuery {
            name_prefix: m.get("name_prefix").unwrap_or_default(),
            thing_type: m.get("thing_type").unwrap_or_default(),
            group: m.get("group").unwrap_or_default(),
            attribute: m.get("attribute").unwrap_or_default(),
            page_size: m.get("page_size").and_then(|s| s.parse().ok()).unwrap_or(0),
            cursor: m.get("cursor").unwrap_or_default(),
        })
    });
    let devices = Resource::new(move || query.get(), list_devices);
    view! {
        <h1>"Devices"</h1>
        {move || view! { <DeviceFilters query=query.get()/> }}
        <Loaded resource=devices what="devices" render=move |page| view! { <DeviceTable page query=query.get_untracked()/> }/>
    }
}

/// A plain GET form: filtering works the same with JavaScript off.
#[component]
fn DeviceFilters(query: DeviceQuery) -> impl IntoView {
    let size = if query.page_size == 0 {
        DEFAULT_PAGE_SIZE
    } else {
        query.page_size
    };
    view! {
        <form id="device-filters" class="filters" method="get" action="/devices" role="search">
            <label>"Name starts with" <input name="name_prefix" value=query.name_prefix autocomplete="off"/></label>
            <label>"Thing type" <input name="thing_type" value=query.thing_type autocomplete="off"/></label>
            <label>"Group" <input name="group" value=query.group autocomplete="off"/></label>
            <label>"Attribute" <input name="attribute" value=query.attribute placeholder="key=value" autocomplete="off"/></label>
            <label>"Per page"
                <select name="page_size">
                    {PAGE_SIZES.iter().map(|n| view! { <option value=n.to_string() selected=*n == size>{n.to_string()}</option> }).collect_view()}
                </select>
            </label>
            <button type="submit">"Apply"</button>
            <a href="/devices" class="reset">"Clear"</a>
        </form>
    }
}

#[component]
fn DeviceTable(page: DevicePage, query: DeviceQuery) -> impl IntoView {
    let filtered = !(query.name_prefix.is_empty()
        && query.thing_type.is_empty()
        && query.group.is_empty()
        && query.attribute.is_empty());
    let on_later_page = !query.cursor.is_empty();
    if page.rows.is_empty() {
        let text = match (filtered, on_later_page) {
            (_, true) => "No more devices.",
            (true, false) => "No device matches these filters.",
            (false, false) => "This fleet has no devices yet.",
        };
        return view! { <p class="empty">{text}</p> <Pager page query/> }.into_any();
    }
    let rows = page.rows.clone();
    view! {
        <table id="devices-table" class="data">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"Attributes"</th>
                    <th scope="col">"Groups"</th>
                    <th scope="col">"Certificates"</th>
                    <th scope="col">"Policies"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| view! { <DeviceRowView row/> }).collect_view()}
            </tbody>
        </table>
        <Pager page query/>
    }
    .into_any()
}

#[component]
fn DeviceRowView(row: DeviceRow) -> impl IntoView {
    let href = format!("/devices/{}", percent_encode(&row.name));
    view! {
        <tr data-thing=row.name.clone()>
            <th scope="row"><a href=href>{row.name.clone()}</a></th>
            <td>{row.thing_type.unwrap_or_else(|| "—".into())}</td>
            <td>
                <ul class="pairs">
                    {row.attributes.into_iter().map(|(k, v)| view! { <li>{format!("{k}={v}")}</li> }).collect_view()}
                </ul>
            </td>
            <td>{row.groups.join(", ")}</td>
            <td>
                {if row.certificates.is_empty() {
                    view! { <span class="warn">"No certificate"</span> }.into_any()
                } else {
                    view! {
                        <ul class="certs">
                            {row.certificates.into_iter().map(|c| view! { <CertBadge cert=c/> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </td>
            <td>{row.policies.join(", ")}</td>
        </tr>
    }
}

#[component]
fn CertBadge(cert: CertificateSummary) -> impl IntoView {
    let expiry = match (&cert.not_after, cert.days_left) {
        (Some(date), Some(days)) if days < 0 => format!("expired {}", &date[..10.min(date.len())]),
        (Some(date), Some(days)) => {
            format!("expires {} ({days} days)", &date[..10.min(date.len())])
        }
        _ => "expiry unknown".into(),
    };
    let soon = cert.days_left.is_some_and(|d| d < 30);
    view! {
        <li title=cert.id>
            <CertificateStatusBadge status=cert.status/>
            " "
            <span class:warn=soon>{expiry}</span>
        </li>
    }
}

#[component]
fn Pager(page: DevicePage, query: DeviceQuery) -> impl IntoView {
    let first = (!query.cursor.is_empty()).then(|| {
        let q = DeviceQuery {
            cursor: String::new(),
            ..query.clone()
        };
        view! { <a href=format!("/devices?{}", q.to_query_string())>"First page"</a> }
    });
    let next = page.next_cursor.map(|c| {
        let q = DeviceQuery {
            cursor: c,
            ..query.clone()
        };
        view! { <a href=format!("/devices?{}", q.to_query_string()) rel="next">"Next page"</a> }
    });
    view! { <nav class="pager" aria-label="Pages">{first} {next}</nav> }
}
