//! Every server function × {anonymous, no role, auditor, onboarding, admin}. The table below
//! must name every registered server function: a new one without an entry (and so, likely,
//! without a check) fails this suite.

mod common;

use axum::body::Body;
use axum::http::{header, Request};
use common::{body_text, TestApp, ORIGIN};
use iot_warden::domain::roles::Role;
use iot_warden::server::http::SESSION_COOKIE;

/// Who may call what. `None` in the role column means "signed in without a role". A body
/// that starts with `{` is sent as JSON (server functions taking structured input).
struct Expect {
    path: &'static str,
    body: &'static str,
    anonymous: u16,
    no_role: u16,
    /// Status for auditor, onboarding, admin.
    roles: [u16; 3],
}

const TABLE: &[Expect] = &[
    // Says only who the caller is, so it answers everybody.
    Expect {
        path: "/api/current_viewer",
        body: "",
        anonymous: 200,
        no_role: 200,
        roles: [200, 200, 200],
    },
    Expect {
        path: "/api/list_devices",
        body: "",
        anonymous: 401,
        no_role: 403,
        roles: [200, 200, 200],
    },
    Expect {
        path: "/api/get_device",
        body: "name=sensor-001",
        anonymous: 401,
        no_role: 403,
        roles: [200, 200, 200],
    },
    Expect {
        path: "/api/list_thing_types",
        body: "",
        anonymous: 401,
        no_role: 403,
        roles: [200, 200, 200],
    },
    Expect {
        path: "/api/list_thing_groups",
        body: "",
        anonymous: 401,
        no_role: 403,
        roles: [200, 200, 200],
    },
    // Policies: admins and auditors read them; onboarding staff do not.
    Expect {
        path: "/api/list_policies",
        body: "",
        anonymous: 401,
        no_role: 403,
        roles: [200, 403, 200],
    },
    Expect {
        path: "/api/get_policy",
        body: "name=RestrictiveSensorPolicy",
        anonymous: 401,
        no_role: 403,
        roles: [200, 403, 200],
    },
    Expect {
        path: "/api/load_simulation_device",
        body: "thing=sensor-001",
        anonymous: 401,
        no_role: 403,
        roles: [200, 403, 200],
    },
    // Changes: admins only. The admin's call carries input the service refuses (400), so the
    // matrix proves the guard without changing the emulator's policies.
    Expect {
        path: "/api/create_policy_version",
        body: "name=RestrictiveSensorPolicy&document=%7B%7D",
        anonymous: 401,
        no_role: 403,
        roles: [403, 403, 400],
    },
    Expect {
        path: "/api/set_default_policy_version",
        body: "name=RestrictiveSensorPolicy&version=not-a-version",
        anonymous: 401,
        no_role: 403,
        roles: [403, 403, 400],
    },
    Expect {
        path: "/api/delete_policy_version",
        body: "name=RestrictiveSensorPolicy&version=not-a-version",
        anonymous: 401,
        no_role: 403,
        roles: [403, 403, 400],
    },
    // Certificates: auditors read the list; only admins change anything.
    Expect {
        path: "/api/list_certificates",
        body: "",
        anonymous: 401,
        no_role: 403,
        roles: [200, 403, 200],
    },
    Expect {
        path: "/api/change_certificate_status",
        body: "id=not-a-certificate&change=Revoke",
        anonymous: 401,
        no_role: 403,
        roles: [403, 403, 400],
    },
    Expect {
        path: "/api/preview_policy_impact",
        body: "name=RestrictiveSensorPolicy&draft=not-json",
        anonymous: 401,
        no_role: 403,
        roles: [403, 403, 400],
    },
    // Onboarding: onboarding staff and admins. Refused input (400) proves the guard let the
    // call through without creating anything.
    Expect {
        path: "/api/onboarding_catalog",
        body: "",
        anonymous: 401,
        no_role: 403,
        roles: [403, 200, 200],
    },
    Expect {
        path: "/api/check_new_thing_name",
        body: "name=bad%20name!",
        anonymous: 401,
        no_role: 403,
        roles: [403, 400, 400],
    },
    Expect {
        path: "/api/taken_thing_names",
        body: "{\"names\":[\"sensor-001\"]}",
        anonymous: 401,
        no_role: 403,
        roles: [403, 200, 200],
    },
    Expect {
        path: "/api/device_policy_summary",
        body: "{\"policies\":[\"RestrictiveSensorPolicy\"],\"thing_name\":\"sensor-x\",\"profile\":\"industrial-sensor\"}",
        anonymous: 401,
        no_role: 403,
        roles: [403, 200, 200],
    },
    Expect {
        path: "/api/provision_device",
        body: "{\"run_id\":\"bad\",\"request\":{\"thing_name\":\"x\",\"thing_type\":null,\"attributes\":[],\"groups\":[],\"policies\":[],\"certificate\":\"AwsGenerated\"}}",
        anonymous: 401,
        no_role: 403,
        roles: [403, 400, 400],
    },
    Expect {
        path: "/api/device_run_status",
        body: "run_id=run-12345678",
        anonymous: 401,
        no_role: 403,
        roles: [403, 200, 200],
    },
    Expect {
        path: "/api/start_bulk_job",
        body: "{\"rows\":[],\"profile\":\"industrial-sensor\"}",
        anonymous: 401,
        no_role: 403,
        roles: [403, 400, 400],
    },
    Expect {
        path: "/api/bulk_job_status",
        body: "id=Bad",
        anonymous: 401,
        no_role: 403,
        roles: [403, 400, 400],
    },
    Expect {
        path: "/api/cancel_bulk_job",
        body: "id=Bad",
        anonymous: 401,
        no_role: 403,
        roles: [403, 400, 400],
    },
    Expect {
        path: "/api/resume_bulk_job",
        body: "id=Bad",
        anonymous: 401,
        no_role: 403,
        roles: [403, 400, 400],
    },
    Expect {
        path: "/api/bulk_job_result",
        body: "id=Bad",
        anonymous: 401,
        no_role: 403,
        roles: [403, 400, 400],
    },
    Expect {
        path: "/api/list_bulk_jobs",
        body: "",
        anonymous: 401,
        no_role: 403,
        roles: [403, 200, 200],
    },
    // Onboarding profiles: everyone with a role reads them; admins change them.
    Expect {
        path: "/api/list_onboarding_profiles",
        body: "",
        anonymous: 401,
        no_role: 403,
        roles: [200, 200, 200],
    },
    Expect {
        path: "/api/save_onboarding_profile",
        body: "{\"profile\":{\"name\":\"bad name!\"},\"version\":null}",
        anonymous: 401,
        no_role: 403,
        roles: [403, 403, 400],
    },
    Expect {
        path: "/api/delete_onboarding_profile",
        body: "name=bad%20name!&version=1",
        anonymous: 401,
        no_role: 403,
        roles: [403, 403, 400],
    },
    // Rotation and removal: admins only; refused input again.
    Expect {
        path: "/api/plan_certificate_rotation",
        body: "id=bad",
        anonymous: 401,
        no_role: 403,
        roles: [403, 403, 400],
    },
    Expect {
        path: "/api/rotate_certificate",
        body: "{\"run_id\":\"bad\",\"old_id\":\"x\",\"csr\":\"x\"}",
        anonymous: 401,
        no_role: 403,
        roles: [403, 403, 400],
    },
    Expect {
        path: "/api/plan_device_removal",
        body: "thing=bad%20name!",
        anonymous: 401,
        no_role: 403,
        roles: [403, 403, 400],
    },
    Expect {
        path: "/api/remove_device",
        body: "{\"run_id\":\"bad\",\"thing\":\"x\"}",
        anonymous: 401,
        no_role: 403,
        roles: [403, 403, 400],
    },
];

