use super::super::parse_policy;
use super::reach::{covers, glob, overlap};
use super::*;

fn run(text: &str) -> Vec<Finding> {
    lint(&parse_policy(text).expect("policy should parse"))
}

/// Lint a document made of the given statements (JSON objects, comma-separated).
fn stmts(statements: &str) -> Vec<Finding> {
    run(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
    ))
}

fn rules(findings: &[Finding]) -> Vec<(&str, Severity, &str)> {
    findings
        .iter()
        .map(|f| (f.rule.as_str(), f.severity, f.path.as_str()))
        .collect()
}

fn allow(action: &str, resource: &str) -> String {
    format!(r#"{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}"#)
}

const A: &str = "arn:aws:iot:us-east-1:123456789012";

// The model least-privilege policy of the seed (src/domain/policies/engine/tests.rs) follows the
// compliant examples of "AWS IoT policies overly permissive" (Device Defender audit check).
// https://docs.aws.amazon.com/iot-device-defender/latest/devguide/audit-chk-iot-policy-permissive.html
#[test]
fn the_seed_policy_is_clean() {
    let seed = include_str!("../tests.rs");
    let start = seed
        .find("const RESTRICTIVE_SENSOR_POLICY: &str = r#\"")
        .unwrap()
        + "const RESTRICTIVE_SENSOR_POLICY: &str = r#\"".len();
    let text = &seed[start..start + seed[start..].find("\"#;").unwrap()];
    let found = run(text);
    assert!(
        found.iter().all(|f| f.severity <= Severity::Low),
        "{found:#?}"
    );
    assert_eq!(found, Vec::new());
}

// "AWS IoT policies overly permissive" (Severity: Critical): a wildcard for resources is
// too broad; a device policy should grant access to that device's resources only.
// https://docs.aws.amazon.com/iot-device-defender/latest/devguide/audit-chk-iot-policy-permissive.html
#[test]
fn everything_to_everyone_is_critical() {
    let found = run(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}"#,
    );
    assert_eq!(
        rules(&found),
        vec![
            (
                "wildcard-resource",
                Severity::Critical,
                "Statement[0].Resource[0]"
            ),
            ("wildcard-action", Severity::High, "Statement[0].Action[0]"),
        ]
    );
    assert_eq!(found[0].statement, Some(0));
    assert!(found[0].message.contains("every client, topic and thing"));
    let star = stmts(&allow("*", "arn:aws:iot:*:*:*"));
    assert_eq!(
        rules(&star),
        vec![
            (
                "wildcard-resource",
                Severity::Critical,
                "Statement[0].Resource[0]"
            ),
            ("wildcard-action", Severity::High, "Statement[0].Action[0]"),
        ]
    );
    // A pattern that grants several actions is worth a note, not an alarm.
    let some = stmts(&allow(
        "iot:*ThingShadow",
        &format!("{A}:thing/${{iot:ClientId}}"),
    ));
    assert_eq!(
        rules(&some),
        vec![("wildcard-action", Severity::Low, "Statement[0].Action[0]")]
    );
    assert!(some[0].message.contains("3 actions"), "{}", some[0].message);
    // NotAction and NotResource in an Allow grant everything else.
    let not = stmts(
        r#"{"Effect":"Allow","NotAction":"iot:Connect","NotResource":"arn:aws:iot:*:*:client/x"}"#,
    );
    assert_eq!(
        rules(&not),
        vec![
            ("wildcard-action", Severity::High, "Statement[0].NotAction"),
            (
                "wildcard-resource",
                Severity::High,
                "Statement[0].NotResource"
            ),
        ]
    );
    // In a Deny, wildcards are what you want.
    assert_eq!(
        stmts(r#"{"Effect":"Deny","Action":"iot:*","Resource":"*"}"#),
        Vec::new()
    );
}

// "AWS IoT Core action resources": iot:ListRetainedMessages and iot:ListNamedShadowsForThing
// take the resource `*` ("All"); "AWS IoT policies overly permissive": Receive on a broad
// topic is compliant because the device only receives what it may subscribe to.
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html
#[test]
fn star_is_fine_where_aws_requires_or_allows_it() {
    assert_eq!(stmts(&allow("iot:ListRetainedMessages", "*")), Vec::new());
    assert_eq!(
        stmts(&allow("iot:ListNamedShadowsForThing", "*")),
        Vec::new()
    );
    let recv = stmts(&format!(
        "{},{}",
        allow("iot:Receive", &format!("{A}:topic/$aws/things/*")),
        allow(
            "iot:Subscribe",
            &format!("{A}:topicfilter/$aws/things/${{iot:Connection.Thing.ThingName}}/shadow/*")
        )
    ));
    assert_eq!(recv, Vec::new());
}

// "AWS IoT policies overly permissive", Connect: `client/*` lets any device connect;
// `client/${iot:ClientId}` is equivalent to the wildcard unless
// iot:Connection.Thing.IsAttached is true; the compliant form is
// `client/${iot:Connection.Thing.ThingName}` with that condition. "Thing policy variables":
// the thing name is taken as the client id.
// https://docs.aws.amazon.com/iot-device-defender/latest/devguide/audit-chk-iot-policy-permissive.html
// https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-variables.html
#[test]
fn connect_must_be_scoped_to_the_device() {
    let attached = r#""Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}"#;
    let connect = |res: &str, cond: &str| {
        let cond = if cond.is_empty() {
            String::new()
        } else {
            format!(",{cond}")
        };
        stmts(&format!(
            r#"{{"Effect":"Allow","Action":"iot:Connect","Resource":"{A}:{res}"{cond}}}"#
        ))
    };
    let sev = |f: Vec<Finding>| -> Vec<(String, Severity)> {
        f.into_iter().map(|f| (f.rule, f.severity)).collect()
    };
    let high = vec![("connect-not-scoped".to_string(), Severity::High)];
    assert_eq!(sev(connect("client/*", "")), high);
    assert_eq!(sev(connect("client/*", attached)), high);
    assert_eq!(sev(connect("client/${iot:ClientId}", "")), high);
    assert_eq!(
        sev(connect("client/${iot:Connection.Thing.ThingName}", "")),
        high
    );
    assert_eq!(
        sev(connect("client/sensor-*", attached)),
        vec![("connect-not-scoped".to_string(), Severity::Medium)]
    );
    assert_eq!(sev(connect("client/${iot:ClientId}", attached)), vec![]);
    assert_eq!(
        sev(connect(
            "client/${iot:Connection.Thing.ThingName}",
            attached
        )),
        vec![]
    );
    // "Connect policy examples": a named client id, for unregistered devices.
    // https://docs.aws.amazon.com/iot/latest/developerguide/connect-policy.html
    assert_eq!(sev(connect("client/client1", "")), vec![]);
    // Another condition may narrow a broad grant: one level lower, and said so.
    let narrowed = connect(
        "client/*",
        r#""Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
    );
    assert_eq!(narrowed[0].severity, Severity::Medium);
    assert!(narrowed[0]
        .message
        .ends_with("unless its Condition narrows it."));
}

// "AWS IoT policies overly permissive", Publish/Subscribe: `topic/$aws/things/*/shadow/update`
// and `topicfilter/$aws/things/*` reach every device's shadow and job topics; the compliant
// form scopes them with ${iot:Connection.Thing.ThingName}. Shadow and job permissions:
// `thing/*` "allows the device to perform the specified action on any thing".
// https://docs.aws.amazon.com/iot-device-defender/latest/devguide/audit-chk-iot-policy-permissive.html
#[test]
fn other_devices_topics_and_shadows() {
    let f = stmts(&allow(
        "iot:Publish",
        &format!("{A}:topic/$aws/things/*/shadow/update"),
    ));
    assert_eq!(
        rules(&f),
        vec![(
            "other-devices-reachable",
            Severity::High,
            "Statement[0].Resource[0]"
        )]
    );
    assert!(f[0].message.contains("shadow and job topics"));
    let f = stmts(&allow(
        "iot:Subscribe",
        &format!("{A}:topicfilter/$aws/things/*"),
    ));
    assert_eq!(f[0].rule, "other-devices-reachable");
    assert_eq!(f[0].severity, Severity::High);
    let f = stmts(&allow("iot:GetThingShadow", &format!("{A}:thing/*")));
    assert_eq!(
        rules(&f),
        vec![(
            "other-devices-reachable",
            Severity::High,
            "Statement[0].Resource[0]"
        )]
    );
    let f = stmts(&allow("iot:Publish", &format!("{A}:topic/*")));
    assert_eq!(f[0].severity, Severity::High);
    let f = stmts(&allow("iot:Publish", &format!("{A}:topic/sensors/*")));
    assert_eq!(
        rules(&f),
        vec![(
            "other-devices-reachable",
            Severity::Medium,
            "Statement[0].Resource[0]"
        )]
    );
    let f = stmts(&allow("iot:DeleteConnection", &format!("{A}:client/*")));
    assert_eq!(f[0].rule, "other-devices-reachable");
    // The compliant forms.
    for (action, res) in [
        (
            "iot:Publish",
            "topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*",
        ),
        ("iot:Publish", "topic/sensors/${iot:ClientId}/*"),
        (
            "iot:UpdateThingShadow",
            "thing/${iot:Connection.Thing.ThingName}",
        ),
        ("iot:UpdateThingShadow", "thing/MyThing1"),
        ("iot:DeleteConnection", "client/${iot:ClientId}"),
    ] {
        assert_eq!(
            stmts(&allow(action, &format!("{A}:{res}"))),
            Vec::new(),
            "{res}"
        );
    }
}

// "Publish/Subscribe policy examples": subscribing needs iot:Subscribe on topicfilter/ and
// receiving needs iot:Receive on topic/. "AWS IoT Core action resources" gives the types.
// https://docs.aws.amazon.com/iot/latest/developerguide/pub-sub-policy.html
#[test]
fn subscribe_and_receive_come_in_pairs() {
    let only_sub = stmts(&allow("iot:Subscribe", &format!("{A}:topicfilter/a/b")));
    assert_eq!(
        rules(&only_sub),
        vec![(
            "subscribe-without-receive",
            Severity::Low,
            "Statement[0].Resource[0]"
        )]
    );
    let only_recv = stmts(&allow("iot:Receive", &format!("{A}:topic/a/b")));
    assert_eq!(
        rules(&only_recv),
        vec![(
            "receive-without-subscribe",
            Severity::Low,
            "Statement[0].Resource[0]"
        )]
    );
    // Receive on other topics than the filter does not pair.
    let apart = stmts(&format!(
        "{},{}",
        allow("iot:Subscribe", &format!("{A}:topicfilter/a/b")),
        allow("iot:Receive", &format!("{A}:topic/a/c"))
    ));
    assert_eq!(
        rules(&apart).iter().map(|r| r.0).collect::<Vec<_>>(),
        vec!["subscribe-without-receive", "receive-without-subscribe"]
    );
    // Pairs: exact, by policy wildcard, by MQTT wildcard in the filter, and one statement
    // granting both.
    for (sub, recv) in [
        ("topicfilter/a/b", "topic/a/b"),
        ("topicfilter/a/*", "topic/a/b"),
        ("topicfilter/a/b", "topic/a/*"),
        ("topicfilter/a/#", "topic/a/b/c"),
        ("topicfilter/a/+/c", "topic/a/b/c"),
        (
            "topicfilter/s/${iot:ClientId}/cmd",
            "topic/s/${iot:ClientId}/cmd",
        ),
    ] {
        let f = stmts(&format!(
            "{},{}",
            allow("iot:Subscribe", &format!("{A}:{sub}")),
            allow("iot:Receive", &format!("{A}:{recv}"))
        ));
        let pairing: Vec<_> = f
            .iter()
            .filter(|f| {
                f.rule.ends_with("-without-receive") || f.rule.ends_with("-without-subscribe")
            })
            .collect();
        assert!(pairing.is_empty(), "{sub} / {recv}: {pairing:?}");
    }
    let both = stmts(
        r#"{"Effect":"Allow","Action":["iot:Subscribe","iot:Receive"],"Resource":["arn:aws:iot:*:*:topicfilter/x","arn:aws:iot:*:*:topic/x"]}"#,
    );
    assert_eq!(both, Vec::new());
}

#[test]
fn overlap_of_patterns() {
    let o = |a: &str, b: &str| overlap(&glob(a, false), &glob(b, false));
    assert!(o("a/*/c", "a/b/*"));
    assert!(o("*", ""));
    assert!(o("a?c", "*b*"));
    assert!(!o("a?c", "a"));
    assert!(!o("a/*", "b/*"));
    assert!(!o("a/b", "a/c"));
    assert!(o("a*b", "*"));
}

// "AWS IoT policy potentially misconfigured" (POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT):
// + and # are literal in policies, so a Deny on `topicfilter/building/control_room/#` does
// not stop subscribing to building/control_room/data1.
// https://docs.aws.amazon.com/iot-device-defender/latest/devguide/audit-chk-iot-misconfigured-policies.html
#[test]
fn mqtt_wildcards_in_a_deny() {
    let f = stmts(&format!(
        "{},{},{}",
        allow("iot:Subscribe", &format!("{A}:topicfilter/building/*")),
        r#"{"Effect":"Deny","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/building/control_room/#"}"#,
        allow("iot:Receive", &format!("{A}:topic/building/*")),
    ));
    let deny: Vec<_> = rules(&f)
        .into_iter()
        .filter(|r| r.0 == "mqtt-wildcard-in-deny")
        .collect();
    assert_eq!(
        deny,
        vec![(
            "mqtt-wildcard-in-deny",
            Severity::Medium,
            "Statement[1].Resource[0]"
        )]
    );
    // In an Allow, `#` names the literal filter a client subscribes with: no finding.
    let f = stmts(&format!(
        "{},{}",
        allow(
            "iot:Subscribe",
            &format!("{A}:topicfilter/s/${{iot:ClientId}}/#")
        ),
        allow("iot:Receive", &format!("{A}:topic/s/${{iot:ClientId}}/*")),
    ));
    assert_eq!(f, Vec::new());
}

// "AWS IoT Core action resources": each action takes one resource type (Connect: client,
// Publish: topic, Subscribe: topicfilter, shadows: thing), in ARNs of the form
// arn:partition:iot:region:account:type/name.
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html
#[test]
fn resources_that_never_match() {
    let f = stmts(&allow("iot:Publish", &format!("{A}:client/c1")));
    assert_eq!(
        rules(&f),
        vec![(
            "action-resource-mismatch",
            Severity::Low,
            "Statement[0].Resource[0]"
        )]
    );
    assert!(
        f[0].message.contains("`client` resource"),
        "{}",
        f[0].message
    );
    let f =
        stmts(r#"{"Effect":"Deny","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:topic/x"}"#);
    assert_eq!(
        rules(&f),
        vec![(
            "action-resource-mismatch",
            Severity::High,
            "Statement[0].Resource[0]"
        )]
    );
    // One fitting action is enough.
    let f = stmts(
        r#"{"Effect":"Deny","Action":["iot:Connect","iot:Publish"],"Resource":"arn:aws:iot:*:*:topic/x"}"#,
    );
    assert_eq!(f, Vec::new());
    let f = stmts(
        r#"{"Effect":"Deny","Action":"iot:Publish","Resource":["arn:aws:s3:::bucket/*","topic/x","arn:aws:iot:us-east-1:1"]}"#,
    );
    assert_eq!(
        rules(&f),
        vec![
            ("not-iot-arn", Severity::High, "Statement[0].Resource[0]"),
            ("not-iot-arn", Severity::High, "Statement[0].Resource[1]"),
            ("not-iot-arn", Severity::High, "Statement[0].Resource[2]"),
        ]
    );
    assert!(f[0].message.contains("service is not `iot`"));
    // Wildcards in the partition, region or account fields are fine.
    let f = stmts(r#"{"Effect":"Deny","Action":"iot:Publish","Resource":"arn:*:iot:*:*:topic/x"}"#);
    assert_eq!(f, Vec::new());
}

// "AWS IoT Core policies": an explicit deny in any policy overrides any allows.
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html
#[test]
fn allow_shadowed_by_an_unconditional_deny() {
    let f = stmts(&format!(
        "{},{}",
        allow("iot:Publish", &format!("{A}:topic/a/${{iot:ClientId}}")),
        r#"{"Effect":"Deny","Action":"iot:*","Resource":"arn:aws:iot:us-east-1:123456789012:topic/a/*"}"#
    ));
    assert_eq!(
        rules(&f),
        vec![("allow-shadowed-by-deny", Severity::Medium, "Statement[0]")]
    );
    assert!(f[0].message.contains("Statement[1]"));
    // A conditional Deny, or one that leaves part of the Allow, does not shadow it.
    let f = stmts(&format!(
        "{},{}",
        allow("iot:Publish", &format!("{A}:topic/a/${{iot:ClientId}}")),
        r#"{"Effect":"Deny","Action":"iot:*","Resource":"arn:aws:iot:us-east-1:123456789012:topic/a/*","Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"false"}}}"#
    ));
    assert_eq!(f, Vec::new());
    let f = stmts(&format!(
        "{},{}",
        allow("iot:Publish", &format!("{A}:topic/a*")),
        r#"{"Effect":"Deny","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/a/*"}"#
    ));
    assert_eq!(
        rules(&f).iter().map(|r| r.0).collect::<Vec<_>>(),
        vec!["other-devices-reachable"]
    );
}

#[test]
fn covers_only_when_certain() {
    assert!(covers("*", "anything*", false));
    assert!(covers("a/*", "a/b/${iot:ClientId}", false));
    assert!(covers("a/*", "a/b*", false));
    assert!(!covers("a/*", "a*", false));
    assert!(!covers("a/?", "a/*", false));
    assert!(covers("a/?", "a/b", false));
    assert!(covers("IOT:Pub*", "iot:Publish", true));
    assert!(!covers("iot:Pub*", "IOT:Publish", false));
    assert!(covers("a/${iot:ClientId}", "a/${iot:ClientId}", false));
    assert!(!covers("a/${iot:ClientId}", "a/x", false));
}

// The parser's warnings ("AWS IoT Core policy actions"; "IAM JSON policy elements: Version";
// "IAM JSON policy elements: Condition operators") become findings at their paths.
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-actions.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
#[test]
fn parser_warnings_become_findings() {
    let f = run(
        r#"{"Statement":{"Sid":"S1","Effect":"Allow","Action":"iot:Publsh","Resource":"arn:aws:iot:*:*:topic/${iot:ClientId}","Condition":{"StringEqualz":{"iot:ClientId":"x"}}}}"#,
    );
    let got: Vec<_> = f
        .iter()
        .map(|f| {
            (
                f.rule.as_str(),
                f.severity,
                f.path.as_str(),
                f.statement,
                f.sid.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "unknown-condition-operator",
                Severity::Medium,
                "Statement.Condition.StringEqualz",
                Some(0),
                Some("S1")
            ),
            (
                "variable-without-version",
                Severity::Medium,
                "Statement.Resource[0]",
                Some(0),
                Some("S1")
            ),
            (
                "unknown-action",
                Severity::Low,
                "Statement.Action[0]",
                Some(0),
                Some("S1")
            ),
        ]
    );
    assert!(f[2].message.contains("iot:Publish"), "{}", f[2].message);
}

#[test]
fn sorted_by_severity_then_statement() {
    let f = stmts(&format!(
        "{},{},{}",
        allow("iot:Publish", &format!("{A}:topic/sensors/*")),
        allow("iot:Publish", &format!("{A}:client/z")),
        allow("iot:*", "*"),
    ));
    let order: Vec<_> = f.iter().map(|f| (f.severity, f.statement)).collect();
    let mut sorted = order.clone();
    sorted.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    assert_eq!(order, sorted);
    assert_eq!(f[0].severity, Severity::Critical);
    assert_eq!(f.last().map(|f| f.severity), Some(Severity::Low));
}

#[test]
fn severity_text_forms() {
    for s in Severity::ALL {
        assert_eq!(s.to_string().parse::<Severity>(), Ok(s));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            format!("\"{}\"", s.as_str())
        );
    }
    assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
    assert!("severe".parse::<Severity>().is_err());
    assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
    let f = Finding {
        rule: "wildcard-action".into(),
        severity: Severity::High,
        statement: Some(2),
        sid: None,
        path: "Statement[2].Action[0]".into(),
        message: "m.".into(),
        suggestion: "s.".into(),
    };
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(json["severity"], "high");
    assert_eq!(json["statement"], 2);
}
