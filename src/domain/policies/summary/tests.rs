use super::*;

/// The demo fleet's policy, as `stack/seed.py` stores it (and the engine's tests use it).
const RESTRICTIVE_SENSOR_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}","Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},{"Effect":"Allow","Action":"iot:Publish","Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/status"]},{"Effect":"Allow","Action":"iot:Subscribe","Resource":["arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/commands","arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/config"]},{"Effect":"Allow","Action":"iot:Receive","Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/commands","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/config"]},{"Effect":"Allow","Action":["iot:UpdateThingShadow","iot:GetThingShadow"],"Resource":"arn:aws:iot:*:*:thing/${iot:Connection.Thing.ThingName}"}]}"#;

fn one(name: &str, doc: &str) -> Vec<(String, String)> {
    vec![(name.to_string(), doc.to_string())]
}

fn g(policy: &str, resource: &str, conditional: bool) -> Grant {
    Grant {
        policy: policy.into(),
        resource: resource.into(),
        conditional,
    }
}

fn resources(list: &[Grant]) -> Vec<&str> {
    list.iter().map(|g| g.resource.as_str()).collect()
}

#[test]
fn restrictive_sensor_policy_reads_as_its_own_topics() {
    let p = "RestrictiveSensorPolicy";
    let s = summarize(&one(p, RESTRICTIVE_SENSOR_POLICY), "sensor-9");
    assert_eq!(
        s,
        PolicySummary {
            connect: vec![g(p, "sensor-9", true)],
            publish: vec![
                g(p, "sensors/sensor-9/telemetry", false),
                g(p, "sensors/sensor-9/status", false)
            ],
            subscribe: vec![
                g(p, "sensors/sensor-9/commands", false),
                g(p, "sensors/sensor-9/config", false)
            ],
            receive: vec![
                g(p, "sensors/sensor-9/commands", false),
                g(p, "sensors/sensor-9/config", false)
            ],
            shadow: vec![
                g(p, "iot:GetThingShadow thing/sensor-9", false),
                g(p, "iot:UpdateThingShadow thing/sensor-9", false)
            ],
            denies: vec![],
            notes: vec![],
        }
    );
    assert_eq!(
        topics_for_readme(&s),
        vec![
            "connect: sensor-9 (conditional)",
            "publish: sensors/sensor-9/telemetry",
            "publish: sensors/sensor-9/status",
            "subscribe: sensors/sensor-9/commands",
            "subscribe: sensors/sensor-9/config",
            "receive: sensors/sensor-9/commands",
            "receive: sensors/sensor-9/config",
            "shadow: iot:GetThingShadow thing/sensor-9",
            "shadow: iot:UpdateThingShadow thing/sensor-9",
        ]
    );
}

#[test]
fn client_id_variable_and_wildcards_keep_their_meaning() {
    let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${ iot:clientid }"},
            {"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/sensors/${iot:ClientId}/#"},
            {"Effect":"Allow","Action":"iot:Publish*","Resource":"arn:aws:iot:us-east-1:123456789012:topic/fleet/${iot:Connection.Thing.Attributes[site]}/*"}
        ]}"#;
    let s = summarize(&one("p", doc), "sensor-9");
    assert_eq!(resources(&s.connect), ["sensor-9"]);
    // "topicfilter/" is dropped; MQTT's # stays.
    assert_eq!(resources(&s.subscribe), ["sensors/sensor-9/#"]);
    // iot:Publish* covers iot:Publish; a variable that is not the thing name stays.
    assert_eq!(
        resources(&s.publish),
        ["fleet/${iot:Connection.Thing.Attributes[site]}/*"]
    );
    assert!(s.receive.is_empty() && s.shadow.is_empty() && s.notes.is_empty());
}

#[test]
fn iot_star_grants_in_every_category() {
    let doc = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*"}}"#;
    let s = summarize(&one("admin", doc), "sensor-9");
    for list in [&s.connect, &s.publish, &s.subscribe, &s.receive] {
        assert_eq!(list, &vec![g("admin", "*", false)]);
    }
    assert_eq!(
        resources(&s.shadow),
        [
            "iot:GetThingShadow *",
            "iot:UpdateThingShadow *",
            "iot:DeleteThingShadow *",
            "iot:ListNamedShadowsForThing *"
        ]
    );
    // With typed resources, each goes only where its type belongs.
    let doc = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["iot:*","iot:Publish"],
            "Resource":["arn:aws:iot:*:*:client/a","arn:aws:iot:*:*:topic/t","arn:aws:iot:*:*:thing/a"]}}"#;
    let s = summarize(&one("p", doc), "a");
    assert_eq!(resources(&s.connect), ["a"]);
    assert_eq!(resources(&s.publish), ["t"]);
    assert_eq!(resources(&s.receive), ["t"]);
    assert!(s.subscribe.is_empty());
    assert_eq!(s.shadow.len(), 4);
}

