//! The service over a fake account that keeps what exists, refuses what AWS refuses (deleting
//! an ACTIVE or attached certificate, a thing with a principal), and can be told to fail
//! its Nth forward call or one kind of undo call.

use super::*;
use crate::domain::onboarding::provisioning::{CertificateSource, ProvisionRequest};
use crate::domain::runs::{RunState, Step, StepStatus};
use crate::server::aws::{
    AwsError, AwsErrorKind, CertificateState, CreatedCertificate, CreatedKeys, CreatedThing,
    PrivateKeyPem,
};
use async_trait::async_trait;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

const CSR: &str = include_str!("../../../domain/onboarding/testdata/csr-ec-p256.pem");
const CERT: &str = include_str!("../../../domain/certificates/testdata/ec-p256.pem");
const PRIVATE_KEY: &str =
    "-----BEGIN RSA PRIVATE KEY-----\nTOP-SECRET\n-----END RSA PRIVATE KEY-----";

#[derive(Default)]
struct Account {
    things: BTreeSet<String>,
    /// (thing, group)
    memberships: BTreeSet<(String, String)>,
    /// id → status
    certificates: BTreeMap<String, &'static str>,
    /// (policy, principal)
    policy_attachments: BTreeSet<(String, String)>,
    /// (thing, principal)
    principals: BTreeSet<(String, String)>,
    /// Every call, forward and undo, in order.
    calls: Vec<String>,
    forward_calls: usize,
    next_cert: u32,
}

struct Fake {
    account: Mutex<Account>,
    policies: BTreeSet<String>,
    /// The Nth (1-based) forward call fails.
    fail_forward: Option<usize>,
    /// Undo calls of this name fail.
    fail_undo: Option<&'static str>,
}

fn arn_of(id: &str) -> String {
    format!("arn:aws:iot:us-east-1:123456789012:cert/{id}")
}

fn refused(what: &str) -> AwsError {
    AwsError {
        kind: AwsErrorKind::Invalid,
        message: format!("AWS refused to {what}"),
        request_id: Some("req-1".into()),
    }
}

impl Fake {
    fn new() -> Fake {
        Fake {
            account: Mutex::new(Account::default()),
            policies: ["P1", "P2"].iter().map(|s| s.to_string()).collect(),
            fail_forward: None,
            fail_undo: None,
        }
    }

    fn with_thing(self, name: &str) -> Fake {
        self.account.lock().unwrap().things.insert(name.into());
        self
    }

    /// Records a forward call; fails it when it is the one told to fail.
    fn forward(&self, call: String) -> Result<std::sync::MutexGuard<'_, Account>, AwsError> {
        let mut a = self.account.lock().unwrap();
        a.forward_calls += 1;
        let n = a.forward_calls;
        a.calls.push(call.clone());
        if self.fail_forward == Some(n) {
            return Err(AwsError {
                kind: AwsErrorKind::Unavailable,
                message: format!("AWS could not {call} just now"),
                request_id: Some(format!("req-{n}")),
            });
        }
        Ok(a)
    }

    fn undo(
        &self,
        name: &'static str,
        call: String,
    ) -> Result<std::sync::MutexGuard<'_, Account>, AwsError> {
        let mut a = self.account.lock().unwrap();
        a.calls.push(call);
        if self.fail_undo == Some(name) {
            return Err(refused(name));
        }
        Ok(a)
    }

    fn new_certificate(a: &mut Account, pem: &str) -> CreatedCertificate {
        a.next_cert += 1;
        let id = format!("c{}", a.next_cert);
        a.certificates.insert(id.clone(), "ACTIVE");
        CreatedCertificate {
            arn: arn_of(&id),
            id,
            pem: pem.into(),
        }
    }

    fn calls(&self) -> Vec<String> {
        self.account.lock().unwrap().calls.clone()
    }

    /// Everything that exists, except the things that were there before the run.
    fn leftovers(&self, before: &[&str]) -> Vec<String> {
        let a = self.account.lock().unwrap();
        let mut out: Vec<String> = a
            .things
            .iter()
            .filter(|t| !before.contains(&t.as_str()))
            .map(|t| format!("thing {t}"))
            .collect();
        out.extend(a.memberships.iter().map(|(t, g)| format!("{t} in {g}")));
        out.extend(a.certificates.keys().map(|c| format!("certificate {c}")));
        out.extend(
            a.policy_attachments
                .iter()
                .map(|(p, c)| format!("{p} on {c}")),
        );
        out.extend(a.principals.iter().map(|(t, c)| format!("{c} on {t}")));
        out
    }
}

