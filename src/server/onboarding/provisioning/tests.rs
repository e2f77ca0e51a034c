//! The service over the fake account ([`crate::server::aws::fake`]), which keeps what exists
//! and refuses what AWS refuses (deleting an ACTIVE or attached certificate, a thing with a
//! principal); a test makes it fail one forward call, or every call of one kind of undo.

use super::*;
use crate::domain::certificates::status::CertificateStatus;
use crate::domain::onboarding::profile::{OnboardingProfile, OnboardingReach};
use crate::domain::onboarding::provisioning::{CertificateSource, ProvisionRequest};
use crate::domain::runs::{RunState, Step, StepStatus};
use crate::server::aws::fake::{
    arn_of, cert_id, occurrence, request_id, thing_arn, Account, Fake, MemoryProfiles,
    AWS_MADE_PEM, AWS_MADE_PRIVATE_KEY, SIGNED_PEM,
};
use crate::server::aws::AwsErrorKind;
use std::sync::Mutex;

const CSR: &str = include_str!("../../../domain/onboarding/testdata/csr-ec-p256.pem");
const CERT: &str = include_str!("../../../domain/certificates/testdata/ec-p256.pem");

/// What a run starts from: the thing type, groups and policies the request names.
fn account() -> Account {
    Account::default()
        .with_thing_type("Sensor")
        .with_group("G1")
        .with_group("G2")
        .with_policies(["P1", "P2", "P3"])
}

fn fake() -> Arc<Fake> {
    Arc::new(Fake::new(account()))
}

/// The id of the certificate a run creates.
fn new_id() -> String {
    cert_id(101)
}

/// Everything that exists but what the account started with: things not in `before`,
/// memberships, certificates and attachments.
fn leftovers(fake: &Fake, before: &[&str]) -> Vec<String> {
    let s = fake.snapshot();
    let mut out: Vec<String> = s
        .things
        .iter()
        .filter(|t| !before.contains(&t.as_str()))
        .map(|t| format!("thing {t}"))
        .collect();
    out.extend(s.memberships.iter().map(|(t, g)| format!("{t} in {g}")));
    out.extend(s.certificates.keys().map(|c| format!("certificate {c}")));
    out.extend(
        s.policy_attachments
            .iter()
            .map(|(p, c)| format!("{p} on {c}")),
    );
    out.extend(s.principals.iter().map(|(t, c)| format!("{c} on {t}")));
    out
}

/// The status of the certificate `id`, if it exists.
fn status_of(fake: &Fake, id: &str) -> Option<CertificateStatus> {
    fake.snapshot().certificates.get(id).copied()
}

fn request(certificate: CertificateSource) -> ProvisionRequest {
    ProvisionRequest {
        thing_name: "sensor-9".into(),
        thing_type: Some("Sensor".into()),
        attributes: vec![("site".into(), "lab-7".into())],
        groups: vec!["G1".into(), "G2".into()],
        policies: vec!["P1".into(), "P2".into()],
        certificate,
    }
}

fn csr_request() -> ProvisionRequest {
    request(CertificateSource::Csr(CSR.into()))
}

/// The profile `request` fits: its type, groups, policies and attribute.
fn sensor_profile() -> OnboardingProfile {
    OnboardingProfile {
        name: "sensor".into(),
        thing_type: Some("Sensor".into()),
        groups: vec!["G1".into(), "G2".into()],
        policies: vec!["P1".into(), "P2".into()],
        required_attributes: vec!["site".into()],
        ..Default::default()
    }
}

/// The service over `fake`, with [`sensor_profile`] defined, its clock inside the test
/// certificate's validity.
fn service(fake: &Arc<Fake>) -> Provisioning {
    let profiles = Arc::new(OnboardingProfiles::new(
        Arc::new(MemoryProfiles::with(&[sensor_profile()])),
        fake.clone(),
        fake.clone(),
    ));
    let mut s = Provisioning::new(fake.clone(), profiles);
    s.now = || {
        crate::domain::certificates::facts::with_certificate(CERT, |c| {
            c.validity().not_before.timestamp()
        })
        .unwrap()
            + 60
    };
    s
}

