use super::*;
use serde_json::json;

const ARN: &str = "arn:aws:iot:us-east-1:123456789012";

fn case(v: Value) -> CaseResult {
    run_case(&v.to_string()).expect("not blank")
}

fn out(v: Value) -> Value {
    serde_json::from_str(&case(v).to_json_line()).unwrap()
}

fn sensor() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Conn", "Effect": "Allow", "Action": "iot:Connect",
         "Resource": "arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}",
         "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}},
        {"Effect": "Allow", "Action": "iot:Publish",
         "Resource": "arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/*"}
    ]})
}

// Decisions follow "AWS IoT Core policies": an explicit deny overrides any allow; without
// an applicable allow the request is implicitly denied.
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html
#[test]
fn decisions_and_statements() {
    let ctx = json!({"iot:ClientId": "t1", "iot:Connection.Thing.ThingName": "t1",
                     "iot:Connection.Thing.IsAttached": "true"});
    let allowed = out(json!({"id": "a", "policies": [sensor()], "request": {
        "action": "iot:Publish", "resource": format!("{ARN}:topic/sensors/t1/temp"),
        "context": ctx}}));
    assert_eq!(
        allowed,
        json!({"id": "a", "decision": "ALLOWED",
               "statements": [{"policy": 0, "index": 1, "sid": null}]})
    );
    let deny = json!({"Version": "2012-10-17", "Statement": {"Sid": "NoTemp",
        "Effect": "Deny", "Action": "iot:Publish", "Resource": "*"}});
    let denied = out(json!({"id": 7, "policies": [sensor(), deny], "request": {
        "action": "iot:Publish", "resource": format!("{ARN}:topic/sensors/t1/temp"),
        "context": ctx}}));
    assert_eq!(
        denied,
        json!({"id": 7, "decision": "EXPLICIT_DENY",
               "statements": [{"policy": 1, "index": 0, "sid": "NoTemp"}]})
    );
    let other = out(json!({"policies": [sensor()], "request": {
        "action": "iot:Publish", "resource": format!("{ARN}:topic/sensors/t2/temp"),
        "context": ctx}}));
    assert_eq!(
        other,
        json!({"id": null, "decision": "IMPLICIT_DENY", "statements": []})
    );
}

// "Thing policy examples": Connect is allowed only when iot:Connection.Thing.IsAttached is
// "true"; an absent key is unavailable. A boolean is read as its JSON text.
// https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-examples.html
#[test]
fn context_values() {
    let connect = |ctx: Value| {
        out(json!({"id": "c", "policies": [sensor()], "request": {
            "action": "iot:Connect", "resource": format!("{ARN}:client/t1"),
            "context": ctx}}))["decision"]
            .clone()
    };
    let base = json!({"iot:ClientId": "t1", "iot:Connection.Thing.ThingName": "t1"});
    let mut attached = base.clone();
    attached["iot:Connection.Thing.IsAttached"] = json!(true);
    assert_eq!(connect(attached), json!("ALLOWED"));
    let mut null = base.clone();
    null["iot:Connection.Thing.IsAttached"] = Value::Null;
    assert_eq!(connect(null), json!("IMPLICIT_DENY"));
    assert_eq!(connect(base), json!("IMPLICIT_DENY"));
    // Multivalued keys are arrays ("Single-valued vs. multivalued context keys", IAM User
    // Guide; iot:ConnectAttributes in "Connect policy examples").
    let persistent = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Action": "iot:Connect", "Resource": "*", "Condition": {
            "ForAnyValue:StringEquals": {"iot:ConnectAttributes": "PersistentConnect"}}}});
    let with = |attrs: Value| {
        out(
            json!({"policies": [persistent], "request": {"action": "iot:Connect",
            "resource": format!("{ARN}:client/x"),
            "context": {"iot:ConnectAttributes": attrs}}}),
        )["decision"]
            .clone()
    };
    assert_eq!(
        with(json!(["LastWill", "PersistentConnect"])),
        json!("ALLOWED")
    );
    assert_eq!(with(json!(["LastWill"])), json!("IMPLICIT_DENY"));
    // Numbers are their JSON text.
    let numeric = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Action": "iot:Publish", "Resource": "*", "Condition": {
            "NumericLessThan": {"iot:Connection.Thing.Attributes[floor]": "5"}}}});
    let floor = |v: Value| {
        out(
            json!({"policies": [numeric], "request": {"action": "iot:Publish",
            "resource": format!("{ARN}:topic/x"),
            "context": {"iot:Connection.Thing.Attributes[floor]": v}}}),
        )["decision"]
            .clone()
    };
    assert_eq!(floor(json!(3)), json!("ALLOWED"));
    assert_eq!(floor(json!(9)), json!("IMPLICIT_DENY"));
}

