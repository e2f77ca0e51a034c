//! Simulation cases as JSON Lines: one case in, one result out (`iot-warden simulate`).
//!
//! A case:
//!
//! ```json
//! {"id": "c1", "policies": [{"Version": "2012-10-17", "Statement": []}],
//!  "request": {"action": "iot:Publish",
//!              "resource": "arn:aws:iot:us-east-1:123456789012:topic/a/b",
//!              "context": {"iot:ClientId": "c1", "iot:ConnectAttributes": ["PersistentConnect"]}}}
//! ```
//!
//! - `id`: any JSON value, echoed as given (null when absent).
//! - `policies`: policy documents, each a JSON object (or a string holding the document's
//!   text, as the AWS CLI returns it). Policies are referred to by their position, from 0.
//! - `request.action`, `request.resource`: strings, required.
//! - `request.context`: optional object of condition keys named exactly like AWS names them
//!   (`iot:ClientId`, `iot:Connection.Thing.Attributes[location]`, `aws:SourceIp`,
//!   `aws:CurrentTime`). A string is one value; an array is several values (a multivalued key
//!   such as `iot:ConnectAttributes`); a number or boolean is taken as its JSON text (`true`,
//!   `42`); `null` or an absent key means the value is unavailable.
//! - Other fields are ignored.
//!
//! The result: `{"id": …, "decision": "ALLOWED" | "EXPLICIT_DENY" | "IMPLICIT_DENY",
//! "statements": [{"policy": 0, "index": 1, "sid": "…" | null}]}` where `statements` are the
//! Deny statements that matched (EXPLICIT_DENY), the Allow statements that matched (ALLOWED), or
//! empty (IMPLICIT_DENY); `policy` is the position in `policies`, `index` the position in that
//! policy's `Statement` list. A case that cannot be decided gives `{"id": …, "error": "…"}`
//! with one sentence saying why.

use super::compiled::PolicySet;
use super::eval::NamedPolicy;
use super::model::{Context, Decision, PolicyDocument, Request};
use super::parse::{parse_policy, parse_value, PolicyError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The result of one case line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CaseResult {
    Decided {
        id: Value,
        decision: Decision,
        statements: Vec<CaseStatement>,
    },
    Failed {
        id: Value,
        /// One sentence.
        error: String,
    },
}

/// A statement that decided a case: which policy (position in `policies`), which statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseStatement {
    pub policy: usize,
    pub index: usize,
    pub sid: Option<String>,
}

impl CaseResult {
    pub fn is_error(&self) -> bool {
        matches!(self, CaseResult::Failed { .. })
    }

    /// The result as one line of JSON (no trailing newline).
    pub fn to_json_line(&self) -> String {
        // Serializing these types cannot fail (string keys, no maps with other keys).
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"id":null,"error":"The result could not be written as JSON."}"#.to_string()
        })
    }
}

/// Decide one line of a cases file. `None` for a blank line, which is skipped.
pub fn run_case(line: &str) -> Option<CaseResult> {
    if line.trim().is_empty() {
        return None;
    }
    let value: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            return Some(failed(
                Value::Null,
                format!("The line is not valid JSON ({}).", strip_position(&e)),
            ))
        }
    };
    let Value::Object(case) = value else {
        return Some(failed(
            Value::Null,
            "The line must be a JSON object with `policies` and `request`.".into(),
        ));
    };
    let id = case.get("id").cloned().unwrap_or(Value::Null);
    Some(match decide(&case) {
        Ok((decision, statements)) => CaseResult::Decided {
            id,
            decision,
            statements,
        },
        Err(error) => failed(id, error),
    })
}

fn failed(id: Value, error: String) -> CaseResult {
    CaseResult::Failed { id, error }
}

fn decide(case: &Map<String, Value>) -> Result<(Decision, Vec<CaseStatement>), String> {
    let policies = match case.get("policies") {
        Some(Value::Array(items)) => items,
        Some(_) => return Err("`policies` must be an array of policy documents.".into()),
        None => return Err("The case has no `policies`.".into()),
    };
    let documents = policies
        .iter()
        .enumerate()
        .map(|(i, p)| policy(i, p))
        .collect::<Result<Vec<PolicyDocument>, String>>()?;
    let request = request(case.get("request"))?;
    let names: Vec<String> = (0..documents.len()).map(|i| i.to_string()).collect();
    let named: Vec<NamedPolicy<'_>> = names
        .iter()
        .zip(&documents)
        .map(|(name, document)| NamedPolicy { name, document })
        .collect();
    let (decision, refs) = PolicySet::new(&named).decide_with_statements(&request);
    let statements = refs
        .into_iter()
        .map(|r| CaseStatement {
            // Names are the positions written above.
            policy: r.policy.parse().unwrap_or_default(),
            index: r.index,
            sid: r.sid,
        })
        .collect();
    Ok((decision, statements))
}

fn policy(i: usize, value: &Value) -> Result<PolicyDocument, String> {
    let parsed = match value {
        Value::String(text) => parse_policy(text),
        other => parse_value(other),
    };
    parsed.map(|p| p.document).map_err(|errors| {
        let first = errors.first().map_or_else(
            || "it is not a valid policy.".to_string(),
            |e: &PolicyError| e.to_string(),
        );
        let more = match errors.len() {
            0 | 1 => String::new(),
            n => format!(" ({} more problems)", n - 1),
        };
        let first = first.trim_end_matches('.');
        format!("Policy {i} is invalid: {first}{more}.")
    })
}

fn request(value: Option<&Value>) -> Result<Request, String> {
    let req = match value {
        Some(Value::Object(r)) => r,
        Some(_) => return Err("`request` must be an object with `action` and `resource`.".into()),
        None => return Err("The case has no `request`.".into()),
    };
    let text = |field: &str| match req.get(field) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!("`request.{field}` must be a string.")),
        None => Err(format!("The request has no `{field}`.")),
    };
    let action = text("action")?;
    let resource = text("resource")?;
    let context = match req.get("context") {
        None | Some(Value::Null) => Context::new(),
        Some(v) => context_from_value(v)?,
    };
    Ok(Request {
        action,
        resource,
        context,
    })
}

/// A context written as a flat JSON object, as cases and the simulator write it: a string
/// (or a number or boolean, taken as its JSON text) per key, an array for a multi-valued
/// key; `null` means the key is unavailable, as if it were absent.
pub fn context_from_value(value: &Value) -> Result<Context, String> {
    let Value::Object(keys) = value else {
        return Err("The context must be a JSON object of condition keys.".into());
    };
    let mut context = Context::new();
    for (key, v) in keys {
        let values = match v {
            Value::Null => continue,
            Value::Array(items) => items
                .iter()
                .map(|x| scalar(x).ok_or_else(|| not_scalar(key)))
                .collect::<Result<Vec<_>, _>>()?,
            other => vec![scalar(other).ok_or_else(|| not_scalar(key))?],
        };
        context.insert(key.clone(), values);
    }
    Ok(context)
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn not_scalar(key: &str) -> String {
    format!("Context key `{key}` must be a string, number, boolean, or an array of them.")
}

fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
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
        let (_, e) =
            err(r#"{"policies": ["{not json"], "request": {"action": "a", "resource": "r"}}"#);
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
}
