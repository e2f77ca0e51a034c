//! Security review finding 2: onboarding staff may register devices only within an onboarding
//! profile an admin defined. Tried as an attacker would: hand-made requests to the public
//! server functions, as `onboarding`, naming a policy that allows `iot:*` on `*`, a group the
//! profile does not give, or no profile at all. Each is refused (403) and nothing is created;
//! within the profile the device is made exactly as the profile says. Admins manage the
//! profiles (conflicting edits refused), and a job made within a profile that is narrowed
//! afterwards runs only the rows still inside it.

mod common;

use common::{fleet, TestApp};
use iot_warden::domain::certificates::device_keys::{build_csr, generate_key_pair, KeyKind};
use iot_warden::domain::onboarding::pacing::RateLimits;
use iot_warden::domain::onboarding::plan::OnboardRow;
use iot_warden::domain::onboarding::profile::OnboardingProfile;
use iot_warden::domain::roles::Role;
use serde_json::{json, Value};

const ADMIN_EVERYTHING: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}"#;

struct Setup {
    app: TestApp,
    client: aws_sdk_iot::Client,
    sdk: aws_config::SdkConfig,
    onboarder: String,
    admin: String,
    /// A profile of this run: `policy`, `group`, attribute `site` required.
    profile: String,
    policy: String,
    group: String,
    /// A policy allowing everything, which no profile gives.
    powerful: String,
    /// A group outside the profile.
    other_group: String,
}

