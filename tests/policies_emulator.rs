//! The policy service through the real AWS SDK against the local emulator. Each test makes
//! its own policy, certificate and thing (unique names), so it can run against a stack that
//! is in use, and removes them at the end.

mod common;

use aws_sdk_iot::Client;
use iot_warden::domain::policies::engine::Decision;
use iot_warden::server::aws::SdkIot;
use iot_warden::server::policies::Policies;
use iot_warden::server::service_error::ServiceError;
use std::sync::Arc;

const SENSOR_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}","Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},{"Effect":"Allow","Action":"iot:Publish","Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/status"]}]}"#;
/// The same, without the status topic.
const NARROWER: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}","Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry"}]}"#;

/// A policy attached to a certificate attached to a thing, all new.
struct Fixture {
    client: Client,
    policies: Policies,
    policy: String,
    thing: String,
    cert_arn: String,
    cert_id: String,
}

impl Fixture {
    async fn new(tag: &str) -> Fixture {
        let sdk = common::emulator_sdk().await;
        let client = Client::new(&sdk);
        let unique = common::unique_name(tag);
        let policy = format!("WardenTestPolicy-{unique}");
        let thing = format!("warden-test-{unique}");
        client
            .create_policy()
            .policy_name(&policy)
            .policy_document(SENSOR_POLICY)
            .send()
            .await
            .expect("create policy");
        let keys = client
            .create_keys_and_certificate()
            .set_as_active(true)
            .send()
            .await
            .expect("create certificate");
        let cert_arn = keys.certificate_arn().unwrap().to_string();
        let cert_id = keys.certificate_id().unwrap().to_string();
        client
            .create_thing()
            .thing_name(&thing)
            .attribute_payload(
                aws_sdk_iot::types::AttributePayload::builder()
                    .attributes("location", "lab-7")
                    .build(),
            )
            .send()
            .await
            .expect("create thing");
        client
            .attach_policy()
            .policy_name(&policy)
            .target(&cert_arn)
            .send()
            .await
            .expect("attach policy");
        client
            .attach_thing_principal()
            .thing_name(&thing)
            .principal(&cert_arn)
            .send()
            .await
            .expect("attach thing");
        let iot = Arc::new(SdkIot::new(&sdk));
        Fixture {
            client,
            policies: Policies::new(iot.clone(), iot.clone(), iot.clone(), iot),
            policy,
            thing,
            cert_arn,
            cert_id,
        }
    }

    /// Best effort: a failed clean-up must not hide the test's own result.
    async fn remove(self) {
        let c = &self.client;
        let _ = c
            .detach_thing_principal()
            .thing_name(&self.thing)
            .principal(&self.cert_arn)
            .send()
            .await;
        let _ = c
            .detach_policy()
            .policy_name(&self.policy)
            .target(&self.cert_arn)
            .send()
            .await;
        let _ = c
            .update_certificate()
            .certificate_id(&self.cert_id)
            .new_status(aws_sdk_iot::types::CertificateStatus::Inactive)
            .send()
            .await;
        let _ = c
            .delete_certificate()
            .certificate_id(&self.cert_id)
            .send()
            .await;
        let _ = c.delete_thing().thing_name(&self.thing).send().await;
        if let Ok(v) = c
            .list_policy_versions()
            .policy_name(&self.policy)
            .send()
            .await
        {
            for v in v
                .policy_versions()
                .iter()
                .filter(|v| !v.is_default_version())
            {
                let _ = c
                    .delete_policy_version()
                    .policy_name(&self.policy)
                    .policy_version_id(v.version_id().unwrap_or_default())
                    .send()
                    .await;
            }
        }
        let _ = c.delete_policy().policy_name(&self.policy).send().await;
    }
}

