//! The certificates service through the real AWS SDK against the local emulator: the list
//! with its filters and attachments, one device's certificates, and the status changes, with
//! revocation final.

mod common;

use aws_sdk_iot::Client;
use iot_warden::domain::certificates::listing::{CertificateQuery, StatusChange};
use iot_warden::domain::certificates::status::CertificateStatus;
use iot_warden::server::aws::SdkIot;
use iot_warden::server::certificates::Certificates;
use iot_warden::server::service_error::ServiceError;
use std::sync::Arc;

fn query(expiring_within: &str, older_than: &str) -> CertificateQuery {
    CertificateQuery {
        expiring_within: expiring_within.into(),
        older_than: older_than.into(),
        ..CertificateQuery::default()
    }
}

fn of_thing(thing: &str, older_than: &str) -> CertificateQuery {
    CertificateQuery {
        thing: thing.into(),
        older_than: older_than.into(),
        ..CertificateQuery::default()
    }
}

#[tokio::test]
async fn lists_filters_and_changes_status_with_revocation_final() {
    let sdk = common::emulator_sdk().await;
    let client = Client::new(&sdk);
    let iot = Arc::new(SdkIot::new(&sdk));
    let service = Certificates::new(iot.clone(), iot.clone(), iot.clone(), iot);
    let thing = common::unique_name("warden-cert-test");
    client
        .create_thing()
        .thing_name(&thing)
        .send()
        .await
        .expect("thing");
    let keys = client
        .create_keys_and_certificate()
        .set_as_active(true)
        .send()
        .await
        .expect("certificate");
    let (id, arn) = (
        keys.certificate_id().unwrap().to_string(),
        keys.certificate_arn().unwrap().to_string(),
    );
    client
        .attach_thing_principal()
        .thing_name(&thing)
        .principal(&arn)
        .send()
        .await
        .expect("attach");

    // Newest first: the new certificate is on the first page, with its thing and facts.
    let page = service.list(&query("", "")).await.unwrap();
    let row = page
        .rows
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("new certificate on the first page: {:?}", page.rows));
    assert_eq!(row.status, CertificateStatus::Active);
    assert_eq!(row.things, vec![thing.clone()]);
    assert_eq!(row.age_days, Some(0));
    assert!(row.days_left.is_some_and(|d| d > 30), "{:?}", row.days_left);
    assert!(
        row.key.as_deref().is_some_and(|k| k.starts_with("RSA")),
        "{:?}",
        row.key
    );
    assert!(row.issuer.is_some());

    // One device's certificates: on one page however large the fleet, with the same facts;
    // the other filters still apply; a device that does not exist is said to be missing.
    let mine = service.list(&of_thing(&thing, "")).await.unwrap();
    assert_eq!(
        mine.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [id.as_str()]
    );
    assert_eq!(mine.next_cursor, None);
    assert_eq!(&mine.rows[0], row, "the same row as in the whole list");
    let none_old = service.list(&of_thing(&thing, "1")).await.unwrap();
    assert!(none_old.rows.is_empty(), "{:?}", none_old.rows);
    let err = service
        .list(&of_thing(&common::unique_name("warden-no-such"), ""))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::NotFound(ref m) if m.contains("no device")),
        "{err:?}"
    );
    let err = service.list(&of_thing("a/b", "")).await.unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");

    // Filters: it is not older than a day, and not expiring within 30 days; within a
    // century it is.
    let old = service.list(&query("", "1")).await.unwrap();
    assert!(old
        .rows
        .iter()
        .all(|r| r.id != id && r.age_days.unwrap() > 1));
    let soon = service.list(&query("30", "")).await.unwrap();
    assert!(soon
        .rows
        .iter()
        .all(|r| r.id != id && r.days_left.unwrap() <= 30));
    let century = service.list(&query("36500", "")).await.unwrap();
    assert!(century.rows.iter().any(|r| r.id == id));
    let err = service.list(&query("soon", "")).await.unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");

    // Deactivate, activate, revoke; then nothing more.
    assert_eq!(
        service
            .change_status(&id, StatusChange::Deactivate)
            .await
            .unwrap()
            .status,
        CertificateStatus::Inactive
    );
    assert_eq!(
        service
            .change_status(&id, StatusChange::Activate)
            .await
            .unwrap()
            .status,
        CertificateStatus::Active
    );
    assert_eq!(
        service
            .change_status(&id, StatusChange::Revoke)
            .await
            .unwrap()
            .status,
        CertificateStatus::Revoked
    );
    let err = service
        .change_status(&id, StatusChange::Activate)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::Invalid(ref m) if m.contains("final")),
        "{err:?}"
    );
    let described = client
        .describe_certificate()
        .certificate_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        described
            .certificate_description()
            .unwrap()
            .status()
            .unwrap()
            .as_str(),
        "REVOKED"
    );
    let err = service
        .change_status("f00", StatusChange::Revoke)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    let err = service
        .change_status(&"a".repeat(64), StatusChange::Revoke)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound(_)), "{err:?}");

    // Clean up, best effort.
    let _ = client
        .detach_thing_principal()
        .thing_name(&thing)
        .principal(&arn)
        .send()
        .await;
    let _ = client.delete_certificate().certificate_id(&id).send().await;
    let _ = client.delete_thing().thing_name(&thing).send().await;
}
