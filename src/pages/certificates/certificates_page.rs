use crate::api::certificates::{list_certificates, ChangeCertificateStatus};
use crate::api::ApiError;
use crate::components::{CertificateStatusBadge, ErrorBox, Loaded, RequireRole};
use crate::domain::certificates::listing::{
    CertificatePage, CertificateQuery, CertificateRow, StatusChange, DEFAULT_EXPIRY_WINDOW_DAYS,
};
use crate::domain::inventory::percent_encode;
use crate::domain::roles::Permission;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CertificatesPage() -> impl IntoView {
    view! {
        <Title text="Certificates"/>
        <RequireRole permission=Permission::ViewCertificates>
            <CertificatesView/>
        </RequireRole>
    }
}

#[component]
fn CertificatesView() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|m| CertificateQuery {
            expiring_within: m.get("expiring_within").unwrap_or_default(),
            older_than: m.get("older_than").unwrap_or_default(),
            thing: m.get("thing").unwrap_or_default(),
            cursor: m.get("cursor").unwrap_or_default(),
        })
    });
    let change = ServerAction::<ChangeCertificateStatus>::new();
    // Read again after every change, so the table shows the status AWS now holds.
    let certificates = Resource::new(
        move || (query.get(), change.version().get()),
        |(q, _)| list_certificates(q),
    );
    view! {
        <h1>"Certificates"</h1>
        <p class="muted">
            "Certificates AWS makes are valid until 2049, so their age is what says a rotation is due."
        </p>
        {move || view! { <CertificateFilters query=query.get()/> }}
        <ChangeOutcome change/>
        <Loaded resource=certificates what="certificates"
            render=move |page| view! { <CertificateTable page query=query.get_untracked() change/> }/>
    }
}

/// A plain GET form: filtering works the same with JavaScript off.
#[component]
fn CertificateFilters(query: CertificateQuery) -> impl IntoView {
    view! {
        <form id="certificate-filters" class="filters" method="get" action="/certificates" role="search">
            <label>"Expiring within (days)"
                <input name="expiring_within" type="number" min="1" value=query.expiring_within
                    placeholder=DEFAULT_EXPIRY_WINDOW_DAYS.to_string()/>
            </label>
            <label>"Older than (days)"
                <input name="older_than" type="number" min="1" value=query.older_than placeholder="365"/>
            </label>
            <label>"Device"
                <input name="thing" type="search" value=query.thing placeholder="thing name"
                    maxlength="128" autocomplete="off"/>
            </label>
            <button type="submit">"Apply"</button>
            <a href=format!("/certificates?expiring_within={DEFAULT_EXPIRY_WINDOW_DAYS}") id="expiring-soon">
                {format!("Expiring within {DEFAULT_EXPIRY_WINDOW_DAYS} days")}
            </a>
            <a href="/certificates" class="reset">"All"</a>
        </form>
    }
}

