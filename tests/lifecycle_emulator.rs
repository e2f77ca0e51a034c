//! The certificate lifecycle service through the real AWS SDK against the local emulator:
//! rotating a device's certificate and removing a device, each made first with the
//! provisioning service. Each test has its own thing, group and policies (unique names), so
//! it can run against a stack that is in use, and checks what exists with the SDK.
//!
//! Failures are real AWS errors: the test changes the account from inside `report` (which the
//! service calls between steps), so the next call meets what an admin working in the console
//! at the same moment would cause.

mod common;

use common::fleet;

use aws_sdk_iot::types::CertificateStatus;
use aws_sdk_iot::Client;
use iot_warden::domain::certificates::device_keys::{
    build_csr, generate_key_pair, key_matches_certificate, KeyKind,
};
use iot_warden::domain::onboarding::provisioning::{
    CertificateSource, ProvisionOutcome, ProvisionRequest,
};
use iot_warden::domain::runs::{LiveRun, RunState, StepStatus};
use iot_warden::server::aws::SdkIot;
use iot_warden::server::certificates::lifecycle::Lifecycle;
use iot_warden::server::onboarding::provisioning::Provisioning;
use iot_warden::server::runs::RunError;
use iot_warden::server::service_error::ServiceError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The first certificate's CSR (EC P-256), as in the provisioning test.
const CSR: &str = include_str!("fixtures/csr-ec-p256.pem");

/// A device's names: its thing, a group and two policies (A sorts before B).
struct Fixture {
    client: Client,
    provisioning: Provisioning,
    lifecycle: Lifecycle,
    thing: String,
    group: String,
    policies: [String; 2],
}

/// Runs `change` on the test's runtime from inside `report`, which is not async.
fn meanwhile<F: std::future::Future<Output = ()>>(change: F) {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(change));
}

impl Fixture {
    async fn new(tag: &str) -> Fixture {
        let sdk = common::emulator_sdk().await;
        let client = Client::new(&sdk);
        let unique = common::unique_name(tag);
        let policies = [
            format!("WardenLifecycleA-{unique}"),
            format!("WardenLifecycleB-{unique}"),
        ];
        for p in &policies {
            fleet::create_policy(&client, p).await;
        }
        let group = format!("warden-lifecycle-group-{unique}");
        fleet::create_group(&client, &group).await;
        let aws = Arc::new(SdkIot::new(&sdk));
        Fixture {
            client,
            provisioning: Provisioning::new(aws.clone(), common::profiles_service(&sdk)),
            lifecycle: Lifecycle::new(aws.clone(), aws.clone(), aws.clone(), aws),
            thing: format!("warden-lifecycle-{unique}"),
            group,
            policies,
        }
    }

    /// The device, made by the provisioning service: both policies, the group.
    async fn provision(&self) -> ProvisionOutcome {
        let req = ProvisionRequest {
            thing_name: self.thing.clone(),
            thing_type: None,
            attributes: vec![],
            groups: vec![self.group.clone()],
            policies: self.policies.to_vec(),
            certificate: CertificateSource::Csr(CSR.into()),
        };
        self.provisioning.provision(&req, &|_| {}).await.unwrap()
    }

