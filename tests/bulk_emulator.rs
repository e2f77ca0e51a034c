//! Bulk onboarding through the real SDK against the local emulator (IoT and DynamoDB): a job
//! runs to the end; a job interrupted at its worst moment (a certificate made but its answer
//! lost) resumes without a second certificate; `iot-warden onboard` killed mid-run and run
//! again finishes with exactly one certificate per device.

mod common;

use common::fleet;

use aws_sdk_iot::Client;
use iot_warden::domain::certificates::device_keys::{build_csr, generate_key_pair, KeyKind};
use iot_warden::domain::onboarding::job::{JobRow, JobState, RowStage};
use iot_warden::domain::onboarding::pacing::RateLimits;
use iot_warden::domain::onboarding::OnboardRow;
use iot_warden::server::aws::{DynamoJobStore, JobStore};
use iot_warden::server::onboarding::bulk::{new_job_id, BulkOnboarding};
use std::sync::Arc;

fn csr_for(name: &str) -> String {
    build_csr(&generate_key_pair(KeyKind::EcP256).unwrap(), name).unwrap()
}

struct Fixture {
    client: Client,
    sdk: aws_config::SdkConfig,
    prefix: String,
    policy: String,
    group: String,
}

impl Fixture {
    async fn new(tag: &str) -> Fixture {
        let sdk = common::emulator_sdk().await;
        let client = Client::new(&sdk);
        let prefix = common::unique_name(tag);
        let policy = format!("WardenBulkPolicy-{prefix}");
        let group = format!("warden-bulk-group-{prefix}");
        fleet::create_policy(&client, &policy).await;
        fleet::create_group(&client, &group).await;
        Fixture {
            client,
            sdk,
            prefix,
            policy,
            group,
        }
    }

    fn engine(&self, limits: &RateLimits) -> Arc<BulkOnboarding> {
        Arc::new(common::bulk_engine(&self.sdk, limits))
    }

    fn store(&self) -> Arc<DynamoJobStore> {
        Arc::new(DynamoJobStore::new(&self.sdk, common::jobs_table()))
    }

    fn rows(&self, n: usize) -> Vec<(u32, OnboardRow)> {
        (0..n)
            .map(|i| {
                let name = format!("{}-{i:03}", self.prefix);
                (
                    i as u32 + 2,
                    OnboardRow {
                        thing_name: name.clone(),
                        thing_type: None,
                        attributes: vec![("batch".into(), "b7".into())],
                        groups: vec![self.group.clone()],
                        policies: vec![self.policy.clone()],
                        csr_pem: Some(csr_for(&name)),
                    },
                )
            })
            .collect()
    }

    /// The thing has exactly one certificate, it certifies the row's CSR, carries the
    /// policy, and no other certificate in the account has that key; the thing is in the group.
    async fn assert_onboarded_once(&self, row: &OnboardRow, pems: &[(String, String)]) {
        let thing = &row.thing_name;
        let principals = fleet::principals(&self.client, thing).await;
        assert_eq!(principals.len(), 1, "{thing}: {principals:?}");
        let csr = row.csr_pem.as_deref().unwrap();
        let certs = fleet::certificates_for(csr, pems);
        assert_eq!(
            certs.len(),
            1,
            "{thing}: one certificate with its key, got {certs:?}"
        );
        assert!(principals[0].ends_with(&certs[0]));
        assert_eq!(
            fleet::policies_of(&self.client, &principals[0]).await,
            vec![self.policy.clone()],
            "{thing}"
        );
        assert_eq!(
            fleet::groups_of(&self.client, thing).await,
            vec![self.group.clone()],
            "{thing}"
        );
    }
}

