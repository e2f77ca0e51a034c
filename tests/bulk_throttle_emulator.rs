//! A bulk job against an emulator that throttles as AWS does (HTTP 400 ThrottlingException,
//! switched on through the emulator's control endpoint): the job backs off and every row is
//! still done. Its own test binary, because the throttle is emulator-wide.

mod common;

use iot_warden::domain::certificates::device_keys::{build_csr, generate_key_pair, KeyKind};
use iot_warden::domain::onboarding::job::JobState;
use iot_warden::domain::onboarding::pacing::RateLimits;
use iot_warden::domain::onboarding::OnboardRow;
use iot_warden::server::onboarding::bulk::new_job_id;

async fn throttle(limits: &str) {
    let endpoint = std::env::var("AWS_ENDPOINT_URL").unwrap();
    let res = reqwest::Client::new()
        .post(format!("{endpoint}/warden-emulator/throttle"))
        .header("content-type", "application/json")
        .body(limits.to_string())
        .send()
        .await
        .expect("emulator control endpoint");
    assert!(res.status().is_success(), "{}", res.status());
}

#[tokio::test]
async fn a_throttled_job_backs_off_and_finishes() {
    let sdk = common::emulator_sdk().await;
    let prefix = common::unique_name("bulk-throttle");
    let engine = common::bulk_engine(&sdk, &RateLimits::aws_defaults());
    let rows: Vec<(u32, OnboardRow)> = (0..10)
        .map(|i| {
            let name = format!("{prefix}-{i:02}");
            let csr = build_csr(&generate_key_pair(KeyKind::EcP256).unwrap(), &name).unwrap();
            (
                i + 2,
                OnboardRow {
                    thing_name: name,
                    thing_type: None,
                    attributes: vec![],
                    groups: vec![],
                    policies: vec![],
                    csr_pem: Some(csr),
                },
            )
        })
        .collect();
    let id = new_job_id();
    engine
        .create(id.clone(), rows, "onboarder", None)
        .await
        .unwrap();
    // Far below the console's default pace (100 things a second): most calls are refused.
    throttle(r#"{"CreateThing": 2, "AttachThingPrincipal": 2}"#).await;
    let status = engine.run(&id, &|_| {}).await;
    throttle("{}").await;
    let status = status.expect("run");
    assert_eq!(status.state, JobState::Finished);
    assert_eq!(
        (status.counts.done, status.counts.failed),
        (10, 0),
        "{:?}",
        status.recent_failures
    );
}
