//! Least-privilege lint for AWS IoT policies, in the spirit of AWS IoT Device Defender's audit
//! checks "AWS IoT policies overly permissive" (`IOT_POLICY_OVERLY_PERMISSIVE_CHECK`,
//! <https://docs.aws.amazon.com/iot-device-defender/latest/devguide/audit-chk-iot-policy-permissive.html>)
//! and "AWS IoT policy potentially misconfigured" (`IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK`,
//! <https://docs.aws.amazon.com/iot-device-defender/latest/devguide/audit-chk-iot-misconfigured-policies.html>).
//!
//! Rules (stable ids):
//!
//! | rule | severity | what |
//! |---|---|---|
//! | `wildcard-action` | high (`*`, `iot:*`, `NotAction` in an Allow), low (other patterns) | an Allow grants every action, or a pattern grants several |
//! | `wildcard-resource` | critical (`*`), high (`NotResource` in an Allow), medium/low (all role aliases / a prefix) | an Allow reaches every resource |
//! | `connect-not-scoped` | high / medium | `iot:Connect` for any client id, a prefix of them, or `${iot:ClientId}`/`${iot:Connection.Thing.ThingName}` without `iot:Connection.Thing.IsAttached` |
//! | `other-devices-reachable` | high / medium | publish, subscribe, retained messages, shadows, jobs or disconnects reach other devices' resources |
//! | `subscribe-without-receive`, `receive-without-subscribe` | low | half of a subscription in this policy |
//! | `mqtt-wildcard-in-deny` | medium | `+`/`#` in a Deny, where they are literal characters |
//! | `action-resource-mismatch` | high (Deny), low (Allow) | a resource of a type none of the statement's actions uses: never matches |
//! | `not-iot-arn` | high (Deny), low (Allow) | a resource that is not an AWS IoT ARN: never matches |
//! | `allow-shadowed-by-deny` | medium | an Allow that an unconditional Deny in the same policy always overrides |
//! | `unknown-action`, `unknown-condition-operator`, `variable-without-version` | low / medium / medium | the parser's warnings |
//!
//! The lint reads one policy at a time: a Subscribe granted by another policy attached to the
//! same certificate is not seen. Conditions are not reasoned about, except that a statement
//! with a Condition has its least-privilege findings lowered one level (the condition may
//! narrow it) and that `iot:Connection.Thing.IsAttached` is recognised on Connect.

use super::actions::{arn_fields, has_wildcard, resource_type, KNOWN_ACTIONS};
use super::model::{ActionBlock, Effect, ResourceBlock, Statement};
use super::parse::Parsed;
use super::vars::{compile, matches, Tok};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How much a finding matters, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// One level lower (Info stays Info).
    fn lower(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of `info`, `low`, `medium`, `high`, `critical`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a severity; use info, low, medium, high or critical.")]
pub struct UnknownSeverity(pub String);

impl FromStr for Severity {
    type Err = UnknownSeverity;

    /// Case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownSeverity(s.to_string()))
    }
}

/// One thing the lint found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable kebab-case id, e.g. `wildcard-action`.
    pub rule: String,
    pub severity: Severity,
    /// Zero-based statement index; None for the document as a whole.
    pub statement: Option<u32>,
    pub sid: Option<String>,
    /// JSON path, e.g. `Statement[2].Resource[0]` (`[0]` also for a single string; see
    /// [`locate`](fn@super::locate)).
    pub path: String,
    /// One sentence.
    pub message: String,
    pub suggestion: String,
}

/// Lint a parsed policy. Sorted by severity (highest first), then statement, then path.
pub fn lint(parsed: &Parsed) -> Vec<Finding> {
    let statements = &parsed.document.statements;
    let mut out = Vec::new();
    for w in &parsed.warnings {
        out.push(from_warning(parsed, &w.path, &w.message));
    }
    let infos: Vec<StatementInfo<'_>> = statements.iter().map(StatementInfo::new).collect();
    for (i, info) in infos.iter().enumerate() {
        let at = At::new(i, info.st);
        match info.st.effect {
            Effect::Allow => {
                wildcard_actions(&at, info, &mut out);
                resources_of_allow(&at, info, &mut out);
            }
            Effect::Deny => mqtt_wildcards_in_deny(&at, info, &mut out),
        }
        resource_types(&at, info, &mut out);
    }
    subscribe_receive_pairs(&infos, &mut out);
    shadowed_allows(&infos, &mut out);
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.statement.cmp(&b.statement))
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.rule.cmp(&b.rule))
    });
    out
}

