//! The service over an in-memory fleet that pages like AWS (small pages, to cross many).

use super::*;
use crate::server::aws::{
    CertificateListing, Page, PolicyRecord, ThingGroupRecord, ThingTypeRecord,
};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

struct FakeFleet {
    things: Vec<ThingRecord>,
    groups: HashMap<String, Vec<String>>,
    /// AWS page size of this fake; small, to cross many pages.
    page: usize,
    describes: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

fn page_of<T: Clone>(all: &[T], token: Option<&str>, page: usize) -> Page<T> {
    let start: usize = token.map(|t| t.parse().unwrap()).unwrap_or(0);
    let end = (start + page).min(all.len());
    Page {
        items: all[start..end].to_vec(),
        next_token: (end < all.len()).then(|| end.to_string()),
    }
}

#[async_trait]
impl ThingRegistry for FakeFleet {
    async fn list_things(
        &self,
        f: &ThingFilter,
        token: Option<&str>,
    ) -> Result<Page<ThingRecord>, AwsError> {
        let all: Vec<ThingRecord> = self
            .things
            .iter()
            .filter(|t| {
                f.thing_type
                    .as_ref()
                    .is_none_or(|ty| t.thing_type.as_ref() == Some(ty))
            })
            .filter(|t| {
                f.attribute
                    .as_ref()
                    .is_none_or(|(k, v)| t.attributes.get(k) == Some(v))
            })
            .cloned()
            .collect();
        Ok(page_of(&all, token, self.page))
    }
    async fn list_things_in_group(
        &self,
        group: &str,
        token: Option<&str>,
    ) -> Result<Page<String>, AwsError> {
        let members = self
            .groups
            .get(group)
            .ok_or_else(|| AwsError::not_found("no group"))?;
        Ok(page_of(members, token, self.page))
    }
    async fn describe_thing(&self, name: &str) -> Result<ThingRecord, AwsError> {
        self.describes.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::task::yield_now().await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.things
            .iter()
            .find(|t| t.name == name)
            .cloned()
            .ok_or_else(|| AwsError::not_found("no thing"))
    }
    async fn groups_of_thing(&self, name: &str) -> Result<Vec<String>, AwsError> {
        Ok(self
            .groups
            .iter()
            .filter(|(_, m)| m.iter().any(|n| n == name))
            .map(|(g, _)| g.clone())
            .collect())
    }
    async fn principals_of_thing(&self, name: &str) -> Result<Vec<String>, AwsError> {
        Ok(vec![format!(
            "arn:aws:iot:us-east-1:123456789012:cert/c-{name}"
        )])
    }
    async fn list_thing_types(&self) -> Result<Vec<ThingTypeRecord>, AwsError> {
        Ok(vec![])
    }
    async fn list_thing_groups(&self) -> Result<Vec<ThingGroupRecord>, AwsError> {
        Ok(vec![])
    }
}

#[async_trait]
impl CertificateDirectory for FakeFleet {
    // The inventory never lists certificates.
    async fn list_certificates(
        &self,
        _token: Option<&str>,
    ) -> Result<Page<CertificateListing>, AwsError> {
        Err(AwsError::not_found(
            "the inventory does not list certificates",
        ))
    }
    async fn describe_certificate(&self, id: &str) -> Result<CertificateRecord, AwsError> {
        Ok(CertificateRecord {
            id: id.into(),
            arn: format!("arn:aws:iot:us-east-1:123456789012:cert/{id}"),
            status: "ACTIVE".into(),
            not_before: Some(0),
            not_after: Some(86_400 * 10),
            pem: None,
        })
    }
    async fn policies_of_principal(&self, _arn: &str) -> Result<Vec<String>, AwsError> {
        Ok(vec!["P".into()])
    }
    async fn get_policy(&self, name: &str) -> Result<PolicyRecord, AwsError> {
        Ok(PolicyRecord {
            name: name.into(),
            document: r#"{"Version":"2012-10-17"}"#.into(),
            default_version: Some("1".into()),
        })
    }
}

#[async_trait]
impl ShadowReader for FakeFleet {
    async fn classic_shadow(&self, thing: &str) -> Result<Option<serde_json::Value>, AwsError> {
        Ok((thing == "s-01")
            .then(|| serde_json::json!({"state": {"reported": {"t": 1}}, "version": 2})))
    }
}

fn fleet(n: usize) -> Inventory {
    fleet_paged(n, 3).0
}

fn fleet_paged(n: usize, page: usize) -> (Inventory, Arc<FakeFleet>) {
    let things: Vec<ThingRecord> = (1..=n)
        .map(|i| ThingRecord {
            name: if i % 2 == 0 {
                format!("s-{i:02}")
            } else {
                format!("x-{i:02}")
            },
            arn: Some(format!("arn:thing/{i}")),
            thing_type: Some(if i % 3 == 0 { "Cam" } else { "Sensor" }.into()),
            attributes: HashMap::from([("site".to_string(), format!("f{}", i % 4))]),
            version: Some(1),
        })
        .collect();
    let evens = things
        .iter()
        .filter(|t| t.name.starts_with("s-"))
        .map(|t| t.name.clone())
        .collect();
    let f = Arc::new(FakeFleet {
        things,
        groups: HashMap::from([("Evens".to_string(), evens)]),
        page,
        describes: AtomicUsize::new(0),
        in_flight: AtomicUsize::new(0),
        max_in_flight: AtomicUsize::new(0),
    });
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
    let describes = fake.describes.load(Ordering::SeqCst);
    assert!(
        describes <= 10 + CONCURRENCY,
        "{describes} describes for 10 rows"
    );
    let max = fake.max_in_flight.load(Ordering::SeqCst);
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
    assert_eq!(row.certificates[0].status, "ACTIVE");
    assert_eq!(row.certificates[0].days_left, Some(10));
    assert_eq!(
        row.certificates[0].not_after.as_deref(),
        Some("1970-01-11T00:00:00Z")
    );
}

#[tokio::test]
async fn detail_has_documents_and_shadow() {
    let inv = fleet(2);
    let d = inv.device_detail("s-02").await.unwrap();
    assert_eq!(d.certificates.len(), 1);
    assert!(d.certificates[0].policies[0]
        .document
        .contains("\"Version\""));
    assert!(d.shadow.is_none());
    let err = inv.device_detail("missing").await.unwrap_err();
    assert!(matches!(err, ServiceError::NotFound(_)));
    let err = inv.device_detail("bad name").await.unwrap_err();
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
