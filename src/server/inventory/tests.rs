//! The service over the fake account ([`crate::server::aws::fake`]), paging like AWS with
//! small pages, to cross many.

use super::*;
use crate::domain::certificates::status::CertificateStatus;
use crate::server::aws::fake::{arn_of, cert_id, Account, Certificate, Fake, Thing};
use std::collections::HashMap;

fn fleet(n: usize) -> Inventory {
    fleet_paged(n, 3).0
}

/// `n` things, listed `page` to an AWS page: `s-NN` for even NN (in group Evens), `x-NN` for
/// odd; every third a Cam, the others Sensors; at site `f(NN % 4)`. Each has its own ACTIVE
/// certificate, valid for the first ten days of 1970, carrying policy P; x-01 has a shadow.
fn fleet_paged(n: usize, page: usize) -> (Inventory, Arc<Fake>) {
    let mut account = Account::default().with_group("Evens").with_policies(["P"]);
    for i in 1..=n {
        let name = if i % 2 == 0 {
            format!("s-{i:02}")
        } else {
            format!("x-{i:02}")
        };
        let arn = arn_of(&cert_id(i as u32));
        account = account
            .with_thing_record(Thing {
                thing_type: Some(if i % 3 == 0 { "Cam" } else { "Sensor" }.into()),
                attributes: HashMap::from([("site".to_string(), format!("f{}", i % 4))]),
                ..Thing::new(&name)
            })
            .with_certificate_record(Certificate {
                not_before: Some(0),
                not_after: Some(86_400 * 10),
                ..Certificate::new(&cert_id(i as u32), CertificateStatus::Active)
            })
            .with_principal(&name, &arn)
            .with_policy_on("P", &arn);
        if i % 2 == 0 {
            account = account.with_member(&name, "Evens");
        }
    }
    let account = account.with_shadow(
        "x-01",
        serde_json::json!({"state": {"reported": {"t": 1}}, "version": 2}),
    );
    let f = Arc::new(Fake::new(account).page_size(page));
    let mut inv = Inventory::new(f.clone(), f.clone(), f.clone());
    inv.now = || 0;
    (inv, f)
}

/// Follows next cursors to the end and returns every name seen, in order.
async fn walk(inv: &Inventory, mut q: DeviceQuery) -> Vec<String> {
    let mut names = vec![];
    for _ in 0..100 {
        let page = inv.list_devices(&q).await.unwrap();
        assert!(page.rows.len() <= q.page_size as usize);
        names.extend(page.rows.into_iter().map(|r| r.name));
        match page.next_cursor {
            Some(c) => q.cursor = c,
            None => return names,
        }
    }
    panic!("paging did not end");
}

#[tokio::test]
async fn pages_through_everything_once() {
    let inv = fleet(23);
    let names = walk(
        &inv,
        DeviceQuery {
            page_size: 10,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(names.len(), 23);
    let mut dedup = names.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), 23, "no device twice");
}

#[tokio::test]
async fn prefix_filter_pages_across_aws_pages() {
    let inv = fleet(40);
    let names = walk(
        &inv,
        DeviceQuery {
            name_prefix: "s-".into(),
            page_size: 10,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(names.len(), 20);
    assert!(names.iter().all(|n| n.starts_with("s-")));
}

#[tokio::test]
async fn group_filter_combines_with_type_and_attribute() {
    let inv = fleet(24);
    let q = DeviceQuery {
        group: "Evens".into(),
        thing_type: "Cam".into(),
        attribute: "site=f2".into(),
        page_size: 10,
        ..Default::default()
    };
    let names = walk(&inv, q).await;
    // Even, divisible by 3, and i % 4 == 2: 6, 18.
    assert_eq!(names, vec!["s-06", "s-18"]);
}

#[tokio::test]
async fn group_pages_describe_only_what_they_show_a_few_at_a_time() {
    // 100 group members in one AWS page; a page of 10 must not describe all 100 (measured on
    // the emulator: 100 describes at once overflowed its backlog and timed out).
    let (inv, fake) = fleet_paged(200, 100);
    let q = DeviceQuery {
        group: "Evens".into(),
        page_size: 10,
        ..Default::default()
    };
    let page = inv.list_devices(&q).await.unwrap();
    assert_eq!(page.rows.len(), 10);
    let describes = fake.count("DescribeThing");
    assert!(
        describes <= 10 + CONCURRENCY,
        "{describes} describes for 10 rows"
    );
    let max = fake.max_in_flight("DescribeThing");
    assert!(max <= CONCURRENCY, "{max} describes at once");
    // The cursor resumes right after the last row shown.
    let next = inv
        .list_devices(&DeviceQuery {
            cursor: page.next_cursor.unwrap(),
            ..q
        })
        .await
        .unwrap();
    assert_eq!(next.rows[0].name, "s-22");
}

#[tokio::test]
async fn unknown_group_is_a_clear_not_found() {
    let inv = fleet(3);
    let err = inv
        .list_devices(&DeviceQuery {
            group: "Nope".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::NotFound(ref m) if m.contains("Nope")),
        "{err:?}"
    );
}

#[tokio::test]
async fn rows_carry_certificates_policies_and_groups() {
    let inv = fleet(2);
    let page = inv.list_devices(&DeviceQuery::default()).await.unwrap();
    let row = page.rows.iter().find(|r| r.name == "s-02").unwrap();
    assert_eq!(row.groups, vec!["Evens"]);
    assert_eq!(row.policies, vec!["P"]);
    assert_eq!(row.certificates[0].status, CertificateStatus::Active);
    assert_eq!(row.certificates[0].days_left, Some(10));
    assert_eq!(
        row.certificates[0].not_after.as_deref(),
        Some("1970-01-11T00:00:00Z")
    );
}

#[tokio::test]
async fn detail_has_documents_and_shadow() {
    let inv = fleet(2);
    let d = inv
        .device_detail("s-02", Documents::Included)
        .await
        .unwrap();
    assert_eq!(d.certificates.len(), 1);
    assert!(d.certificates[0].policies[0]
        .document
        .as_deref()
        .unwrap()
        .contains("\"Version\""));
    assert!(d.shadow.is_none());
    let shadow = inv
        .device_detail("x-01", Documents::Included)
        .await
        .unwrap()
        .shadow
        .unwrap();
    assert_eq!(shadow.version, Some(2));
    // Withheld: the policies are named, but neither their documents nor the shadow are read.
    let d = inv
        .device_detail("x-01", Documents::Withheld)
        .await
        .unwrap();
    assert!(d.documents_withheld && d.shadow.is_none());
    assert!(d
        .certificates
        .iter()
        .flat_map(|c| &c.policies)
        .all(|p| p.document.is_none()));
    assert!(
        !d.certificates.iter().all(|c| c.policies.is_empty()),
        "the names remain"
    );
    let err = inv
        .device_detail("missing", Documents::Included)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound(_)));
    let err = inv
        .device_detail("bad name", Documents::Included)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)));
}

#[tokio::test]
async fn invalid_queries_are_refused_before_any_call() {
    let inv = fleet(1);
    let err = inv
        .list_devices(&DeviceQuery {
            attribute: "oops".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)));
}