    async fn status(&self, id: &str) -> Option<CertificateStatus> {
        match self
            .client
            .describe_certificate()
            .certificate_id(id)
            .send()
            .await
        {
            Ok(d) => d
                .certificate_description()
                .and_then(|d| d.status())
                .cloned(),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception()) =>
            {
                None
            }
            Err(e) => panic!("describe certificate: {e:?}"),
        }
    }

    async fn policies_of(&self, arn: &str) -> Vec<String> {
        fleet::policies_of(&self.client, arn).await
    }

    async fn principals(&self) -> Vec<String> {
        fleet::principals(&self.client, &self.thing).await
    }

    async fn thing_exists(&self) -> bool {
        self.client
            .describe_thing()
            .thing_name(&self.thing)
            .send()
            .await
            .is_ok()
    }

    async fn group_members(&self) -> Vec<String> {
        self.client
            .list_things_in_thing_group()
            .thing_group_name(&self.group)
            .send()
            .await
            .unwrap()
            .things()
            .to_vec()
    }

    async fn remove(&self) -> (Result<LiveRun, RunError>, Vec<LiveRun>) {
        let seen = Mutex::new(Vec::new());
        let result = self
            .lifecycle
            .remove_device(&self.thing, &|r: &LiveRun| {
                seen.lock().unwrap().push(r.clone())
            })
            .await;
        (result, seen.into_inner().unwrap())
    }

    /// Best effort: a failed clean-up must not hide the test's own result.
    async fn clean_up(self) {
        let _ = self.lifecycle.remove_device(&self.thing, &|_| {}).await;
        let c = &self.client;
        let _ = c
            .delete_thing_group()
            .thing_group_name(&self.group)
            .send()
            .await;
        for p in &self.policies {
            let _ = c.delete_policy().policy_name(p).send().await;
        }
    }
}

fn labels(run: &LiveRun) -> Vec<&str> {
    run.steps.iter().map(|s| s.label.as_str()).collect()
}

fn short(id: &str) -> &str {
    &id[..12]
}

