//! The console itself killed in the middle of a bulk job (SIGKILL: no clean shut-down) and
//! started again: the job resumes by itself and ends with every row done, each device with
//! exactly one certificate. The real binary, against the local emulator.

mod common;

use aws_sdk_iot::Client;
use common::fleet;
use iot_warden::domain::certificates::device_keys::{build_csr, generate_key_pair, KeyKind};
use iot_warden::domain::onboarding::job::{JobCounts, JobState};
use iot_warden::domain::onboarding::pacing::RateLimits;
use iot_warden::domain::onboarding::OnboardRow;
use iot_warden::server::aws::{DynamoJobStore, JobStore};
use iot_warden::server::onboarding::bulk::new_job_id;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_iot-warden");

/// The console, paced at two certificates a second so a kill lands mid-job.
fn console(port: u16) -> Child {
    Command::new(BIN)
        .arg("serve")
        .env("WARDEN_LISTEN", format!("127.0.0.1:{port}"))
        .env("WARDEN_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        // Nobody signs in here; the console starts without reaching the IdP.
        .env("WARDEN_OIDC_ISSUER", "http://127.0.0.1:9")
        .env("WARDEN_OIDC_CLIENT_ID", "test")
        .env("WARDEN_OIDC_CLIENT_SECRET", "test")
        // The test's addresses are plain http on loopback.
        .env("WARDEN_ALLOW_INSECURE_HTTP", "true")
        .env("WARDEN_ONBOARD_RATES", "CreateCertificateFromCsr=2")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the console")
}

async fn counts(store: &DynamoJobStore, id: &str) -> JobCounts {
    JobCounts::of(&store.rows(id).await.unwrap())
}

#[tokio::test]
async fn a_job_survives_the_console_being_killed() {
    let sdk = common::emulator_sdk().await;
    let client = Client::new(&sdk);
    let prefix = common::unique_name("console-kill");
    let policy = format!("WardenKillPolicy-{prefix}");
    fleet::create_policy(&client, &policy).await;
    let store = DynamoJobStore::new(&sdk, common::jobs_table());
    let rows: Vec<(u32, OnboardRow)> = (0..16u32)
        .map(|i| {
            let name = format!("{prefix}-{i:02}");
            let csr = build_csr(&generate_key_pair(KeyKind::EcP256).unwrap(), &name).unwrap();
            let row = OnboardRow {
                thing_name: name,
                thing_type: None,
                attributes: vec![],
                groups: vec![],
                policies: vec![policy.clone()],
                csr_pem: Some(csr),
            };
            (i + 2, row)
        })
        .collect();
    // Stored as the upload page stores it: running, nothing done. The console takes it up.
    let engine = common::bulk_engine(&sdk, &RateLimits::aws_defaults());
    let id = new_job_id();
    engine
        .create(id.clone(), rows.clone(), "onboarder", None)
        .await
        .unwrap();

    let mut first = console(common::free_port());
    let started = Instant::now();
    let mut seen = counts(&store, &id).await;
    while seen.done < 3 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        seen = counts(&store, &id).await;
    }
    first.kill().unwrap();
    let _ = first.wait();
    let at_kill = counts(&store, &id).await;
    assert!(
        at_kill.done >= 3 && at_kill.done < 16,
        "killed mid-job: {at_kill:?}"
    );
    assert_eq!(
        store.job(&id).await.unwrap().unwrap().state,
        JobState::Running
    );

    let mut second = console(common::free_port());
    let started = Instant::now();
    let mut state = JobState::Running;
    while state != JobState::Finished && started.elapsed() < Duration::from_secs(90) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        state = store.job(&id).await.unwrap().unwrap().state;
    }
    second.kill().unwrap();
    let _ = second.wait();
    assert_eq!(state, JobState::Finished);
    let end = counts(&store, &id).await;
    assert_eq!((end.done, end.failed), (16, 0), "{end:?}");

    let pems = fleet::certificate_pems(&client).await;
    for (_, row) in &rows {
        let principals = fleet::principals(&client, &row.thing_name).await;
        assert_eq!(principals.len(), 1, "{}: {principals:?}", row.thing_name);
        let certs = fleet::certificates_for(row.csr_pem.as_deref().unwrap(), &pems);
        assert_eq!(certs.len(), 1, "{}: {certs:?}", row.thing_name);
    }
}
