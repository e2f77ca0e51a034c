//! Property tests over generated policies and requests: the evaluation-order laws of IAM's
//! policy logic, and that the compiled [`PolicySet`] decides exactly as [`evaluate`].
//!
//! The laws: an explicit Deny overrides any Allow, and without an applicable statement the
//! request is implicitly denied ("The difference between explicit and implicit denies", IAM
//! User Guide, <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html>;
//! AWS IoT Core policies follow it, "AWS IoT Core policies",
//! <https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html>).
//!
//! Values are drawn from small pools so that generated statements and requests often meet:
//! a generator whose statements never matched would prove nothing.

use super::*;
use proptest::prelude::*;

const ACTIONS: &[&str] = &[
    "*",
    "iot:*",
    "iot:Publish",
    "IOT:publish",
    "iot:Subscribe",
    "iot:Receive",
    "iot:Connect",
    "iot:Get*",
    "iot:?ublish",
    "iot:*Shadow",
    "iotjobsdata:*",
    "s3:GetObject",
];

const REQUEST_ACTIONS: &[&str] = &[
    "iot:Publish",
    "iot:publish",
    "iot:Subscribe",
    "iot:Receive",
    "iot:Connect",
    "iot:GetThingShadow",
    "iot:UpdateThingShadow",
    "iotjobsdata:DescribeJobExecution",
    "iot:Bogus",
];

const KINDS: &[&str] = &["topic/", "topicfilter/", "client/", "thing/"];

const POLICY_SEGMENTS: &[&str] = &[
    "sensors",
    "sensor-1",
    "telemetry",
    "*",
    "?",
    "sensor-?",
    "é*",
    "${iot:Connection.Thing.ThingName}",
    "${iot:ClientId}",
    "${iot:Connection.Thing.Attributes[floor]}",
    "${iot:Missing}",
    "$(*)",
    "${ iot:ClientId }",
    "${iot:clientid}",
    "#",
];

const REQUEST_SEGMENTS: &[&str] = &[
    "sensors",
    "sensor-1",
    "sensor-2",
    "telemetry",
    "*",
    "é",
    "éa",
    "3",
    "#",
];

const THINGS: &[&str] = &["sensor-1", "sensor-2", "*", "é"];

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(pool).prop_map(str::to_string)
}

fn path(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::collection::vec(pick(pool), 1..3).prop_map(|v| v.join("/"))
}

fn policy_resource() -> impl Strategy<Value = String> {
    let region = pick(&["*", "us-east-1", "us-?ast-1"]);
    let account = pick(&["*", "123456789012", "9*"]);
    prop_oneof![
        1 => Just("*".to_string()),
        1 => pick(KINDS).prop_map(|k| format!("arn:aws:iot:*:*:{k}*")),
        2 => (pick(KINDS), path(POLICY_SEGMENTS)).prop_map(|(k, p)| format!("arn:aws:iot:*:*:{k}{p}")),
        4 => (region, account, pick(KINDS), path(POLICY_SEGMENTS))
            .prop_map(|(r, a, k, p)| format!("arn:aws:iot:{r}:{a}:{k}{p}")),
    ]
}

fn values(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(pick(pool), 1..3)
}

