//! Rotation: the new certificate takes over the old one's policies and things; any failure
//! undoes the run and leaves the account, the old certificate included, as it was.

use super::*;
use crate::domain::certificates::lifecycle::RotationOutcome;
use crate::domain::runs::RunState;
use crate::server::aws::fake::{
    arn_of, cert_id, occurrence, request_id, Account, Fake, SIGNED_PEM,
};
const CSR: &str = include_str!("../../../../domain/onboarding/testdata/csr-ec-p256.pem");

/// sensor-9 and its spare share certificate c001 (policies P1 and P2); thing "other" has its
/// own certificate c002 with P3, which no rotation may touch.
fn device() -> Account {
    let (old, other) = (arn_of(&cert_id(1)), arn_of(&cert_id(2)));
    Account::default()
        .with_thing("sensor-9")
        .with_thing("sensor-9-spare")
        .with_thing("other")
        .with_member("sensor-9", "G1")
        .with_certificate(&cert_id(1), CertificateStatus::Active)
        .with_certificate(&cert_id(2), CertificateStatus::Active)
        .with_policies(["P1", "P2", "P3"])
        .with_policy_on("P1", &old)
        .with_policy_on("P2", &old)
        .with_policy_on("P3", &other)
        .with_principal("sensor-9", &old)
        .with_principal("sensor-9-spare", &old)
        .with_principal("other", &other)
}

const FORWARD: [&str; 6] = [
    "CreateCertificateFromCsr",
    "AttachPolicy P1 c101",
    "AttachPolicy P2 c101",
    "AttachThingPrincipal sensor-9 c101",
    "AttachThingPrincipal sensor-9-spare c101",
    "UpdateCertificate c001 INACTIVE",
];

fn undo_of(forward: &str) -> Vec<&'static str> {
    match forward {
        "CreateCertificateFromCsr" => {
            vec!["UpdateCertificate c101 INACTIVE", "DeleteCertificate c101"]
        }
        "AttachPolicy P1 c101" => vec!["DetachPolicy P1 c101"],
        "AttachPolicy P2 c101" => vec!["DetachPolicy P2 c101"],
        "AttachThingPrincipal sensor-9 c101" => vec!["DetachThingPrincipal sensor-9 c101"],
        "AttachThingPrincipal sensor-9-spare c101" => {
            vec!["DetachThingPrincipal sensor-9-spare c101"]
        }
        other => panic!("{other} is the last step"),
    }
}

async fn rotate(
    fake: &Arc<Fake>,
    id: &str,
    csr: &str,
) -> (Result<RotationOutcome, RunError>, Vec<LiveRun>) {
    let seen = Seen::default();
    let result = service(fake).rotate(id, csr, &seen.report()).await;
    (result, seen.runs())
}

#[tokio::test]
async fn a_rotation_moves_policies_and_things_to_the_new_certificate_and_deactivates_the_old() {
    let fake = Arc::new(Fake::new(device()));
    let (result, seen) = rotate(&fake, &cert_id(1), CSR).await;
    let outcome = result.unwrap();
    assert_eq!(fake.changes(), FORWARD);

    let new = cert_id(101);
    assert_eq!(outcome.old_certificate_id, cert_id(1));
    assert_eq!(outcome.certificate_id, new);
    assert_eq!(outcome.certificate_arn, arn_of(&new));
    assert_eq!(outcome.certificate_pem, SIGNED_PEM);
    assert_eq!(outcome.policies, ["P1", "P2"]);
    assert_eq!(outcome.things, ["sensor-9", "sensor-9-spare"]);
    assert!(outcome.steps.iter().all(|s| s.status == StepStatus::Done));
    assert_eq!(
        outcome.steps.last().unwrap().label,
        "Set the old certificate c001ffffffff INACTIVE"
    );

    // The old certificate keeps its attachments, INACTIVE: it can be activated again.
    let new_arn = arn_of(&new);
    let expected = device()
        .with_certificate(&cert_id(1), CertificateStatus::Inactive)
        .with_certificate(&new, CertificateStatus::Active)
        .with_policy_on("P1", &new_arn)
        .with_policy_on("P2", &new_arn)
        .with_principal("sensor-9", &new_arn)
        .with_principal("sensor-9-spare", &new_arn);
    assert_eq!(fake.snapshot(), expected.snapshot());

    // Published: the plan, Running and Done for each step, then Succeeded.
    assert_eq!(seen.len(), 1 + 2 * FORWARD.len() + 1);
    assert!(seen[0]
        .steps
        .iter()
        .all(|s| s.status == StepStatus::Pending));
    assert_eq!(seen[0].thing_name, "sensor-9");
    assert_eq!(seen[0].certificate_id, None);
    let last = seen.last().unwrap();
    assert_eq!(last.state, RunState::Succeeded);
    assert_eq!(last.certificate_id.as_deref(), Some(new.as_str()));
    assert_eq!(last.steps, outcome.steps);
}

