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
mod tests;
