//! Rule-by-rule tests. Each cites the AWS documentation the rule comes from.

use super::*;

const RESTRICTIVE_SENSOR_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}","Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},{"Effect":"Allow","Action":"iot:Publish","Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/status"]},{"Effect":"Allow","Action":"iot:Subscribe","Resource":["arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/commands","arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/config"]},{"Effect":"Allow","Action":"iot:Receive","Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/commands","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/config"]},{"Effect":"Allow","Action":["iot:UpdateThingShadow","iot:GetThingShadow"],"Resource":"arn:aws:iot:*:*:thing/${iot:Connection.Thing.ThingName}"}]}"#;

const DENY_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#;

const ARN: &str = "arn:aws:iot:us-east-1:123456789012";

fn doc(text: &str) -> PolicyDocument {
    match parse_policy(text) {
        Ok(p) => p.document,
        Err(e) => panic!("policy should parse: {e:?}"),
    }
}

fn errors(text: &str) -> Vec<PolicyError> {
    parse_policy(text).expect_err("policy should be rejected")
}

fn sensor_ctx(thing: &str, attached: &str) -> Context {
    let mut c = Context::new();
    c.insert("iot:ClientId".into(), vec![thing.into()]);
    c.insert("iot:Connection.Thing.ThingName".into(), vec![thing.into()]);
    c.insert(
        "iot:Connection.Thing.IsAttached".into(),
        vec![attached.into()],
    );
    c
}

fn req(action: &str, resource: &str, context: Context) -> Request {
    Request {
        action: action.into(),
        resource: format!("{ARN}:{resource}"),
        context,
    }
}

fn decide(policies: &[(&str, &PolicyDocument)], r: &Request) -> Evaluation {
    let named: Vec<NamedPolicy<'_>> = policies
        .iter()
        .map(|(name, document)| NamedPolicy { name, document })
        .collect();
    evaluate(&named, r)
}

fn decide_one(text: &str, r: &Request) -> Decision {
    decide(&[("p", &doc(text))], r).decision
}

// ---------------------------------------------------------------- the seed policy

// "Thing policy variables" (iot:Connection.Thing.ThingName resolves to the thing's name)
// https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-variables.html
// "Publish/Subscribe policy examples", policies for topics specific to each device
// https://docs.aws.amazon.com/iot/latest/developerguide/pub-sub-policy.html
#[test]
fn sensor_publishes_to_its_own_topic_only() {
    let p = doc(RESTRICTIVE_SENSOR_POLICY);
    let own = req(
        "iot:Publish",
        "topic/sensors/sensor-001/telemetry",
        sensor_ctx("sensor-001", "true"),
    );
    let out = decide(&[("RestrictiveSensorPolicy", &p)], &own);
    assert_eq!(out.decision, Decision::Allowed);
    assert_eq!(
        out.statements,
        vec![StatementRef {
            policy: "RestrictiveSensorPolicy".into(),
            index: 1,
            sid: None
        }]
    );
    let other = req(
        "iot:Publish",
        "topic/sensors/sensor-002/telemetry",
        sensor_ctx("sensor-001", "true"),
    );
    let out = decide(&[("RestrictiveSensorPolicy", &p)], &other);
    assert_eq!(out.decision, Decision::ImplicitDeny);
    assert!(out.statements.is_empty());
}

// "Thing policy examples": Connect allowed when "iot:Connection.Thing.IsAttached" is "true"
// https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-examples.html
#[test]
fn sensor_connects_with_own_client_id_when_attached() {
    let p = doc(RESTRICTIVE_SENSOR_POLICY);
    let ok = req(
        "iot:Connect",
        "client/sensor-001",
        sensor_ctx("sensor-001", "true"),
    );
    assert_eq!(
        decide_one(RESTRICTIVE_SENSOR_POLICY, &ok),
        Decision::Allowed
    );
    let other_id = req(
        "iot:Connect",
        "client/sensor-002",
        sensor_ctx("sensor-001", "true"),
    );
    assert_eq!(
        decide_one(RESTRICTIVE_SENSOR_POLICY, &other_id),
        Decision::ImplicitDeny
    );
    let detached = req(
        "iot:Connect",
        "client/sensor-001",
        sensor_ctx("sensor-001", "false"),
    );
    assert_eq!(
        decide_one(RESTRICTIVE_SENSOR_POLICY, &detached),
        Decision::ImplicitDeny
    );
    let mut no_flag = sensor_ctx("sensor-001", "true");
    no_flag.remove("iot:Connection.Thing.IsAttached");
    let r = req("iot:Connect", "client/sensor-001", no_flag);
    let out = decide(&[("RestrictiveSensorPolicy", &p)], &r);
    assert_eq!(out.decision, Decision::ImplicitDeny);
    assert!(out
        .notes
        .iter()
        .any(|n| n.statement.index == 0 && n.message.contains("iot:Connection.Thing.IsAttached")));
}

// "AWS IoT Core policies": IoT policies follow IAM's evaluation logic, an explicit deny in any
// policy overrides any allow (https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html);
// "The difference between explicit and implicit denies" (IAM User Guide): when an Allow and a
// Deny statement both apply, the Deny trumps the Allow.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html
#[test]
fn deny_all_beats_the_sensor_policy() {
    let p = doc(RESTRICTIVE_SENSOR_POLICY);
    let d = doc(DENY_ALL);
    let r = req(
        "iot:Publish",
        "topic/sensors/sensor-001/telemetry",
        sensor_ctx("sensor-001", "true"),
    );
    let out = decide(&[("RestrictiveSensorPolicy", &p), ("DenyAll", &d)], &r);
    assert_eq!(out.decision, Decision::ExplicitDeny);
    assert_eq!(
        out.statements,
        vec![StatementRef {
            policy: "DenyAll".into(),
            index: 0,
            sid: None
        }]
    );
}

