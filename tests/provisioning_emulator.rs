//! The provisioning service through the real AWS SDK against the local emulator. Each test
//! makes its own thing, group and policy (unique names), so it can run against a stack that
//! is in use, checks what exists with the SDK, and removes everything at the end.

mod common;

use common::fleet;

use aws_sdk_iot::types::CertificateStatus;
use aws_sdk_iot::Client;
use iot_warden::domain::onboarding::provisioning::{CertificateSource, ProvisionRequest};
use iot_warden::domain::runs::{LiveRun, RunState, StepStatus};
use iot_warden::server::aws::SdkIot;
use iot_warden::server::onboarding::provisioning::Provisioning;
use iot_warden::server::runs::RunError;
use iot_warden::server::service_error::ServiceError;
use std::sync::{Arc, Mutex};

/// EC P-256, CN=warden-provisioning-test; made once with
/// `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null
/// -subj "/CN=warden-provisioning-test/O=Warden Test"`.
const CSR: &str = include_str!("fixtures/csr-ec-p256.pem");

/// A policy and a thing group of the test's own, and the names a run will use.
struct Fixture {
    client: Client,
    service: Provisioning,
    thing: String,
    group: String,
    policy: String,
}

impl Fixture {
    async fn new(tag: &str) -> Fixture {
        let sdk = common::emulator_sdk().await;
        let client = Client::new(&sdk);
        let unique = common::unique_name(tag);
        let policy = format!("WardenProvisionPolicy-{unique}");
        let group = format!("warden-provision-group-{unique}");
        fleet::create_policy(&client, &policy).await;
        fleet::create_group(&client, &group).await;
        Fixture {
            client,
            service: Provisioning::new(Arc::new(SdkIot::new(&sdk)), common::profiles_service(&sdk)),
            thing: format!("warden-provision-{unique}"),
            group,
            policy,
        }
    }

    fn request(&self, policies: Vec<String>, certificate: CertificateSource) -> ProvisionRequest {
        ProvisionRequest {
            thing_name: self.thing.clone(),
            thing_type: None,
            attributes: vec![("site".into(), "lab-7".into())],
            groups: vec![self.group.clone()],
            policies,
            certificate,
        }
    }

    /// Runs the request and keeps every published run.
    async fn provision(
        &self,
        req: &ProvisionRequest,
    ) -> (
        Result<iot_warden::domain::onboarding::provisioning::ProvisionOutcome, RunError>,
        Vec<LiveRun>,
    ) {
        let seen = Mutex::new(Vec::new());
        let result = self
            .service
            .provision(req, &|r: &LiveRun| seen.lock().unwrap().push(r.clone()))
            .await;
        (result, seen.into_inner().unwrap())
    }

    async fn thing_exists(&self) -> bool {
        match self
            .client
            .describe_thing()
            .thing_name(&self.thing)
            .send()
            .await
        {
            Ok(_) => true,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception()) =>
            {
                false
            }
            Err(e) => panic!("describe thing: {e:?}"),
        }
    }

    async fn certificate_exists(&self, id: &str) -> bool {
        match self
            .client
            .describe_certificate()
            .certificate_id(id)
            .send()
            .await
        {
            Ok(_) => true,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception()) =>
            {
                false
            }
            Err(e) => panic!("describe certificate: {e:?}"),
        }
    }

    /// Best effort: a failed clean-up must not hide the test's own result.
    async fn remove(self, certificate_id: Option<&str>) {
        let c = &self.client;
        if let Some(id) = certificate_id {
            if let Ok(d) = c.describe_certificate().certificate_id(id).send().await {
                let arn = d
                    .certificate_description()
                    .and_then(|d| d.certificate_arn())
                    .unwrap_or_default()
                    .to_string();
                let _ = c
                    .detach_thing_principal()
                    .thing_name(&self.thing)
                    .principal(&arn)
                    .send()
                    .await;
                let _ = c
                    .detach_policy()
                    .policy_name(&self.policy)
                    .target(&arn)
                    .send()
                    .await;
                let _ = c
                    .update_certificate()
                    .certificate_id(id)
                    .new_status(CertificateStatus::Inactive)
                    .send()
                    .await;
                let _ = c.delete_certificate().certificate_id(id).send().await;
            }
        }
        let _ = c
            .remove_thing_from_thing_group()
            .thing_group_name(&self.group)
            .thing_name(&self.thing)
            .send()
            .await;
        let _ = c.delete_thing().thing_name(&self.thing).send().await;
        let _ = c
            .delete_thing_group()
            .thing_group_name(&self.group)
            .send()
            .await;
        let _ = c.delete_policy().policy_name(&self.policy).send().await;
    }
}