#[test]
fn a_policy_may_be_given_as_text() {
    let text = sensor().to_string();
    let r = out(json!({"id": "s", "policies": [text], "request": {
        "action": "iot:Publish", "resource": format!("{ARN}:topic/sensors/t1/x"),
        "context": {"iot:Connection.Thing.ThingName": "t1"}}}));
    assert_eq!(r["decision"], "ALLOWED");
}

#[test]
fn errors_are_one_sentence_and_keep_the_id() {
    let err = |line: &str| match run_case(line) {
        Some(CaseResult::Failed { id, error }) => (id, error),
        other => panic!("expected an error for {line}: {other:?}"),
    };
    let (id, e) = err("{\"id\": \"x\", ");
    assert_eq!(id, Value::Null);
    assert!(e.starts_with("The line is not valid JSON ("), "{e}");
    assert!(!e.contains(" at line "), "{e}");
    let (id, e) = err(r#"[1, 2]"#);
    assert_eq!(
        (id, e.as_str()),
        (
            Value::Null,
            "The line must be a JSON object with `policies` and `request`."
        )
    );
    let (id, e) = err(r#"{"id": "m", "policies": []}"#);
    assert_eq!((id, e.as_str()), (json!("m"), "The case has no `request`."));
    let (_, e) = err(r#"{"id": "m", "request": {}}"#);
    assert_eq!(e, "The case has no `policies`.");
    let (_, e) = err(r#"{"policies": [], "request": {"action": "iot:Publish"}}"#);
    assert_eq!(e, "The request has no `resource`.");
    let (_, e) = err(r#"{"policies": [], "request": {"action": 1, "resource": "r"}}"#);
    assert_eq!(e, "`request.action` must be a string.");
    let (_, e) = err(
        r#"{"policies": [], "request": {"action": "a", "resource": "r", "context": {"k": {"x": 1}}}}"#,
    );
    assert_eq!(
        e,
        "Context key `k` must be a string, number, boolean, or an array of them."
    );
    // An invalid policy: which one, and the parser's reason.
    let bad = json!({"Version": "2012-10-17", "Statement": {"Effect": "Permit",
        "Action": "iot:Publish", "Resource": "*"}});
    let (id, e) = err(
        &json!({"id": 3, "policies": [sensor(), bad], "request": {"action": "iot:Publish",
            "resource": "r"}})
        .to_string(),
    );
    assert_eq!(id, json!(3));
    assert_eq!(
        e,
        "Policy 1 is invalid: Statement.Effect: Effect `Permit` is neither \"Allow\" nor \"Deny\"."
    );
    let (_, e) = err(r#"{"policies": ["{not json"], "request": {"action": "a", "resource": "r"}}"#);
    assert!(
        e.starts_with("Policy 0 is invalid: line 1, column 2: The document is not valid JSON"),
        "{e}"
    );
    let (_, e) = err(
        r#"{"policies": [{"Statement": [{"Effect": "Allow"}, {}]}], "request": {"action": "a", "resource": "r"}}"#,
    );
    assert!(e.starts_with("Policy 0 is invalid: Statement[0]: "), "{e}");
    assert!(e.ends_with(" more problems)."), "{e}");
    // The error result is `{"id", "error"}` on the wire.
    let line = run_case(r#"{"id": "m", "policies": []}"#)
        .unwrap()
        .to_json_line();
    assert_eq!(line, r#"{"id":"m","error":"The case has no `request`."}"#);
}

#[test]
fn blank_lines_are_skipped_and_other_fields_ignored() {
    assert_eq!(run_case(""), None);
    assert_eq!(run_case("   \t\r"), None);
    let r = case(json!({"id": "i", "note": "x", "policies": [], "request": {
        "action": "iot:Publish", "resource": "r", "extra": 1}}));
    assert_eq!(
        r,
        CaseResult::Decided {
            id: json!("i"),
            decision: Decision::ImplicitDeny,
            statements: vec![]
        }
    );
    assert!(!r.is_error());
}
