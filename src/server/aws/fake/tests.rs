//! The fake's own refusals, paging and fault injection, which the services' tests rely on.

use super::*;
use crate::domain::certificates::status::CertificateStatus;
use crate::server::aws::{
    CertificateDirectory, PolicyStore, Provisioner, ThingFilter, ThingRegistry,
};

fn kind_of<T: std::fmt::Debug>(r: Result<T, AwsError>) -> AwsErrorKind {
    r.unwrap_err().kind
}

#[tokio::test]
async fn refuses_what_aws_refuses() {
    let (id, arn) = (cert_id(1), arn_of(&cert_id(1)));
    let seed = Account::default()
        .with_thing("t")
        .with_certificate(&id, CertificateStatus::Active)
        .with_policies(["P"])
        .with_policy_on("P", &arn)
        .with_principal("t", &arn);
    let fake = Fake::new(seed.clone());
    let e = fake.delete_certificate(&id).await.unwrap_err();
    assert_eq!(e.kind, AwsErrorKind::Invalid);
    assert!(e.message.contains("ACTIVE"), "{e}");
    fake.update_certificate(&id, CertificateStatus::Inactive)
        .await
        .unwrap();
    let e = fake.delete_certificate(&id).await.unwrap_err();
    assert!(e.message.contains("still attached"), "{e}");
    assert_eq!(kind_of(fake.delete_thing("t").await), AwsErrorKind::Invalid);
    fake.update_certificate(&id, CertificateStatus::Revoked)
        .await
        .unwrap();
    assert_eq!(
        kind_of(
            fake.update_certificate(&id, CertificateStatus::Active)
                .await
        ),
        AwsErrorKind::Invalid,
        "revocation is final"
    );
    let mut expected = seed.snapshot();
    expected
        .certificates
        .insert(id.clone(), CertificateStatus::Revoked);
    assert_eq!(fake.snapshot(), expected, "a refusal changes nothing");

    // What does not exist, or is not attached, is NotFound.
    let not_found = [
        kind_of(fake.attach_policy("Nope", &arn).await),
        kind_of(fake.detach_policy("P", &arn_of(&cert_id(2))).await),
        kind_of(fake.detach_thing_principal("t", &arn_of(&cert_id(2))).await),
        kind_of(fake.delete_thing("ghost").await),
        kind_of(fake.add_thing_to_group("t", "NoGroup").await),
        kind_of(fake.describe_certificate(&cert_id(2)).await),
    ];
    assert!(
        not_found.iter().all(|k| *k == AwsErrorKind::NotFound),
        "{not_found:?}"
    );

    // Taken apart in AWS's order, everything goes.
    fake.detach_policy("P", &arn).await.unwrap();
    fake.detach_thing_principal("t", &arn).await.unwrap();
    fake.delete_certificate(&id).await.unwrap();
    fake.delete_thing("t").await.unwrap();
    assert!(fake.snapshot().things.is_empty());
    assert!(fake.snapshot().certificates.is_empty());
}

#[tokio::test]
async fn a_policy_keeps_at_most_five_versions_and_its_default() {
    let fake = Fake::new(Account::default().with_policies(["P"]));
    for n in 2..=5 {
        let id = fake
            .create_policy_version("P", POLICY_DOCUMENT, false)
            .await
            .unwrap();
        assert_eq!(id, n.to_string());
    }
    let e = fake
        .create_policy_version("P", POLICY_DOCUMENT, false)
        .await
        .unwrap_err();
    assert!(e.message.contains("five versions"), "{e}");
    assert_eq!(
        kind_of(fake.delete_policy_version("P", "1").await),
        AwsErrorKind::Invalid,
        "the default stays"
    );
    fake.set_default_policy_version("P", "5").await.unwrap();
    fake.delete_policy_version("P", "1").await.unwrap();
    assert_eq!(
        kind_of(fake.create_policy_version("P", "not json", true).await),
        AwsErrorKind::Invalid
    );
    let id = fake
        .create_policy_version("P", POLICY_DOCUMENT, true)
        .await
        .unwrap();
    assert_eq!(id, "6", "a deleted version's id is not given again");
    let versions = fake.list_policy_versions("P").await.unwrap();
    let defaults: Vec<&str> = versions
        .iter()
        .filter(|v| v.is_default)
        .map(|v| v.version_id.as_str())
        .collect();
    assert_eq!(defaults, ["6"]);
    assert_eq!(versions.len(), 5);
}