#[tokio::test]
async fn every_server_function_checks_the_role() {
    let app = TestApp::new().await;
    let registered: Vec<String> = server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_string())
        .collect();
    for path in &registered {
        assert!(
            TABLE.iter().any(|e| e.path == path),
            "server function {path} is not in the role matrix: add it, with its expected statuses"
        );
    }
    for e in TABLE {
        assert!(
            registered.iter().any(|p| p == e.path),
            "{} is in the matrix but not registered",
            e.path
        );
    }

    let no_role = app.session_for("nobody", None, 0).await;
    let by_role = [
        app.session_for("auditor", Some(Role::Auditor), 0).await,
        app.session_for("onboarder", Some(Role::Onboarding), 0)
            .await,
        app.session_for("admin", Some(Role::Admin), 0).await,
    ];
    for e in TABLE {
        let (status, body) = app.call(e.path, e.body, None).await;
        assert_eq!(status, e.anonymous, "anonymous → {}: {body}", e.path);
        let (status, body) = app.call(e.path, e.body, Some(&no_role)).await;
        assert_eq!(status, e.no_role, "no role → {}: {body}", e.path);
        if e.no_role == 403 {
            assert!(
                !body.contains("sensor-"),
                "a refusal must carry no fleet data: {body}"
            );
        }
        for (cookie, expected) in by_role.iter().zip(e.roles) {
            let (status, body) = app.call(e.path, e.body, Some(cookie)).await;
            assert_eq!(status, expected, "{cookie} → {}: {body}", e.path);
        }
    }
}