#[async_trait]
impl Provisioner for Fake {
    async fn find_thing(&self, name: &str) -> Result<Option<String>, AwsError> {
        let a = self.forward(format!("describe {name}"))?;
        Ok(a.things.contains(name).then(|| format!("arn:thing/{name}")))
    }
    async fn create_thing(
        &self,
        name: &str,
        thing_type: Option<&str>,
        attributes: &[(String, String)],
    ) -> Result<CreatedThing, AwsError> {
        let mut a = self.forward(format!(
            "create thing {name} type={} attrs={}",
            thing_type.unwrap_or("-"),
            attributes.len()
        ))?;
        a.things.insert(name.into());
        Ok(CreatedThing {
            arn: format!("arn:thing/{name}"),
            id: "tid".into(),
        })
    }
    async fn delete_thing(&self, name: &str) -> Result<(), AwsError> {
        let mut a = self.undo("delete_thing", format!("delete thing {name}"))?;
        if a.principals.iter().any(|(t, _)| t == name) {
            return Err(refused("delete a thing with a principal attached"));
        }
        if !a.things.remove(name) {
            return Err(AwsError::not_found("no thing"));
        }
        a.memberships.retain(|(t, _)| t != name);
        Ok(())
    }
    async fn add_thing_to_group(&self, thing: &str, group: &str) -> Result<(), AwsError> {
        let mut a = self.forward(format!("add {thing} to {group}"))?;
        a.memberships.insert((thing.into(), group.into()));
        Ok(())
    }
    async fn remove_thing_from_group(&self, thing: &str, group: &str) -> Result<(), AwsError> {
        let mut a = self.undo(
            "remove_thing_from_group",
            format!("remove {thing} from {group}"),
        )?;
        a.memberships
            .remove(&(thing.to_string(), group.to_string()));
        Ok(())
    }
    async fn create_certificate_from_csr(
        &self,
        csr_pem: &str,
        active: bool,
    ) -> Result<CreatedCertificate, AwsError> {
        assert!(active, "certificates are created ACTIVE");
        assert!(csr_pem.contains("CERTIFICATE REQUEST"));
        let mut a = self.forward("create certificate from csr".into())?;
        Ok(Fake::new_certificate(&mut a, "SIGNED-PEM"))
    }
    async fn create_keys_and_certificate(&self, active: bool) -> Result<CreatedKeys, AwsError> {
        assert!(active);
        let mut a = self.forward("create keys and certificate".into())?;
        Ok(CreatedKeys {
            certificate: Fake::new_certificate(&mut a, "AWS-PEM"),
            public_key_pem: "PUBLIC".into(),
            private_key: PrivateKeyPem::new(PRIVATE_KEY.into()),
        })
    }
    async fn register_certificate_without_ca(
        &self,
        pem: &str,
        active: bool,
    ) -> Result<CreatedCertificate, AwsError> {
        assert!(active);
        let mut a = self.forward("register certificate".into())?;
        Ok(Fake::new_certificate(&mut a, pem))
    }
    async fn update_certificate(&self, id: &str, status: CertificateState) -> Result<(), AwsError> {
        let mut a = self.undo(
            "update_certificate",
            format!("set {id} {}", status.as_aws()),
        )?;
        let s = a
            .certificates
            .get_mut(id)
            .ok_or_else(|| AwsError::not_found("no certificate"))?;
        *s = status.as_aws();
        Ok(())
    }
    async fn delete_certificate(&self, id: &str) -> Result<(), AwsError> {
        let mut a = self.undo("delete_certificate", format!("delete certificate {id}"))?;
        let arn = arn_of(id);
        match a.certificates.get(id) {
            None => return Err(AwsError::not_found("no certificate")),
            Some(&"ACTIVE") => return Err(refused("delete an ACTIVE certificate")),
            Some(_) => {}
        }
        if a.policy_attachments.iter().any(|(_, c)| *c == arn)
            || a.principals.iter().any(|(_, c)| *c == arn)
        {
            return Err(refused("delete an attached certificate"));
        }
        a.certificates.remove(id);
        Ok(())
    }
    async fn attach_policy(&self, policy: &str, principal_arn: &str) -> Result<(), AwsError> {
        let mut a = self.forward(format!("attach {policy}"))?;
        if !self.policies.contains(policy) {
            return Err(AwsError::not_found(format!(
                "Policy {policy} does not exist"
            )));
        }
        a.policy_attachments
            .insert((policy.into(), principal_arn.into()));
        Ok(())
    }
    async fn detach_policy(&self, policy: &str, principal_arn: &str) -> Result<(), AwsError> {
        let mut a = self.undo("detach_policy", format!("detach {policy}"))?;
        a.policy_attachments
            .remove(&(policy.to_string(), principal_arn.to_string()));
        Ok(())
    }
    async fn attach_thing_principal(
        &self,
        thing: &str,
        principal_arn: &str,
    ) -> Result<(), AwsError> {
        let mut a = self.forward(format!("attach certificate to {thing}"))?;
        a.principals.insert((thing.into(), principal_arn.into()));
        Ok(())
    }
    async fn detach_thing_principal(
        &self,
        thing: &str,
        principal_arn: &str,
    ) -> Result<(), AwsError> {
        let mut a = self.undo(
            "detach_thing_principal",
            format!("detach certificate from {thing}"),
        )?;
        a.principals
            .remove(&(thing.to_string(), principal_arn.to_string()));
        Ok(())
    }
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

/// The service over `fake`, its clock inside the test certificate's validity.
fn service(fake: &Arc<Fake>) -> Provisioning {
    let mut s = Provisioning::new(fake.clone());
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
    "describe sensor-9",
    "create thing sensor-9 type=Sensor attrs=1",
    "add sensor-9 to G1",
    "add sensor-9 to G2",
    "create certificate from csr",
    "attach P1",
    "attach P2",
    "attach certificate to sensor-9",
];

#[tokio::test]
async fn a_full_run_makes_every_call_in_order() {
    let fake = Arc::new(Fake::new());
    let (result, seen) = run(&fake, &csr_request()).await;
    let outcome = result.unwrap();
    assert_eq!(fake.calls(), FORWARD_CALLS);
    assert!(outcome.steps.iter().all(|s| s.status == StepStatus::Done));
    assert_eq!(outcome.steps.len(), FORWARD_CALLS.len());
    assert_eq!(outcome.thing_arn, "arn:thing/sensor-9");
    assert_eq!(outcome.certificate_id, "c1");
    assert_eq!(outcome.certificate_arn, arn_of("c1"));
    assert_eq!(outcome.certificate_pem, "SIGNED-PEM");
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
    let a = fake.account.lock().unwrap();
    assert_eq!(a.certificates.get("c1"), Some(&"ACTIVE"));
    assert_eq!(a.principals.len(), 1);
    assert_eq!(a.policy_attachments.len(), 2);
    assert_eq!(a.memberships.len(), 2);
}

#[tokio::test]
async fn a_failure_at_every_step_undoes_exactly_what_was_created_in_reverse() {
    let undo_of = |forward: &str| -> Vec<String> {
        match forward {
            "describe sensor-9" => vec![],
            "create thing sensor-9 type=Sensor attrs=1" => vec!["delete thing sensor-9".into()],
            "add sensor-9 to G1" => vec!["remove sensor-9 from G1".into()],
            "add sensor-9 to G2" => vec!["remove sensor-9 from G2".into()],
            "create certificate from csr" => {
                vec!["set c1 INACTIVE".into(), "delete certificate c1".into()]
            }
            "attach P1" => vec!["detach P1".into()],
            "attach P2" => vec!["detach P2".into()],
            "attach certificate to sensor-9" => vec!["detach certificate from sensor-9".into()],
            other => panic!("{other}"),
        }
    };
    for n in 1..=FORWARD_CALLS.len() {
        let fake = Arc::new(Fake {
            fail_forward: Some(n),
            ..Fake::new()
        });
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
            fake.leftovers(&[]),
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
            message.ends_with(&format!("(AWS request id req-{n})")),
            "{message}"
        );
    }
}