// ------------------------------------------------------------------ shared pieces

/// Where a statement is, for building findings.
struct At {
    index: usize,
    sid: Option<String>,
    path: String,
    /// The statement has a Condition block (which may narrow what it grants).
    conditional: bool,
}

impl At {
    fn new(index: usize, st: &Statement) -> At {
        At {
            index,
            sid: st.sid.clone(),
            path: format!("Statement[{index}]"),
            conditional: !st.conditions.is_empty(),
        }
    }

    fn finding(
        &self,
        rule: &str,
        severity: Severity,
        field: &str,
        message: String,
        suggestion: &str,
    ) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity,
            statement: u32::try_from(self.index).ok(),
            sid: self.sid.clone(),
            path: if field.is_empty() {
                self.path.clone()
            } else {
                format!("{}.{field}", self.path)
            },
            message,
            suggestion: suggestion.to_string(),
        }
    }

    /// A least-privilege finding: one level lower when a Condition may narrow the grant.
    fn broad(
        &self,
        rule: &str,
        severity: Severity,
        field: &str,
        message: String,
        suggestion: &str,
    ) -> Finding {
        if self.conditional {
            let message = match message.strip_suffix('.') {
                Some(m) => format!("{m}, unless its Condition narrows it."),
                None => message,
            };
            self.finding(rule, severity.lower(), field, message, suggestion)
        } else {
            self.finding(rule, severity, field, message, suggestion)
        }
    }
}

/// What a statement's action list covers, with its resources parsed.
struct StatementInfo<'a> {
    st: &'a Statement,
    /// The known actions the statement's `Action` list matches; None for `NotAction`.
    actions: Option<Vec<&'static str>>,
    /// The `Resource` values, parsed; empty for `NotResource`.
    resources: Vec<(usize, &'a str, Res<'a>)>,
}

