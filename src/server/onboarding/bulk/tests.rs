//! The bulk engine over the fake account and jobs kept in memory: what a row's stored stage
//! is after CreateCertificateFromCsr fails, and a job whose profile was deleted.

use super::*;
use crate::domain::onboarding::job::RowStage;
use crate::domain::onboarding::profile::OnboardingProfile;
use crate::server::aws::fake::{Account, Fake, MemoryJobs, MemoryProfiles};
use crate::server::aws::AwsErrorKind;

const CSR: &str = include_str!("../../../domain/onboarding/testdata/csr-ec-p256.pem");

struct Setup {
    fake: Arc<Fake>,
    jobs: Arc<MemoryJobs>,
    profiles: Arc<OnboardingProfiles>,
    engine: BulkOnboarding,
}

fn setup() -> Setup {
    let fake = Arc::new(Fake::new(
        Account::default().with_policies(["P"]).with_group("G"),
    ));
    let jobs = Arc::new(MemoryJobs::default());
    let profile = OnboardingProfile {
        name: "sensor".into(),
        groups: vec!["G".into()],
        policies: vec!["P".into()],
        ..Default::default()
    };
    let profiles = Arc::new(OnboardingProfiles::new(
        Arc::new(MemoryProfiles::with(&[profile])),
        fake.clone(),
        fake.clone(),
    ));
    let engine = BulkOnboarding::new(
        fake.clone(),
        jobs.clone(),
        profiles.clone(),
        &RateLimits::aws_defaults(),
        4,
    );
    Setup {
        fake,
        jobs,
        profiles,
        engine,
    }
}

fn row(thing: &str) -> (u32, OnboardRow) {
    (
        2,
        OnboardRow {
            thing_name: thing.into(),
            thing_type: None,
            attributes: vec![],
            groups: vec!["G".into()],
            policies: vec!["P".into()],
            csr_pem: Some(CSR.trim().to_string()),
        },
    )
}

/// Runs a one-row job whose certificate request fails with `kind`; the row's stored stage.
async fn stage_after_a_failed_request(kind: AwsErrorKind) -> (RowStage, Option<String>) {
    let s = setup();
    s.fake.fail_call("CreateCertificateFromCsr", 1, kind);
    let id = new_job_id();
    s.engine
        .create(id.clone(), vec![row("t-1")], "test", None)
        .await
        .unwrap();
    let status = s.engine.run(&id, &|_| {}).await.unwrap();
    assert_eq!(status.counts.failed, 1, "{status:?}");
    let stored = s.jobs.stored_row(&id, 0).unwrap();
    (stored.stage, stored.error)
}

#[tokio::test]
async fn a_definite_refusal_resets_the_row_to_pending() {
    for kind in [
        AwsErrorKind::Invalid,
        AwsErrorKind::AccessDenied,
        AwsErrorKind::NotFound,
    ] {
        let (stage, error) = stage_after_a_failed_request(kind.clone()).await;
        assert_eq!(stage, RowStage::Pending, "{kind:?}");
        assert!(error
            .unwrap()
            .contains("Create the certificate from the CSR failed"));
    }
}

#[tokio::test]
async fn a_lost_answer_keeps_the_request_for_recovery() {
    let (stage, _) = stage_after_a_failed_request(AwsErrorKind::Unavailable).await;
    assert!(
        matches!(stage, RowStage::CertificateRequested { .. }),
        "{stage:?}"
    );
}

#[tokio::test]
async fn a_job_whose_profile_was_deleted_creates_nothing() {
    let s = setup();
    let profile = s.profiles.get("sensor").await.unwrap();
    let id = new_job_id();
    s.engine
        .create(id.clone(), vec![row("t-2")], "test", Some(&profile.profile))
        .await
        .unwrap();
    s.profiles.delete("sensor", profile.version).await.unwrap();
    let status = s.engine.run(&id, &|_| {}).await.unwrap();
    assert_eq!((status.counts.done, status.counts.failed), (0, 1));
    let stored = s.jobs.stored_row(&id, 0).unwrap();
    assert!(stored.error.unwrap().contains("no longer exists"));
    assert!(s.fake.changes().is_empty(), "{:?}", s.fake.changes());
}

#[tokio::test]
async fn a_row_outside_the_profile_is_refused_when_the_job_is_made() {
    let s = setup();
    let profile = s.profiles.get("sensor").await.unwrap().profile;
    let (line, mut wider) = row("t-3");
    wider.policies.push("Other".into());
    let refused = s
        .engine
        .create(new_job_id(), vec![(line, wider)], "test", Some(&profile))
        .await;
    let Err(ServiceError::Refused(m)) = refused else {
        panic!("not refused: {refused:?}");
    };
    assert!(
        m.starts_with("Line 2 (t-3): The profile sensor gives the policies P"),
        "{m}"
    );
}