#[tokio::test]
async fn an_undo_failure_is_reported_with_what_is_left_behind() {
    // The certificate cannot be attached to the thing; detaching policy P2 then fails, so the
    // certificate cannot be deleted either. The rest is still undone.
    let fake = Arc::new(Fake {
        fail_forward: Some(8),
        fail_undo: Some("detach_policy"),
        ..Fake::new()
    });
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
        assert!(m.contains(&arn_of("c1")), "{m}");
    }
    let StepStatus::UndoFailed(m) = &s[4] else {
        panic!("{:?}", s[4]);
    };
    assert!(
        m.contains("Certificate c1 was set INACTIVE but not deleted"),
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
        fake.leftovers(&[]),
        vec![
            "certificate c1".to_string(),
            format!("P1 on {}", arn_of("c1")),
            format!("P2 on {}", arn_of("c1")),
        ]
    );
    assert_eq!(
        fake.account.lock().unwrap().certificates.get("c1"),
        Some(&"INACTIVE"),
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
    let fake = Arc::new(Fake::new());
    let mut req = csr_request();
    req.policies = vec!["P1".into(), "NoSuchPolicy".into()];
    let (result, _) = run(&fake, &req).await;
    let err = result.unwrap_err();
    let RunError::Failed { run, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        run.steps[6].status,
        StepStatus::Failed("Policy NoSuchPolicy does not exist".into())
    );
    assert_eq!(fake.leftovers(&[]), Vec::<String>::new());
    let e = ServiceError::from(err);
    assert!(matches!(e, ServiceError::Aws(ref a) if a.kind == AwsErrorKind::NotFound));
    assert_eq!(
        e.to_string(),
        "Attach policy NoSuchPolicy to the certificate failed: Policy NoSuchPolicy does not exist. Everything this run created was undone."
    );
}

