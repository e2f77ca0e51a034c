//! The onboarding server functions through the router with a signed-in session, as the
//! upload page calls them: a bulk job of 10,000 rows is several megabytes of JSON and must
//! reach the service's checks, not a body-size refusal; one row over is refused on its count
//! before any row is checked.

mod common;

use common::TestApp;
use iot_warden::domain::roles::Role;
use serde_json::json;

#[tokio::test]
async fn a_bulk_job_of_the_largest_size_reaches_the_checks() {
    let app = TestApp::new().await;
    let cookie = app
        .session_for("onboarder", Some(Role::Onboarding), 0)
        .await;
    // The size of a real P-256 CSR; unreadable on purpose, so nothing is created.
    let csr = format!(
        "-----BEGIN CERTIFICATE REQUEST-----\n{}\n-----END CERTIFICATE REQUEST-----",
        "A".repeat(560)
    );
    let rows: Vec<serde_json::Value> = (0..10_001)
        .map(|i| {
            json!({"line": i + 2, "device": {
                "thing_name": format!("big-{i:05}"), "thing_type": null, "attributes": [],
                "groups": [], "policies": ["P"], "csr_pem": csr}})
        })
        .collect();
    let body = json!({ "rows": rows, "profile": "industrial-sensor" }).to_string();
    assert!(body.len() > 6_000_000, "{} bytes", body.len());
    let (status, text) = app.call("/api/start_bulk_job", &body, Some(&cookie)).await;
    let shown = &text[..text.len().min(400)];
    assert_eq!(status, 400, "{shown}");
    assert!(
        text.contains("The job has 10001 rows; a job takes at most 10000."),
        "{shown}"
    );
    // Refused on the count alone: no row was checked (each would have added a sentence).
    assert!(
        !text.contains("Line "),
        "rows checked after the count was refused: {shown}"
    );
}

#[tokio::test]
async fn other_functions_keep_the_small_limit_and_say_so_with_a_400() {
    let app = TestApp::new().await;
    let cookie = app
        .session_for("onboarder", Some(Role::Onboarding), 0)
        .await;
    let names: Vec<String> = (0..200_000).map(|i| format!("name-{i:06}")).collect();
    let body = json!({ "names": names }).to_string();
    assert!(body.len() > 2 * 1024 * 1024, "{} bytes", body.len());
    let (status, text) = app
        .call("/api/taken_thing_names", &body, Some(&cookie))
        .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("The request was malformed"), "{text}");
}
