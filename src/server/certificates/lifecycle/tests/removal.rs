//! Removal: everything the device alone uses goes; a shared certificate stays for the other
//! thing; a failure stops the run, names what remains, and a second run finishes.

use super::*;
use crate::domain::runs::RunState;
use crate::server::aws::fake::{arn_of, cert_id, occurrence, Account, Fake, Snapshot};

/// What stays: sensor-10 with its own certificate c002 (policy P1) in group G1.
fn neighbour() -> Account {
    let other = arn_of(&cert_id(2));
    Account::default()
        .with_thing("sensor-10")
        .with_member("sensor-10", "G1")
        .with_certificate(&cert_id(2), CertificateStatus::Active)
        .with_policies(["P1", "P2"])
        .with_policy_on("P1", &other)
        .with_principal("sensor-10", &other)
}

/// The neighbour, and sensor-9 with certificate c001 (P1, P2) in groups G1 and G2.
fn device() -> Account {
    let mine = arn_of(&cert_id(1));
    neighbour()
        .with_thing("sensor-9")
        .with_member("sensor-9", "G1")
        .with_member("sensor-9", "G2")
        .with_certificate(&cert_id(1), CertificateStatus::Active)
        .with_policy_on("P1", &mine)
        .with_policy_on("P2", &mine)
        .with_principal("sensor-9", &mine)
}

/// What is left when the removal is done.
fn stays() -> Snapshot {
    neighbour().snapshot()
}

const CALLS: [&str; 8] = [
    "UpdateCertificate c001 INACTIVE",
    "DetachPolicy P1 c001",
    "DetachPolicy P2 c001",
    "DetachThingPrincipal sensor-9 c001",
    "DeleteCertificate c001",
    "RemoveThingFromThingGroup sensor-9 G1",
    "RemoveThingFromThingGroup sensor-9 G2",
    "DeleteThing sensor-9",
];

async fn remove(fake: &Arc<Fake>, thing: &str) -> (Result<LiveRun, RunError>, Vec<LiveRun>) {
    let seen = Seen::default();
    let result = service(fake).remove_device(thing, &seen.report()).await;
    (result, seen.runs())
}

#[tokio::test]
async fn a_removal_leaves_nothing_of_the_device() {
    let fake = Arc::new(Fake::new(device()));
    let plan = service(&fake).plan_removal("sensor-9").await.unwrap();
    assert!(fake.changes().is_empty(), "planning changes nothing");
    let labels: Vec<&str> = plan.steps.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Set certificate c001ffffffff INACTIVE",
            "Detach policy P1 from certificate c001ffffffff",
            "Detach policy P2 from certificate c001ffffffff",
            "Detach certificate c001ffffffff from sensor-9",
            "Delete certificate c001ffffffff",
            "Remove sensor-9 from thing group G1",
            "Remove sensor-9 from thing group G2",
            "Delete thing sensor-9",
        ]
    );

    let (result, seen) = remove(&fake, "sensor-9").await;
    let run = result.unwrap();
    assert_eq!(fake.changes(), CALLS);
    assert_eq!(fake.snapshot(), stays());
    assert_eq!(run.state, RunState::Succeeded);
    assert!(run.steps.iter().all(|s| s.status == StepStatus::Done));
    assert_eq!(seen[0], plan, "the run starts from the plan");
    assert_eq!(seen.len(), 1 + 2 * CALLS.len() + 1);
    assert_eq!(seen.last(), Some(&run));
}

#[tokio::test]
async fn a_shared_certificate_stays_with_its_policies_for_the_other_thing() {
    let shared = arn_of(&cert_id(2));
    let fake = Arc::new(Fake::new(device().with_principal("sensor-9", &shared)));
    let run = remove(&fake, "sensor-9").await.0.unwrap();
    let kept = run
        .steps
        .iter()
        .find(|s| s.label.starts_with("Keep"))
        .expect("a step says why the certificate stays");
    assert_eq!(
        kept.label,
        "Keep certificate c002ffffffff and its policies: thing sensor-10 still uses it"
    );
    assert_eq!(kept.status, StepStatus::Done);
    let detach = "DetachThingPrincipal sensor-9 c002";
    assert!(fake.changes().contains(&detach.to_string()));
    assert!(
        !fake
            .changes()
            .iter()
            .any(|c| c.contains("c002") && c != detach),
        "{:?}",
        fake.changes()
    );
    assert_eq!(
        fake.snapshot(),
        stays(),
        "c002 is ACTIVE, with P1, on sensor-10"
    );
}