#[tokio::test]
async fn cross_origin_and_originless_posts_are_refused() {
    let app = TestApp::new().await;
    let admin = app.session_for("admin", Some(Role::Admin), 0).await;
    for origin in [Some("http://evil.example"), Some("null"), None] {
        let mut req = Request::post("/api/list_devices")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &admin);
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        let res = app.send(req.body(Body::empty()).unwrap()).await;
        assert_eq!(res.status().as_u16(), 403, "origin {origin:?}");
    }
    // Logout is a POST too: a cross-site form cannot sign the user out.
    let res = app
        .send(
            Request::post("/auth/logout")
                .header(header::ORIGIN, "http://evil.example")
                .header(header::COOKIE, &admin)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status().as_u16(), 403);
    let (status, _) = app.call("/api/list_devices", "", Some(&admin)).await;
    assert_eq!(status, 200, "the session survived the refused logout");
}

#[tokio::test]
async fn logout_destroys_the_session() {
    let app = TestApp::new().await;
    let admin = app.session_for("admin", Some(Role::Admin), 0).await;
    assert_eq!(app.call("/api/list_devices", "", Some(&admin)).await.0, 200);
    let res = app
        .send(
            Request::post("/auth/logout")
                .header(header::ORIGIN, ORIGIN)
                .header(header::COOKIE, &admin)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(
        app.call("/api/list_devices", "", Some(&admin)).await.0,
        401,
        "old cookie must be dead"
    );
}

#[tokio::test]
async fn sessions_end_after_their_absolute_lifetime() {
    let app = TestApp::new().await;
    // Default maximum is 12 hours.
    let old = app
        .session_for("admin", Some(Role::Admin), 12 * 3600 + 5)
        .await;
    assert_eq!(app.call("/api/list_devices", "", Some(&old)).await.0, 401);
    let fresh = app.session_for("admin", Some(Role::Admin), 11 * 3600).await;
    assert_eq!(app.call("/api/list_devices", "", Some(&fresh)).await.0, 200);
}

/// The idle timeout slides: a user active more often than the idle time stays signed in past
/// the record's first expiry; one who pauses longer is signed out. The planted records expire
/// in seconds (the configured idle time is one minute), so the test takes seconds.
#[tokio::test]
async fn activity_extends_the_idle_timeout_and_idleness_ends_the_session() {
    let app = TestApp::with_settings(&["--session-idle-minutes", "1"]).await;
    let three_seconds = || {
        app.session_expiring(
            "auditor",
            Some(Role::Auditor),
            0,
            time::Duration::seconds(3),
            SESSION_COOKIE,
        )
    };
    let (active, idle) = (three_seconds().await, three_seconds().await);
    // Six requests a second apart: twice past the first expiry.
    for i in 0..6 {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let (status, body) = app.call("/api/current_viewer", "", Some(&active)).await;
        assert!(
            status == 200 && body.contains("\"auditor\""),
            "request {i}: {status} {body}"
        );
        let expiry = app
            .session_expiry(&active)
            .await
            .expect("the session is held");
        let left = (expiry - time::OffsetDateTime::now_utc()).whole_seconds();
        assert!(
            (55..=60).contains(&left),
            "request {i}: expiry moved to {left} s from now"
        );
    }
    assert_eq!(
        app.call("/api/current_viewer", "", Some(&idle)).await.1,
        "null",
        "the session nobody used for longer than its idle time is over"
    );
    // The browser's cookie slides too.
    let res = app.current_viewer(ORIGIN, &active).await;
    let set = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        set.starts_with(&active) && set.contains("Max-Age=60"),
        "{set}"
    );
}