#[tokio::test]
async fn listings_page_like_aws() {
    let seed = (1..=7).fold(Account::default(), |a, i| {
        let name = format!("t{i}");
        a.with_thing(&name).with_member(&name, "G")
    });
    let seed = [(1, 10), (2, 30), (3, 20)]
        .into_iter()
        .fold(seed, |a, (n, t)| {
            a.with_certificate_record(Certificate {
                created: Some(t),
                ..Certificate::new(&cert_id(n), CertificateStatus::Active)
            })
        });
    let fake = Fake::new(seed).page_size(3);
    let mut names = Vec::new();
    let mut token = None;
    loop {
        let page = fake
            .list_things(&ThingFilter::default(), token.as_deref())
            .await
            .unwrap();
        assert!(page.items.len() <= 3);
        names.extend(page.items.into_iter().map(|t| t.name));
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(names, (1..=7).map(|i| format!("t{i}")).collect::<Vec<_>>());
    assert_eq!(fake.count("ListThings"), 3);
    let members = fake.list_things_in_group("G", Some("6")).await.unwrap();
    assert_eq!(members.items, ["t7"]);
    assert_eq!(members.next_token, None);
    let listed = fake.list_certificates(None).await.unwrap();
    let ids: Vec<String> = listed.items.into_iter().map(|c| c.id).collect();
    assert_eq!(ids, [cert_id(2), cert_id(3), cert_id(1)], "newest first");
}

#[tokio::test]
async fn injected_faults_hit_only_the_call_they_name() {
    let seed = Account::default().with_thing("t").with_policies(["P"]);
    let fake = Fake::new(seed);
    fake.fail_call("AttachPolicy", 2, AwsErrorKind::Unavailable);
    fake.throttle_call("DescribeThing", 1);
    fake.fail_every_call("DetachPolicy", AwsErrorKind::AccessDenied);
    let arns: Vec<String> = (1..=3).map(|n| arn_of(&cert_id(n))).collect();

    fake.attach_policy("P", &arns[0]).await.unwrap();
    let e = fake.attach_policy("P", &arns[1]).await.unwrap_err();
    assert_eq!(e.kind, AwsErrorKind::Unavailable);
    assert_eq!(e.request_id.as_deref(), Some("req-AttachPolicy-2"));
    assert!(
        e.to_string()
            .ends_with("(AWS request id req-AttachPolicy-2)"),
        "{e}"
    );
    fake.attach_policy("P", &arns[2]).await.unwrap();
    let attached = fake.snapshot().policy_attachments;
    assert_eq!(
        attached.len(),
        2,
        "the failed call changed nothing: {attached:?}"
    );

    assert_eq!(
        kind_of(fake.describe_thing("t").await),
        AwsErrorKind::Throttled
    );
    assert!(fake.describe_thing("t").await.is_ok(), "only the first");
    for arn in [&arns[0], &arns[2]] {
        assert_eq!(
            kind_of(fake.detach_policy("P", arn).await),
            AwsErrorKind::AccessDenied
        );
    }
    assert_eq!(fake.snapshot().policy_attachments, attached);
    assert_eq!(fake.count("AttachPolicy"), 3);
    assert_eq!(
        fake.changes(),
        [
            "AttachPolicy P c001",
            "AttachPolicy P c002",
            "AttachPolicy P c003",
            "DetachPolicy P c001",
            "DetachPolicy P c003",
        ]
    );
    assert_eq!(fake.reads(), 2);

    // What a test passes to fail a run at its third call.
    let calls = [
        "DescribeThing t",
        "AttachPolicy P c001",
        "AttachPolicy P c002",
    ];
    assert_eq!(occurrence(&calls, 2), ("AttachPolicy", 2));
    assert_eq!(occurrence(&calls, 0), ("DescribeThing", 1));
}

#[tokio::test]
async fn others_can_change_the_account_around_a_call() {
    let seed = Account::default().with_thing("a").with_thing("b");
    let fake = Fake::new(seed);
    fake.after_call("ListThings", |a| a.things.retain(|t| t.name != "b"));
    let listed = fake
        .list_things(&ThingFilter::default(), None)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 2, "the listing still saw b");
    assert_eq!(
        kind_of(fake.describe_thing("b").await),
        AwsErrorKind::NotFound
    );
    fake.before_call("DescribeThing", |a| a.things.clear());
    assert_eq!(
        kind_of(fake.describe_thing("a").await),
        AwsErrorKind::NotFound
    );

    // A detachment that has not propagated: the delete is refused, then goes through.
    let fake = Fake::new(Account::default().with_thing("t"));
    fake.refuse_deletes_as_attached(1);
    let e = fake.delete_thing("t").await.unwrap_err();
    assert!(e.message.contains("still attached"), "{e}");
    fake.delete_thing("t").await.unwrap();
    assert!(fake.snapshot().things.is_empty());
}

#[tokio::test]
async fn concurrent_calls_overlap() {
    let fake = Fake::new(Account::default().with_thing("t"));
    let calls = (0..5).map(|_| fake.describe_thing("t"));
    futures::future::try_join_all(calls).await.unwrap();
    assert_eq!(fake.max_in_flight("DescribeThing"), 5);
    fake.describe_thing("t").await.unwrap();
    assert_eq!(fake.count("DescribeThing"), 6);
}