fn condition() -> impl Strategy<Value = Condition> {
    let string_ops = pick(&[
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "StringLikeIfExists",
        "ForAnyValue:StringLike",
        "ForAllValues:StringEquals",
        "ForAnyValue:StringEqualsIfExists",
        "ArnLike",
        "ArnNotEquals",
        "BinaryEquals",
        "StringEqual",
    ]);
    let string_keys = pick(&["iot:ClientId", "iot:clientid", "multi", "iot:Missing"]);
    let string_values = values(&[
        "sensor-1",
        "SENSOR-1",
        "sensor-*",
        "s?nsor-2",
        "*",
        "${iot:Connection.Thing.ThingName}",
        "${iot:Missing}",
        "a",
        "arn:aws:iot:*:*:client/${iot:ClientId}",
    ]);
    let text = (string_ops, string_keys, string_values).prop_map(|(op, k, v)| (op, vec![(k, v)]));
    let flag = (
        pick(&["Bool", "Null", "BoolIfExists"]),
        pick(&["iot:Connection.Thing.IsAttached", "iot:Missing"]),
        values(&["true", "false", "TRUE", "yes"]),
    )
        .prop_map(|(op, k, v)| (op, vec![(k, v)]));
    let typed = prop_oneof![
        (
            pick(&[
                "NumericLessThan",
                "NumericEquals",
                "NumericNotEquals",
                "NumericGreaterThanEqualsIfExists"
            ]),
            values(&["3", "10", "2.5", "x"]),
        )
            .prop_map(|(op, v)| (
                op,
                vec![("iot:Connection.Thing.Attributes[floor]".to_string(), v)]
            )),
        (
            pick(&["DateLessThan", "DateGreaterThan", "DateNotEquals"]),
            values(&["2026-11-01T00:00:00Z", "2026-12-01", "1795424400", "soon"]),
        )
            .prop_map(|(op, v)| (op, vec![("aws:CurrentTime".to_string(), v)])),
        (
            pick(&["IpAddress", "NotIpAddress"]),
            values(&["203.0.113.0/24", "2001:db8::/32", "203.0.113.7", "bad"]),
        )
            .prop_map(|(op, v)| (op, vec![("aws:SourceIp".to_string(), v)])),
    ];
    prop_oneof![3 => text, 2 => flag, 2 => typed]
        .prop_map(|(operator, keys)| Condition { operator, keys })
}

fn statement() -> impl Strategy<Value = Statement> {
    (
        prop_oneof![Just(Effect::Allow), Just(Effect::Deny)],
        any::<bool>(),
        proptest::collection::vec(pick(ACTIONS), 1..3),
        prop::bool::weighted(0.15),
        proptest::collection::vec(policy_resource(), 1..3),
        prop_oneof![2 => Just(Vec::new()), 1 => proptest::collection::vec(condition(), 1..3)],
        proptest::option::of(pick(&["A1", "Sid2"])),
    )
        .prop_map(
            |(effect, not_action, actions, not_resource, resources, conditions, sid)| {
                Statement {
                    sid,
                    effect,
                    // NotAction in about one statement of eight.
                    action: if not_action && actions.len() > 1 {
                        ActionBlock::NotAction(actions)
                    } else {
                        ActionBlock::Action(actions)
                    },
                    resource: if not_resource {
                        ResourceBlock::NotResource(resources)
                    } else {
                        ResourceBlock::Resource(resources)
                    },
                    conditions,
                }
            },
        )
}

fn document() -> impl Strategy<Value = PolicyDocument> {
    (
        prop_oneof![
            6 => Just(Some("2012-10-17".to_string())),
            1 => Just(Some("2008-10-17".to_string())),
            1 => Just(None),
        ],
        proptest::collection::vec(statement(), 1..4),
    )
        .prop_map(|(version, statements)| PolicyDocument {
            version,
            statements,
        })
}

fn documents() -> impl Strategy<Value = Vec<PolicyDocument>> {
    prop_oneof![1 => Just(Vec::new()), 9 => proptest::collection::vec(document(), 1..3)]
}

fn request() -> impl Strategy<Value = Request> {
    let thing = pick(THINGS);
    (
        pick(REQUEST_ACTIONS),
        prop_oneof![Just("us-east-1"), Just("eu-west-1")],
        pick(KINDS),
        path(REQUEST_SEGMENTS),
        proptest::option::weighted(0.9, thing),
        proptest::option::of(pick(&["sensor-1", "Sensor-1", "sensor-2"])),
        proptest::option::of(pick(&["true", "false"])),
        proptest::option::of(pick(&["3", "9.5", "é"])),
        proptest::collection::vec(
            pick(&[
                "a",
                "sensor-1",
                "b",
                "arn:aws:iot:us-east-1:123456789012:client/sensor-1",
            ]),
            0..3,
        ),
        proptest::option::of(pick(&["2026-11-23T09:00:00Z", "yesterday"])),
        proptest::option::of(pick(&["203.0.113.10", "2001:db8::1", "198.51.100.1"])),
    )
        .prop_map(
            |(action, region, kind, tail, thing, client, attached, floor, multi, now, ip)| {
                let mut context = Context::new();
                let mut put = |k: &str, v: Option<String>| {
                    if let Some(v) = v {
                        context.insert(k.to_string(), vec![v]);
                    }
                };
                put("iot:Connection.Thing.ThingName", thing);
                put("iot:ClientId", client);
                put("iot:Connection.Thing.IsAttached", attached);
                put("iot:Connection.Thing.Attributes[floor]", floor);
                put("aws:CurrentTime", now);
                put("aws:SourceIp", ip);
                context.insert("multi".to_string(), multi);
                Request {
                    action,
                    resource: format!("arn:aws:iot:{region}:123456789012:{kind}{tail}"),
                    context,
                }
            },
        )
}

