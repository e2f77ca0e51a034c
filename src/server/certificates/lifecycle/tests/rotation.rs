//! Rotation: the new certificate takes over the old one's policies and things; any failure
//! undoes the run and leaves the account, the old certificate included, as it was.

use super::fake::{arn_of, cert_id, Fake, State};
use super::*;
use crate::domain::certificates::lifecycle::RotationOutcome;
use crate::domain::runs::RunState;
const CSR: &str = include_str!("../../../../domain/onboarding/testdata/csr-ec-p256.pem");

fn set<const N: usize>(items: [(&str, &str); N]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

use std::collections::BTreeSet;

/// sensor-9 and its spare share certificate c001 (policies P1 and P2); thing "other" has its
/// own certificate c002 with P3, which no rotation may touch.
fn device() -> State {
    let (old, other) = (arn_of(&cert_id(1)), arn_of(&cert_id(2)));
    State {
        things: ["sensor-9", "sensor-9-spare", "other"]
            .map(String::from)
            .into(),
        memberships: set([("sensor-9", "G1")]),
        certificates: [
            (cert_id(1), "ACTIVE".to_string()),
            (cert_id(2), "ACTIVE".to_string()),
        ]
        .into(),
        policies: ["P1", "P2", "P3"].map(String::from).into(),
        policy_attachments: set([("P1", &old), ("P2", &old), ("P3", &other)]),
        principals: set([
            ("sensor-9", &old),
            ("sensor-9-spare", &old),
            ("other", &other),
        ]),
    }
}

const FORWARD: [&str; 6] = [
    "create certificate from csr",
    "attach P1 to c101",
    "attach P2 to c101",
    "attach c101 to sensor-9",
    "attach c101 to sensor-9-spare",
    "set c001 INACTIVE",
];

fn undo_of(forward: &str) -> Vec<&'static str> {
    match forward {
        "create certificate from csr" => vec!["set c101 INACTIVE", "delete certificate c101"],
        "attach P1 to c101" => vec!["detach P1 from c101"],
        "attach P2 to c101" => vec!["detach P2 from c101"],
        "attach c101 to sensor-9" => vec!["detach c101 from sensor-9"],
        "attach c101 to sensor-9-spare" => vec!["detach c101 from sensor-9-spare"],
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
    assert_eq!(fake.calls(), FORWARD);

    let new = cert_id(101);
    assert_eq!(outcome.old_certificate_id, cert_id(1));
    assert_eq!(outcome.certificate_id, new);
    assert_eq!(outcome.certificate_arn, arn_of(&new));
    assert_eq!(outcome.certificate_pem, "SIGNED-PEM");
    assert_eq!(outcome.policies, ["P1", "P2"]);
    assert_eq!(outcome.things, ["sensor-9", "sensor-9-spare"]);
    assert!(outcome.steps.iter().all(|s| s.status == StepStatus::Done));
    assert_eq!(
        outcome.steps.last().unwrap().label,
        "Set the old certificate c001ffffffff INACTIVE"
    );

    // The old certificate keeps its attachments, INACTIVE: it can be activated again.
    let mut expected = device();
    expected.certificates.insert(cert_id(1), "INACTIVE".into());
    expected.certificates.insert(new.clone(), "ACTIVE".into());
    let new_arn = arn_of(&new);
    expected
        .policy_attachments
        .extend(set([("P1", &new_arn), ("P2", &new_arn)]));
    expected
        .principals
        .extend(set([("sensor-9", &new_arn), ("sensor-9-spare", &new_arn)]));
    assert_eq!(fake.state(), expected);

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
        fake.fail_at(n);
        let (result, seen) = rotate(&fake, &cert_id(1), CSR).await;
        let Err(RunError::Failed { run, cause }) = result else {
            panic!("step {n}: {result:?}");
        };
        assert_eq!(fake.state(), device(), "failing step {n} left a change");
        let mut expected: Vec<&str> = FORWARD[..n].to_vec();
        for done in FORWARD[..n - 1].iter().rev() {
            expected.extend(undo_of(done));
        }
        assert_eq!(fake.calls(), expected, "failing step {n}");

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
            message.ends_with(&format!("(AWS request id req-{n})")),
            "{message}"
        );
    }
}

#[tokio::test]
async fn an_inactive_old_certificate_needs_no_last_step() {
    let mut state = device();
    state.certificates.insert(cert_id(1), "INACTIVE".into());
    let fake = Arc::new(Fake::new(state));
    let outcome = rotate(&fake, &cert_id(1), CSR).await.0.unwrap();
    assert_eq!(fake.calls(), FORWARD[..5]);
    assert_eq!(outcome.steps.len(), 5);
    assert_eq!(fake.state().certificates[&cert_id(1)], "INACTIVE");
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
    assert!(fake.calls().is_empty());
}

#[tokio::test]
async fn rotations_that_cannot_run_are_refused_before_any_change() {
    let mut state = device();
    state.certificates.insert(cert_id(3), "REVOKED".into());
    state
        .certificates
        .insert(cert_id(4), "PENDING_TRANSFER".into());
    state.certificates.insert(cert_id(5), "ACTIVE".into());
    for id in [cert_id(3), cert_id(4)] {
        state.principals.insert(("sensor-9".into(), arn_of(&id)));
    }
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
        assert!(fake.calls().is_empty(), "{sentence}: {:?}", fake.calls());
        assert_eq!(fake.reads() > 0, reads, "{sentence}");
        assert!(seen.is_empty(), "nothing published for a refusal");
        assert_eq!(fake.state(), state);
        // The plan refuses the same way (it takes no CSR).
        if csr == CSR {
            let plan = service(&fake).plan_rotation(&id).await.unwrap_err();
            assert_eq!(plan.to_string(), e.to_string());
        }
    }
}