async fn setup() -> Setup {
    let app = TestApp::new().await;
    let sdk = common::emulator_sdk().await;
    let client = aws_sdk_iot::Client::new(&sdk);
    let tag = common::unique_name("profile");
    let (policy, powerful) = (format!("ProfilePolicy-{tag}"), format!("Everything-{tag}"));
    let (group, other_group) = (format!("ProfileGroup-{tag}"), format!("Other-{tag}"));
    fleet::create_policy(&client, &policy).await;
    client
        .create_policy()
        .policy_name(&powerful)
        .policy_document(ADMIN_EVERYTHING)
        .send()
        .await
        .unwrap();
    fleet::create_group(&client, &group).await;
    fleet::create_group(&client, &other_group).await;
    let onboarder = app
        .session_for("onboarder", Some(Role::Onboarding), 0)
        .await;
    let admin = app.session_for("admin", Some(Role::Admin), 0).await;
    let profile = format!("p-{}", &tag[tag.len() - 12..]);
    let body = json!({"profile": {
        "name": profile, "description": "test", "thing_type": null,
        "groups": [group], "policies": [policy],
        "required_attributes": ["site"], "optional_attributes": []}, "version": null});
    let (status, text) = app
        .call(
            "/api/save_onboarding_profile",
            &body.to_string(),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    Setup {
        app,
        client,
        sdk,
        onboarder,
        admin,
        profile,
        policy,
        group,
        powerful,
        other_group,
    }
}

impl Setup {
    /// POST `body` (JSON) to the server function at `path` as the user of `cookie`.
    async fn post(&self, path: &str, body: &Value, cookie: &str) -> (u16, String) {
        self.app.call(path, &body.to_string(), Some(cookie)).await
    }
}

fn device(thing: &str, groups: &[&str], policies: &[&str]) -> Value {
    json!({"thing_name": thing, "thing_type": null, "attributes": [["site", "lab"]],
        "groups": groups, "policies": policies, "certificate": "AwsGenerated"})
}

fn csr() -> String {
    build_csr(&generate_key_pair(KeyKind::EcP256).unwrap(), "x").unwrap()
}

async fn exists(client: &aws_sdk_iot::Client, thing: &str) -> bool {
    client
        .describe_thing()
        .thing_name(thing)
        .send()
        .await
        .is_ok()
}

#[tokio::test]
async fn onboarding_staff_cannot_give_a_device_anything_outside_their_profile() {
    let s = setup().await;
    let thing = common::unique_name("outside");
    let run = |n: u32| format!("run-{n:08}");
    let attempts = [
        // The confirmed attack: the account's most powerful policy, no profile named.
        json!({"run_id": run(1), "request": device(&thing, &[], &[&s.powerful])}),
        // Within a profile, but with the powerful policy beside the profile's own.
        json!({"run_id": run(2), "request": device(&thing, &[&s.group], &[&s.policy, &s.powerful]),
            "profile": s.profile}),
        // A group the profile does not give.
        json!({"run_id": run(3), "request": device(&thing, &[&s.group, &s.other_group], &[&s.policy]),
            "profile": s.profile}),
        // The profile's policy and group, but no profile named.
        json!({"run_id": run(4), "request": device(&thing, &[&s.group], &[&s.policy])}),
        // An empty profile name.
        json!({"run_id": run(5), "request": device(&thing, &[&s.group], &[&s.policy]), "profile": ""}),
    ];
    for body in &attempts {
        let (status, text) = s.post("/api/provision_device", body, &s.onboarder).await;
        assert_eq!(status, 403, "{body} → {text}");
        assert!(!exists(&s.client, &thing).await, "{body} created the thing");
    }
    // A required attribute left out.
    let mut bare = device(&thing, &[&s.group], &[&s.policy]);
    bare["attributes"] = json!([]);
    let body = json!({"run_id": run(6), "request": bare, "profile": s.profile});
    let (status, text) = s.post("/api/provision_device", &body, &s.onboarder).await;
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("requires the attribute site"), "{text}");

    // The summary of a policy tells what it allows: not of one outside the profile.
    let body = json!({"policies": [s.powerful], "thing_name": thing, "profile": s.profile});
    let (status, text) = s
        .post("/api/device_policy_summary", &body, &s.onboarder)
        .await;
    assert_eq!(status, 403, "{text}");
    let body = json!({"policies": [s.powerful], "thing_name": thing});
    let (status, _) = s
        .post("/api/device_policy_summary", &body, &s.onboarder)
        .await;
    assert_eq!(status, 403);

    // Bulk: a row with the powerful policy is refused whole, and so is a job with no profile.
    let row = |thing: &str, policies: &[&str]| {
        json!({"line": 2, "device": {"thing_name": thing, "thing_type": null,
            "attributes": [["site", "lab"]], "groups": [s.group], "policies": policies,
            "csr_pem": csr()}})
    };
    let bulk_thing = common::unique_name("bulk-outside");
    for body in [
        json!({"rows": [row(&bulk_thing, &[&s.policy, &s.powerful])], "profile": s.profile}),
        json!({"rows": [row(&bulk_thing, &[&s.policy])]}),
    ] {
        let (status, text) = s.post("/api/start_bulk_job", &body, &s.onboarder).await;
        assert_eq!(status, 403, "{text}");
    }
    assert!(!exists(&s.client, &bulk_thing).await);

    // Profiles are the admins' to change.
    let body = json!({"profile": {"name": s.profile, "groups": [], "policies": [s.powerful]},
        "version": 1});
    let (status, _) = s
        .post("/api/save_onboarding_profile", &body, &s.onboarder)
        .await;
    assert_eq!(status, 403);
    let (status, _) = s
        .app
        .call(
            "/api/delete_onboarding_profile",
            &format!("name={}&version=1", s.profile),
            Some(&s.onboarder),
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn within_the_profile_the_device_gets_exactly_what_it_gives() {
    let s = setup().await;
    let thing = common::unique_name("inside");
    let body = json!({"run_id": "run-00000010",
        "request": device(&thing, &[&s.group], &[&s.policy]), "profile": s.profile});
    let (status, text) = s.post("/api/provision_device", &body, &s.onboarder).await;
    assert_eq!(status, 200, "{text}");
    let made: Value = serde_json::from_str(&text).unwrap();
    let arn = made["certificate_arn"].as_str().unwrap();
    assert_eq!(
        fleet::policies_of(&s.client, arn).await,
        vec![s.policy.clone()]
    );
    assert_eq!(
        fleet::groups_of(&s.client, &thing).await,
        vec![s.group.clone()]
    );

    // Admins still choose freely.
    let free = common::unique_name("admin-free");
    let body = json!({"run_id": "run-00000011",
        "request": device(&free, &[&s.other_group], &[&s.policy])});
    let (status, text) = s.post("/api/provision_device", &body, &s.admin).await;
    assert_eq!(status, 200, "{text}");
}

#[tokio::test]
async fn admins_edit_profiles_without_overwriting_each_other() {
    let s = setup().await;
    let listed = |text: &str| -> Vec<Value> {
        let page: Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            page["can_change"], false,
            "onboarding staff only read profiles"
        );
        page["profiles"].as_array().unwrap().clone()
    };
    let (status, text) = s
        .app
        .call("/api/list_onboarding_profiles", "", Some(&s.onboarder))
        .await;
    assert_eq!(status, 200, "{text}");
    let mine = listed(&text)
        .into_iter()
        .find(|p| p["profile"]["name"] == s.profile.as_str())
        .expect("the new profile is listed");
    assert_eq!(mine["version"], 1);
    assert_eq!(mine["updated_by"], "admin");

    let edit = |policies: Vec<&str>, version: u64| {
        json!({"profile": {"name": s.profile, "groups": [s.group], "policies": policies,
            "required_attributes": ["site"]}, "version": version})
        .to_string()
    };
    let (status, text) = s
        .app
        .call(
            "/api/save_onboarding_profile",
            &edit(vec![&s.policy, &s.powerful], 1),
            Some(&s.admin),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    // A second admin's edit made from version 1 is refused, not laid over the first.
    let (status, text) = s
        .app
        .call(
            "/api/save_onboarding_profile",
            &edit(vec![&s.policy], 1),
            Some(&s.admin),
        )
        .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("changed by someone else"), "{text}");
    // A profile naming what does not exist is refused with the names.
    let (status, text) = s
        .app
        .call(
            "/api/save_onboarding_profile",
            &edit(vec!["NoSuchPolicy-x"], 2),
            Some(&s.admin),
        )
        .await;
    assert_eq!(status, 400, "{text}");
    assert!(
        text.contains("There is no policy named NoSuchPolicy-x."),
        "{text}"
    );
    // A new profile under a taken name is refused.
    let body = json!({"profile": {"name": s.profile, "policies": [s.policy]}, "version": null});
    let (status, text) = s
        .post("/api/save_onboarding_profile", &body, &s.admin)
        .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("exists already"), "{text}");

    let delete = |version: u64| format!("name={}&version={version}", s.profile);
    let (status, _) = s
        .app
        .call("/api/delete_onboarding_profile", &delete(1), Some(&s.admin))
        .await;
    assert_eq!(status, 400, "a delete of a stale version is refused");
    let (status, text) = s
        .app
        .call("/api/delete_onboarding_profile", &delete(2), Some(&s.admin))
        .await;
    assert_eq!(status, 200, "{text}");
    let body = json!({"run_id": "run-00000020",
        "request": device(&common::unique_name("gone"), &[&s.group], &[&s.policy]),
        "profile": s.profile});
    let (status, text) = s.post("/api/provision_device", &body, &s.onboarder).await;
    assert_eq!(status, 404, "{text}");
    assert!(
        text.contains("There is no onboarding profile named"),
        "{text}"
    );
}

