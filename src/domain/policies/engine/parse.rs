//! Parsing and validation of AWS IoT policy documents.
//!
//! Grammar: "IAM JSON policy element reference" (Version, Statement, Sid, Effect,
//! Action/NotAction, Resource/NotResource, Condition), as used by AWS IoT Core policies
//! ("AWS IoT Core policies", <https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html>).

use super::actions::KNOWN_ACTIONS;
use super::model::{ActionBlock, Condition, Effect, PolicyDocument, ResourceBlock, Statement};
use super::vars::{compile, matches};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A problem in a document: where (JSON path, and line/column for syntax errors) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}{message}", location(path, *line, *column))]
pub struct PolicyError {
    /// e.g. `Statement[1].Action`; empty for the document itself.
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// One sentence.
    pub message: String,
}

fn location(path: &str, line: Option<usize>, column: Option<usize>) -> String {
    match (path.is_empty(), line, column) {
        (_, Some(l), Some(c)) => format!("line {l}, column {c}: "),
        (false, _, _) => format!("{path}: "),
        _ => String::new(),
    }
}

/// Not fatal, but worth showing: unknown action names, for now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyWarning {
    pub path: String,
    pub message: String,
}

/// A valid document with its warnings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parsed {
    pub document: PolicyDocument,
    pub warnings: Vec<PolicyWarning>,
}

/// Parse and validate a policy document; every error found is returned, not just the first.
pub fn parse_policy(text: &str) -> Result<Parsed, Vec<PolicyError>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        vec![PolicyError {
            path: String::new(),
            line: Some(e.line()),
            column: Some(e.column()),
            message: format!("The document is not valid JSON ({}).", strip_position(&e)),
        }]
    })?;
    let size = policy_size(text);
    let result = parse_value(&value);
    if size <= MAX_POLICY_SIZE {
        return result;
    }
    let too_big = PolicyError {
        path: String::new(),
        line: None,
        column: None,
        message: format!(
            "The document is {size} characters long without whitespace; AWS IoT accepts at most {MAX_POLICY_SIZE}."
        ),
    };
    match result {
        Ok(_) => Err(vec![too_big]),
        Err(mut errors) => {
            errors.insert(0, too_big);
            Err(errors)
        }
    }
}

/// The largest policy document AWS IoT accepts: "policyDocument must have a minimum length of
/// 1, with a maximum length of 2048, excluding whitespace" (CreatePolicy, AWS IoT API
/// Reference, <https://docs.aws.amazon.com/iot/latest/apireference/API_CreatePolicy.html>).
pub const MAX_POLICY_SIZE: usize = 2048;

