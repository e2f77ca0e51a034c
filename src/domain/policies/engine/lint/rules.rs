//! The lint rules, one function per rule family (the table in the module's documentation
//! lists them): each reads one statement, or all of them, and pushes its findings.

use super::super::actions::{has_wildcard, resource_type, KNOWN_ACTIONS};
use super::super::model::{ActionBlock, Effect, ResourceBlock};
use super::super::parse::Parsed;
use super::reach::{
    action_pattern_matches, covers, glob, overlap, reach, Reach, Res, StatementInfo,
    DEVICE_VARIABLES,
};
use super::{statement_of, At, Finding, Severity};

/// A compact list of actions for a message: `iot:Publish, iot:Subscribe`.
fn list(actions: &[&str]) -> String {
    actions.join(", ")
}

const SCOPE_HINT: &str = "Scope the resource to the device with a policy variable, e.g. `arn:aws:iot:REGION:ACCOUNT:topic/sensors/${iot:Connection.Thing.ThingName}/*`.";

// ------------------------------------------------------------------ parser warnings

/// `unknown-action`, `variable-without-version`, `unknown-condition-operator`: a parser
/// warning as a finding, with the rule its path and message tell.
pub(super) fn from_warning(parsed: &Parsed, path: &str, message: &str) -> Finding {
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

// ------------------------------------------------------------------ rules

/// `wildcard-action`: "AWS IoT policies overly permissive" — a device policy should grant only
/// what that device needs.
pub(super) fn wildcard_actions(at: &At, info: &StatementInfo<'_>, out: &mut Vec<Finding>) {
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
pub(super) fn resources_of_allow(at: &At, info: &StatementInfo<'_>, out: &mut Vec<Finding>) {
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
pub(super) fn mqtt_wildcards_in_deny(at: &At, info: &StatementInfo<'_>, out: &mut Vec<Finding>) {
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
pub(super) fn resource_types(at: &At, info: &StatementInfo<'_>, out: &mut Vec<Finding>) {
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

/// `subscribe-without-receive` / `receive-without-subscribe`. "Publish/Subscribe policy
/// examples": a client needs iot:Subscribe on the `topicfilter/` and iot:Receive on the
/// matching `topic/` to get messages
/// (<https://docs.aws.amazon.com/iot/latest/developerguide/pub-sub-policy.html>); "AWS IoT Core
/// action resources": Subscribe takes `topicfilter/`, Receive takes `topic/`.
pub(super) fn subscribe_receive_pairs(infos: &[StatementInfo<'_>], out: &mut Vec<Finding>) {
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
pub(super) fn shadowed_allows(infos: &[StatementInfo<'_>], out: &mut Vec<Finding>) {
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