/// Under https the session cookie is `__Host-` (Secure, path /, no Domain).
#[tokio::test]
async fn under_https_the_session_cookie_is_host_only() {
    let app = TestApp::with_args(&[
        "--public-url",
        "https://console.example",
        "--oidc-issuer",
        "https://127.0.0.1:9",
        "--oidc-client-id",
        "test",
        "--oidc-client-secret",
        "test",
    ])
    .await;
    let cookie = app
        .session_expiring(
            "auditor",
            Some(Role::Auditor),
            0,
            time::Duration::hours(1),
            "__Host-warden_session",
        )
        .await;
    let res = app.current_viewer("https://console.example", &cookie).await;
    let set = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        set.starts_with("__Host-warden_session=")
            && set.contains("Secure")
            && set.contains("Path=/"),
        "{set}"
    );
    assert!(!set.contains("Domain"), "{set}");
    assert!(body_text(res).await.contains("\"auditor\""));
    // The plain name is not read under https.
    let plain = cookie.replacen("__Host-", "", 1);
    let res = app.current_viewer("https://console.example", &plain).await;
    assert_eq!(body_text(res).await, "null");
}

/// Data-level access: every role reads a device, but policy documents and the shadow go only
/// to roles that may read policies; auditors see certificates without the controls to change
/// them.
#[tokio::test]
async fn documents_and_certificate_controls_follow_the_role() {
    let app = TestApp::new().await;
    let onboarder = app
        .session_for("onboarder", Some(Role::Onboarding), 0)
        .await;
    let auditor = app.session_for("auditor", Some(Role::Auditor), 0).await;
    let admin = app.session_for("admin", Some(Role::Admin), 0).await;
    let device = |body: &str| -> serde_json::Value { serde_json::from_str(body).unwrap() };
    let (status, body) = app
        .call("/api/get_device", "name=sensor-001", Some(&onboarder))
        .await;
    assert_eq!(status, 200, "{body}");
    let d = device(&body);
    assert_eq!(d["documents_withheld"], true);
    assert!(d["shadow"].is_null(), "{body}");
    let policies = d["certificates"][0]["policies"].as_array().unwrap();
    assert!(
        !policies.is_empty() && policies.iter().all(|p| p["document"].is_null()),
        "{body}"
    );
    assert!(
        !body.contains("Statement") && !body.contains("iot:Publish"),
        "no document: {body}"
    );
    for reader in [&auditor, &admin] {
        let (_, body) = app
            .call("/api/get_device", "name=sensor-001", Some(reader))
            .await;
        let d = device(&body);
        assert_eq!(d["documents_withheld"], false);
        assert!(d["certificates"][0]["policies"][0]["document"]
            .as_str()
            .unwrap()
            .contains("Statement"));
        assert!(!d["shadow"].is_null(), "sensor-001 has a shadow: {body}");
    }
    let (_, body) = app.call("/api/list_certificates", "", Some(&auditor)).await;
    assert_eq!(device(&body)["can_change"], false, "{body}");
    let (_, body) = app.call("/api/list_certificates", "", Some(&admin)).await;
    assert_eq!(device(&body)["can_change"], true);
}