// "AWS IoT Core action resources": iot:Subscribe takes a topicfilter/ resource, iot:Publish and
// iot:Receive take topic/ resources.
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html
#[test]
fn subscribe_uses_topicfilter_and_receive_uses_topic() {
    let c = || sensor_ctx("sensor-001", "true");
    let p = RESTRICTIVE_SENSOR_POLICY;
    let sub = req(
        "iot:Subscribe",
        "topicfilter/sensors/sensor-001/commands",
        c(),
    );
    assert_eq!(decide_one(p, &sub), Decision::Allowed);
    let sub_topic = req("iot:Subscribe", "topic/sensors/sensor-001/commands", c());
    assert_eq!(decide_one(p, &sub_topic), Decision::ImplicitDeny);
    let recv = req("iot:Receive", "topic/sensors/sensor-001/config", c());
    assert_eq!(decide_one(p, &recv), Decision::Allowed);
    let recv_filter = req("iot:Receive", "topicfilter/sensors/sensor-001/config", c());
    assert_eq!(decide_one(p, &recv_filter), Decision::ImplicitDeny);
    // Subscribing with an MQTT wildcard needs that literal filter in the policy.
    let wild = req("iot:Subscribe", "topicfilter/sensors/sensor-001/#", c());
    assert_eq!(decide_one(p, &wild), Decision::ImplicitDeny);
}

// "AWS IoT Core policy actions" (Device Shadow actions on thing/ resources)
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-actions.html
#[test]
fn shadow_api_actions_on_own_thing() {
    let c = || sensor_ctx("sensor-001", "true");
    let p = RESTRICTIVE_SENSOR_POLICY;
    assert_eq!(
        decide_one(p, &req("iot:GetThingShadow", "thing/sensor-001", c())),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(p, &req("iot:UpdateThingShadow", "thing/sensor-001", c())),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(p, &req("iot:DeleteThingShadow", "thing/sensor-001", c())),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide_one(p, &req("iot:GetThingShadow", "thing/sensor-002", c())),
        Decision::ImplicitDeny
    );
}

// ---------------------------------------------------------------- policy variables

// "Thing policy examples": "If the device certificate is not associated with the thing, this
// variable won't be resolved and will result in an access denied error."
// https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-examples.html
// "IAM policy elements: Variables and tags" (a variable that cannot be resolved can make the
// statement invalid) https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn unresolved_variable_matches_nothing() {
    let mut c = Context::new();
    c.insert("iot:ClientId".into(), vec!["sensor-001".into()]);
    let r = req("iot:Publish", "topic/sensors/sensor-001/telemetry", c);
    let p = doc(RESTRICTIVE_SENSOR_POLICY);
    let out = decide(&[("RestrictiveSensorPolicy", &p)], &r);
    assert_eq!(out.decision, Decision::ImplicitDeny);
    assert!(out
        .notes
        .iter()
        .any(|n| n.statement.index == 1 && n.message.contains("iot:Connection.Thing.ThingName")));
    // A Deny whose resource cannot be resolved does not apply either.
    let deny = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/${iot:Connection.Thing.Attributes[zone]}"}}"#;
    let allow = r#"{"Statement":{"Effect":"Allow","Action":"iot:Publish","Resource":"*"}}"#;
    let out = decide(&[("deny", &doc(deny)), ("allow", &doc(allow))], &r);
    assert_eq!(out.decision, Decision::Allowed);
}

