//! The inventory service through the real AWS SDK against the local emulator, seeded with
//! the demo fleet by `stack/seed.py`.

mod common;

use iot_warden::domain::certificates::status::CertificateStatus;
use iot_warden::domain::inventory::DeviceQuery;
use iot_warden::server::aws::{
    AwsErrorKind, CertificateDirectory, SdkIot, SdkShadows, ShadowReader, ThingRegistry,
};
use iot_warden::server::inventory::{Documents, Inventory};
use iot_warden::server::service_error::ServiceError;
use std::sync::Arc;

async fn inventory() -> Inventory {
    let sdk = common::emulator_sdk().await;
    let iot = Arc::new(SdkIot::new(&sdk));
    Inventory::new(iot.clone(), iot, Arc::new(SdkShadows::new(&sdk, None)))
}

fn q(f: impl FnOnce(&mut DeviceQuery)) -> DeviceQuery {
    let mut q = DeviceQuery {
        name_prefix: "sensor-".into(),
        ..Default::default()
    };
    f(&mut q);
    q
}

#[tokio::test]
async fn lists_the_seeded_sensors_with_certificates_and_policies() {
    let page = inventory().await.list_devices(&q(|_| {})).await.unwrap();
    let names: Vec<_> = page.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["sensor-001", "sensor-002", "sensor-003"]);
    for (i, row) in page.rows.iter().enumerate() {
        assert_eq!(row.thing_type.as_deref(), Some("IndustrialSensor"));
        assert!(row
            .attributes
            .contains(&("location".into(), format!("factory-00{}", i + 1))));
        assert!(row
            .attributes
            .contains(&("firmwareVersion".into(), "1.0.0".into())));
        assert_eq!(row.groups, ["IndustrialSensors"]);
        assert_eq!(row.policies, ["RestrictiveSensorPolicy"]);
        assert_eq!(row.certificates.len(), 1, "{}: one certificate", row.name);
        assert_eq!(row.certificates[0].status, CertificateStatus::Active);
        assert!(row.certificates[0].days_left.unwrap() > 0);
    }
}

#[tokio::test]
async fn filters_combine_and_page() {
    let inv = inventory().await;
    let page = inv
        .list_devices(&q(|q| q.attribute = "location=factory-002".into()))
        .await
        .unwrap();
    assert_eq!(
        page.rows
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        ["sensor-002"]
    );

    let page = inv
        .list_devices(&q(|q| q.group = "IndustrialSensors".into()))
        .await
        .unwrap();
    assert_eq!(page.rows.len(), 3);

    let page = inv
        .list_devices(&q(|q| q.thing_type = "NoSuchType".into()))
        .await;
    // AWS answers an unknown type with an empty list or a not-found; either way no rows.
    assert!(page.map(|p| p.rows.is_empty()).unwrap_or(true));

    let first = inv.list_devices(&q(|q| q.page_size = 10)).await.unwrap();
    assert!(first.next_cursor.is_none(), "three sensors fit one page");

    let err = inv
        .list_devices(&q(|q| q.group = "NoSuchGroup".into()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::NotFound(ref m) if m.contains("NoSuchGroup")),
        "{err:?}"
    );
}

#[tokio::test]
async fn detail_shows_policy_document_real_validity_and_shadow() {
    let d = inventory()
        .await
        .device_detail("sensor-001", Documents::Included)
        .await
        .unwrap();
    assert_eq!(d.certificates.len(), 1);
    let cert = &d.certificates[0];
    let facts = cert.facts.as_ref().expect("the PEM parses");
    // DescribeCertificate's validity is the certificate's own (our emulator extension fixes
    // moto's now ± 1 day).
    assert_eq!(cert.not_after.as_deref(), Some(facts.not_after.as_str()));
    assert_eq!(cert.not_before.as_deref(), Some(facts.not_before.as_str()));
    assert_eq!(cert.policies[0].name, "RestrictiveSensorPolicy");
    assert!(cert.policies[0]
        .document
        .as_deref()
        .unwrap()
        .contains("${iot:Connection.Thing.ThingName}"));
    let shadow = d.shadow.expect("sensor-001 has a shadow");
    assert!(shadow.delta.is_some(), "desired differs from reported");
}

#[tokio::test]
async fn csr_certificate_carries_the_devices_own_ec_key() {
    let d = inventory()
        .await
        .device_detail("sensor-003", Documents::Included)
        .await
        .unwrap();
    let facts = d.certificates[0].facts.as_ref().unwrap();
    assert_eq!(facts.key_algorithm, "EC P-256");
    assert!(
        facts.issuer.contains("Amazon Web Services"),
        "{}",
        facts.issuer
    );
}

#[tokio::test]
async fn missing_things_are_clear_not_found_errors() {
    let sdk = common::emulator_sdk().await;
    let iot = SdkIot::new(&sdk);
    let err = iot.describe_thing("does-not-exist-42").await.unwrap_err();
    assert_eq!(err.kind, AwsErrorKind::NotFound);
    assert_eq!(err.message, "Thing does-not-exist-42 does not exist");
    let err = iot.get_policy("NoSuchPolicy").await.unwrap_err();
    assert_eq!(err.kind, AwsErrorKind::NotFound);
    let shadows = SdkShadows::new(&sdk, None);
    assert_eq!(
        shadows.classic_shadow("sensor-003").await.unwrap(),
        None,
        "no shadow is not an error"
    );
    let types = iot.list_thing_types().await.unwrap();
    assert!(types.iter().any(|t| t.name == "IndustrialSensor"));
    let groups = iot.list_thing_groups(1000).await.unwrap();
    assert!(groups.iter().any(|g| g.name == "IndustrialSensors"));
    // Bounded listings answer at most one more than asked, so the caller learns of the rest.
    use iot_warden::server::aws::PolicyStore;
    let all_policies = iot.list_policies(100_000).await.unwrap();
    assert!(
        all_policies.len() >= 2,
        "the stack has the seeded policy and the tests' own"
    );
    assert_eq!(iot.list_policies(0).await.unwrap().len(), 1);
    assert_eq!(iot.list_policies(1).await.unwrap().len(), 2);
    let names = iot.thing_group_names(100_000).await.unwrap();
    assert!(names.contains(&"IndustrialSensors".to_string()));
    if names.len() >= 2 {
        assert_eq!(iot.thing_group_names(0).await.unwrap().len(), 1);
        assert_eq!(iot.list_thing_groups(0).await.unwrap().len(), 1);
    }
    let err = inventory()
        .await
        .device_detail("does-not-exist-42", Documents::Included)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound(_)));
}