#[tokio::test]
async fn a_job_onboards_every_row_and_writes_the_result() {
    let f = Fixture::new("bulk-run").await;
    let engine = f.engine(&RateLimits::aws_defaults());
    let rows = f.rows(6);
    let id = new_job_id();
    engine
        .create(id.clone(), rows.clone(), "onboarder", None)
        .await
        .expect("create job");
    let seen = std::sync::Mutex::new(Vec::new());
    let status = engine
        .run(&id, &|s| seen.lock().unwrap().push(s.counts))
        .await
        .expect("run");
    assert_eq!(status.state, JobState::Finished);
    assert_eq!((status.counts.done, status.counts.failed), (6, 0));
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() >= 6, "progress after every row: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0].done <= w[1].done));
    let pems = fleet::certificate_pems(&f.client).await;
    for (_, row) in &rows {
        f.assert_onboarded_once(row, &pems).await;
    }
    let csv = engine.result_csv(&id).await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 7, "{csv}");
    assert!(
        lines[1].starts_with(&format!("2,{}-000,", f.prefix)),
        "{csv}"
    );
    assert!(lines[1..].iter().all(|l| l.contains(",done,")), "{csv}");
    // The stored job says the same after the fact.
    let again = engine.status(&id).await.unwrap();
    assert_eq!((again.state, again.counts.done), (JobState::Finished, 6));
}

#[tokio::test]
async fn a_row_failing_is_reported_and_the_rest_go_on() {
    let f = Fixture::new("bulk-fail").await;
    let engine = f.engine(&RateLimits::aws_defaults());
    let mut rows = f.rows(3);
    rows[1].1.policies = vec![format!("NoSuchPolicy-{}", f.prefix)];
    let id = new_job_id();
    engine
        .create(id.clone(), rows.clone(), "onboarder", None)
        .await
        .unwrap();
    let status = engine.run(&id, &|_| {}).await.unwrap();
    assert_eq!((status.counts.done, status.counts.failed), (2, 1));
    let (thing, error) = &status.recent_failures[0];
    assert_eq!(thing, &rows[1].1.thing_name);
    assert!(error.starts_with("Attach policy NoSuchPolicy-"), "{error}");
    assert!(!error.contains("Exception"), "no AWS internals: {error}");
    let csv = engine.result_csv(&id).await.unwrap();
    assert!(
        csv.lines()
            .nth(2)
            .unwrap()
            .contains(",failed,Attach policy"),
        "{csv}"
    );
}

#[tokio::test]
async fn invalid_rows_are_refused_before_anything_is_stored() {
    let f = Fixture::new("bulk-refuse").await;
    let engine = f.engine(&RateLimits::aws_defaults());
    let mut rows = f.rows(2);
    rows[0].1.thing_name = "bad name!".into();
    rows[1].1.csr_pem = None;
    let id = new_job_id();
    let e = engine
        .create(id.clone(), rows, "onboarder", None)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("Line 2 (bad name!)"), "{e}");
    assert!(e.contains("Line 3") && e.contains("no CSR"), "{e}");
    assert!(f.store().job(&id).await.unwrap().is_none());
}