// "Thing policy variables": iot:Connection.Thing.Attributes[attributeName] resolves to the
// attribute's value. https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-variables.html
#[test]
fn thing_attribute_variable() {
    let p = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/${iot:Connection.Thing.Attributes[location]}/*"}}"#;
    let mut c = Context::new();
    c.insert(
        "iot:Connection.Thing.Attributes[location]".into(),
        vec!["floor1".into()],
    );
    assert_eq!(
        decide_one(p, &req("iot:Publish", "topic/floor1/temp", c.clone())),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(p, &req("iot:Publish", "topic/floor2/temp", c)),
        Decision::ImplicitDeny
    );
}

// "AWS IoT Core policy variables": "The characters + and # are treated as literal strings in
// a policy." https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-variables.html
#[test]
fn mqtt_wildcards_in_policy_are_literal() {
    let p = r#"{"Statement":{"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:*:*:topicfilter/a/+/c"}}"#;
    let c = Context::new;
    assert_eq!(
        decide_one(p, &req("iot:Subscribe", "topicfilter/a/+/c", c())),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(p, &req("iot:Subscribe", "topicfilter/a/b/c", c())),
        Decision::ImplicitDeny
    );
}

// ---------------------------------------------------------------- actions and resources

// "IAM JSON policy elements: Action": the prefix and the action name are case-insensitive;
// wildcards are allowed. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
#[test]
fn action_wildcards_and_case() {
    let p = r#"{"Statement":{"Effect":"Allow","Action":"iot:*ThingShadow","Resource":"*"}}"#;
    let c = Context::new;
    assert_eq!(
        decide_one(p, &req("iot:GetThingShadow", "thing/t", c())),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(p, &req("IOT:getthingshadow", "thing/t", c())),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(p, &req("iot:Publish", "thing/t", c())),
        Decision::ImplicitDeny
    );
    let q = r#"{"Statement":{"Effect":"Allow","Action":"iot:?ublish","Resource":"*"}}"#;
    assert_eq!(
        decide_one(q, &req("iot:Publish", "topic/x", c())),
        Decision::Allowed
    );
}

// "IAM JSON policy elements: NotAction" and "NotResource": the statement applies to everything
// except what is listed.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
#[test]
fn not_action_and_not_resource() {
    let p = r#"{"Statement":{"Effect":"Deny","NotAction":"iot:Connect","NotResource":"arn:aws:iot:*:*:topic/public/*"}}"#;
    let allow = doc(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
    let deny = doc(p);
    let both = |r: &Request| decide(&[("deny", &deny), ("allow", &allow)], r).decision;
    let c = Context::new;
    assert_eq!(
        both(&req("iot:Publish", "topic/private/x", c())),
        Decision::ExplicitDeny
    );
    assert_eq!(
        both(&req("iot:Publish", "topic/public/x", c())),
        Decision::Allowed
    );
    assert_eq!(
        both(&req("iot:Connect", "client/x", c())),
        Decision::Allowed
    );
}

// "The difference between explicit and implicit denies" (IAM User Guide): with no applicable
// Allow or Deny statement the request is implicitly denied.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html
#[test]
fn no_policy_is_implicit_deny() {
    let out = evaluate(&[], &req("iot:Connect", "client/c", Context::new()));
    assert_eq!(out.decision, Decision::ImplicitDeny);
}

#[test]
fn decision_uses_aws_names_on_the_wire() {
    assert_eq!(
        serde_json::to_string(&Decision::Allowed).unwrap(),
        "\"ALLOWED\""
    );
    assert_eq!(
        serde_json::to_string(&Decision::ExplicitDeny).unwrap(),
        "\"EXPLICIT_DENY\""
    );
    assert_eq!(
        serde_json::to_string(&Decision::ImplicitDeny).unwrap(),
        "\"IMPLICIT_DENY\""
    );
}

// ---------------------------------------------------------------- conditions

fn with_condition(cond: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{cond}}}}}"#
    )
}

fn connect(pairs: &[(&str, &[&str])]) -> Request {
    let context = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect();
    req("iot:Connect", "client/c", context)
}

// "IAM JSON policy elements: Condition operators", string condition operators: StringEquals
// is case-sensitive, ...IgnoreCase is not, StringLike takes * and ?.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#[test]
fn string_operators() {
    let k = "iot:Connection.Thing.ThingTypeName";
    let eq = with_condition(r#"{"StringEquals":{"iot:Connection.Thing.ThingTypeName":"Sensor"}}"#);
    assert_eq!(
        decide_one(&eq, &connect(&[(k, &["Sensor"])])),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&eq, &connect(&[(k, &["sensor"])])),
        Decision::ImplicitDeny
    );
    let ic = with_condition(
        r#"{"StringEqualsIgnoreCase":{"iot:Connection.Thing.ThingTypeName":"Sensor"}}"#,
    );
    assert_eq!(
        decide_one(&ic, &connect(&[(k, &["SENSOR"])])),
        Decision::Allowed
    );
    let ne =
        with_condition(r#"{"StringNotEquals":{"iot:Connection.Thing.ThingTypeName":"Sensor"}}"#);
    assert_eq!(
        decide_one(&ne, &connect(&[(k, &["Gateway"])])),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&ne, &connect(&[(k, &["Sensor"])])),
        Decision::ImplicitDeny
    );
    let nei = with_condition(
        r#"{"StringNotEqualsIgnoreCase":{"iot:Connection.Thing.ThingTypeName":"Sensor"}}"#,
    );
    assert_eq!(
        decide_one(&nei, &connect(&[(k, &["SENSOR"])])),
        Decision::ImplicitDeny
    );
    let like = with_condition(r#"{"StringLike":{"iot:Connection.Thing.ThingTypeName":"Sens?r*"}}"#);
    assert_eq!(
        decide_one(&like, &connect(&[(k, &["Sensor-v2"])])),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&like, &connect(&[(k, &["Gateway"])])),
        Decision::ImplicitDeny
    );
    let nlike =
        with_condition(r#"{"StringNotLike":{"iot:Connection.Thing.ThingTypeName":"Sens*"}}"#);
    assert_eq!(
        decide_one(&nlike, &connect(&[(k, &["Sensor"])])),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide_one(&nlike, &connect(&[(k, &["Gateway"])])),
        Decision::Allowed
    );
    // StringEquals takes * literally.
    let star = with_condition(r#"{"StringEquals":{"iot:Connection.Thing.ThingTypeName":"S*"}}"#);
    assert_eq!(
        decide_one(&star, &connect(&[(k, &["Sensor"])])),
        Decision::ImplicitDeny
    );
}

// "IAM JSON policy elements: Condition operators": "If the key that you specify in a policy
// condition is not present in the request context, the values do not match and the condition
// is false. If the policy condition requires that the key is not matched, such as
// StringNotLike ..., and the right key is not present, the condition is true."
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#[test]
fn absent_key_is_false_except_for_negated_operators() {
    let eq = with_condition(r#"{"StringEquals":{"iot:Connection.Thing.ThingTypeName":"Sensor"}}"#);
    assert_eq!(decide_one(&eq, &connect(&[])), Decision::ImplicitDeny);
    let ne =
        with_condition(r#"{"StringNotEquals":{"iot:Connection.Thing.ThingTypeName":"Sensor"}}"#);
    assert_eq!(decide_one(&ne, &connect(&[])), Decision::Allowed);
    let nl = with_condition(r#"{"StringNotLike":{"iot:Connection.Thing.ThingTypeName":"S*"}}"#);
    assert_eq!(decide_one(&nl, &connect(&[])), Decision::Allowed);
}

// "IAM JSON policy elements: Condition operators", ...IfExists: the missing-key rule does not
// apply to ...IfExists, which tests whether the key exists: absent passes, present is checked.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
#[test]
fn if_exists_suffix() {
    let k = "iot:Connection.Thing.ThingTypeName";
    let p = with_condition(
        r#"{"StringEqualsIfExists":{"iot:Connection.Thing.ThingTypeName":"Sensor"}}"#,
    );
    assert_eq!(decide_one(&p, &connect(&[])), Decision::Allowed);
    assert_eq!(
        decide_one(&p, &connect(&[(k, &["Sensor"])])),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&p, &connect(&[(k, &["Gateway"])])),
        Decision::ImplicitDeny
    );
    let b = with_condition(r#"{"BoolIfExists":{"iot:Connection.Thing.IsAttached":"true"}}"#);
    assert_eq!(decide_one(&b, &connect(&[])), Decision::Allowed);
}

// "IAM JSON policy elements: Condition operators", Boolean condition operators and the Null
// check, which tests whether the key exists in the request context (true: absent, false: present).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
#[test]
fn bool_and_null() {
    let k = "iot:Connection.Thing.IsAttached";
    let b = with_condition(r#"{"Bool":{"iot:Connection.Thing.IsAttached":true}}"#);
    assert_eq!(
        decide_one(&b, &connect(&[(k, &["true"])])),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&b, &connect(&[(k, &["TRUE"])])),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&b, &connect(&[(k, &["false"])])),
        Decision::ImplicitDeny
    );
    assert_eq!(decide_one(&b, &connect(&[])), Decision::ImplicitDeny);
    let absent = with_condition(r#"{"Null":{"iot:Connection.Thing.ThingTypeName":"true"}}"#);
    let t = "iot:Connection.Thing.ThingTypeName";
    assert_eq!(decide_one(&absent, &connect(&[])), Decision::Allowed);
    assert_eq!(
        decide_one(&absent, &connect(&[(t, &["x"])])),
        Decision::ImplicitDeny
    );
    let present = with_condition(r#"{"Null":{"iot:Connection.Thing.ThingTypeName":"false"}}"#);
    assert_eq!(
        decide_one(&present, &connect(&[(t, &["x"])])),
        Decision::Allowed
    );
    assert_eq!(decide_one(&present, &connect(&[])), Decision::ImplicitDeny);
}

// "Conditions with multiple context keys or values" (IAM User Guide): operators and keys are
// ANDed, the values of one key are ORed, and for a negated operator they are NORed.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
#[test]
fn and_across_keys_or_across_values() {
    let p = with_condition(
        r#"{"StringEquals":{"iot:Connection.Thing.ThingTypeName":["Sensor","Gateway"],"iot:Connection.Thing.Attributes[site]":"lyon"},"Bool":{"iot:Connection.Thing.IsAttached":"true"}}"#,
    );
    let t = "iot:Connection.Thing.ThingTypeName";
    let s = "iot:Connection.Thing.Attributes[site]";
    let a = "iot:Connection.Thing.IsAttached";
    let all = connect(&[(t, &["Gateway"]), (s, &["lyon"]), (a, &["true"])]);
    assert_eq!(decide_one(&p, &all), Decision::Allowed);
    let wrong_site = connect(&[(t, &["Sensor"]), (s, &["paris"]), (a, &["true"])]);
    assert_eq!(decide_one(&p, &wrong_site), Decision::ImplicitDeny);
    let detached = connect(&[(t, &["Sensor"]), (s, &["lyon"]), (a, &["false"])]);
    assert_eq!(decide_one(&p, &detached), Decision::ImplicitDeny);
}

// "AWS IoT Core policy variables": variables can be used in the Condition block.
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-variables.html
#[test]
fn variables_in_condition_values() {
    let p =
        with_condition(r#"{"StringEquals":{"iot:ClientId":"${iot:Connection.Thing.ThingName}"}}"#);
    let c = "iot:ClientId";
    let n = "iot:Connection.Thing.ThingName";
    assert_eq!(
        decide_one(&p, &connect(&[(c, &["t1"]), (n, &["t1"])])),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&p, &connect(&[(c, &["t1"]), (n, &["t2"])])),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide_one(&p, &connect(&[(c, &["t1"])])),
        Decision::ImplicitDeny
    );
}

#[test]
fn unsupported_operators_say_so() {
    let p = doc(&with_condition(r#"{"BinaryEquals":{"k":"QmluYXJ5"}}"#));
    let r = connect(&[("k", &["QmluYXJ5"])]);
    let out = decide(&[("p", &p)], &r);
    assert_eq!(out.decision, Decision::ImplicitDeny);
    assert!(out.notes.iter().any(|n| n
        .message
        .contains("Unsupported condition operator `BinaryEquals`")));
    let q = doc(&with_condition(
        r#"{"ForSomeValues:StringEquals":{"k":"v"}}"#,
    ));
    let out = decide(&[("q", &q)], &connect(&[("k", &["v"])]));
    assert!(out
        .notes
        .iter()
        .any(|n| n.message.contains("Unknown condition operator")));
}

// "Connect policy examples", MQTT persistent sessions (AWS IoT developer guide): with
// `"ForAllValues:StringEquals": {"iot:ConnectAttributes": []}` a device may make a default
// connect only; a connect that uses PersistentConnect or LastWill is not allowed. An empty
// list matches no request value, so ForAllValues holds only when the request has none, and
// ForAnyValue and plain operators never hold (their negated forms always do).
// https://docs.aws.amazon.com/iot/latest/developerguide/connect-policy.html
#[test]
fn an_empty_list_of_condition_values_allows_only_what_has_no_values() {
    let k = "iot:ConnectAttributes";
    let default_only =
        with_condition(r#"{"ForAllValues:StringEquals":{"iot:ConnectAttributes":[]}}"#);
    let parsed = parse_policy(&default_only).expect("the developer guide's own example parses");
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    let cases: [(&[&str], Decision); 4] = [
        (&[], Decision::Allowed),
        (&["PersistentConnect"], Decision::ImplicitDeny),
        (&["LastWill"], Decision::ImplicitDeny),
        (&["PersistentConnect", "LastWill"], Decision::ImplicitDeny),
    ];
    let set = PolicySet::new(&[NamedPolicy {
        name: "p",
        document: &parsed.document,
    }]);
    for (attrs, want) in cases {
        let r = if attrs.is_empty() {
            connect(&[])
        } else {
            connect(&[(k, attrs)])
        };
        assert_eq!(decide_one(&default_only, &r), want, "{attrs:?}");
        assert_eq!(set.decide(&r), want, "compiled, {attrs:?}");
    }
    assert_eq!(
        decide_one(&default_only, &connect(&[(k, &[])])),
        Decision::Allowed,
        "an empty list in the request is no values too"
    );
    for (cond, want) in [
        (
            r#"{"ForAnyValue:StringEquals":{"iot:ConnectAttributes":[]}}"#,
            Decision::ImplicitDeny,
        ),
        (
            r#"{"StringEquals":{"iot:ClientId":[]}}"#,
            Decision::ImplicitDeny,
        ),
        (
            r#"{"StringNotEquals":{"iot:ClientId":[]}}"#,
            Decision::Allowed,
        ),
    ] {
        let text = with_condition(cond);
        let r = connect(&[(k, &["LastWill"]), ("iot:ClientId", &["c1"])]);
        assert_eq!(decide_one(&text, &r), want, "{cond}");
        let parsed = parse_policy(&text).unwrap();
        let set = PolicySet::new(&[NamedPolicy {
            name: "p",
            document: &parsed.document,
        }]);
        assert_eq!(set.decide(&r), want, "compiled, {cond}");
    }
}

// "IAM JSON policy elements: Condition operators", Amazon Resource Name (ARN) condition
// operators: ArnEquals and ArnLike match case-sensitively, each of the six colon-delimited
// components on its own with `*` and `?` inside it; the Not forms negate. The AWS IoT
// developer guide's connect policy examples use ArnEquals on iot:LastWillTopic.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
#[test]
fn arn_operators_match_component_by_component() {
    let k = "iot:LastWillTopic";
    let will = |topic: &str| connect(&[(k, &[topic]), ("iot:ClientId", &["c1"])]);
    let topic = |t: &str| format!("arn:aws:iot:us-east-1:123456789012:topic/{t}");
    let both = |cond: &str, r: &Request| {
        let parsed = parse_policy(&with_condition(cond)).unwrap();
        let set = PolicySet::new(&[NamedPolicy {
            name: "p",
            document: &parsed.document,
        }]);
        let explained = decide(&[("p", &parsed.document)], r).decision;
        assert_eq!(set.decide(r), explained, "both evaluators agree on {cond}");
        explained
    };
    let cases: &[(&str, &str, Decision)] = &[
        // ArnEquals as the developer guide uses it.
        (
            r#"{"ArnEquals":{"iot:LastWillTopic":"arn:aws:iot:us-east-1:123456789012:topic/will"}}"#,
            "will",
            Decision::Allowed,
        ),
        (
            r#"{"ArnEquals":{"iot:LastWillTopic":"arn:aws:iot:us-east-1:123456789012:topic/will"}}"#,
            "other",
            Decision::ImplicitDeny,
        ),
        // Wildcards work in ArnEquals too, within a component.
        (
            r#"{"ArnEquals":{"iot:LastWillTopic":"arn:aws:iot:*:123456789012:topic/w?ll"}}"#,
            "will",
            Decision::Allowed,
        ),
        (
            r#"{"ArnLike":{"iot:LastWillTopic":"arn:aws:iot:*:*:topic/*"}}"#,
            "a/b:c",
            Decision::Allowed,
        ),
        // Case-sensitive.
        (
            r#"{"ArnLike":{"iot:LastWillTopic":"arn:aws:iot:*:*:topic/Will"}}"#,
            "will",
            Decision::ImplicitDeny,
        ),
        // A star does not reach past a colon: all six components must be written.
        (
            r#"{"ArnLike":{"iot:LastWillTopic":"arn:aws:iot:*"}}"#,
            "will",
            Decision::ImplicitDeny,
        ),
        (
            r#"{"ArnLike":{"iot:LastWillTopic":"arn:*:topic/will"}}"#,
            "will",
            Decision::ImplicitDeny,
        ),
        (
            r#"{"ArnLike":{"iot:LastWillTopic":"*"}}"#,
            "will",
            Decision::ImplicitDeny,
        ),
        // A policy variable is filled in before the value is split.
        (
            r#"{"ArnLike":{"iot:LastWillTopic":"arn:aws:iot:*:*:topic/${iot:ClientId}/*"}}"#,
            "c1/will",
            Decision::Allowed,
        ),
        (
            r#"{"ArnLike":{"iot:LastWillTopic":"arn:aws:iot:*:*:topic/${iot:ClientId}/*"}}"#,
            "c2/will",
            Decision::ImplicitDeny,
        ),
        // The Not forms.
        (
            r#"{"ArnNotLike":{"iot:LastWillTopic":"arn:aws:iot:*:*:topic/admin/*"}}"#,
            "will",
            Decision::Allowed,
        ),
        (
            r#"{"ArnNotEquals":{"iot:LastWillTopic":"arn:aws:iot:*:*:topic/admin/*"}}"#,
            "admin/x",
            Decision::ImplicitDeny,
        ),
    ];
    for (cond, t, want) in cases {
        assert_eq!(both(cond, &will(&topic(t))), *want, "{cond} on {t}");
    }
    // An absent key: false, true for a Not form or IfExists.
    let none = connect(&[]);
    assert_eq!(
        both(
            r#"{"ArnLike":{"iot:LastWillTopic":"arn:aws:iot:*:*:topic/*"}}"#,
            &none
        ),
        Decision::ImplicitDeny
    );
    assert_eq!(
        both(
            r#"{"ArnLikeIfExists":{"iot:LastWillTopic":"arn:aws:iot:*:*:topic/*"}}"#,
            &none
        ),
        Decision::Allowed
    );
    assert_eq!(
        both(
            r#"{"ArnNotLike":{"iot:LastWillTopic":"arn:aws:iot:*:*:topic/*"}}"#,
            &none
        ),
        Decision::Allowed
    );
    assert!(parse_policy(&with_condition(
        r#"{"ArnLike":{"k":"arn:aws:iot:*:*:topic/*"}}"#
    ))
    .unwrap()
    .warnings
    .is_empty());
}

// "Single-valued vs. multivalued context keys" (IAM User Guide): ForAllValues is true when every
// request value matches a policy value, and also when the key is absent from the request;
// ForAnyValue is true when at least one request value matches.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
#[test]
fn set_operators() {
    let k = "iot:ConnectAttributes";
    let any = with_condition(
        r#"{"ForAnyValue:StringEquals":{"iot:ConnectAttributes":"PersistentConnect"}}"#,
    );
    assert_eq!(
        decide_one(&any, &connect(&[(k, &["LastWill", "PersistentConnect"])])),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&any, &connect(&[(k, &["LastWill"])])),
        Decision::ImplicitDeny
    );
    assert_eq!(decide_one(&any, &connect(&[])), Decision::ImplicitDeny);
    let all = with_condition(
        r#"{"ForAllValues:StringLike":{"iot:ConnectAttributes":["Persistent*","LastWill"]}}"#,
    );
    assert_eq!(
        decide_one(&all, &connect(&[(k, &["LastWill", "PersistentConnect"])])),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&all, &connect(&[(k, &["LastWill", "CleanSession"])])),
        Decision::ImplicitDeny
    );
    assert_eq!(decide_one(&all, &connect(&[])), Decision::Allowed);
    let not_any =
        with_condition(r#"{"ForAnyValue:StringNotEquals":{"iot:ConnectAttributes":"LastWill"}}"#);
    assert_eq!(
        decide_one(
            &not_any,
            &connect(&[(k, &["LastWill", "PersistentConnect"])])
        ),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&not_any, &connect(&[(k, &["LastWill"])])),
        Decision::ImplicitDeny
    );
}

// ---------------------------------------------------------------- parsing

// "IAM JSON policy elements: Statement": a single statement object or an array of statements;
// Action and Resource take a string or an array.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html
#[test]
fn statement_object_or_array_and_string_or_array() {
    let one = doc(
        r#"{"Version":"2012-10-17","Statement":{"Sid":"A1","Effect":"Allow","Action":"iot:Connect","Resource":"*"}}"#,
    );
    let many = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"A1","Effect":"Allow","Action":["iot:Connect"],"Resource":["*"]}]}"#,
    );
    assert_eq!(one, many);
    assert_eq!(one.statements[0].sid.as_deref(), Some("A1"));
    assert_eq!(one.version.as_deref(), Some("2012-10-17"));
    let seed = doc(RESTRICTIVE_SENSOR_POLICY);
    assert_eq!(seed.statements.len(), 5);
}

#[test]
fn syntax_errors_have_line_and_column() {
    let e = errors("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n}");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, Some(4));
    assert!(e[0].column.is_some());
    assert!(
        e[0].message.starts_with("The document is not valid JSON"),
        "{}",
        e[0].message
    );
    assert!(e[0].to_string().starts_with("line 4, column"));
}

// "IAM JSON policy elements: Statement" (Statement is required; a single statement or an array);
// "IAM JSON policy elements: Action" (statements must include either Action or NotAction);
// "IAM JSON policy elements: Version" (2012-10-17 or 2008-10-17).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
#[test]
fn structural_errors_point_at_the_place() {
    let e = errors(
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"iot:Connect","Resource":"*"},
            {"Effect":"Permit","Action":5,"NotAction":"iot:Publish","Resource":"*"},
            {"Effect":"Deny","Action":["iot:Publish",7]},
            "nope"
        ]}"#,
    );
    let at = |p: &str| e.iter().find(|x| x.path == p).map(|x| x.message.clone());
    assert!(at("Statement[1].Effect")
        .unwrap()
        .contains("neither \"Allow\" nor \"Deny\""));
    assert!(at("Statement[1]").unwrap().contains("not both"));
    assert!(at("Statement[2].Action[1]")
        .unwrap()
        .contains("Expected a string"));
    assert!(at("Statement[2]")
        .unwrap()
        .contains("neither `Resource` nor `NotResource`"));
    assert!(at("Statement[3]")
        .unwrap()
        .contains("must be a JSON object"));
    assert!(e.iter().all(|x| x.message.ends_with('.')));
    let v = errors(r#"{"Version":"2020-01-01","Statement":[]}"#);
    assert!(v.iter().any(|x| x.path == "Version"));
    assert!(v.iter().any(|x| x.path == "Statement"));
    let c = errors(
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":"true"}}}"#,
    );
    assert_eq!(c[0].path, "Statement.Condition.Bool");
    assert_eq!(
        c[0].to_string(),
        "Statement.Condition.Bool: Condition operator `Bool` must map to an object of keys, not a string."
    );
}

// "AWS IoT Core policy actions": the actions AWS IoT Core defines.
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-actions.html
#[test]
fn unknown_actions_are_flagged() {
    let p = parse_policy(
        r#"{"Statement":{"Effect":"Allow","Action":["iot:GetThingSadow","iot:Publish","iot:Pub*","iot:Foo*","s3:GetObject"],"Resource":"*"}}"#,
    )
    .unwrap();
    let w: Vec<_> = p
        .warnings
        .iter()
        .map(|w| (w.path.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(w.len(), 3, "{w:?}");
    assert_eq!(w[0].0, "Statement.Action[0]");
    assert!(w[0].1.contains("Did you mean `iot:GetThingShadow`?"));
    assert_eq!(w[1].0, "Statement.Action[3]");
    assert!(w[2].1.contains("not an AWS IoT Core policy action"));
    assert!(KNOWN_ACTIONS
        .iter()
        .all(|a| a.starts_with("iot:") || a.starts_with("iotjobsdata:")));
    assert!(parse_policy(RESTRICTIVE_SENSOR_POLICY)
        .unwrap()
        .warnings
        .is_empty());
}

// "IAM JSON policy elements: Condition": context key names are not case-sensitive.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
#[test]
fn context_key_names_are_case_insensitive() {
    let p = with_condition(r#"{"Bool":{"IOT:Connection.Thing.IsAttached":"true"}}"#);
    assert_eq!(
        decide_one(
            &p,
            &connect(&[("iot:connection.thing.isattached", &["true"])])
        ),
        Decision::Allowed
    );
    let v = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${IOT:CLIENTID}"}}"#;
    assert_eq!(
        decide_one(v, &connect(&[("iot:ClientId", &["c"])])),
        Decision::Allowed
    );
}

// "IAM JSON policy elements: Version": without "Version": "2012-10-17" (missing, or the older
// 2008-10-17) policy variables are not recognised and are treated as literal strings.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
#[test]
fn variables_need_version_2012_10_17() {
    let body = r#""Statement":{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${iot:ClientId}"}"#;
    let r = connect(&[("iot:ClientId", &["c"])]);
    assert_eq!(
        decide_one(&format!(r#"{{"Version":"2012-10-17",{body}}}"#), &r),
        Decision::Allowed
    );
    for old in [
        format!("{{{body}}}"),
        format!(r#"{{"Version":"2008-10-17",{body}}}"#),
    ] {
        assert_eq!(decide_one(&old, &r), Decision::ImplicitDeny);
        let literal = req("iot:Connect", "client/${iot:ClientId}", Context::new());
        assert_eq!(decide_one(&old, &literal), Decision::Allowed);
        let w = parse_policy(&old).unwrap().warnings;
        assert!(
            w.iter()
                .any(|w| w.path == "Statement.Resource[0]" && w.message.contains("2012-10-17")),
            "{w:?}"
        );
    }
}

// "IAM JSON policy elements: Sid": ASCII letters and digits only.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
#[test]
fn sid_characters() {
    let e = errors(
        r#"{"Statement":{"Sid":"allow-connect","Effect":"Allow","Action":"iot:Connect","Resource":"*"}}"#,
    );
    assert_eq!(e[0].path, "Statement.Sid");
    assert!(parse_policy(r#"{"Statement":{"Sid":"AllowConnect1","Effect":"Allow","Action":"iot:Connect","Resource":"*"}}"#).is_ok());
}

// "IAM JSON policy elements: Condition operators": Numeric condition operators compare numbers,
// Date condition operators compare dates (aws:CurrentTime), IpAddress/NotIpAddress match CIDR
// ranges; NotEquals and NotIpAddress are negated (true when the key is absent).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// "AWS: Allows access based on date and time" (DateGreaterThan/DateLessThan on aws:CurrentTime)
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws-dates.html
#[test]
fn numeric_date_and_ip_operators() {
    let n = "iot:Connection.Thing.Attributes[floor]";
    let lt =
        with_condition(r#"{"NumericLessThan":{"iot:Connection.Thing.Attributes[floor]":"10"}}"#);
    assert_eq!(
        decide_one(&lt, &connect(&[(n, &["9.5"])])),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&lt, &connect(&[(n, &["10"])])),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide_one(&lt, &connect(&[(n, &["ten"])])),
        Decision::ImplicitDeny
    );
    let ne = with_condition(
        r#"{"NumericNotEquals":{"iot:Connection.Thing.Attributes[floor]":["1","2"]}}"#,
    );
    assert_eq!(decide_one(&ne, &connect(&[(n, &["3"])])), Decision::Allowed);
    assert_eq!(
        decide_one(&ne, &connect(&[(n, &["2"])])),
        Decision::ImplicitDeny
    );
    assert_eq!(decide_one(&ne, &connect(&[])), Decision::Allowed);

    let t = "aws:CurrentTime";
    let window = with_condition(
        r#"{"DateGreaterThan":{"aws:CurrentTime":"2026-11-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2026-12-01T00:00:00Z"}}"#,
    );
    assert_eq!(
        decide_one(&window, &connect(&[(t, &["2026-11-23T09:00:00Z"])])),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&window, &connect(&[(t, &["2026-12-23T09:00:00Z"])])),
        Decision::ImplicitDeny
    );
    assert_eq!(decide_one(&window, &connect(&[])), Decision::ImplicitDeny);

    let ip = "aws:SourceIp";
    let inside =
        with_condition(r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}"#);
    assert_eq!(
        decide_one(&inside, &connect(&[(ip, &["203.0.113.10"])])),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&inside, &connect(&[(ip, &["2001:db8::7"])])),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&inside, &connect(&[(ip, &["198.51.100.1"])])),
        Decision::ImplicitDeny
    );
    assert_eq!(decide_one(&inside, &connect(&[])), Decision::ImplicitDeny);
    let outside = with_condition(r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#);
    assert_eq!(
        decide_one(&outside, &connect(&[(ip, &["198.51.100.1"])])),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(&outside, &connect(&[(ip, &["203.0.113.10"])])),
        Decision::ImplicitDeny
    );
    assert_eq!(decide_one(&outside, &connect(&[])), Decision::Allowed);
}

// CreatePolicy (AWS IoT API Reference): "policyDocument must have a minimum length of 1, with a
// maximum length of 2048, excluding whitespace".
// https://docs.aws.amazon.com/iot/latest/apireference/API_CreatePolicy.html
#[test]
fn size_limit_excludes_whitespace() {
    let resource = |n: usize| format!("arn:aws:iot:*:*:topic/{}", "a".repeat(n));
    let make = |n: usize, pad: &str| {
        format!(
            r#"{{{pad}"Version":"2012-10-17",{pad}"Statement":{{"Effect":"Allow","Action":"iot:Publish","Resource":"{}"}}}}"#,
            resource(n)
        )
    };
    let base = policy_size(&make(0, ""));
    let exact = make(MAX_POLICY_SIZE - base, "");
    assert_eq!(policy_size(&exact), MAX_POLICY_SIZE);
    assert!(parse_policy(&exact).is_ok());
    // Whitespace does not count.
    let padded = make(MAX_POLICY_SIZE - base, "\n    ");
    assert!(parse_policy(&padded).is_ok());
    let over = make(MAX_POLICY_SIZE - base + 1, "");
    let e = errors(&over);
    assert_eq!(e[0].path, "");
    assert!(
        e[0].message.contains("2049") && e[0].message.contains("2048"),
        "{}",
        e[0].message
    );
}

// "IAM JSON policy elements: Condition operators" lists the operators AWS defines.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#[test]
fn unknown_condition_operators_are_flagged() {
    let p = parse_policy(&with_condition(
        r#"{"StringEqual":{"iot:ClientId":"c"},"StringEquals":{"iot:ClientId":"c"}}"#,
    ))
    .unwrap();
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert_eq!(p.warnings[0].path, "Statement.Condition.StringEqual");
    let ok = parse_policy(&with_condition(r#"{"ForAllValues:StringLikeIfExists":{"k":"v"},"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}"#)).unwrap();
    assert!(ok.warnings.is_empty(), "{:?}", ok.warnings);
}

// "Device Shadow MQTT topics": publishing and subscribing on shadow topics requires
// topic-based authorization; the topics are $aws/things/thingName/shadow/... (named shadows
// under .../shadow/name/shadowName). So the seed policy, which grants the shadow API actions on
// thing/ resources, does not grant the shadow MQTT topics.
// https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-mqtt.html
// "AWS IoT Core action resources": shadow actions take thing/thingName or
// thing/thingName/shadowName. https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html
#[test]
fn shadow_topics_need_topic_grants() {
    let c = || sensor_ctx("sensor-001", "true");
    let p = RESTRICTIVE_SENSOR_POLICY;
    let topic = "topic/$aws/things/sensor-001/shadow/update";
    assert_eq!(
        decide_one(p, &req("iot:Publish", topic, c())),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide_one(
            p,
            &req("iot:GetThingShadow", "thing/sensor-001/shadowOne", c())
        ),
        Decision::ImplicitDeny
    );
    let topics = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"},{"Effect":"Allow","Action":"iot:GetThingShadow","Resource":"arn:aws:iot:*:*:thing/${iot:Connection.Thing.ThingName}/*"}]}"#;
    assert_eq!(
        decide_one(topics, &req("iot:Publish", topic, c())),
        Decision::Allowed
    );
    assert_eq!(
        decide_one(
            topics,
            &req(
                "iot:Publish",
                "topic/$aws/things/sensor-002/shadow/update",
                c()
            )
        ),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide_one(
            topics,
            &req("iot:GetThingShadow", "thing/sensor-001/shadowOne", c())
        ),
        Decision::Allowed
    );
}

// "Using X.509 certificate policy variables", section "X.509 Certificate policy variable
// limitations": "If wildcard characters are present in certificate attributes, the policy
// variable is not replaced by the certificate attribute value, leaving the
// `${policy-variable}` text in the policy document ... The following wildcard characters can
// be used: `*`, `$`, `+`, `?`, and `#`." Likewise a value longer than 1024 characters.
// https://docs.aws.amazon.com/iot/latest/developerguide/use-policy-variables.html#policy-limits
#[test]
fn certificate_variables_holding_wildcards_are_left_unsubstituted() {
    let var = "${iot:Certificate.Subject.CommonName}";
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iot:Publish","Resource":"{ARN}:topic/devices/{var}/data"}}]}}"#
    );
    let parsed = doc(&policy);
    let set = PolicySet::new(&[NamedPolicy {
        name: "p",
        document: &parsed,
    }]);
    let publish = |cn: &str, topic_part: &str| {
        let mut c = Context::new();
        c.insert("iot:Certificate.Subject.CommonName".into(), vec![cn.into()]);
        req(
            "iot:Publish",
            &format!("topic/devices/{topic_part}/data"),
            c,
        )
    };
    let both = |r: &Request| {
        let one = decide(&[("p", &parsed)], r).decision;
        assert_eq!(set.decide(r), one, "both evaluators agree for {r:?}");
        one
    };
    assert_eq!(
        both(&publish("dev-1", "dev-1")),
        Decision::Allowed,
        "a plain value is substituted"
    );
    for wildcard in ['*', '$', '+', '?', '#'] {
        let cn = format!("dev{wildcard}1");
        assert_eq!(
            both(&publish(&cn, &cn)),
            Decision::ImplicitDeny,
            "a CN holding {wildcard:?} is not substituted"
        );
        // What stays is the variable's own text, which matches only itself.
        assert_eq!(both(&publish(&cn, var)), Decision::Allowed, "{wildcard:?}");
    }
    let long = "a".repeat(1025);
    assert_eq!(
        both(&publish(&long, &long)),
        Decision::ImplicitDeny,
        "over 1024 characters"
    );
    let longest = "a".repeat(1024);
    assert_eq!(
        both(&publish(&longest, &longest)),
        Decision::Allowed,
        "1024 is still substituted"
    );
    // Only certificate variables: a client id holding `+` is substituted as ever (literally).
    let client_policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iot:Publish","Resource":"{ARN}:topic/c/${{iot:ClientId}}"}}]}}"#
    );
    let mut c = Context::new();
    c.insert("iot:ClientId".into(), vec!["a+b".into()]);
    assert_eq!(
        decide_one(&client_policy, &req("iot:Publish", "topic/c/a+b", c)),
        Decision::Allowed
    );
}