/// A document's size as AWS IoT counts it against [`MAX_POLICY_SIZE`]: characters, not
/// counting whitespace. (Whether whitespace inside JSON strings is also left out is not
/// documented; it is left out here.)
pub fn policy_size(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Parse an already-decoded JSON value (no line/column information).
pub fn parse_value(value: &Value) -> Result<Parsed, Vec<PolicyError>> {
    let mut p = Parser::default();
    let doc = p.document(value);
    match doc {
        Some(document) if p.errors.is_empty() => Ok(Parsed {
            document,
            warnings: p.warnings,
        }),
        _ => Err(p.errors),
    }
}

#[derive(Default)]
struct Parser {
    errors: Vec<PolicyError>,
    warnings: Vec<PolicyWarning>,
    /// Whether the document declares policy language 2012-10-17 (needed for variables).
    vars: bool,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Parser {
    fn err(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(PolicyError {
            path: path.to_string(),
            line: None,
            column: None,
            message: message.into(),
        });
    }

    fn document(&mut self, v: &Value) -> Option<PolicyDocument> {
        let Value::Object(obj) = v else {
            self.err(
                "",
                format!("A policy document must be a JSON object, not {}.", kind(v)),
            );
            return None;
        };
        for key in obj.keys() {
            if !matches!(key.as_str(), "Version" | "Statement" | "Id") {
                self.err(
                    key,
                    format!("`{key}` is not a policy element; expected `Version` and `Statement`."),
                );
            }
        }
        let version = match obj.get("Version") {
            None => None,
            Some(Value::String(s)) if s == "2012-10-17" || s == "2008-10-17" => Some(s.clone()),
            Some(Value::String(s)) => {
                self.err(
                    "Version",
                    format!("Version `{s}` is not supported; use \"2012-10-17\"."),
                );
                None
            }
            Some(other) => {
                self.err(
                    "Version",
                    format!("Version must be a string, not {}.", kind(other)),
                );
                None
            }
        };
        self.vars = version.as_deref() == Some("2012-10-17");
        let statements = match obj.get("Statement") {
            None => {
                self.err("Statement", "The document has no `Statement`.");
                Vec::new()
            }
            Some(Value::Object(_)) => {
                let s = obj.get("Statement").expect("present");
                self.statement("Statement", s).into_iter().collect()
            }
            Some(Value::Array(items)) => {
                if items.is_empty() {
                    self.err(
                        "Statement",
                        "`Statement` is empty; a policy needs at least one statement.",
                    );
                }
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, s)| self.statement(&format!("Statement[{i}]"), s))
                    .collect()
            }
            Some(other) => {
                self.err(
                    "Statement",
                    format!(
                        "`Statement` must be an object or an array of objects, not {}.",
                        kind(other)
                    ),
                );
                Vec::new()
            }
        };
        Some(PolicyDocument {
            version,
            statements,
        })
    }

    fn statement(&mut self, path: &str, v: &Value) -> Option<Statement> {
        let Value::Object(obj) = v else {
            self.err(
                path,
                format!("A statement must be a JSON object, not {}.", kind(v)),
            );
            return None;
        };
        let before = self.errors.len();
        for key in obj.keys() {
            if !matches!(
                key.as_str(),
                "Sid"
                    | "Effect"
                    | "Action"
                    | "NotAction"
                    | "Resource"
                    | "NotResource"
                    | "Condition"
            ) {
                self.err(
                    &format!("{path}.{key}"),
                    format!("`{key}` is not a statement element in an AWS IoT policy."),
                );
            }
        }
        let sid = match obj.get("Sid") {
            None => None,
            Some(Value::String(s)) => {
                if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
                    self.err(
                        &format!("{path}.Sid"),
                        "A Sid may contain only ASCII letters and digits.",
                    );
                }
                Some(s.clone())
            }
            Some(other) => {
                self.err(
                    &format!("{path}.Sid"),
                    format!("Sid must be a string, not {}.", kind(other)),
                );
                None
            }
        };
        let effect = match obj.get("Effect") {
            Some(Value::String(s)) if s == "Allow" => Some(Effect::Allow),
            Some(Value::String(s)) if s == "Deny" => Some(Effect::Deny),
            Some(Value::String(s)) => {
                self.err(
                    &format!("{path}.Effect"),
                    format!("Effect `{s}` is neither \"Allow\" nor \"Deny\"."),
                );
                None
            }
            Some(other) => {
                self.err(
                    &format!("{path}.Effect"),
                    format!("Effect must be a string, not {}.", kind(other)),
                );
                None
            }
            None => {
                self.err(path, "The statement has no `Effect`.");
                None
            }
        };
        let action = self
            .either(obj, path, "Action", "NotAction")
            .map(|(positive, list)| {
                let field = if positive { "Action" } else { "NotAction" };
                for (i, a) in list.iter().enumerate() {
                    self.check_action(&format!("{path}.{field}[{i}]"), a);
                }
                if positive {
                    ActionBlock::Action(list)
                } else {
                    ActionBlock::NotAction(list)
                }
            });
        let resource = self
            .either(obj, path, "Resource", "NotResource")
            .map(|(positive, list)| {
                let field = if positive { "Resource" } else { "NotResource" };
                for (i, r) in list.iter().enumerate() {
                    self.check_variables(&format!("{path}.{field}[{i}]"), r);
                }
                if positive {
                    ResourceBlock::Resource(list)
                } else {
                    ResourceBlock::NotResource(list)
                }
            });
        let conditions = match obj.get("Condition") {
            None => Vec::new(),
            Some(c) => self.conditions(&format!("{path}.Condition"), c),
        };
        if self.errors.len() != before {
            return None;
        }
        Some(Statement {
            sid,
            effect: effect?,
            action: action?,
            resource: resource?,
            conditions,
        })
    }

    /// Exactly one of `pos`/`neg`; returns (is_pos, values).
    fn either(
        &mut self,
        obj: &Map<String, Value>,
        path: &str,
        pos: &str,
        neg: &str,
    ) -> Option<(bool, Vec<String>)> {
        match (obj.get(pos), obj.get(neg)) {
            (Some(_), Some(_)) => {
                self.err(
                    path,
                    format!("A statement may have `{pos}` or `{neg}`, not both."),
                );
                None
            }
            (None, None) => {
                self.err(
                    path,
                    format!("The statement has neither `{pos}` nor `{neg}`."),
                );
                None
            }
            (Some(v), None) => self
                .string_list(&format!("{path}.{pos}"), v)
                .map(|l| (true, l)),
            (None, Some(v)) => self
                .string_list(&format!("{path}.{neg}"), v)
                .map(|l| (false, l)),
        }
    }

    /// A string or a non-empty array of strings.
    fn string_list(&mut self, path: &str, v: &Value) -> Option<Vec<String>> {
        match v {
            Value::String(s) => Some(vec![s.clone()]),
            Value::Array(items) if items.is_empty() => {
                self.err(path, "The list is empty; give at least one value.");
                None
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => out.push(s.clone()),
                        other => {
                            self.err(
                                &format!("{path}[{i}]"),
                                format!("Expected a string, not {}.", kind(other)),
                            );
                            ok = false;
                        }
                    }
                }
                ok.then_some(out)
            }
            other => {
                self.err(
                    path,
                    format!(
                        "Expected a string or an array of strings, not {}.",
                        kind(other)
                    ),
                );
                None
            }
        }
    }

    /// Variables are only recognised under `"Version": "2012-10-17"` ("IAM JSON policy
    /// elements: Version"); elsewhere `${...}` is literal text, almost never what was meant.
    fn check_variables(&mut self, path: &str, value: &str) {
        if !self.vars && value.contains("${") {
            self.warnings.push(PolicyWarning {
                path: path.to_string(),
                message: "This uses a policy variable, but variables only work with \"Version\": \"2012-10-17\", so here it is literal text.".to_string(),
            });
        }
    }

    fn check_action(&mut self, path: &str, action: &str) {
        if action == "*" {
            return;
        }
        let Some((service, _)) = action.split_once(':') else {
            self.err(
                path,
                format!("Action `{action}` is not of the form `service:Name`."),
            );
            return;
        };
        if !service.eq_ignore_ascii_case("iot") && !service.eq_ignore_ascii_case("iotjobsdata") {
            self.warnings.push(PolicyWarning {
                path: path.to_string(),
                message: format!(
                    "`{action}` is not an AWS IoT Core policy action, so it has no effect here."
                ),
            });
            return;
        }
        let pattern = compile(action, None, true).unwrap_or_default();
        if !KNOWN_ACTIONS.iter().any(|k| matches(&pattern, k, true)) {
            let hint = suggestion(action)
                .map(|s| format!(" Did you mean `{s}`?"))
                .unwrap_or_default();
            self.warnings.push(PolicyWarning {
                path: path.to_string(),
                message: format!("`{action}` matches no AWS IoT Core policy action.{hint}"),
            });
        }
    }

    fn conditions(&mut self, path: &str, v: &Value) -> Vec<Condition> {
        let Value::Object(ops) = v else {
            self.err(
                path,
                format!(
                    "`Condition` must be an object of operators, not {}.",
                    kind(v)
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (op, block) in ops {
            let op_path = format!("{path}.{op}");
            let Value::Object(keys) = block else {
                self.err(
                    &op_path,
                    format!(
                        "Condition operator `{op}` must map to an object of keys, not {}.",
                        kind(block)
                    ),
                );
                continue;
            };
            if let Err(note) = super::operators::parse_op(op) {
                if note.starts_with("Unknown") {
                    self.warnings.push(PolicyWarning {
                        path: op_path.clone(),
                        message: format!("`{op}` is not a condition operator AWS defines, so this condition never holds."),
                    });
                }
            }
            let mut entries = Vec::new();
            for (key, values) in keys {
                let key_path = format!("{op_path}.{key}");
                // An empty list is a valid policy: the AWS IoT developer guide's connect
                // policy examples allow only a default connect with
                // `"ForAllValues:StringEquals": {"iot:ConnectAttributes": []}`.
                let list: Vec<String> = match values {
                    Value::Array(items) => items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, x)| self.scalar(&format!("{key_path}[{i}]"), x))
                        .collect(),
                    other => self.scalar(&key_path, other).into_iter().collect(),
                };
                for (i, v) in list.iter().enumerate() {
                    self.check_variables(&format!("{key_path}[{i}]"), v);
                }
                entries.push((key.clone(), list));
            }
            out.push(Condition {
                operator: op.clone(),
                keys: entries,
            });
        }
        out
    }

    /// Condition values: strings, and booleans or numbers written without quotes.
    fn scalar(&mut self, path: &str, v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            other => {
                self.err(
                    path,
                    format!(
                        "A condition value must be a string, boolean or number, not {}.",
                        kind(other)
                    ),
                );
                None
            }
        }
    }
}

/// The known action closest to `action` by edit distance, if it is close (≤ 2 edits).
fn suggestion(action: &str) -> Option<&'static str> {
    let a = action.to_ascii_lowercase();
    KNOWN_ACTIONS
        .iter()
        .map(|k| (edit_distance(&a, &k.to_ascii_lowercase()), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