#[tokio::test]
async fn versions_are_created_rolled_back_and_deleted_within_the_limit() {
    let f = Fixture::new("versions").await;
    let p = &f.policies;

    let detail = p.detail(&f.policy).await.unwrap();
    assert_eq!(detail.versions.len(), 1);
    assert!(detail.versions[0].is_default);
    assert_eq!(detail.targets.len(), 1);
    assert_eq!(
        detail.targets[0].certificate_id.as_deref(),
        Some(f.cert_id.as_str())
    );
    assert_eq!(detail.targets[0].things, vec![f.thing.clone()]);
    assert!(
        detail.arn.ends_with(&format!(":policy/{}", f.policy)),
        "{}",
        detail.arn
    );

    // An invalid document never reaches AWS.
    let err = p
        .create_version(&f.policy, r#"{"Statement":[]}"#, true)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");

    let v2 = p.create_version(&f.policy, NARROWER, true).await.unwrap();
    let detail = p.detail(&f.policy).await.unwrap();
    assert_eq!(detail.versions.len(), 2);
    assert_eq!(
        detail.default_version().unwrap().id,
        v2,
        "newest first and default"
    );
    assert_eq!(detail.versions[0].id, v2);
    assert!(detail
        .default_version()
        .unwrap()
        .document
        .contains("telemetry"));
    assert!(!detail
        .default_version()
        .unwrap()
        .document
        .contains("status"));

    // Roll back: the first version becomes the default again.
    let v1 = detail.versions[1].id.clone();
    p.set_default(&f.policy, &v1).await.unwrap();
    assert_eq!(
        p.detail(&f.policy)
            .await
            .unwrap()
            .default_version()
            .unwrap()
            .id,
        v1
    );

    // The default cannot be deleted; an old version can.
    let err = p.delete_version(&f.policy, &v1).await.unwrap_err();
    assert!(
        matches!(err, ServiceError::Invalid(ref m) if m.contains("default")),
        "{err:?}"
    );
    p.delete_version(&f.policy, &v2).await.unwrap();
    assert_eq!(p.detail(&f.policy).await.unwrap().versions.len(), 1);
    let err = p.delete_version(&f.policy, &v2).await.unwrap_err();
    assert!(matches!(err, ServiceError::NotFound(_)), "{err:?}");

    // Five versions at most: the sixth is refused with what to do.
    for _ in 0..4 {
        p.create_version(&f.policy, SENSOR_POLICY, false)
            .await
            .unwrap();
    }
    let err = p
        .create_version(&f.policy, SENSOR_POLICY, false)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::Invalid(ref m) if m.contains("delete an old version")),
        "{err:?}"
    );

    let err = p.detail("NoSuchPolicyHere").await.unwrap_err();
    assert!(
        matches!(err, ServiceError::NotFound(ref m) if m.contains("NoSuchPolicyHere")),
        "{err:?}"
    );
    f.remove().await;
}

#[tokio::test]
async fn the_simulator_gets_the_device_context_and_its_policies() {
    let f = Fixture::new("simulate").await;
    let d = f.policies.simulation_device(&f.thing).await.unwrap();
    assert_eq!(
        d.context["iot:Connection.Thing.ThingName"],
        vec![f.thing.clone()]
    );
    assert_eq!(
        d.context["iot:Connection.Thing.Attributes[location]"],
        vec!["lab-7"]
    );
    assert!(
        d.context
            .contains_key("iot:Certificate.Subject.CommonName.List")
            || d.context.keys().any(|k| k.starts_with("iot:Certificate.")),
        "certificate variables: {:?}",
        d.context.keys()
    );
    assert_eq!(d.certificate_id.as_deref(), Some(f.cert_id.as_str()));
    assert_eq!(d.policies.len(), 1);
    assert_eq!(d.policies[0].name, f.policy);
    assert_eq!(d.policies[0].document, SENSOR_POLICY);
    assert_eq!(
        d.account.len(),
        12,
        "account from the certificate ARN: {}",
        d.account
    );
    let err = f
        .policies
        .simulation_device("no-such-thing-anywhere")
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound(_)), "{err:?}");
    f.remove().await;
}