/// The worst moment to stop: CreateCertificateFromCsr answered but the answer was lost (row
/// 0), or the certificate was attached but the row not recorded (row 1). The resumed job must
/// find both certificates again rather than make new ones. A certificate with the row's key
/// that is attached to another thing (row 2), or made outside the row's window (row 3), is
/// not the row's: it is left alone and the row gets a certificate of its own.
#[tokio::test]
async fn a_resumed_job_finds_certificates_whose_answer_was_lost() {
    let f = Fixture::new("bulk-resume").await;
    let rows = f.rows(5);
    let id = new_job_id();
    let first = f.engine(&RateLimits::aws_defaults());
    first
        .create(id.clone(), rows.clone(), "onboarder", None)
        .await
        .unwrap();
    let store = f.store();
    let requested_at = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut made = Vec::new();
    let elsewhere = format!("{}-someone-else", f.prefix);
    f.client
        .create_thing()
        .thing_name(&elsewhere)
        .send()
        .await
        .unwrap();
    for (i, (line, row)) in rows.iter().take(4).enumerate() {
        // As the first run made it: same attributes (CreateThing is idempotent only then).
        f.client
            .create_thing()
            .thing_name(&row.thing_name)
            .attribute_payload(
                aws_sdk_iot::types::AttributePayload::builder()
                    .attributes("batch", "b7")
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let cert = f
            .client
            .create_certificate_from_csr()
            .certificate_signing_request(row.csr_pem.as_deref().unwrap())
            .set_as_active(true)
            .send()
            .await
            .unwrap();
        if i == 1 || i == 2 {
            f.client
                .attach_thing_principal()
                .thing_name(if i == 1 { &row.thing_name } else { &elsewhere })
                .principal(cert.certificate_arn().unwrap())
                .send()
                .await
                .unwrap();
        }
        made.push(cert.certificate_id().unwrap().to_string());
        let mut stored = JobRow::new(i as u32, *line, row.clone());
        // Row 3's request is on record as an hour earlier: today's certificate is not its.
        let at = if i == 3 {
            requested_at - 3600
        } else {
            requested_at
        };
        stored.stage = RowStage::CertificateRequested { at };
        store.save_row(&id, &stored).await.unwrap();
    }
    // A new console process: the job is found running and resumed.
    let second = f.engine(&RateLimits::aws_defaults());
    assert!(second.resume_unfinished().await.unwrap() >= 1);
    let mut status = second.status(&id).await.unwrap();
    for _ in 0..200 {
        if status.state == JobState::Finished {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        status = second.status(&id).await.unwrap();
    }
    assert_eq!(status.state, JobState::Finished, "{status:?}");
    assert_eq!(status.counts.done, 5);
    let stored = store.rows(&id).await.unwrap();
    for (i, cert) in made.iter().enumerate().take(2) {
        assert_eq!(
            stored[i].certificate_id.as_ref(),
            Some(cert),
            "row {i} reused its certificate"
        );
    }
    for (i, cert) in made.iter().enumerate().skip(2) {
        let own = stored[i]
            .certificate_id
            .as_ref()
            .expect("a certificate of its own");
        assert_ne!(
            own, cert,
            "row {i} must not adopt a certificate that is not its"
        );
    }
    assert_eq!(
        fleet::things_of_certificate(&f.client, &made[2]).await,
        vec![elsewhere.clone()],
        "the other thing's certificate is left as it was"
    );
    let pems = fleet::certificate_pems(&f.client).await;
    for (_, row) in rows.iter().take(2).chain(rows.iter().skip(4)) {
        f.assert_onboarded_once(row, &pems).await;
    }
}

#[tokio::test]
async fn a_cancelled_job_stops_taking_rows_and_resumes_to_the_end() {
    let f = Fixture::new("bulk-cancel").await;
    // Slow enough to cancel half way: two certificates a second.
    let limits = RateLimits::aws_defaults()
        .with_overrides(&["CreateCertificateFromCsr=2".to_string()])
        .unwrap();
    let engine = f.engine(&limits);
    let rows = f.rows(12);
    let id = new_job_id();
    engine
        .create(id.clone(), rows.clone(), "onboarder", None)
        .await
        .unwrap();
    engine.start(&id);
    let mut status = engine.status(&id).await.unwrap();
    for _ in 0..200 {
        if status.counts.done >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        status = engine.status(&id).await.unwrap();
    }
    let asked = engine.cancel(&id).await.unwrap();
    assert!(
        matches!(asked.state, JobState::Cancelling | JobState::Cancelled),
        "{asked:?}"
    );
    for _ in 0..400 {
        status = engine.status(&id).await.unwrap();
        if status.state == JobState::Cancelled {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status.state, JobState::Cancelled);
    assert!(
        status.counts.remaining() > 0,
        "cancelled before the end: {status:?}"
    );
    assert_eq!(status.counts.failed, 0);
    let csv = engine.result_csv(&id).await.unwrap();
    assert!(csv.contains(",not started,"), "{csv}");

    // Resumed, it finishes the rows it had not begun.
    engine.resume(&id).await.unwrap();
    for _ in 0..600 {
        status = engine.status(&id).await.unwrap();
        if status.state == JobState::Finished {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        (status.state, status.counts.done),
        (JobState::Finished, 12),
        "{status:?}"
    );
    let pems = fleet::certificate_pems(&f.client).await;
    for (_, row) in &rows {
        f.assert_onboarded_once(row, &pems).await;
    }
}