impl<'a> StatementInfo<'a> {
    fn new(st: &'a Statement) -> StatementInfo<'a> {
        let actions = match &st.action {
            ActionBlock::Action(list) => {
                let mut hit: Vec<&'static str> = KNOWN_ACTIONS
                    .iter()
                    .copied()
                    .filter(|k| list.iter().any(|a| action_pattern_matches(a, k)))
                    .collect();
                hit.dedup();
                Some(hit)
            }
            ActionBlock::NotAction(_) => None,
        };
        let resources = match &st.resource {
            ResourceBlock::Resource(list) => list
                .iter()
                .enumerate()
                .map(|(j, r)| (j, r.as_str(), Res::parse(r)))
                .collect(),
            ResourceBlock::NotResource(_) => Vec::new(),
        };
        StatementInfo {
            st,
            actions,
            resources,
        }
    }

    /// Whether the statement's Action list grants `action` (false for NotAction).
    fn has(&self, action: &str) -> bool {
        self.actions.as_ref().is_some_and(|a| a.contains(&action))
    }
}

/// Action names are case-insensitive and take `*`/`?` ("IAM JSON policy elements: Action").
fn action_pattern_matches(pattern: &str, action: &str) -> bool {
    pattern == "*" || compile(pattern, None, true).is_ok_and(|p| matches(&p, action, true))
}

/// A `Resource` value, as far as the lint needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Res<'a> {
    /// `*`, or an IoT ARN whose resource part starts with a wildcard (`arn:aws:iot:*:*:*`):
    /// every resource.
    Any,
    /// `arn:<partition>:iot:<region>:<account>:<type>/<name>`. `ty` is None when the type
    /// itself has a wildcard or variable.
    Iot { ty: Option<&'a str>, name: &'a str },
    /// Cannot be the ARN of an AWS IoT resource, so it matches no request.
    NotIot(&'static str),
}

impl<'a> Res<'a> {
    fn parse(r: &'a str) -> Res<'a> {
        if r == "*" {
            return Res::Any;
        }
        let fields = arn_fields(r);
        let fits = |field: &str, want: &str| {
            compile(field, None, true).is_ok_and(|p| matches(&p, want, false))
        };
        if !fits(fields[0], "arn") {
            return Res::NotIot("it does not start with `arn:`");
        }
        if fields.len() >= 3 && !fits(fields[2], "iot") {
            return Res::NotIot("its service is not `iot`");
        }
        if fields.len() < 6 {
            // `arn:aws:iot:*` — a wildcard in the last field can stand for the rest.
            return if has_wildcard(fields[fields.len() - 1]) {
                Res::Any
            } else {
                Res::NotIot("it lacks the region, account or resource part")
            };
        }
        let rest = fields[5];
        if rest.starts_with(['*', '?']) {
            return if rest.starts_with('*') {
                Res::Any
            } else {
                Res::Iot {
                    ty: None,
                    name: rest,
                }
            };
        }
        match rest.split_once('/') {
            Some((ty, name)) if !has_wildcard(ty) && !ty.contains("${") => {
                Res::Iot { ty: Some(ty), name }
            }
            Some(_) => Res::Iot {
                ty: None,
                name: rest,
            },
            None if has_wildcard(rest) || rest.contains("${") => Res::Iot {
                ty: None,
                name: rest,
            },
            None => Res::NotIot("it has no `type/name` resource part"),
        }
    }
}

/// Policy variables that name the connecting device itself ("Basic AWS IoT Core policy
/// variables" and "Thing policy variables",
/// <https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-variables.html>).
const DEVICE_VARIABLES: &[&str] = &["${iot:ClientId}", "${iot:Connection.Thing.ThingName}"];

/// How far a resource name reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// No wildcard before a device variable: this device's resource(s), or named ones.
    Own,
    /// Starts with a wildcard: every resource of the type.
    All,
    /// A wildcard after some fixed text and before any device variable: a family of other
    /// devices' resources.
    Prefix,
}

fn reach(name: &str) -> Reach {
    let wildcard = name.find(['*', '?']);
    let variable = DEVICE_VARIABLES.iter().filter_map(|v| name.find(v)).min();
    match (wildcard, variable) {
        (None, _) => Reach::Own,
        (Some(w), Some(v)) if v < w => Reach::Own,
        (Some(0), _) => Reach::All,
        (Some(_), _) => Reach::Prefix,
    }
}

/// A compact list of actions for a message: `iot:Publish, iot:Subscribe`.
fn list(actions: &[&str]) -> String {
    actions.join(", ")
}

const SCOPE_HINT: &str = "Scope the resource to the device with a policy variable, e.g. `arn:aws:iot:REGION:ACCOUNT:topic/sensors/${iot:Connection.Thing.ThingName}/*`.";

// ------------------------------------------------------------------ parser warnings

fn from_warning(parsed: &Parsed, path: &str, message: &str) -> Finding {
    let statement = statement_of(path);
    let sid = statement
        .and_then(|i| parsed.document.statements.get(i as usize))
        .and_then(|s| s.sid.clone());
    let last = path.rsplit('.').next().unwrap_or("");
    let (rule, severity, suggestion) = if last.starts_with("Action[")
        || last.starts_with("NotAction[")
    {
        (
            "unknown-action",
            Severity::Low,
            "Use an action from \"AWS IoT Core policy actions\" (e.g. iot:Connect, iot:Publish, iot:Subscribe, iot:Receive) or remove it.",
        )
    } else if message.contains("variable") {
        (
            "variable-without-version",
            Severity::Medium,
            "Add \"Version\": \"2012-10-17\" to the document so that policy variables are substituted.",
        )
    } else if path.contains(".Condition.") {
        (
            "unknown-condition-operator",
            Severity::Medium,
            "Use a condition operator from \"IAM JSON policy elements: Condition operators\", e.g. StringEquals or Bool.",
        )
    } else {
        (
            "parser-warning",
            Severity::Low,
            "Review this part of the policy.",
        )
    };
    Finding {
        rule: rule.to_string(),
        severity,
        statement,
        sid,
        path: path.to_string(),
        message: message.to_string(),
        suggestion: suggestion.to_string(),
    }
}

/// `Statement[3].Action[0]` → 3; `Statement.Action[0]` (a single statement object) → 0.
pub fn statement_of(path: &str) -> Option<u32> {
    let rest = path.strip_prefix("Statement")?;
    if let Some(r) = rest.strip_prefix('[') {
        return r.split_once(']')?.0.parse().ok();
    }
    (rest.is_empty() || rest.starts_with('.')).then_some(0)
}

// ------------------------------------------------------------------ rules

/// `wildcard-action`: "AWS IoT policies overly permissive" — a device policy should grant only
/// what that device needs.
fn wildcard_actions(at: &At, info: &StatementInfo<'_>, out: &mut Vec<Finding>) {
    match &info.st.action {
        ActionBlock::Action(list) => {
            for (j, a) in list.iter().enumerate() {
                let field = format!("Action[{j}]");
                if a == "*" || a.eq_ignore_ascii_case("iot:*") {
                    out.push(at.broad(
                        "wildcard-action",
                        Severity::High,
                        &field,
                        format!("`{a}` allows every AWS IoT action, including connecting as any client and reading or changing any shadow."),
                        "List only the actions the device needs, e.g. iot:Connect, iot:Publish, iot:Subscribe and iot:Receive.",
                    ));
                } else if has_wildcard(a) {
                    let hit: Vec<&str> = KNOWN_ACTIONS
                        .iter()
                        .copied()
                        .filter(|k| action_pattern_matches(a, k))
                        .collect();
                    if hit.len() > 1 {
                        out.push(at.broad(
                            "wildcard-action",
                            Severity::Low,
                            &field,
                            format!("`{a}` allows {} actions ({}).", hit.len(), list_short(&hit)),
                            "List the actions the device needs by name instead of a pattern.",
                        ));
                    }
                }
            }
        }
        ActionBlock::NotAction(list) => out.push(at.broad(
            "wildcard-action",
            Severity::High,
            "NotAction",
            format!(
                "An Allow with NotAction allows every action except {}, including ones added to AWS IoT later.",
                list.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
            ),
            "Use `Action` with the actions the device needs instead of `NotAction`.",
        )),
    }
}

fn list_short(actions: &[&str]) -> String {
    if actions.len() <= 4 {
        list(actions)
    } else {
        format!("{}, …", list(&actions[..4]))
    }
}

/// The least-privilege resource rules for an Allow: `wildcard-resource`,
/// `connect-not-scoped`, `other-devices-reachable`.
///
/// Source: "AWS IoT policies overly permissive" (Device Defender audit check): `client/*`,
/// `client/${iot:ClientId}` without `iot:Connection.Thing.IsAttached`, `topic/$aws/things/*`,
/// `topicfilter/$aws/things/*`, `thing/*` are noncompliant; Receive on broad topics is
/// compliant "because the device can only receive messages from topics on which it has
/// permission to subscribe".
fn resources_of_allow(at: &At, info: &StatementInfo<'_>, out: &mut Vec<Finding>) {
    if let ResourceBlock::NotResource(list) = &info.st.resource {
        out.push(at.broad(
            "wildcard-resource",
            Severity::High,
            "NotResource",
            format!(
                "An Allow with NotResource reaches every client, topic and thing except {}.",
                list.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
            ),
            "Use `Resource` with the device's own resources instead of `NotResource`.",
        ));
        return;
    }
    for (j, r, res) in &info.resources {
        let field = format!("Resource[{j}]");
        match res {
            Res::Any => {
                // Receive on everything is compliant; the List* actions only take `*`.
                let broad: Option<Vec<&str>> = info.actions.as_ref().map(|a| {
                    a.iter()
                        .copied()
                        .filter(|a| resource_type(a).is_some() && !a.ends_with(":Receive"))
                        .collect()
                });
                let what = match &broad {
                    Some(a) if a.is_empty() => continue,
                    Some(a) => list_short(a),
                    None => "its actions".to_string(),
                };
                out.push(at.broad(
                    "wildcard-resource",
                    Severity::Critical,
                    &field,
                    format!("`{r}` lets {what} act on every client, topic and thing in the account, so one compromised certificate reaches the whole fleet."),
                    SCOPE_HINT,
                ));
            }
            Res::Iot { ty: Some(ty), name } => {
                let Some(actions) = &info.actions else {
                    continue;
                };
                let on: Vec<&str> = actions
                    .iter()
                    .copied()
                    .filter(|a| resource_type(a) == Some(*ty))
                    .collect();
                scoped_resource(at, info, &field, r, ty, name, &on, out);
            }
            Res::Iot { ty: None, .. } | Res::NotIot(_) => {}
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn scoped_resource(
    at: &At,
    info: &StatementInfo<'_>,
    field: &str,
    r: &str,
    ty: &str,
    name: &str,
    on: &[&str],
    out: &mut Vec<Finding>,
) {
    let reach = reach(name);
    match ty {
        "client" => {
            if on.contains(&"iot:Connect") {
                connect(at, info, field, r, name, reach, out);
            }
            if on.contains(&"iot:DeleteConnection") && reach != Reach::Own {
                let (sev, whom) = breadth(reach);
                out.push(at.broad(
                    "other-devices-reachable",
                    sev,
                    field,
                    format!("`{r}` lets iot:DeleteConnection disconnect {whom} clients."),
                    "Limit iot:DeleteConnection to `client/${iot:ClientId}` or to named clients.",
                ));
            }
        }
        "topic" | "topicfilter" | "thing" => {
            // Receive on broad topics is compliant (see above).
            let acting: Vec<&str> = on
                .iter()
                .copied()
                .filter(|a| !a.ends_with(":Receive"))
                .collect();
            if acting.is_empty() || reach == Reach::Own {
                return;
            }
            let reserved = name.starts_with("$aws/things/");
            let (sev, whom) = if reserved {
                (Severity::High, "every")
            } else {
                breadth(reach)
            };
            let what = match (ty, reserved) {
                ("thing", _) => "shadows and job executions of",
                (_, true) => "shadow and job topics of",
                _ => "topics, including those of",
            };
            out.push(at.broad(
                "other-devices-reachable",
                sev,
                field,
                format!(
                    "`{r}` lets {} reach the {what} {whom} devices, not just this one.",
                    list_short(&acting)
                ),
                SCOPE_HINT,
            ));
        }
        "rolealias" if reach != Reach::Own && on.contains(&"iot:AssumeRoleWithCertificate") => {
            let sev = if reach == Reach::All {
                Severity::Medium
            } else {
                Severity::Low
            };
            out.push(at.broad(
                "wildcard-resource",
                sev,
                field,
                format!("`{r}` lets the device assume the IAM role of several role aliases."),
                "Name the one role alias the device needs.",
            ));
        }
        _ => {}
    }
}

fn breadth(reach: Reach) -> (Severity, &'static str) {
    match reach {
        Reach::All => (Severity::High, "every"),
        _ => (Severity::Medium, "a whole family of"),
    }
}

/// `connect-not-scoped`. "AWS IoT policies overly permissive": `client/*` "allows any device to
/// connect"; `client/${iot:ClientId}` "unless iot:Connection.Thing.IsAttached is set to true in
/// the condition keys, this is equivalent to the wildcard". "Thing policy variables": for
/// `iot:Connection.Thing.ThingName` the "thing name is taken as client Id", so without the
/// IsAttached condition it is the same.
fn connect(
    at: &At,
    info: &StatementInfo<'_>,
    field: &str,
    r: &str,
    name: &str,
    reach: Reach,
    out: &mut Vec<Finding>,
) {
    let attached = info.st.conditions.iter().any(|c| {
        c.operator == "Bool"
            && c.keys.iter().any(|(k, v)| {
                k.eq_ignore_ascii_case("iot:Connection.Thing.IsAttached")
                    && v.len() == 1
                    && v[0].eq_ignore_ascii_case("true")
            })
    });
    // Other conditions may narrow the grant; IsAttached is judged here, not as a narrowing.
    let others = info.st.conditions.iter().any(|c| {
        c.operator != "Bool"
            || c.keys
                .iter()
                .any(|(k, _)| !k.eq_ignore_ascii_case("iot:Connection.Thing.IsAttached"))
    });
    let at = At {
        conditional: others,
        index: at.index,
        sid: at.sid.clone(),
        path: at.path.clone(),
    };
    const FIX: &str = "Use `client/${iot:Connection.Thing.ThingName}` with the condition `\"Bool\": {\"iot:Connection.Thing.IsAttached\": \"true\"}`.";
    match reach {
        Reach::All => out.push(at.broad(
            "connect-not-scoped",
            Severity::High,
            field,
            format!("`{r}` lets this certificate connect with any client id, so one certificate can serve (or impersonate) every device."),
            FIX,
        )),
        Reach::Prefix => out.push(at.broad(
            "connect-not-scoped",
            Severity::Medium,
            field,
            format!("`{r}` lets this certificate connect with a whole family of client ids, so one certificate can serve many devices."),
            FIX,
        )),
        Reach::Own => {
            let variable = DEVICE_VARIABLES.iter().find(|v| name.contains(**v));
            if let (Some(v), false) = (variable, attached) {
                out.push(at.broad(
                    "connect-not-scoped",
                    Severity::High,
                    field,
                    format!("`{v}` is whatever client id the device sends, so without the condition iot:Connection.Thing.IsAttached = true this certificate can connect as any client."),
                    FIX,
                ));
            }
        }
    }
}

/// `mqtt-wildcard-in-deny`. "AWS IoT policy potentially misconfigured"
/// (POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT): `+` and `#` are literal characters in
/// policies, so a Deny written with them denies far less than intended.
fn mqtt_wildcards_in_deny(at: &At, info: &StatementInfo<'_>, out: &mut Vec<Finding>) {
    for (j, r, res) in &info.resources {
        let name = match res {
            Res::Iot {
                ty: Some("topic" | "topicfilter") | None,
                name,
            } => name,
            _ => continue,
        };
        if let Some(w) = name.chars().find(|c| matches!(c, '+' | '#')) {
            out.push(at.finding(
                "mqtt-wildcard-in-deny",
                Severity::Medium,
                &format!("Resource[{j}]"),
                format!("`{r}` uses the MQTT wildcard `{w}`, which is a literal character in a policy, so this Deny does not cover the topics the wildcard suggests."),
                "Write the Deny with the policy wildcards `*` (any characters) or `?` (one character), e.g. `topicfilter/building/control_room/*`.",
            ));
        }
    }
}

/// `action-resource-mismatch` and `not-iot-arn`: resources that can never match a request of
/// the statement's actions ("AWS IoT Core action resources": each action is checked against
/// the ARN of one resource type, `arn:partition:iot:region:account:type/name`).
fn resource_types(at: &At, info: &StatementInfo<'_>, out: &mut Vec<Finding>) {
    let deny = info.st.effect == Effect::Deny;
    let sev = if deny { Severity::High } else { Severity::Low };
    let consequence = if deny {
        "so this Deny never applies to it"
    } else {
        "so it grants nothing"
    };
    for (j, r, res) in &info.resources {
        let field = format!("Resource[{j}]");
        match res {
            Res::NotIot(why) => out.push(at.finding(
                "not-iot-arn",
                sev,
                &field,
                format!("`{r}` is not an AWS IoT resource ARN ({why}), {consequence}."),
                "Write the resource as `arn:aws:iot:REGION:ACCOUNT:TYPE/NAME`, e.g. `arn:aws:iot:us-east-1:123456789012:topic/sensors/${iot:Connection.Thing.ThingName}`.",
            )),
            Res::Iot { ty: Some(ty), .. } => {
                let Some(actions) = info.actions.as_ref().filter(|a| !a.is_empty()) else {
                    continue;
                };
                let fits = actions
                    .iter()
                    .any(|a| resource_type(a).is_none_or(|t| t == *ty));
                if !fits {
                    let mut wanted: Vec<&str> =
                        actions.iter().filter_map(|a| resource_type(a)).collect();
                    wanted.sort_unstable();
                    wanted.dedup();
                    out.push(at.finding(
                        "action-resource-mismatch",
                        sev,
                        &field,
                        format!(
                            "`{r}` is a `{ty}` resource, but {} only apply to `{}` resources, {consequence}.",
                            list_short(actions),
                            wanted.join("`/`")
                        ),
                        "Use the resource type the action takes: client/ for Connect, topic/ for Publish and Receive, topicfilter/ for Subscribe, thing/ for shadows and jobs.",
                    ));
                }
            }
            _ => {}
        }
    }
}

/// Compile a name for overlap tests: variables stay literal text (the same variable lines up
/// with itself); with `mqtt`, the MQTT wildcards `+` and `#` of a topic filter stand for any
/// text, as they do when the broker matches topics against the filter.
fn glob(name: &str, mqtt: bool) -> Vec<Tok> {
    compile(name, None, true)
        .unwrap_or_default()
        .into_iter()
        .map(|t| match t {
            Tok::Lit('+' | '#') if mqtt => Tok::Star,
            other => other,
        })
        .collect()
}

/// Whether some text matches both patterns.
fn overlap(a: &[Tok], b: &[Tok]) -> bool {
    let w = b.len() + 1;
    let mut seen = vec![false; (a.len() + 1) * w];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        if std::mem::replace(&mut seen[i * w + j], true) {
            continue;
        }
        if i == a.len() && j == b.len() {
            return true;
        }
        let mut push = |i: usize, j: usize| {
            if i <= a.len() && j <= b.len() && !seen[i * w + j] {
                stack.push((i, j));
            }
        };
        match (a.get(i), b.get(j)) {
            (Some(Tok::Star), _) | (_, Some(Tok::Star)) => {
                if a.get(i) == Some(&Tok::Star) {
                    push(i + 1, j);
                    if j < b.len() {
                        push(i, j + 1);
                    }
                }
                if b.get(j) == Some(&Tok::Star) {
                    push(i, j + 1);
                    if i < a.len() {
                        push(i + 1, j);
                    }
                }
            }
            (Some(x), Some(y)) => {
                let fits = match (x, y) {
                    (Tok::Lit(p), Tok::Lit(q)) => p == q,
                    _ => true,
                };
                if fits {
                    push(i + 1, j + 1);
                }
            }
            _ => {}
        }
    }
    false
}

/// `subscribe-without-receive` / `receive-without-subscribe`. "Publish/Subscribe policy
/// examples": a client needs iot:Subscribe on the `topicfilter/` and iot:Receive on the
/// matching `topic/` to get messages
/// (<https://docs.aws.amazon.com/iot/latest/developerguide/pub-sub-policy.html>); "AWS IoT Core
/// action resources": Subscribe takes `topicfilter/`, Receive takes `topic/`.
fn subscribe_receive_pairs(infos: &[StatementInfo<'_>], out: &mut Vec<Finding>) {
    // (statement, resource index, text, name); name None = any topic.
    type Grant<'a> = (usize, usize, &'a str, Option<&'a str>);
    let grants = |action: &str, ty: &str| -> Vec<Grant<'_>> {
        let mut v = Vec::new();
        for (i, info) in infos.iter().enumerate() {
            if info.st.effect != Effect::Allow {
                continue;
            }
            if !info.has(action) {
                // NotAction, or a NotResource Allow, can grant anything: treat as any topic.
                if info.actions.is_none() {
                    v.push((i, 0, "", None));
                }
                continue;
            }
            if let ResourceBlock::NotResource(_) = info.st.resource {
                v.push((i, 0, "", None));
                continue;
            }
            for (j, r, res) in &info.resources {
                match res {
                    Res::Any | Res::Iot { ty: None, .. } => v.push((i, *j, *r, None)),
                    Res::Iot { ty: Some(t), name } if *t == ty => v.push((i, *j, *r, Some(*name))),
                    _ => {}
                }
            }
        }
        v
    };
    let subs = grants("iot:Subscribe", "topicfilter");
    let recvs = grants("iot:Receive", "topic");
    let covered = |name: Option<&str>, others: &[Grant<'_>], name_is_filter: bool| {
        let Some(name) = name else {
            return !others.is_empty();
        };
        others.iter().any(|(_, _, _, other)| match other {
            None => true,
            Some(o) => {
                let (f, t) = if name_is_filter {
                    (name, *o)
                } else {
                    (*o, name)
                };
                overlap(&glob(f, true), &glob(t, false))
            }
        })
    };
    for &(i, j, r, name) in &subs {
        if name.is_some() && !covered(name, &recvs, true) {
            let at = At::new(i, infos[i].st);
            out.push(at.finding(
                "subscribe-without-receive",
                Severity::Low,
                &format!("Resource[{j}]"),
                format!("`{r}` lets the device subscribe, but no iot:Receive in this policy covers the matching `topic/`, so no message on it is delivered."),
                "Add an Allow for iot:Receive on the same topics with `topic/` instead of `topicfilter/` (unless another attached policy grants it).",
            ));
        }
    }
    for &(i, j, r, name) in &recvs {
        if name.is_some() && !covered(name, &subs, false) {
            let at = At::new(i, infos[i].st);
            out.push(at.finding(
                "receive-without-subscribe",
                Severity::Low,
                &format!("Resource[{j}]"),
                format!("`{r}` allows receiving, but no iot:Subscribe in this policy covers a matching `topicfilter/`, so the device cannot subscribe to get these messages."),
                "Add an Allow for iot:Subscribe on the matching `topicfilter/` (unless another attached policy grants it), or remove this Receive.",
            ));
        }
    }
}

/// `allow-shadowed-by-deny`: "AWS IoT Core policies": "An explicit deny in any policy overrides
/// any allows" (<https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html>).
/// Reported only when certain: the Deny has no Condition and each of the Allow's actions and
/// resources is covered by a Deny value that is `*`, equal, a fixed `prefix*` of it, or a
/// pattern matching it when it is plain text.
fn shadowed_allows(infos: &[StatementInfo<'_>], out: &mut Vec<Finding>) {
    for (i, allow) in infos.iter().enumerate() {
        if allow.st.effect != Effect::Allow {
            continue;
        }
        let (ActionBlock::Action(acts), ResourceBlock::Resource(ress)) =
            (&allow.st.action, &allow.st.resource)
        else {
            continue;
        };
        let by = infos.iter().enumerate().find(|(_, d)| {
            let (ActionBlock::Action(dacts), ResourceBlock::Resource(dress)) =
                (&d.st.action, &d.st.resource)
            else {
                return false;
            };
            d.st.effect == Effect::Deny
                && d.st.conditions.is_empty()
                && acts
                    .iter()
                    .all(|a| dacts.iter().any(|p| covers(p, a, true)))
                && ress
                    .iter()
                    .all(|r| dress.iter().any(|p| covers(p, r, false)))
        });
        if let Some((j, _)) = by {
            let at = At::new(i, allow.st);
            out.push(at.finding(
                "allow-shadowed-by-deny",
                Severity::Medium,
                "",
                format!("This Allow never takes effect: the unconditional Deny in Statement[{j}] covers all its actions and resources, and an explicit Deny always wins."),
                "Remove this statement, or narrow the Deny if the Allow was meant to work.",
            ));
        }
    }
}

/// Whether every value `value` can stand for is matched by the pattern `p` (certain cases only).
fn covers(p: &str, value: &str, fold: bool) -> bool {
    let special = |s: &str| has_wildcard(s) || s.contains("${") || s.contains("$(");
    if p == "*" {
        return true;
    }
    if p.contains("${") || p.contains("$(") {
        return p == value;
    }
    if !special(value) {
        return compile(p, None, true).is_ok_and(|t| matches(&t, value, fold));
    }
    // A fixed prefix followed by one trailing `*` covers everything that starts with it.
    if let Some(prefix) = p.strip_suffix('*').filter(|x| !has_wildcard(x)) {
        let fixed_end = value
            .find(['*', '?'])
            .into_iter()
            .chain(value.find("${"))
            .chain(value.find("$("))
            .min()
            .unwrap_or(value.len());
        let fixed = &value[..fixed_end];
        return if fold {
            fixed.len() >= prefix.len()
                && fixed.is_char_boundary(prefix.len())
                && fixed[..prefix.len()].eq_ignore_ascii_case(prefix)
        } else {
            fixed.starts_with(prefix)
        };
    }
    p == value
}

#[cfg(test)]
mod tests {
    use super::super::parse_policy;
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

    // The model least-privilege policy of the seed (src/domain/policy/tests.rs) follows the
    // compliant examples of "AWS IoT policies overly permissive" (Device Defender audit check).
    // https://docs.aws.amazon.com/iot-device-defender/latest/devguide/audit-chk-iot-policy-permissive.html
    #[test]
    fn the_seed_policy_is_clean() {
        let seed = include_str!("tests.rs");
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
                &format!(
                    "{A}:topicfilter/$aws/things/${{iot:Connection.Thing.ThingName}}/shadow/*"
                )
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
        let f = stmts(
            r#"{"Effect":"Deny","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:topic/x"}"#,
        );
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
        let f =
            stmts(r#"{"Effect":"Deny","Action":"iot:Publish","Resource":"arn:*:iot:*:*:topic/x"}"#);
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
}