#[component]
fn ChangeOutcome(change: ServerAction<ChangeCertificateStatus>) -> impl IntoView {
    let message = move || -> Option<Result<String, ApiError>> {
        change.value().get().map(|r| {
            r.map(|done| {
                format!(
                    "Certificate {}… is now {}.",
                    short_id(&done.id),
                    done.status
                )
            })
        })
    };
    view! {
        <div aria-live="polite">
            {move || match message() {
                Some(Ok(m)) => Some(view! { <p class="notice" id="change-notice">{m}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
                None => None,
            }}
        </div>
    }
}

fn short_id(id: &str) -> String {
    id.chars().take(12).collect()
}

#[component]
fn CertificateTable(
    page: CertificatePage,
    query: CertificateQuery,
    change: ServerAction<ChangeCertificateStatus>,
) -> impl IntoView {
    if page.rows.is_empty() {
        let text = if !query.cursor.is_empty() {
            "No more certificates."
        } else if !query.thing.trim().is_empty() {
            "No certificate of this device matches."
        } else {
            "No certificate matches."
        };
        return view! { <p class="empty">{text}</p> <Pager next=page.next_cursor query/> }
            .into_any();
    }
    view! {
        <table id="certificates-table" class="data">
            <thead><tr>
                <th scope="col">"Certificate"</th><th scope="col">"Status"</th>
                <th scope="col">"Valid until"</th><th scope="col">"Age"</th>
                <th scope="col">"Key"</th><th scope="col">"Issuer"</th>
                <th scope="col">"Things"</th><th scope="col">"Policies"</th>
                {page.can_change.then(|| view! { <th scope="col">"Change"</th> })}
            </tr></thead>
            <tbody>
                // Keyed by id and status: a row whose status changed is built anew, so no
                // confirmation left open on it carries over to the actions of its new status.
                <For
                    each=move || page.rows.clone()
                    key=|c| (c.id.clone(), c.status)
                    children=move |c| view! { <CertificateRowView c change can_change=page.can_change/> }
                />
            </tbody>
        </table>
        <Pager next=page.next_cursor query/>
    }
    .into_any()
}

#[component]
fn CertificateRowView(
    c: CertificateRow,
    change: ServerAction<ChangeCertificateStatus>,
    can_change: bool,
) -> impl IntoView {
    let expiry = match c.days_left {
        Some(d) if d < 0 => format!(
            "{} (expired {} days ago)",
            c.not_after.clone().unwrap_or_default(),
            -d
        ),
        Some(d) => format!(
            "{} ({d} days left)",
            c.not_after.clone().unwrap_or_default()
        ),
        None => "unknown".into(),
    };
    let device = if c.things.is_empty() {
        "no device".to_string()
    } else {
        c.things.join(", ")
    };
    let changes: Vec<StatusChange> = StatusChange::ALL
        .into_iter()
        .filter(|ch| ch.allowed_from(c.status))
        .collect();
    view! {
        <tr data-certificate=c.id.clone() data-status=c.status.as_aws()>
            <th scope="row" class="mono" title=c.id.clone()>{short_id(&c.id)}"…"</th>
            <td><CertificateStatusBadge status=c.status/></td>
            <td class:warn=c.days_left.is_some_and(|d| d <= 30)>{expiry}</td>
            <td>{c.age_days.map(|a| format!("{a} days")).unwrap_or_default()}</td>
            <td>{c.key.clone().unwrap_or_default()}</td>
            <td class="issuer">{c.issuer.clone().unwrap_or_default()}</td>
            <td>{c.things.iter().map(|t| view! {
                <a class="chip" href=format!("/devices/{}", percent_encode(t))>{t.clone()}</a>
            }).collect_view()}</td>
            <td>{c.policies.iter().map(|p| view! {
                <a class="chip" href=format!("/policies/{}", percent_encode(p))>{p.clone()}</a>
            }).collect_view()}</td>
            {can_change.then(|| view! { <td>
                {(c.status.is_in_service() && !c.things.is_empty()).then(|| view! {
                    <a class="button rotate" href=format!("/certificates/{}/rotate", c.id)>"Rotate…"</a>
                })}
                {changes.into_iter().map(|ch| {
                    let id = c.id.clone();
                    let device = device.clone();
                    view! { <ConfirmChange id device ch change/> }
                }).collect_view()}
            </td> })}
        </tr>
    }
    // Type erasure keeps the table's type shallow enough for the compiler.
    .into_any()
}

/// A status change behind a second, explicit button that names the device it affects.
#[component]
fn ConfirmChange(
    id: String,
    device: String,
    ch: StatusChange,
    change: ServerAction<ChangeCertificateStatus>,
) -> impl IntoView {
    let consequence = match ch {
        StatusChange::Activate => "it can connect again",
        StatusChange::Deactivate => "it cannot connect until the certificate is activated again",
        StatusChange::Revoke => {
            "it can never connect with this certificate again: revocation is final"
        }
    };
    view! {
        <details class=format!("confirm confirm-{}", ch.verb().to_lowercase())>
            <summary>{format!("{}…", ch.verb())}</summary>
            <ActionForm action=change>
                <input type="hidden" name="id" value=id.clone()/>
                <input type="hidden" name="change" value=ch.verb()/>
                <p>{format!("{} certificate {}… of {device}: {consequence}.", ch.verb(), short_id(&id))}</p>
                <button type="submit" class=format!("danger {}-certificate", ch.verb().to_lowercase())>
                    {format!("{} the certificate of {device}", ch.verb())}
                </button>
            </ActionForm>
        </details>
    }
    .into_any()
}

#[component]
fn Pager(next: Option<String>, query: CertificateQuery) -> impl IntoView {
    let first = (!query.cursor.is_empty()).then(|| {
        let q = CertificateQuery {
            cursor: String::new(),
            ..query.clone()
        };
        view! { <a href=format!("/certificates?{}", q.to_query_string())>"First page"</a> }
    });
    let next = next.map(|c| {
        let q = CertificateQuery { cursor: c, ..query.clone() };
        view! { <a href=format!("/certificates?{}", q.to_query_string()) rel="next">"Next page"</a> }
    });
    view! { <nav class="pager" aria-label="Pages">{first} {next}</nav> }
}