#[tokio::test]
async fn a_job_runs_only_the_rows_its_profile_still_gives() {
    let s = setup().await;
    let profiles = common::profiles_service(&s.sdk);
    let stored = profiles.get(&s.profile).await.unwrap();
    let engine = common::bulk_engine(&s.sdk, &RateLimits::aws_defaults());
    let row = |thing: String| OnboardRow {
        thing_name: thing,
        thing_type: None,
        attributes: vec![("site".into(), "lab".into())],
        groups: vec![s.group.clone()],
        policies: vec![s.policy.clone()],
        csr_pem: Some(csr()),
    };
    let things = [
        common::unique_name("narrowed-a"),
        common::unique_name("narrowed-b"),
    ];
    let rows = things
        .iter()
        .enumerate()
        .map(|(i, t)| (i as u32 + 2, row(t.clone())))
        .collect();
    let id = iot_warden::server::onboarding::bulk::new_job_id();
    engine
        .create(id.clone(), rows, "onboarder", Some(&stored.profile))
        .await
        .unwrap();
    // Before the job runs, an admin takes the policy out of the profile.
    let narrowed = OnboardingProfile {
        policies: vec![s.powerful.clone()],
        ..stored.profile.clone()
    };
    profiles
        .update(narrowed, stored.version, "admin")
        .await
        .unwrap();
    let status = engine.run(&id, &|_| {}).await.unwrap();
    assert_eq!(
        (status.counts.done, status.counts.failed),
        (0, 2),
        "{status:?}"
    );
    for thing in &things {
        assert!(!exists(&s.client, thing).await, "{thing} was created");
    }
    let result = engine.result_csv(&id).await.unwrap();
    assert!(result.contains("gives the policies"), "{result}");
}
