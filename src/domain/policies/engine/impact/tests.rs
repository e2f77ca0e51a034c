use super::super::parse_policy;
use super::*;

const SENSOR: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}","Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},{"Effect":"Allow","Action":"iot:Publish","Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/status"]},{"Effect":"Allow","Action":"iot:Subscribe","Resource":["arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/commands","arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/config"]},{"Effect":"Allow","Action":"iot:Receive","Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/commands","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/config"]},{"Effect":"Allow","Action":["iot:UpdateThingShadow","iot:GetThingShadow"],"Resource":"arn:aws:iot:*:*:thing/${iot:Connection.Thing.ThingName}"}]}"#;
const ARN: &str = "arn:aws:iot:eu-west-1:123456789012";

fn doc(text: &str) -> PolicyDocument {
    parse_policy(text).expect("test policy parses").document
}

fn device(thing: &str, others: &[&str]) -> ImpactDevice {
    let mut context = Context::new();
    context.insert("iot:Connection.Thing.ThingName".into(), vec![thing.into()]);
    context.insert(
        "iot:Connection.Thing.IsAttached".into(),
        vec!["true".into()],
    );
    ImpactDevice {
        thing_name: thing.into(),
        context,
        other_policies: others.iter().map(|s| s.to_string()).collect(),
    }
}

fn preview(
    current: &PolicyDocument,
    draft: &PolicyDocument,
    others: &BTreeMap<String, PolicyDocument>,
    devices: &[ImpactDevice],
) -> ImpactReport {
    impact_preview(&ImpactInput {
        policy_name: "RestrictiveSensorPolicy",
        current,
        draft,
        others,
        devices,
        region: "eu-west-1",
        account: "123456789012",
    })
}

fn change(
    thing: &str,
    action: &str,
    resource: &str,
    before: Decision,
    after: Decision,
) -> ImpactChange {
    ImpactChange {
        thing_name: thing.into(),
        action: action.into(),
        resource: format!("{ARN}:{resource}"),
        before,
        after,
    }
}

// "Publish/Subscribe policy examples": a policy grants iot:Publish only on the topics its
// Resource names, with the thing name variable per device; "AWS IoT Core action
// resources": the ARN format arn:partition:iot:region:account:topic/name.
// https://docs.aws.amazon.com/iot/latest/developerguide/pub-sub-policy.html
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html
#[test]
fn narrowing_a_topic_removes_a_publish_for_every_sensor() {
    let current = doc(SENSOR);
    let narrowed = SENSOR.replace(
        r#"["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/status"]"#,
        r#""arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry""#,
    );
    assert_ne!(narrowed, SENSOR);
    let draft = doc(&narrowed);
    let devices: Vec<ImpactDevice> = (1..=3)
        .map(|n| device(&format!("sensor-{n}"), &[]))
        .collect();
    let report = preview(&current, &draft, &BTreeMap::new(), &devices);
    assert_eq!(report.devices, 3);
    // Connect, 2 publish, 2 subscribe, 2 receive, 2 shadow actions on the thing.
    assert_eq!(report.requests, 3 * 9);
    let expected: Vec<ImpactChange> = (1..=3)
        .map(|n| {
            change(
                &format!("sensor-{n}"),
                "iot:Publish",
                &format!("topic/sensors/sensor-{n}/status"),
                Decision::Allowed,
                Decision::ImplicitDeny,
            )
        })
        .collect();
    assert_eq!(report.changes, expected);
    assert!(report
        .changes
        .iter()
        .all(|c| c.access_change() == AccessChange::Lost));
}

// "The difference between explicit and implicit denies" (IAM User Guide): both deny, so a
// change between them grants or takes away nothing.
#[test]
fn access_changes_tell_lost_gained_and_deny_kind_only() {
    let c = |before, after| change("t", "iot:Publish", "topic/a", before, after);
    use Decision::*;
    assert_eq!(c(Allowed, ImplicitDeny).access_change(), AccessChange::Lost);
    assert_eq!(c(Allowed, ExplicitDeny).access_change(), AccessChange::Lost);
    assert_eq!(
        c(ImplicitDeny, Allowed).access_change(),
        AccessChange::Gained
    );
    assert_eq!(
        c(ImplicitDeny, ExplicitDeny).access_change(),
        AccessChange::DenyKindOnly
    );
}