#[tokio::test]
async fn a_csr_run_creates_the_thing_certificate_and_attachments() {
    let f = Fixture::new("csr").await;
    // The wizard's step 1: a free name passes.
    f.service.check_thing_name(&f.thing).await.unwrap();

    let req = f.request(vec![f.policy.clone()], CertificateSource::Csr(CSR.into()));
    let (result, seen) = f.provision(&req).await;
    let outcome = result.unwrap();
    let id = outcome.certificate_id.clone();

    assert!(
        outcome.steps.iter().all(|s| s.status == StepStatus::Done),
        "{:?}",
        outcome.steps
    );
    assert_eq!(seen.last().unwrap().state, RunState::Succeeded);
    assert_eq!(
        seen.last().unwrap().certificate_id.as_deref(),
        Some(id.as_str())
    );
    assert!(outcome.aws_private_key_pem.is_none());
    assert!(outcome.certificate_pem.contains("BEGIN CERTIFICATE"));
    assert!(
        outcome.thing_arn.ends_with(&format!(":thing/{}", f.thing)),
        "{}",
        outcome.thing_arn
    );

    let c = &f.client;
    let thing = c
        .describe_thing()
        .thing_name(&f.thing)
        .send()
        .await
        .unwrap();
    assert_eq!(
        thing
            .attributes()
            .and_then(|a| a.get("site"))
            .map(String::as_str),
        Some("lab-7")
    );
    let cert = c
        .describe_certificate()
        .certificate_id(&id)
        .send()
        .await
        .unwrap();
    let d = cert.certificate_description().unwrap();
    assert_eq!(d.status(), Some(&CertificateStatus::Active));
    assert_eq!(d.certificate_arn(), Some(outcome.certificate_arn.as_str()));
    assert_eq!(
        fleet::principals(c, &f.thing).await,
        vec![outcome.certificate_arn.clone()]
    );
    assert_eq!(
        fleet::policies_of(c, &outcome.certificate_arn).await,
        vec![f.policy.clone()]
    );
    assert_eq!(fleet::groups_of(c, &f.thing).await, vec![f.group.clone()]);

    // The name is taken now: the wizard's check and a second run both say so, and the second
    // run creates nothing.
    let err = f.service.check_thing_name(&f.thing).await.unwrap_err();
    assert!(
        matches!(err, ServiceError::Invalid(ref m) if m.contains("already exists")),
        "{err:?}"
    );
    let (again, _) = f.provision(&req).await;
    let Err(RunError::Failed { run, .. }) = again else {
        panic!("{again:?}");
    };
    assert!(matches!(run.steps[0].status, StepStatus::Failed(_)));
    assert_eq!(run.certificate_id, None, "no second certificate");
    assert!(f.thing_exists().await, "the first run's thing is untouched");

    f.remove(Some(&id)).await;
}

#[tokio::test]
async fn a_missing_policy_fails_at_its_attach_step_and_leaves_nothing_behind() {
    let f = Fixture::new("rollback").await;
    let missing = format!("WardenNoSuchPolicy-{}", f.thing);
    let req = f.request(
        vec![f.policy.clone(), missing.clone()],
        CertificateSource::Csr(CSR.into()),
    );
    let (result, seen) = f.provision(&req).await;
    let err = result.unwrap_err();
    let RunError::Failed { run, .. } = &err else {
        panic!("{err:?}");
    };
    let labels: Vec<(&str, &StepStatus)> = run
        .steps
        .iter()
        .map(|s| (s.label.as_str(), &s.status))
        .collect();
    let failed = run
        .steps
        .iter()
        .position(|s| matches!(s.status, StepStatus::Failed(_)))
        .unwrap();
    assert_eq!(
        run.steps[failed].label,
        format!("Attach policy {missing} to the certificate"),
        "{labels:?}"
    );
    // The sentence, then the AWS request id to quote to support.
    let StepStatus::Failed(why) = &run.steps[failed].status else {
        unreachable!()
    };
    assert!(
        why.starts_with(&format!("Policy {missing} does not exist (AWS request id ")),
        "{why}"
    );
    // Everything before it: the check stays done, the rest was undone; after it: pending.
    assert_eq!(run.steps[0].status, StepStatus::Done);
    for s in &run.steps[1..failed] {
        assert_eq!(s.status, StepStatus::Undone, "{labels:?}");
    }
    for s in &run.steps[failed + 1..] {
        assert_eq!(s.status, StepStatus::Pending, "{labels:?}");
    }
    let RunState::Failed { left_behind, .. } = &run.state else {
        panic!("{:?}", run.state);
    };
    assert!(left_behind.is_empty(), "{left_behind:?}");
    assert!(seen
        .iter()
        .any(|r| matches!(r.state, RunState::Undoing { .. })));

    // Verified with the SDK: no thing, and the certificate the run made is gone.
    let id = run
        .certificate_id
        .clone()
        .expect("the certificate was made before the failure");
    assert!(!f.thing_exists().await, "the thing was deleted");
    assert!(
        !f.certificate_exists(&id).await,
        "the certificate was deleted"
    );
    let members = f
        .client
        .list_things_in_thing_group()
        .thing_group_name(&f.group)
        .send()
        .await
        .unwrap();
    assert!(members.things().is_empty(), "{:?}", members.things());

    let message = ServiceError::from(err).to_string();
    assert!(
        message.starts_with(&format!(
            "Attach policy {missing} to the certificate failed: Policy {missing} does not exist. Everything this run created was undone."
        )),
        "{message}"
    );
    f.remove(Some(&id)).await;
}

#[tokio::test]
async fn an_aws_made_key_pair_returns_its_private_key_once() {
    let f = Fixture::new("awskeys").await;
    let req = f.request(vec![f.policy.clone()], CertificateSource::AwsGenerated);
    let (result, seen) = f.provision(&req).await;
    let outcome = result.unwrap();
    let key = outcome.aws_private_key_pem.clone().expect("a private key");
    assert!(key.contains("PRIVATE KEY-----"), "not a PEM key");
    assert!(!format!("{outcome:?}").contains(&key));
    for r in &seen {
        assert!(!serde_json::to_string(r).unwrap().contains(&key));
    }
    assert!(f.certificate_exists(&outcome.certificate_id).await);
    assert_eq!(
        fleet::principals(&f.client, &f.thing).await,
        vec![outcome.certificate_arn.clone()]
    );
    f.remove(Some(&outcome.certificate_id)).await;
}