#[tokio::test]
async fn a_failure_stops_the_run_and_a_second_run_finishes_it() {
    for n in 1..=CALLS.len() {
        let fake = Arc::new(Fake::new(device()));
        let (op, nth) = occurrence(&CALLS, n - 1);
        fake.fail_call(op, nth, AwsErrorKind::Unavailable);
        let (result, seen) = remove(&fake, "sensor-9").await;
        let Err(RunError::Failed { run, cause }) = result else {
            panic!("step {n}: {result:?}");
        };
        assert_eq!(
            fake.changes(),
            CALLS[..n],
            "no undo, nothing after step {n}"
        );
        let failed = n - 1;
        for (i, status) in statuses(&run.steps).iter().enumerate() {
            let want = match i.cmp(&failed) {
                std::cmp::Ordering::Less => StepStatus::Done,
                std::cmp::Ordering::Equal => StepStatus::Failed(cause.to_string()),
                std::cmp::Ordering::Greater => StepStatus::Pending,
            };
            assert_eq!(*status, want, "failing step {n}, step {i}");
        }
        let RunState::Failed { error, left_behind } = &run.state else {
            panic!("{:?}", run.state);
        };
        assert!(error.starts_with(&run.steps[failed].label), "{error}");
        assert_eq!(left_behind.len(), CALLS.len() - failed, "{left_behind:?}");
        assert_eq!(left_behind.last().unwrap(), "Thing sensor-9 still exists.");
        assert!(!seen
            .iter()
            .any(|r| matches!(r.state, RunState::Undoing { .. })));
        let left = left_behind.clone();
        let message = ServiceError::from(RunError::Failed { run, cause }).to_string();
        assert!(
            message.contains(&format!(
                "The run stopped there and left this for an admin or a second run to finish: {}",
                left.join(" ")
            )),
            "{message}"
        );

        // The second run plans from what is left and finishes.
        fake.clear_calls();
        let again = remove(&fake, "sensor-9").await.0.unwrap();
        assert_eq!(again.state, RunState::Succeeded, "after step {n}");
        let mut expected = stays();
        if CALLS[failed] == "DeleteCertificate c001" {
            // Detached already: the thing no longer leads to it. The sentence said so.
            assert!(
                left[0].starts_with(&format!(
                    "Certificate {} still exists and is no longer attached to thing sensor-9, so a second run will not find it",
                    cert_id(1)
                )),
                "{left:?}"
            );
            expected
                .certificates
                .insert(cert_id(1), CertificateStatus::Inactive);
        }
        assert_eq!(
            fake.snapshot(),
            expected,
            "after a second run, failing step {n}"
        );
    }
}

#[tokio::test]
async fn steps_whose_resource_is_gone_already_count_as_done() {
    let fake = Arc::new(Fake::new(device()));
    // Someone else removes everything but the thing between the survey and the first change.
    fake.before_call("UpdateCertificate", |a| {
        a.policy_attachments
            .retain(|(_, c)| *c != arn_of(&cert_id(1)));
        a.principals.retain(|(t, _)| t != "sensor-9");
        a.certificates.retain(|c| c.id != cert_id(1));
        a.memberships.retain(|(t, _)| t != "sensor-9");
    });
    let run = remove(&fake, "sensor-9").await.0.unwrap();
    assert_eq!(
        fake.changes(),
        CALLS,
        "every step ran, and found nothing to do"
    );
    assert_eq!(run.state, RunState::Succeeded);
    assert_eq!(fake.snapshot(), stays());
}

#[tokio::test]
async fn a_delete_refused_while_a_detachment_propagates_is_tried_again() {
    let fake = Arc::new(Fake::new(device()));
    fake.refuse_deletes_as_attached(1);
    remove(&fake, "sensor-9").await.0.unwrap();
    let deletes = fake
        .changes()
        .iter()
        .filter(|c| *c == "DeleteCertificate c001")
        .count();
    assert_eq!(deletes, 2);
    assert_eq!(fake.snapshot(), stays());

    // Refused for longer than the service waits: the run stops at the delete.
    let fake = Arc::new(Fake::new(device()));
    fake.refuse_deletes_as_attached(2);
    let Err(RunError::Failed { run, .. }) = remove(&fake, "sensor-9").await.0 else {
        panic!()
    };
    assert!(
        matches!(run.steps[4].status, StepStatus::Failed(ref m) if m.contains("still attached"))
    );
}

#[tokio::test]
async fn revoked_certificates_are_deleted_as_they_are_and_other_principals_only_detached() {
    let state = device()
        .with_certificate(&cert_id(1), CertificateStatus::Revoked)
        .with_principal("sensor-9", "us-east-1:cognito-id");
    let fake = Arc::new(Fake::new(state));
    let run = remove(&fake, "sensor-9").await.0.unwrap();
    assert!(
        !fake
            .changes()
            .iter()
            .any(|c| c.starts_with("UpdateCertificate ")),
        "{:?}",
        fake.changes()
    );
    assert!(run
        .steps
        .iter()
        .any(|s| s.label == "Detach principal us-east-1:cognito-id from sensor-9"));
    assert_eq!(fake.snapshot(), stays());
}

#[tokio::test]
async fn a_missing_or_misnamed_thing_is_refused_before_any_change() {
    let fake = Arc::new(Fake::new(device()));
    let (result, seen) = remove(&fake, "ghost").await;
    let Err(RunError::Refused(ServiceError::NotFound(m))) = result else {
        panic!("{result:?}");
    };
    assert_eq!(m, "There is no thing ghost.");
    assert!(seen.is_empty());
    let (result, _) = remove(&fake, "bad name").await;
    assert!(
        matches!(result, Err(RunError::Refused(ServiceError::Invalid(_)))),
        "{result:?}"
    );
    assert!(fake.changes().is_empty());
    assert_eq!(fake.reads(), 1, "only the describe of ghost");
    assert!(matches!(
        service(&fake).plan_removal("ghost").await,
        Err(ServiceError::NotFound(_))
    ));
    assert_eq!(fake.snapshot(), device().snapshot());
}