#[tokio::test]
async fn a_rotation_moves_the_policies_and_thing_to_a_certificate_for_the_devices_new_key() {
    let f = Fixture::new("rotate").await;
    let old = f.provision().await;

    let plan = f
        .lifecycle
        .plan_rotation(&old.certificate_id)
        .await
        .unwrap();
    let [a, b] = &f.policies;
    assert_eq!(
        labels(&plan),
        [
            "Create the new certificate from the CSR".to_string(),
            format!("Attach policy {a} to the new certificate"),
            format!("Attach policy {b} to the new certificate"),
            format!("Attach the new certificate to thing {}", f.thing),
            format!(
                "Set the old certificate {} INACTIVE",
                short(&old.certificate_id)
            ),
        ]
    );

    // The device makes a new key pair and sends only its CSR.
    let keys = generate_key_pair(KeyKind::EcP256).unwrap();
    let csr = build_csr(&keys, &f.thing).unwrap();
    let seen = Mutex::new(Vec::new());
    let outcome = f
        .lifecycle
        .rotate(&old.certificate_id, &csr, &|r: &LiveRun| {
            seen.lock().unwrap().push(r.clone())
        })
        .await
        .unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(
        outcome.steps.iter().all(|s| s.status == StepStatus::Done),
        "{:?}",
        outcome.steps
    );
    assert_eq!(seen.last().unwrap().state, RunState::Succeeded);
    assert_eq!(seen[0], plan, "the run starts from the plan");
    assert_eq!(outcome.old_certificate_id, old.certificate_id);
    assert_eq!(outcome.things, std::slice::from_ref(&f.thing));
    assert_eq!(outcome.policies, f.policies);
    assert!(key_matches_certificate(&keys.private_key_pem, &outcome.certificate_pem).unwrap());

    // In AWS: the new certificate is ACTIVE with both policies, on the thing; the old one is
    // INACTIVE and keeps its attachments, so it can be activated again.
    assert_eq!(
        f.status(&outcome.certificate_id).await,
        Some(CertificateStatus::Active)
    );
    assert_eq!(f.policies_of(&outcome.certificate_arn).await, f.policies);
    let mut both = vec![old.certificate_arn.clone(), outcome.certificate_arn.clone()];
    both.sort();
    assert_eq!(f.principals().await, both);
    assert_eq!(
        f.status(&old.certificate_id).await,
        Some(CertificateStatus::Inactive)
    );
    assert_eq!(f.policies_of(&old.certificate_arn).await, f.policies);

    // Removing the device now takes both certificates (the old one needs no deactivation).
    let (removed, _) = f.remove().await;
    let run = removed.unwrap();
    let deactivations = labels(&run)
        .iter()
        .filter(|l| l.starts_with("Set certificate"))
        .count();
    assert_eq!(deactivations, 1, "{:?}", labels(&run));
    assert_eq!(f.status(&old.certificate_id).await, None);
    assert_eq!(f.status(&outcome.certificate_id).await, None);
    assert!(!f.thing_exists().await);
    f.clean_up().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_that_fails_is_undone_and_the_old_certificate_keeps_working() {
    let f = Fixture::new("rotate-fail").await;
    let old = f.provision().await;
    let [a, b] = f.policies.clone();

    // Once the new certificate exists, an admin detaches policy B from the old certificate
    // and deletes it: attaching B to the new certificate fails in AWS.
    let keys = generate_key_pair(KeyKind::EcP256).unwrap();
    let csr = build_csr(&keys, &f.thing).unwrap();
    let done = AtomicBool::new(false);
    let seen = Mutex::new(Vec::new());
    let report = |r: &LiveRun| {
        seen.lock().unwrap().push(r.clone());
        if r.steps[0].status == StepStatus::Done && !done.swap(true, Ordering::SeqCst) {
            meanwhile(async {
                f.client
                    .detach_policy()
                    .policy_name(&b)
                    .target(&old.certificate_arn)
                    .send()
                    .await
                    .unwrap();
                f.client
                    .delete_policy()
                    .policy_name(&b)
                    .send()
                    .await
                    .unwrap();
            });
        }
    };
    let err = f
        .lifecycle
        .rotate(&old.certificate_id, &csr, &report)
        .await
        .unwrap_err();
    let RunError::Failed { run, .. } = &err else {
        panic!("{err:?}");
    };
    let statuses: Vec<&StepStatus> = run.steps.iter().map(|s| &s.status).collect();
    assert_eq!(statuses[0], &StepStatus::Undone, "{statuses:?}");
    assert_eq!(statuses[1], &StepStatus::Undone, "{statuses:?}");
    assert!(matches!(statuses[2], StepStatus::Failed(_)), "{statuses:?}");
    assert!(statuses[3..].iter().all(|s| **s == StepStatus::Pending));
    let RunState::Failed { left_behind, .. } = &run.state else {
        panic!("{:?}", run.state);
    };
    assert!(left_behind.is_empty(), "{left_behind:?}");
    let new_id = run
        .certificate_id
        .clone()
        .expect("the new certificate was made");
    assert!(seen
        .lock()
        .unwrap()
        .iter()
        .any(|r| matches!(r.state, RunState::Undoing { .. })));

    // In AWS: the new certificate is gone; the old one is ACTIVE, on the thing, with A.
    assert_eq!(f.status(&new_id).await, None);
    assert_eq!(
        f.status(&old.certificate_id).await,
        Some(CertificateStatus::Active)
    );
    assert_eq!(
        f.principals().await,
        std::slice::from_ref(&old.certificate_arn)
    );
    assert_eq!(
        f.policies_of(&old.certificate_arn).await,
        std::slice::from_ref(&a)
    );

    let message = ServiceError::from(err).to_string();
    assert!(
        message.starts_with(&format!(
            "Attach policy {b} to the new certificate failed: Policy {b} does not exist. Everything this run created was undone."
        )),
        "{message}"
    );
    f.clean_up().await;
}

#[tokio::test]
async fn removing_a_device_leaves_nothing_of_it() {
    let f = Fixture::new("remove").await;
    let device = f.provision().await;
    let id = short(&device.certificate_id);
    let [a, b] = &f.policies;

    let plan = f.lifecycle.plan_removal(&f.thing).await.unwrap();
    assert_eq!(
        labels(&plan),
        [
            format!("Set certificate {id} INACTIVE"),
            format!("Detach policy {a} from certificate {id}"),
            format!("Detach policy {b} from certificate {id}"),
            format!("Detach certificate {id} from {}", f.thing),
            format!("Delete certificate {id}"),
            format!("Remove {} from thing group {}", f.thing, f.group),
            format!("Delete thing {}", f.thing),
        ]
    );
    let (result, seen) = f.remove().await;
    let run = result.unwrap();
    assert_eq!(run.state, RunState::Succeeded);
    assert!(run.steps.iter().all(|s| s.status == StepStatus::Done));
    assert_eq!(seen[0], plan);

    assert!(!f.thing_exists().await);
    assert_eq!(f.status(&device.certificate_id).await, None);
    assert!(f.group_members().await.is_empty());
    for p in &f.policies {
        let targets = f
            .client
            .list_targets_for_policy()
            .policy_name(p)
            .send()
            .await
            .unwrap();
        assert!(targets.targets().is_empty(), "{p}: {:?}", targets.targets());
    }

    // Gone: a second removal is refused before any change.
    let (again, _) = f.remove().await;
    assert!(
        matches!(again, Err(RunError::Refused(ServiceError::NotFound(ref m))) if *m == format!("There is no thing {}.", f.thing)),
        "{again:?}"
    );
    f.clean_up().await;
}

#[tokio::test]
async fn a_second_run_finishes_a_half_removed_device() {
    let f = Fixture::new("half").await;
    let device = f.provision().await;
    let [a, b] = &f.policies;
    // Part of a removal already happened: deactivated, policy A detached, out of the group.
    let c = &f.client;
    c.update_certificate()
        .certificate_id(&device.certificate_id)
        .new_status(CertificateStatus::Inactive)
        .send()
        .await
        .unwrap();
    c.detach_policy()
        .policy_name(a)
        .target(&device.certificate_arn)
        .send()
        .await
        .unwrap();
    c.remove_thing_from_thing_group()
        .thing_group_name(&f.group)
        .thing_name(&f.thing)
        .send()
        .await
        .unwrap();

    let id = short(&device.certificate_id);
    let (result, _) = f.remove().await;
    let run = result.unwrap();
    assert_eq!(
        labels(&run),
        [
            format!("Detach policy {b} from certificate {id}"),
            format!("Detach certificate {id} from {}", f.thing),
            format!("Delete certificate {id}"),
            format!("Delete thing {}", f.thing),
        ]
    );
    assert!(!f.thing_exists().await);
    assert_eq!(f.status(&device.certificate_id).await, None);
    f.clean_up().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removal_that_fails_names_what_remains_and_a_second_run_finishes() {
    let f = Fixture::new("remove-fail").await;
    let device = f.provision().await;
    // Between the plan and the first step, an admin revokes the certificate: AWS refuses to
    // set it INACTIVE, and the run stops there.
    let revoked = AtomicBool::new(false);
    let report = |_: &LiveRun| {
        if !revoked.swap(true, Ordering::SeqCst) {
            meanwhile(async {
                f.client
                    .update_certificate()
                    .certificate_id(&device.certificate_id)
                    .new_status(CertificateStatus::Revoked)
                    .send()
                    .await
                    .unwrap();
            });
        }
    };
    let err = f
        .lifecycle
        .remove_device(&f.thing, &report)
        .await
        .unwrap_err();
    let RunError::Failed { run, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(matches!(run.steps[0].status, StepStatus::Failed(_)));
    let RunState::Failed { left_behind, .. } = &run.state else {
        panic!("{:?}", run.state);
    };
    assert_eq!(left_behind.len(), run.steps.len(), "{left_behind:?}");
    assert_eq!(
        left_behind[0],
        format!(
            "Certificate {} was not set INACTIVE.",
            device.certificate_id
        )
    );
    assert_eq!(
        left_behind.last().unwrap(),
        &format!("Thing {} still exists.", f.thing)
    );
    assert!(f.thing_exists().await, "nothing was removed");
    let message = ServiceError::from(err).to_string();
    assert!(
        message.contains("The run stopped there and left this for an admin or a second run"),
        "{message}"
    );

    // The second run sees the certificate REVOKED and deletes it as it is.
    let (result, _) = f.remove().await;
    let run = result.unwrap();
    assert!(
        !labels(&run)
            .iter()
            .any(|l| l.starts_with("Set certificate")),
        "{:?}",
        labels(&run)
    );
    assert!(!f.thing_exists().await);
    assert_eq!(f.status(&device.certificate_id).await, None);
    assert!(f.group_members().await.is_empty());
    f.clean_up().await;
}