#[test]
fn an_identical_draft_changes_nothing() {
    let current = doc(SENSOR);
    let report = preview(
        &current,
        &current.clone(),
        &BTreeMap::new(),
        &[device("s1", &[])],
    );
    assert_eq!(report.requests, 9);
    assert!(report.changes.is_empty(), "{:?}", report.changes);
}

// "AWS IoT Core policies": the decision is made over all the policies attached to the
// device's certificate, with IAM's logic (an Allow in any of them is enough, absent a Deny).
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html
#[test]
fn another_policy_that_already_allows_hides_the_change() {
    let current = doc(SENSOR);
    let draft = doc(&SENSOR.replace("/status", "/state"));
    let fleet = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/sensors/*"}}"#,
    );
    let others = BTreeMap::from([("FleetPublish".to_string(), fleet)]);
    let devices = [
        device(
            "covered",
            &["FleetPublish", "RestrictiveSensorPolicy", "Gone"],
        ),
        device("alone", &[]),
    ];
    let report = preview(&current, &draft, &others, &devices);
    assert_eq!(
        report.changes,
        vec![
            change(
                "alone",
                "iot:Publish",
                "topic/sensors/alone/state",
                Decision::ImplicitDeny,
                Decision::Allowed
            ),
            change(
                "alone",
                "iot:Publish",
                "topic/sensors/alone/status",
                Decision::Allowed,
                Decision::ImplicitDeny
            ),
        ]
    );
}

// "IAM JSON policy elements: Action": wildcards in action names match several actions,
// and NotAction covers every action but those listed; "AWS IoT Core policy actions" lists
// the actions, "AWS IoT Core action resources" the resource type of each (thing for the
// shadow actions; `*` for ListNamedShadowsForThing).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-actions.html
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html
#[test]
fn wildcard_actions_expand_to_known_actions() {
    let current = doc(SENSOR);
    let mut draft = current.clone();
    draft.statements.push(
        doc(r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iot:*Shadow","Resource":"arn:aws:iot:*:*:thing/${iot:Connection.Thing.ThingName}"}}"#)
            .statements
            .remove(0),
    );
    let report = preview(&current, &draft, &BTreeMap::new(), &[device("s1", &[])]);
    let thing = "thing/s1";
    assert_eq!(
        report.changes,
        vec![
            change(
                "s1",
                "iot:DeleteThingShadow",
                thing,
                Decision::ImplicitDeny,
                Decision::ExplicitDeny
            ),
            change(
                "s1",
                "iot:GetThingShadow",
                thing,
                Decision::Allowed,
                Decision::ExplicitDeny
            ),
            change(
                "s1",
                "iot:UpdateThingShadow",
                thing,
                Decision::Allowed,
                Decision::ExplicitDeny
            ),
        ]
    );

    // NotAction, a resource `*`, and a topic pattern: each action on its own resource type,
    // `*` made concrete with the placeholder.
    let broad = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iot:Connect","iot:*Shadow*","iot:*Job*","iotjobsdata:*","iot:AssumeRoleWithCertificate","iot:*Retain*","iot:DeleteConnection"],"Resource":"*"},{"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:*:*:topic/a"}]}"#,
    );
    let report = preview(&current, &broad, &BTreeMap::new(), &[device("s1", &[])]);
    let gained: Vec<(&str, &str)> = report
        .changes
        .iter()
        .filter(|c| c.after == Decision::Allowed)
        .map(|c| (c.action.as_str(), c.resource.as_str()))
        .collect();
    let topic = format!("{ARN}:topic/{PLACEHOLDER}");
    let filter = format!("{ARN}:topicfilter/{PLACEHOLDER}");
    assert_eq!(
        gained,
        vec![
            ("iot:Publish", topic.as_str()),
            ("iot:Receive", topic.as_str()),
            ("iot:Subscribe", filter.as_str())
        ]
    );
}

// "Thing policy examples": when the thing name variable cannot be resolved, the resource
// matches nothing; a device without it gets no request from such a resource.
// https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-examples.html
#[test]
fn devices_without_the_variable_get_no_such_request() {
    let current = doc(SENSOR);
    let mut anonymous = device("anon", &[]);
    anonymous.context.clear();
    let report = preview(
        &current,
        &doc(&SENSOR.replace("/status", "/s?")),
        &BTreeMap::new(),
        &[anonymous],
    );
    assert_eq!(report.requests, 0);
    assert!(report.changes.is_empty());
}