/// Runs the request, keeping every run `report` published.
async fn run(
    fake: &Arc<Fake>,
    req: &ProvisionRequest,
) -> (Result<ProvisionOutcome, RunError>, Vec<LiveRun>) {
    let seen = Mutex::new(Vec::new());
    let result = service(fake)
        .provision(req, &|r: &LiveRun| seen.lock().unwrap().push(r.clone()))
        .await;
    (result, seen.into_inner().unwrap())
}

fn statuses(steps: &[Step]) -> Vec<StepStatus> {
    steps.iter().map(|s| s.status.clone()).collect()
}

const FORWARD_CALLS: [&str; 8] = [
    "DescribeThing sensor-9",
    "CreateThing sensor-9 type=Sensor attrs=1",
    "AddThingToThingGroup sensor-9 G1",
    "AddThingToThingGroup sensor-9 G2",
    "CreateCertificateFromCsr",
    "AttachPolicy P1 c101",
    "AttachPolicy P2 c101",
    "AttachThingPrincipal sensor-9 c101",
];

#[tokio::test]
async fn a_full_run_makes_every_call_in_order() {
    let fake = fake();
    let (result, seen) = run(&fake, &csr_request()).await;
    let outcome = result.unwrap();
    assert_eq!(fake.calls(), FORWARD_CALLS);
    assert!(outcome.steps.iter().all(|s| s.status == StepStatus::Done));
    assert_eq!(outcome.steps.len(), FORWARD_CALLS.len());
    assert_eq!(outcome.thing_arn, thing_arn("sensor-9"));
    assert_eq!(outcome.certificate_id, new_id());
    assert_eq!(outcome.certificate_arn, arn_of(&new_id()));
    assert_eq!(outcome.certificate_pem, SIGNED_PEM);
    assert_eq!(outcome.aws_private_key_pem, None);
    // Published: the plan, then Running and Done for each step, then Succeeded.
    assert_eq!(seen.len(), 1 + 2 * FORWARD_CALLS.len() + 1);
    assert!(seen[0]
        .steps
        .iter()
        .all(|s| s.status == StepStatus::Pending));
    assert_eq!(seen[1].steps[0].status, StepStatus::Running);
    assert_eq!(seen[2].steps[0].status, StepStatus::Done);
    assert_eq!(seen[2].steps[1].status, StepStatus::Pending);
    let last = seen.last().unwrap();
    assert_eq!(last.state, RunState::Succeeded);
    assert!(last.is_finished());
    assert_eq!(last.done_count(), FORWARD_CALLS.len() as u32);
    let a = fake.snapshot();
    assert_eq!(status_of(&fake, &new_id()), Some(CertificateStatus::Active));
    assert_eq!(a.principals.len(), 1);
    assert_eq!(a.policy_attachments.len(), 2);
    assert_eq!(a.memberships.len(), 2);
}

