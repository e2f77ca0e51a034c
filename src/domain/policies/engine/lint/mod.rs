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
//!
//! Layout: this file holds the finding types and the driver; `reach` reads what resources a
//! statement reaches, `rules` holds the rules, `tests` their tests.

mod reach;
mod rules;

use super::model::{Effect, Statement};
use super::parse::Parsed;
use reach::StatementInfo;
use rules::{
    from_warning, mqtt_wildcards_in_deny, resource_types, resources_of_allow, shadowed_allows,
    subscribe_receive_pairs, wildcard_actions,
};
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

// ------------------------------------------------------------------ building findings

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

/// `Statement[3].Action[0]` → 3; `Statement.Action[0]` (a single statement object) → 0.
pub fn statement_of(path: &str) -> Option<u32> {
    let rest = path.strip_prefix("Statement")?;
    if let Some(r) = rest.strip_prefix('[') {
        return r.split_once(']')?.0.parse().ok();
    }
    (rest.is_empty() || rest.starts_with('.')).then_some(0)
}

#[cfg(test)]
mod tests;