#[test]
fn deny_statements_are_listed_as_denies() {
    let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/sensors/*"},
            {"Effect":"Deny","Action":["iot:Publish","iot:Receive"],"Resource":"arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/admin","Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"false"}}}
        ]}"#;
    let s = summarize(&one("p", doc), "sensor-9");
    assert_eq!(resources(&s.publish), ["sensors/*"]);
    assert_eq!(
        s.denies,
        vec![
            g("p", "iot:Publish topic/sensors/sensor-9/admin", true),
            g("p", "iot:Receive topic/sensors/sensor-9/admin", true)
        ]
    );
    assert_eq!(
        topics_for_readme(&s)[1],
        "denied: iot:Publish topic/sensors/sensor-9/admin (conditional)"
    );
}

#[test]
fn not_action_and_not_resource_get_a_note() {
    let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"Broad","Effect":"Allow","NotAction":"iot:Connect","Resource":"*"},
            {"Effect":"Allow","Action":"iot:Publish","NotResource":"arn:aws:iot:*:*:topic/admin"},
            {"Effect":"Deny","NotAction":"iot:Connect","NotResource":"*"}
        ]}"#;
    let s = summarize(&one("wide", doc), "sensor-9");
    assert!(s.publish.is_empty() && s.connect.is_empty() && s.denies.is_empty());
    assert_eq!(
        s.notes,
        vec![
            "Policy \"wide\", statement 1 (\"Broad\") uses NotAction, so it allows every action except the ones it lists; check it by hand.",
            "Policy \"wide\", statement 2 uses NotResource, so it allows its actions on every resource except the ones it lists; check it by hand.",
            "Policy \"wide\", statement 3 uses NotAction and NotResource, so it denies every action except the ones it lists, on every resource except the ones it lists; check it by hand.",
        ]
    );
}

#[test]
fn invalid_documents_are_skipped_with_a_note() {
    let policies = vec![
        ("broken".to_string(), "{".to_string()),
        (
            "no-statement".to_string(),
            r#"{"Version":"2012-10-17"}"#.to_string(),
        ),
        (
            "RestrictiveSensorPolicy".to_string(),
            RESTRICTIVE_SENSOR_POLICY.to_string(),
        ),
    ];
    let s = summarize(&policies, "sensor-9");
    assert_eq!(s.notes.len(), 2);
    assert!(
        s.notes[0].starts_with(
            "Policy \"broken\" is not a valid policy document and was skipped: line 1, column 1: The document is not valid JSON"
        ),
        "{}",
        s.notes[0]
    );
    assert_eq!(
        s.notes[1],
        "Policy \"no-statement\" is not a valid policy document and was skipped: Statement: The document has no `Statement`."
    );
    assert_eq!(s.publish.len(), 2);
}

#[test]
fn policies_merge_in_order_without_repeats() {
    let second = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"iot:Publish","Resource":["arn:aws:iot:*:*:topic/fleet/all","arn:aws:iot:*:*:topic/fleet/all"]},
            {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${iot:ClientId}"}
        ]}"#;
    let policies = vec![
        ("Sensor".to_string(), RESTRICTIVE_SENSOR_POLICY.to_string()),
        ("Fleet".to_string(), second.to_string()),
    ];
    let s = summarize(&policies, "sensor-9");
    assert_eq!(
        s.publish,
        vec![
            g("Sensor", "sensors/sensor-9/telemetry", false),
            g("Sensor", "sensors/sensor-9/status", false),
            g("Fleet", "fleet/all", false)
        ]
    );
    assert_eq!(
        s.connect,
        vec![g("Sensor", "sensor-9", true), g("Fleet", "sensor-9", false)]
    );
    let readme = topics_for_readme(&s);
    assert!(readme.contains(&"connect: sensor-9".to_string()));
    assert!(readme.contains(&"connect: sensor-9 (conditional)".to_string()));
    assert_eq!(
        readme.iter().filter(|l| *l == "publish: fleet/all").count(),
        1
    );
}

#[test]
fn without_version_2012_variables_are_text() {
    let doc = r#"{"Statement":{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/s/${iot:ClientId}"}}"#;
    let s = summarize(&one("old", doc), "sensor-9");
    assert_eq!(resources(&s.publish), ["s/${iot:ClientId}"]);
    assert_eq!(
        s.notes,
        vec!["Policy \"old\" does not declare \"Version\": \"2012-10-17\", so AWS IoT reads the ${...} in it as plain text, not as policy variables."]
    );
}

#[test]
fn helpers_read_resources_and_variables() {
    assert_eq!(resource_part("arn:aws:iot:*:*:topic/a:b"), "topic/a:b");
    assert_eq!(resource_part("*"), "*");
    assert_eq!(of_type("topic/a", "topic"), Some("a"));
    assert_eq!(of_type("topic/a", "topicfilter"), None);
    assert_eq!(of_type("topicfilter/a/#", "topicfilter"), Some("a/#"));
    assert_eq!(of_type("*", "client"), Some("*"));
    assert_eq!(of_type("top*", "topicfilter"), Some("top*"));
    assert_eq!(of_type("client*", "topic"), None);
    assert_eq!(of_type("thing/x", "client"), None);
    assert_eq!(substitute("a/${iot:ClientId}/b", "t"), "a/t/b");
    assert_eq!(
        substitute("a/${x}/${iot:ClientId", "t"),
        "a/${x}/${iot:ClientId"
    );
    assert_eq!(
        substitute("$(*)/${iot:Connection.Thing.ThingName}", "t"),
        "$(*)/t"
    );
    let covers = action_coverage(&ActionBlock::Action(vec!["IOT:publish".into()]));
    assert!(covers("iot:Publish") && !covers("iot:Receive"));
}