#[tokio::test]
async fn a_failure_at_every_step_undoes_exactly_what_was_created_in_reverse() {
    let undo_of = |forward: &str| -> Vec<String> {
        match forward {
            "DescribeThing sensor-9" => vec![],
            "CreateThing sensor-9 type=Sensor attrs=1" => vec!["DeleteThing sensor-9".into()],
            "AddThingToThingGroup sensor-9 G1" => {
                vec!["RemoveThingFromThingGroup sensor-9 G1".into()]
            }
            "AddThingToThingGroup sensor-9 G2" => {
                vec!["RemoveThingFromThingGroup sensor-9 G2".into()]
            }
            "CreateCertificateFromCsr" => vec![
                "UpdateCertificate c101 INACTIVE".into(),
                "DeleteCertificate c101".into(),
            ],
            "AttachPolicy P1 c101" => vec!["DetachPolicy P1 c101".into()],
            "AttachPolicy P2 c101" => vec!["DetachPolicy P2 c101".into()],
            "AttachThingPrincipal sensor-9 c101" => {
                vec!["DetachThingPrincipal sensor-9 c101".into()]
            }
            other => panic!("{other}"),
        }
    };
    for n in 1..=FORWARD_CALLS.len() {
        let fake = fake();
        let (op, nth) = occurrence(&FORWARD_CALLS, n - 1);
        fake.fail_call(op, nth, AwsErrorKind::Unavailable);
        let (result, seen) = run(&fake, &csr_request()).await;
        let Err(RunError::Failed { run, cause }) = result else {
            panic!("step {n}: {result:?}");
        };
        // Forward calls up to the failing one, then the undo of each earlier one, newest first.
        let mut expected: Vec<String> = FORWARD_CALLS[..n].iter().map(|c| c.to_string()).collect();
        for done in FORWARD_CALLS[..n - 1].iter().rev() {
            expected.extend(undo_of(done));
        }
        assert_eq!(fake.calls(), expected, "failing step {n}");
        assert_eq!(
            leftovers(&fake, &[]),
            Vec::<String>::new(),
            "step {n} left something"
        );

        let failed = n - 1;
        for (i, status) in statuses(&run.steps).iter().enumerate() {
            let want = if i == failed {
                StepStatus::Failed(cause.to_string())
            } else if i > failed {
                StepStatus::Pending
            } else if i == 0 {
                StepStatus::Done // the name check created nothing
            } else {
                StepStatus::Undone
            };
            assert_eq!(*status, want, "failing step {n}, step {i}");
        }
        match &run.state {
            RunState::Failed { error, left_behind } => {
                assert!(left_behind.is_empty());
                assert!(error.starts_with(&run.steps[failed].label), "{error}");
                assert!(error.contains("could not"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            seen.last(),
            Some(&run),
            "the last published run is the result"
        );
        assert!(seen
            .iter()
            .any(|r| matches!(r.state, RunState::Undoing { .. })));
        let message = ServiceError::from(RunError::Failed {
            run: run.clone(),
            cause,
        })
        .to_string();
        // Steps 1 (the name check) and 2 (the thing) fail before anything exists.
        let aftermath = if n <= 2 {
            "Nothing was created."
        } else {
            "Everything this run created was undone."
        };
        assert!(message.contains(aftermath), "{message}");
        assert!(
            message.ends_with(&format!("(AWS request id {})", request_id(op, nth))),
            "{message}"
        );
    }
}

#[tokio::test]
async fn an_undo_failure_is_reported_with_what_is_left_behind() {
    // The certificate cannot be attached to the thing; detaching policy P2 then fails, so the
    // certificate cannot be deleted either. The rest is still undone.
    let fake = fake();
    fake.fail_call("AttachThingPrincipal", 1, AwsErrorKind::Unavailable);
    fake.fail_every_call("DetachPolicy", AwsErrorKind::Invalid);
    let (result, _) = run(&fake, &csr_request()).await;
    let Err(RunError::Failed { run, cause }) = result else {
        panic!("{result:?}");
    };
    let s = statuses(&run.steps);
    assert!(matches!(&s[7], StepStatus::Failed(_)));
    for i in [5, 6] {
        let StepStatus::UndoFailed(m) = &s[i] else {
            panic!("step {i}: {:?}", s[i]);
        };
        assert!(
            m.contains(&format!(
                "Policy P{} is still attached to certificate",
                i - 4
            )),
            "{m}"
        );
        assert!(m.contains(&arn_of(&new_id())), "{m}");
    }
    let StepStatus::UndoFailed(m) = &s[4] else {
        panic!("{:?}", s[4]);
    };
    assert!(
        m.contains(&format!(
            "Certificate {} was set INACTIVE but not deleted",
            new_id()
        )),
        "{m}"
    );
    assert_eq!(
        &s[1..4],
        &[StepStatus::Undone, StepStatus::Undone, StepStatus::Undone]
    );
    let RunState::Failed { left_behind, .. } = &run.state else {
        panic!("{:?}", run.state);
    };
    assert_eq!(left_behind.len(), 3, "{left_behind:?}");
    assert_eq!(
        leftovers(&fake, &[]),
        vec![
            format!("certificate {}", new_id()),
            format!("P1 on {}", arn_of(&new_id())),
            format!("P2 on {}", arn_of(&new_id())),
        ]
    );
    assert_eq!(
        status_of(&fake, &new_id()),
        Some(CertificateStatus::Inactive),
        "deactivated even though it could not be deleted"
    );
    let message = ServiceError::from(RunError::Failed { run, cause }).to_string();
    assert!(
        message.contains("left this behind for an admin"),
        "{message}"
    );
    assert!(message.contains("Policy P2 is still attached"), "{message}");
}

#[tokio::test]
async fn a_missing_policy_fails_its_attach_step_and_everything_is_undone() {
    let fake = fake();
    let mut req = csr_request();
    req.policies = vec!["P1".into(), "NoSuchPolicy".into()];
    let (result, _) = run(&fake, &req).await;
    let err = result.unwrap_err();
    let RunError::Failed { run, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        run.steps[6].status,
        StepStatus::Failed(
            "Policy NoSuchPolicy does not exist (AWS request id req-AttachPolicy-2)".into()
        )
    );
    assert_eq!(leftovers(&fake, &[]), Vec::<String>::new());
    let e = ServiceError::from(err);
    assert!(matches!(e, ServiceError::Aws(ref a) if a.kind == AwsErrorKind::NotFound));
    assert_eq!(
        e.to_string(),
        "Attach policy NoSuchPolicy to the certificate failed: Policy NoSuchPolicy does not exist. Everything this run created was undone. (AWS request id req-AttachPolicy-2)"
    );
}

#[tokio::test]
async fn an_existing_thing_is_caught_before_anything_is_created() {
    let fake = Arc::new(Fake::new(account().with_thing("sensor-9")));
    let (result, _) = run(&fake, &csr_request()).await;
    let Err(RunError::Failed { run, cause }) = result else {
        panic!("{result:?}");
    };
    assert_eq!(fake.calls(), vec!["DescribeThing sensor-9"]);
    assert!(matches!(cause, ServiceError::Invalid(ref m) if m.contains("already exists")));
    assert!(matches!(run.steps[0].status, StepStatus::Failed(_)));
    assert!(run.steps[1..]
        .iter()
        .all(|s| s.status == StepStatus::Pending));
    assert_eq!(leftovers(&fake, &["sensor-9"]), Vec::<String>::new());
    assert!(
        fake.snapshot().things.contains("sensor-9"),
        "not ours to delete"
    );

    // The wizard's step 1 uses the same check.
    let s = service(&fake);
    let err = s.check_thing_name("sensor-9").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "A thing named sensor-9 already exists; choose another name."
    );
    assert!(s.check_thing_name("sensor-10").await.is_ok());
    assert!(matches!(
        s.check_thing_name("bad name").await,
        Err(ServiceError::Invalid(_))
    ));
}

#[tokio::test]
async fn aws_made_keys_reach_only_the_outcome() {
    let fake = fake();
    let (result, seen) = run(&fake, &request(CertificateSource::AwsGenerated)).await;
    let outcome = result.unwrap();
    assert_eq!(
        outcome.aws_private_key_pem.as_deref(),
        Some(AWS_MADE_PRIVATE_KEY)
    );
    assert_eq!(outcome.certificate_pem, AWS_MADE_PEM);
    assert!(fake
        .calls()
        .contains(&"CreateKeysAndCertificate".to_string()));
    assert_eq!(status_of(&fake, &new_id()), Some(CertificateStatus::Active));
    for r in &seen {
        let published = serde_json::to_string(r).unwrap() + &format!("{r:?}");
        assert!(!published.contains("TOP-SECRET"));
    }
    assert!(!format!("{outcome:?}").contains("TOP-SECRET"));
}

#[tokio::test]
async fn a_brought_certificate_is_registered_without_a_ca() {
    let fake = fake();
    let req = request(CertificateSource::Existing { pem: CERT.into() });
    let outcome = run(&fake, &req).await.0.unwrap();
    assert!(fake
        .calls()
        .contains(&"RegisterCertificateWithoutCA".to_string()));
    assert_eq!(status_of(&fake, &new_id()), Some(CertificateStatus::Active));
    assert_eq!(outcome.certificate_pem, CERT);
    assert_eq!(
        outcome.steps[4].label,
        "Register the certificate (without a CA)"
    );
}

#[tokio::test]
async fn invalid_requests_create_nothing() {
    let base = csr_request();
    let cases: Vec<(ProvisionRequest, &str)> = vec![
        (
            ProvisionRequest {
                thing_name: "bad name".into(),
                ..base.clone()
            },
            "The thing name \"bad name\" contains a space",
        ),
        (
            ProvisionRequest {
                thing_type: Some("Type/1".into()),
                ..base.clone()
            },
            "The thing type name",
        ),
        (
            ProvisionRequest {
                attributes: vec![("a=b".into(), "v".into())],
                ..base.clone()
            },
            "The attribute name \"a=b\"",
        ),
        (
            ProvisionRequest {
                attributes: vec![("k".into(), "two words".into())],
                ..base.clone()
            },
            "The attribute value",
        ),
        (
            ProvisionRequest {
                thing_type: None,
                attributes: (0..4).map(|i| (format!("k{i}"), "v".into())).collect(),
                ..base.clone()
            },
            "at most 3 on a thing without a thing type",
        ),
        (
            ProvisionRequest {
                attributes: vec![("k".into(), "1".into()), ("k".into(), "2".into())],
                ..base.clone()
            },
            "The attribute \"k\" is given twice",
        ),
        (
            ProvisionRequest {
                groups: (0..11).map(|i| format!("g{i}")).collect(),
                ..base.clone()
            },
            "at most 10 per thing",
        ),
        (
            ProvisionRequest {
                groups: vec!["G1".into(), "G1".into()],
                ..base.clone()
            },
            "The thing group \"G1\" is given twice",
        ),
        (
            ProvisionRequest {
                policies: vec!["a:b".into()],
                ..base.clone()
            },
            "The policy name \"a:b\"",
        ),
        (
            ProvisionRequest {
                certificate: CertificateSource::Csr("not a csr".into()),
                ..base.clone()
            },
            "The CSR is not PEM text",
        ),
        (
            ProvisionRequest {
                certificate: CertificateSource::Csr(CERT.into()),
                ..base.clone()
            },
            "not a \"CERTIFICATE REQUEST\"",
        ),
        (
            ProvisionRequest {
                certificate: CertificateSource::Existing { pem: CSR.into() },
                ..base.clone()
            },
            "The certificate is not PEM text",
        ),
    ];
    for (req, expected) in cases {
        let fake = fake();
        let (result, seen) = run(&fake, &req).await;
        match result {
            Err(RunError::Refused(ServiceError::Invalid(m))) => {
                assert!(m.contains(expected), "{expected:?} not in {m:?}")
            }
            other => panic!("{expected}: {other:?}"),
        }
        assert!(fake.calls().is_empty(), "{expected}: {:?}", fake.calls());
        assert!(seen.is_empty(), "nothing published for a refused request");
    }
    // Every problem at once, one sentence each.
    let many = ProvisionRequest {
        thing_name: String::new(),
        policies: vec![String::new()],
        ..base
    };
    assert_eq!(request_problems(&many, 0).len(), 2);
}

#[tokio::test]
async fn within_a_profile_only_what_it_gives_is_created() {
    let fake = fake();
    let s = service(&fake);
    let mut wider = csr_request();
    wider.policies.push("P3".into());
    for (chosen, reach) in [
        (Some("sensor"), OnboardingReach::ProfileOnly),
        (Some("sensor"), OnboardingReach::Free),
    ] {
        let refused = s.provision_within(&wider, chosen, reach, &|_| {}).await;
        let Err(RunError::Refused(ServiceError::Refused(m))) = refused else {
            panic!("not refused: {refused:?}");
        };
        assert!(
            m.contains("gives the policies P1, P2; the device asks for P1, P2, P3"),
            "{m}"
        );
    }
    let unchosen = s
        .provision_within(&csr_request(), None, OnboardingReach::ProfileOnly, &|_| {})
        .await;
    assert!(matches!(
        unchosen,
        Err(RunError::Refused(ServiceError::Refused(_)))
    ));
    assert!(
        fake.changes().is_empty(),
        "nothing was created: {:?}",
        fake.changes()
    );

    let made = s
        .provision_within(
            &csr_request(),
            Some("sensor"),
            OnboardingReach::ProfileOnly,
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!(made.thing_name, "sensor-9");
    let free = ProvisionRequest {
        thing_name: "free-1".into(),
        ..wider
    };
    s.provision_within(&free, None, OnboardingReach::Free, &|_| {})
        .await
        .expect("an admin without a profile chooses freely");
}