#[tokio::test]
async fn an_existing_thing_is_caught_before_anything_is_created() {
    let fake = Arc::new(Fake::new().with_thing("sensor-9"));
    let (result, _) = run(&fake, &csr_request()).await;
    let Err(RunError::Failed { run, cause }) = result else {
        panic!("{result:?}");
    };
    assert_eq!(fake.calls(), vec!["describe sensor-9"]);
    assert!(matches!(cause, ServiceError::Invalid(ref m) if m.contains("already exists")));
    assert!(matches!(run.steps[0].status, StepStatus::Failed(_)));
    assert!(run.steps[1..]
        .iter()
        .all(|s| s.status == StepStatus::Pending));
    assert_eq!(fake.leftovers(&["sensor-9"]), Vec::<String>::new());
    assert!(
        fake.account.lock().unwrap().things.contains("sensor-9"),
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
    let fake = Arc::new(Fake::new());
    let (result, seen) = run(&fake, &request(CertificateSource::AwsGenerated)).await;
    let outcome = result.unwrap();
    assert_eq!(outcome.aws_private_key_pem.as_deref(), Some(PRIVATE_KEY));
    assert_eq!(outcome.certificate_pem, "AWS-PEM");
    assert!(fake
        .calls()
        .contains(&"create keys and certificate".to_string()));
    for r in &seen {
        let published = serde_json::to_string(r).unwrap() + &format!("{r:?}");
        assert!(!published.contains("TOP-SECRET"));
    }
    assert!(!format!("{outcome:?}").contains("TOP-SECRET"));
}

#[tokio::test]
async fn a_brought_certificate_is_registered_without_a_ca() {
    let fake = Arc::new(Fake::new());
    let req = request(CertificateSource::Existing { pem: CERT.into() });
    let outcome = run(&fake, &req).await.0.unwrap();
    assert!(fake.calls().contains(&"register certificate".to_string()));
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
        let fake = Arc::new(Fake::new());
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