#[tokio::test]
async fn pages_carry_security_headers_and_healthz_is_open() {
    let app = TestApp::new().await;
    let res = app
        .send(Request::get("/").body(Body::empty()).unwrap())
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let h = res.headers().clone();
    let csp = h
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let body = body_text(res).await;
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("a nonce in script-src");
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry the header's nonce"
    );
    assert!(
        csp.contains("'wasm-unsafe-eval'")
            && !csp.contains("unsafe-inline")
            && csp.contains("frame-ancestors 'none'")
    );
    assert_eq!(h.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    assert!(h.get(header::REFERRER_POLICY).is_some());
    assert!(
        h.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
        "no HSTS over plain http"
    );

    let again = app
        .send(Request::get("/").body(Body::empty()).unwrap())
        .await;
    let csp2 = again
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_ne!(csp, csp2, "a new nonce for every response");

    let res = app
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(body_text(res).await, "ok");
}

#[tokio::test]
async fn anonymous_pages_show_no_fleet_data() {
    let app = TestApp::new().await;
    for path in ["/devices", "/devices/sensor-001", "/thing-types"] {
        let res = app
            .send(Request::get(path).body(Body::empty()).unwrap())
            .await;
        let body = body_text(res).await;
        assert!(body.contains("id=\"sign-in\""), "{path} offers sign-in");
        assert!(
            !body.contains("factory-00") && !body.contains("RestrictiveSensorPolicy"),
            "{path} leaks data"
        );
    }
}

/// What a refused call could have changed, read straight from the emulator.
async fn account_state(
    client: &aws_sdk_iot::Client,
    thing: &str,
    cert_id: &str,
    policy: &str,
) -> (String, Vec<String>, Vec<String>, Vec<(String, bool)>) {
    let cert = client
        .describe_certificate()
        .certificate_id(cert_id)
        .send()
        .await
        .unwrap();
    let d = cert.certificate_description().unwrap();
    let status = d
        .status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default();
    let arn = d.certificate_arn().unwrap().to_string();
    let mut versions: Vec<(String, bool)> = client
        .list_policy_versions()
        .policy_name(policy)
        .send()
        .await
        .unwrap()
        .policy_versions()
        .iter()
        .map(|v| {
            (
                v.version_id().unwrap_or_default().to_string(),
                v.is_default_version(),
            )
        })
        .collect();
    versions.sort();
    (
        status,
        common::fleet::principals(client, thing).await,
        common::fleet::policies_of(client, &arn).await,
        versions,
    )
}