#[tokio::test]
async fn a_failure_at_every_step_undoes_the_run_and_leaves_the_old_certificate_as_it_was() {
    for n in 1..=FORWARD.len() {
        let fake = Arc::new(Fake::new(device()));
        let (op, nth) = occurrence(&FORWARD, n - 1);
        fake.fail_call(op, nth, AwsErrorKind::Unavailable);
        let (result, seen) = rotate(&fake, &cert_id(1), CSR).await;
        let Err(RunError::Failed { run, cause }) = result else {
            panic!("step {n}: {result:?}");
        };
        assert_eq!(
            fake.snapshot(),
            device().snapshot(),
            "failing step {n} left a change"
        );
        let mut expected: Vec<&str> = FORWARD[..n].to_vec();
        for done in FORWARD[..n - 1].iter().rev() {
            expected.extend(undo_of(done));
        }
        assert_eq!(fake.changes(), expected, "failing step {n}");

        let failed = n - 1;
        for (i, status) in statuses(&run.steps).iter().enumerate() {
            let want = match i.cmp(&failed) {
                std::cmp::Ordering::Less => StepStatus::Undone,
                std::cmp::Ordering::Equal => StepStatus::Failed(cause.to_string()),
                std::cmp::Ordering::Greater => StepStatus::Pending,
            };
            assert_eq!(*status, want, "failing step {n}, step {i}");
        }
        let RunState::Failed { error, left_behind } = &run.state else {
            panic!("{:?}", run.state);
        };
        assert!(left_behind.is_empty(), "{left_behind:?}");
        assert!(error.starts_with(&run.steps[failed].label), "{error}");
        assert!(seen
            .iter()
            .any(|r| matches!(r.state, RunState::Undoing { .. })));
        assert_eq!(
            seen.last(),
            Some(&run),
            "the last published run is the result"
        );

        let label = run.steps[failed].label.clone();
        let message = ServiceError::from(RunError::Failed { run, cause }).to_string();
        let aftermath = if n == 1 {
            "Nothing was created."
        } else {
            "Everything this run created was undone."
        };
        assert!(
            message.starts_with(&format!("{label} failed: AWS could not")),
            "{message}"
        );
        assert!(message.contains(aftermath), "{message}");
        assert!(
            message.ends_with(&format!("(AWS request id {})", request_id(op, nth))),
            "{message}"
        );
    }
}

#[tokio::test]
async fn an_inactive_old_certificate_needs_no_last_step() {
    let state = device().with_certificate(&cert_id(1), CertificateStatus::Inactive);
    let fake = Arc::new(Fake::new(state));
    let outcome = rotate(&fake, &cert_id(1), CSR).await.0.unwrap();
    assert_eq!(fake.changes(), FORWARD[..5]);
    assert_eq!(outcome.steps.len(), 5);
    assert_eq!(
        fake.snapshot().certificates[&cert_id(1)],
        CertificateStatus::Inactive
    );
}

#[tokio::test]
async fn the_plan_lists_every_step_pending_and_changes_nothing() {
    let fake = Arc::new(Fake::new(device()));
    let run = service(&fake).plan_rotation(&cert_id(1)).await.unwrap();
    let labels: Vec<&str> = run.steps.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Create the new certificate from the CSR",
            "Attach policy P1 to the new certificate",
            "Attach policy P2 to the new certificate",
            "Attach the new certificate to thing sensor-9",
            "Attach the new certificate to thing sensor-9-spare",
            "Set the old certificate c001ffffffff INACTIVE",
        ]
    );
    assert!(run.steps.iter().all(|s| s.status == StepStatus::Pending));
    assert_eq!(run.state, RunState::Running);
    assert!(fake.changes().is_empty());
}

#[tokio::test]
async fn rotations_that_cannot_run_are_refused_before_any_change() {
    let state = device()
        .with_certificate(&cert_id(3), CertificateStatus::Revoked)
        .with_certificate(&cert_id(4), CertificateStatus::PendingTransfer)
        .with_certificate(&cert_id(5), CertificateStatus::Active)
        .with_principal("sensor-9", &arn_of(&cert_id(3)))
        .with_principal("sensor-9", &arn_of(&cert_id(4)));
    let cases: Vec<(String, &str, String, bool)> = vec![
        // (certificate id, CSR, part of the sentence, whether AWS may be read)
        (
            "c001".into(),
            CSR,
            "\"c001\" is not a certificate id.".into(),
            false,
        ),
        (cert_id(1), "not a csr", "The CSR is not PEM text".into(), false),
        (
            cert_id(9),
            CSR,
            format!("There is no certificate {}.", cert_id(9)),
            true,
        ),
        (
            cert_id(3),
            CSR,
            "Certificate c003ffffffff is REVOKED: revocation is final, so it cannot be rotated."
                .into(),
            true,
        ),
        (
            cert_id(4),
            CSR,
            "Certificate c004ffffffff is PENDING_TRANSFER; only an ACTIVE or INACTIVE certificate can be rotated."
                .into(),
            true,
        ),
        (
            cert_id(5),
            CSR,
            "Certificate c005ffffffff is attached to no thing, so there is no device to rotate it for."
                .into(),
            true,
        ),
    ];
    for (id, csr, sentence, reads) in cases {
        let fake = Arc::new(Fake::new(state.clone()));
        let (result, seen) = rotate(&fake, &id, csr).await;
        let Err(RunError::Refused(e)) = result else {
            panic!("{sentence}: {result:?}");
        };
        assert!(e.to_string().contains(&sentence), "{sentence:?} not in {e}");
        let not_found = sentence.starts_with("There is no");
        assert_eq!(matches!(e, ServiceError::NotFound(_)), not_found, "{e:?}");
        assert!(
            fake.changes().is_empty(),
            "{sentence}: {:?}",
            fake.changes()
        );
        assert_eq!(fake.reads() > 0, reads, "{sentence}");
        assert!(seen.is_empty(), "nothing published for a refusal");
        assert_eq!(fake.snapshot(), state.snapshot());
        // The plan refuses the same way (it takes no CSR).
        if csr == CSR {
            let plan = service(&fake).plan_rotation(&id).await.unwrap_err();
            assert_eq!(plan.to_string(), e.to_string());
        }
    }
}