#[tokio::test]
async fn impact_preview_lists_the_requests_a_draft_takes_away() {
    let f = Fixture::new("impact").await;
    let out = f.policies.impact(&f.policy, NARROWER).await.unwrap();
    assert!(!out.truncated);
    assert_eq!(out.report.devices, 1);
    let status_topic = format!("topic/sensors/{}/status", f.thing);
    let change = out
        .report
        .changes
        .iter()
        .find(|c| c.resource.ends_with(&status_topic))
        .unwrap_or_else(|| panic!("the status topic is lost: {:?}", out.report.changes));
    assert_eq!(change.thing_name, f.thing);
    assert_eq!(change.action, "iot:Publish");
    assert_eq!(
        (change.before, change.after),
        (Decision::Allowed, Decision::ImplicitDeny)
    );
    assert!(
        out.report
            .changes
            .iter()
            .all(|c| !c.resource.ends_with("/telemetry")),
        "telemetry stays allowed: {:?}",
        out.report.changes
    );

    let same = f.policies.impact(&f.policy, SENSOR_POLICY).await.unwrap();
    assert!(same.report.changes.is_empty(), "{:?}", same.report.changes);
    let err = f.policies.impact(&f.policy, "{not json").await.unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    f.remove().await;
}

/// The policy pages and server functions through the console's router, as the browser uses
/// them: a page rendered on the server, then a change made through a server function.
#[tokio::test]
async fn pages_and_server_functions_show_and_change_versions() {
    use axum::body::Body;
    use axum::http::{header, Request};
    use iot_warden::domain::roles::Role;

    let f = Fixture::new("pages").await;
    let app = common::TestApp::new().await;
    let admin = app.session_for("admin", Some(Role::Admin), 0).await;
    let auditor = app.session_for("auditor", Some(Role::Auditor), 0).await;
    let page = |cookie: String, path: String| {
        let req = Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        let app = &app;
        async move {
            let res = app.send(req).await;
            (res.status().as_u16(), common::body_text(res).await)
        }
    };

    // The list and the policy page render whole on the server.
    let (status, html) = page(auditor.clone(), "/policies".into()).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!(r#"data-policy="{}""#, f.policy)),
        "the list names the policy"
    );
    let (status, html) = page(auditor.clone(), format!("/policies/{}", f.policy)).await;
    assert_eq!(status, 200);
    assert_eq!(html.matches(r#"class="version""#).count(), 1, "one version");
    assert!(html.contains(&f.thing), "targets name the thing");
    assert!(
        !html.contains(r#"id="edit-policy""#),
        "auditors get no edit link"
    );

    // An admin saves a version through the server function; the page shows it as default.
    let body = format!(
        "name={}&document={}&set_as_default=true",
        f.policy,
        iot_warden::domain::inventory::percent_encode(NARROWER)
    );
    let (status, id) = app
        .call("/api/create_policy_version", &body, Some(&admin))
        .await;
    assert_eq!(status, 200, "{id}");
    let id: String = serde_json::from_str(&id).unwrap();
    let (_, html) = page(admin.clone(), format!("/policies/{}", f.policy)).await;
    assert_eq!(html.matches(r#"class="version""#).count(), 2);
    assert!(
        html.contains(&format!(r#"data-version="{id}" data-default="true""#)),
        "new default"
    );
    assert!(
        html.contains(r#"id="edit-policy""#),
        "admins get the edit link"
    );

    // The auditor may not undo it; the admin may.
    let back = format!("name={}&version=1", f.policy);
    let (status, _) = app
        .call("/api/set_default_policy_version", &back, Some(&auditor))
        .await;
    assert_eq!(status, 403);
    let (status, body) = app
        .call("/api/set_default_policy_version", &back, Some(&admin))
        .await;
    assert_eq!((status, body.as_str()), (200, r#""1""#));
    let (status, body) = app
        .call(
            "/api/delete_policy_version",
            &format!("name={}&version=1", f.policy),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 400, "the default cannot be deleted: {body}");
    assert!(body.contains("default"), "{body}");
    f.remove().await;
}