/// The role matrix with real inputs: every state-changing call a role may not make, aimed at
/// a real device, certificate and policy, is refused and leaves the account exactly as it was
/// (and creates nothing it names).
#[tokio::test]
async fn refused_calls_with_real_targets_change_nothing() {
    use iot_warden::domain::certificates::device_keys::{build_csr, generate_key_pair, KeyKind};
    let app = TestApp::new().await;
    let client = aws_sdk_iot::Client::new(&common::emulator_sdk().await);
    let thing = common::unique_name("matrix-target");
    let policy = format!("MatrixPolicy-{thing}");
    client
        .create_thing()
        .thing_name(&thing)
        .send()
        .await
        .unwrap();
    common::fleet::create_policy(&client, &policy).await;
    let cert = client
        .create_keys_and_certificate()
        .set_as_active(true)
        .send()
        .await
        .unwrap();
    let (cert_id, cert_arn) = (
        cert.certificate_id().unwrap(),
        cert.certificate_arn().unwrap(),
    );
    client
        .attach_thing_principal()
        .thing_name(&thing)
        .principal(cert_arn)
        .send()
        .await
        .unwrap();
    client
        .attach_policy()
        .policy_name(&policy)
        .target(cert_arn)
        .send()
        .await
        .unwrap();
    let before = account_state(&client, &thing, cert_id, &policy).await;

    let csr = build_csr(&generate_key_pair(KeyKind::EcP256).unwrap(), "x").unwrap();
    let wide = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}"#;
    let new_thing = format!("{thing}-new");
    let new_row_thing = format!("{thing}-bulk");
    let form = |pairs: &[(&str, &str)]| {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    };
    let admin_only = [
        (
            "/api/change_certificate_status",
            form(&[("id", cert_id), ("change", "Revoke")]),
        ),
        (
            "/api/create_policy_version",
            form(&[("name", &policy), ("document", wide)]),
        ),
        (
            "/api/delete_policy_version",
            form(&[("name", &policy), ("version", "1")]),
        ),
        (
            "/api/remove_device",
            serde_json::json!({"run_id": "run-12345678", "thing": thing}).to_string(),
        ),
        (
            "/api/rotate_certificate",
            serde_json::json!({"run_id": "run-12345679", "old_id": cert_id, "csr": csr})
                .to_string(),
        ),
    ];
    let onboarding_only = [
        (
            "/api/provision_device",
            serde_json::json!({"run_id": "run-1234567a", "request": {
                "thing_name": new_thing, "thing_type": null, "attributes": [], "groups": [],
                "policies": [policy], "certificate": "AwsGenerated"}})
            .to_string(),
        ),
        (
            "/api/start_bulk_job",
            serde_json::json!({"rows": [{"line": 2, "device": {
                "thing_name": new_row_thing, "thing_type": null, "attributes": [], "groups": [],
                "policies": [policy], "csr_pem": csr}}]})
            .to_string(),
        ),
    ];
    let nobody = app.session_for("nobody", None, 0).await;
    let auditor = app.session_for("auditor", Some(Role::Auditor), 0).await;
    let onboarder = app
        .session_for("onboarder", Some(Role::Onboarding), 0)
        .await;
    for (path, body) in &admin_only {
        for (who, cookie, want) in [
            ("anonymous", None, 401),
            ("no role", Some(&nobody), 403),
            ("auditor", Some(&auditor), 403),
            ("onboarder", Some(&onboarder), 403),
        ] {
            let (status, text) = app.call(path, body, cookie.map(|c| c.as_str())).await;
            assert_eq!(status, want, "{who} → {path}: {text}");
        }
    }
    for (path, body) in &onboarding_only {
        for (who, cookie, want) in [
            ("anonymous", None, 401),
            ("no role", Some(&nobody), 403),
            ("auditor", Some(&auditor), 403),
        ] {
            let (status, text) = app.call(path, body, cookie.map(|c| c.as_str())).await;
            assert_eq!(status, want, "{who} → {path}: {text}");
        }
    }
    assert_eq!(
        account_state(&client, &thing, cert_id, &policy).await,
        before,
        "a refused call changed the account"
    );
    for name in [&new_thing, &new_row_thing] {
        assert!(
            client
                .describe_thing()
                .thing_name(name)
                .send()
                .await
                .is_err(),
            "a refused call created {name}"
        );
    }
}

/// Security review finding 4: each user has a request budget, so that one user cannot spend
/// the account's AWS quotas; and the policy summary takes no more names than a device can
/// carry.
#[tokio::test]
async fn each_user_has_a_request_budget_and_fan_out_inputs_are_capped() {
    let app = TestApp::with_settings(&["--api-per-minute", "5"]).await;
    let auditor = app.session_for("auditor", Some(Role::Auditor), 0).await;
    let admin = app.session_for("admin", Some(Role::Admin), 0).await;
    for i in 0..5 {
        let (status, body) = app.call("/api/list_thing_types", "", Some(&auditor)).await;
        assert_eq!(status, 200, "call {i}: {body}");
    }
    let (status, body) = app.call("/api/list_thing_types", "", Some(&auditor)).await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("Wait") && body.contains("seconds"), "{body}");
    assert_eq!(
        app.call("/api/list_thing_types", "", Some(&admin)).await.0,
        200,
        "another user's budget is their own"
    );

    let names: Vec<String> = (0..11).map(|i| format!("Policy{i}")).collect();
    let body = serde_json::json!({"policies": names, "thing_name": "sensor-x"}).to_string();
    let (status, text) = app
        .call("/api/device_policy_summary", &body, Some(&admin))
        .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("at most 10 policies"), "{text}");
}