const NAMES: &[&str] = &["p0", "p1", "p2", "p3", "p4"];

fn named(docs: &[PolicyDocument]) -> Vec<NamedPolicy<'_>> {
    docs.iter()
        .zip(NAMES)
        .map(|(document, name)| NamedPolicy { name, document })
        .collect()
}

/// Both engines' decision; they are also checked against each other here.
fn both(docs: &[PolicyDocument], req: &Request) -> Decision {
    let policies = named(docs);
    let reference = evaluate(&policies, req).decision;
    assert_eq!(PolicySet::new(&policies).decide(req), reference);
    reference
}

fn deny_all() -> PolicyDocument {
    PolicyDocument {
        version: Some("2012-10-17".into()),
        statements: vec![Statement {
            sid: None,
            effect: Effect::Deny,
            action: ActionBlock::Action(vec!["*".into()]),
            resource: ResourceBlock::Resource(vec!["*".into()]),
            conditions: Vec::new(),
        }],
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn deny_all_denies_everything(docs in documents(), at in 0usize..4, req in request()) {
        let mut docs = docs;
        docs.insert(at.min(docs.len()), deny_all());
        prop_assert_eq!(both(&docs, &req), Decision::ExplicitDeny);
    }

    #[test]
    fn adding_a_deny_never_allows(
        docs in documents(),
        st in statement(),
        as_policy in any::<bool>(),
        req in request(),
    ) {
        let before = both(&docs, &req);
        let after = both(&with_statement(docs, st, Effect::Deny, as_policy), &req);
        prop_assert!(after != Decision::Allowed || before == Decision::Allowed);
    }

    #[test]
    fn adding_an_allow_never_denies_what_was_allowed(
        docs in documents(),
        st in statement(),
        as_policy in any::<bool>(),
        req in request(),
    ) {
        let before = both(&docs, &req);
        let after = both(&with_statement(docs, st, Effect::Allow, as_policy), &req);
        prop_assert!(before != Decision::Allowed || after == Decision::Allowed);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn compiled_set_equals_evaluate(docs in documents(), reqs in proptest::collection::vec(request(), 1..6)) {
        let policies = named(&docs);
        let set = PolicySet::new(&policies);
        for req in &reqs {
            let reference = evaluate(&policies, req);
            let (decision, statements) = set.decide_with_statements(req);
            prop_assert_eq!(decision, reference.decision);
            prop_assert_eq!(statements, reference.statements);
            prop_assert_eq!(set.decide(req), reference.decision);
        }
    }
}

/// `docs` with `st` (its effect forced) added as a new policy or into the first policy.
fn with_statement(
    mut docs: Vec<PolicyDocument>,
    mut st: Statement,
    effect: Effect,
    as_policy: bool,
) -> Vec<PolicyDocument> {
    st.effect = effect;
    match docs.first_mut() {
        Some(first) if !as_policy => first.statements.push(st),
        _ => docs.push(PolicyDocument {
            version: Some("2012-10-17".into()),
            statements: vec![st],
        }),
    }
    docs
}

/// The generators are only worth something if they reach every outcome often enough.
#[test]
fn generators_reach_every_decision() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (docs, reqs) = (documents(), request());
    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..2000 {
        let d = docs.new_tree(&mut runner).expect("docs").current();
        let r = reqs.new_tree(&mut runner).expect("request").current();
        *seen.entry(format!("{:?}", both(&d, &r))).or_insert(0u32) += 1;
    }
    for decision in ["Allowed", "ExplicitDeny", "ImplicitDeny"] {
        let n = seen.get(decision).copied().unwrap_or(0);
        assert!(n >= 100, "{decision} only {n} times in 2000: {seen:?}");
    }
}
