//! Impact preview: before a new version of a policy is saved, which requests of which devices
//! would be decided differently.
//!
//! The requests come from the resources the two versions name: each statement's actions
//! (a wildcard or `NotAction` expands to the [`KNOWN_ACTIONS`] it covers) times its resources,
//! made concrete per device: policy variables take the device's values, `*` and `?` become a
//! placeholder, a wildcard region or account becomes the given one. Each request is decided
//! with the device's other policies plus the current version, and plus the draft; the sets
//! are compiled once per distinct set of other policies, not per device.

use super::actions::{action_resource, arn_fields, has_wildcard, ActionResource, KNOWN_ACTIONS};
use super::compiled::{Actions, PolicySet};
use super::eval::NamedPolicy;
use super::model::{Context, Decision, PolicyDocument, Request, ResourceBlock, Statement};
use super::pattern::Pattern;
use super::vars::{lookup, scan, Piece, Tok};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A device the policy reaches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactDevice {
    pub thing_name: String,
    /// Its request context: the values of the policy variables and condition keys.
    pub context: Context,
    /// The names of its other attached policies (keys of [`ImpactInput::others`]; the
    /// policy under change, if listed, is left out).
    pub other_policies: Vec<String>,
}

/// What [`impact_preview`] compares.
#[derive(Debug, Clone, Copy)]
pub struct ImpactInput<'a> {
    pub policy_name: &'a str,
    /// The policy's current default version.
    pub current: &'a PolicyDocument,
    pub draft: &'a PolicyDocument,
    /// Documents of the other policies, by name.
    pub others: &'a BTreeMap<String, PolicyDocument>,
    pub devices: &'a [ImpactDevice],
    /// Fill wildcard regions and accounts in resource ARNs.
    pub region: &'a str,
    pub account: &'a str,
}

/// One request whose decision changes. Every change of decision is listed, including
/// `IMPLICIT_DENY` to `EXPLICIT_DENY`, which grants or takes away nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactChange {
    pub thing_name: String,
    pub action: String,
    pub resource: String,
    pub before: Decision,
    pub after: Decision,
}

/// What a change of decision means for the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessChange {
    /// Allowed now, denied with the draft.
    Lost,
    /// Denied now, allowed with the draft.
    Gained,
    /// Denied both ways; only the kind of deny changes.
    DenyKindOnly,
}

impl ImpactChange {
    pub fn access_change(&self) -> AccessChange {
        match (self.before, self.after) {
            (Decision::Allowed, _) => AccessChange::Lost,
            (_, Decision::Allowed) => AccessChange::Gained,
            _ => AccessChange::DenyKindOnly,
        }
    }
}

/// The preview: how many devices and requests were decided, and what changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactReport {
    pub devices: u32,
    /// Distinct requests decided (each against both versions), summed over devices.
    pub requests: u32,
    /// By device (in input order), then action, then resource.
    pub changes: Vec<ImpactChange>,
}

/// What stands in for `*` and `?` in a request made from a resource pattern.
pub const PLACEHOLDER: &str = "x";

/// Compare `input.current` and `input.draft` for every device.
pub fn impact_preview(input: &ImpactInput<'_>) -> ImpactReport {
    let templates = templates(input);
    let mut sets: BTreeMap<Vec<&str>, (PolicySet, PolicySet)> = BTreeMap::new();
    let mut changes = Vec::new();
    let mut requests = 0u32;
    for device in input.devices {
        let mut names: Vec<&str> = device
            .other_policies
            .iter()
            .map(String::as_str)
            .filter(|n| *n != input.policy_name && input.others.contains_key(*n))
            .collect();
        names.sort_unstable();
        names.dedup();
        let (before, after) = sets.entry(names).or_insert_with_key(|names| {
            let with = |document: &PolicyDocument| {
                let mut named: Vec<NamedPolicy<'_>> = names
                    .iter()
                    .map(|n| NamedPolicy {
                        name: n,
                        document: &input.others[*n],
                    })
                    .collect();
                named.push(NamedPolicy {
                    name: input.policy_name,
                    document,
                });
                PolicySet::new(&named)
            };
            (with(input.current), with(input.draft))
        });
        let mut concrete: Vec<(&'static str, String)> = templates
            .iter()
            .filter_map(|t| Some((t.action, t.instantiate(&device.context)?)))
            .collect();
        concrete.sort_unstable();
        concrete.dedup();
        requests = requests.saturating_add(u32::try_from(concrete.len()).unwrap_or(u32::MAX));
        // One request, its strings reused, so the device's context is cloned once.
        let mut req = Request {
            action: String::new(),
            resource: String::new(),
            context: device.context.clone(),
        };
        for (action, resource) in concrete {
            req.action.clear();
            req.action.push_str(action);
            req.resource = resource;
            let (b, a) = (before.decide(&req), after.decide(&req));
            if b != a {
                changes.push(ImpactChange {
                    thing_name: device.thing_name.clone(),
                    action: action.to_string(),
                    resource: std::mem::take(&mut req.resource),
                    before: b,
                    after: a,
                });
            }
        }
    }
    ImpactReport {
        devices: u32::try_from(input.devices.len()).unwrap_or(u32::MAX),
        requests,
        changes,
    }
}

/// A request to make per device: an action and a resource still holding variables.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Template {
    action: &'static str,
    resource: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Lit(String),
    Var(String),
}

impl Template {
    /// The resource for a device; `None` when a variable has no single value for it (the
    /// statement names nothing for that device, in either version).
    fn instantiate(&self, ctx: &Context) -> Option<String> {
        let mut out = String::new();
        for part in &self.resource {
            match part {
                Part::Lit(s) => out.push_str(s),
                Part::Var(name) => match lookup(ctx, name) {
                    Some(v) if v.len() == 1 => out.push_str(&v[0]),
                    _ => return None,
                },
            }
        }
        Some(out)
    }
}

/// Every (action, resource) the two versions name, without repeats, in order.
fn templates(input: &ImpactInput<'_>) -> Vec<Template> {
    let mut out = BTreeSet::new();
    for doc in [input.current, input.draft] {
        // Variables exist only in policy language 2012-10-17 ("IAM JSON policy elements:
        // Version"); elsewhere `${...}` is text.
        let vars = doc.version.as_deref() == Some("2012-10-17");
        for st in &doc.statements {
            for action in actions(st) {
                let kind = match action_resource(action) {
                    Some(ActionResource::Typed(kind)) => kind,
                    Some(ActionResource::All) => {
                        // "The resource ARN specified for this action must be *".
                        out.insert(Template {
                            action,
                            resource: vec![Part::Lit("*".into())],
                        });
                        continue;
                    }
                    // `actions` yields known actions only, and each of them has a resource.
                    None => continue,
                };
                let resources: &[String] = match &st.resource {
                    ResourceBlock::Resource(list) => list,
                    // Everything but a list: try the action's resource type in general.
                    ResourceBlock::NotResource(_) => &[],
                };
                let generic = ["*".to_string()];
                let resources = if resources.is_empty() {
                    &generic[..]
                } else {
                    resources
                };
                for r in resources {
                    if let Some(resource) = resource_template(r, kind, vars, input) {
                        out.insert(Template { action, resource });
                    }
                }
            }
        }
    }
    out.into_iter().collect()
}

/// The known actions a statement covers: literal names (any case), wildcards and `NotAction`
/// matched the way the engine matches them. A name outside KNOWN_ACTIONS is no request a
/// device makes, so misspellings stay out of the preview (the parser warns about them).
fn actions(st: &Statement) -> impl Iterator<Item = &'static str> {
    let block = Actions::new(&st.action);
    KNOWN_ACTIONS.iter().copied().filter(move |a| block.hit(a))
}

/// `raw` as an ARN for an action of resource type `kind`, or `None` when it names another
/// type (`topic/...` for `iot:Subscribe`, say).
fn resource_template(
    raw: &str,
    kind: &str,
    vars: bool,
    input: &ImpactInput<'_>,
) -> Option<Vec<Part>> {
    let fields = arn_fields(raw);
    let arn_like =
        fields.len() == 6 && fields[0] == "arn" && !fields[..5].iter().any(|f| f.contains("${"));
    let (head, rest) = if arn_like {
        let pick = |field: &str, fill: &str| {
            if has_wildcard(field) {
                fill.to_string()
            } else {
                field.to_string()
            }
        };
        let head = format!(
            "arn:{}:{}:{}:{}:",
            pick(fields[1], "aws"),
            pick(fields[2], "iot"),
            pick(fields[3], input.region),
            pick(fields[4], input.account)
        );
        (head, fields[5].to_string())
    } else if raw == "*" {
        (
            format!("arn:aws:iot:{}:{}:", input.region, input.account),
            raw.to_string(),
        )
    } else {
        // Not an ARN: made concrete as it is.
        return Some(parts(raw, vars));
    };
    let rest = match rest.split_once('/') {
        Some((ty, name)) if ty.contains("${") => format!("{ty}/{name}"),
        Some((ty, name)) if has_wildcard(ty) => {
            if !Pattern::new(ty, false, true).is_match(kind, &Context::new(), false) {
                return None;
            }
            format!("{kind}/{name}")
        }
        Some((ty, _)) if ty != kind => return None,
        Some(_) => rest,
        None => {
            // `*` or `top*`: a resource of the right type with a placeholder name, if the
            // pattern covers one.
            let example = format!("{kind}/{PLACEHOLDER}");
            if !Pattern::new(&rest, false, true).is_match(&example, &Context::new(), false) {
                return None;
            }
            example
        }
    };
    let mut out = vec![Part::Lit(head)];
    for p in parts(&rest, vars) {
        match (out.last_mut(), p) {
            (Some(Part::Lit(s)), Part::Lit(t)) => s.push_str(&t),
            (_, p) => out.push(p),
        }
    }
    Some(out)
}

/// A policy string as literal text and variable slots, wildcards replaced by the placeholder.
fn parts(src: &str, vars: bool) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    let _ = scan(src, vars, true, |piece| {
        let text = match piece {
            Piece::Var(name) => {
                out.push(Part::Var(name.to_string()));
                return Ok::<(), ()>(());
            }
            Piece::Tok(Tok::Star) | Piece::Tok(Tok::Question) => PLACEHOLDER.to_string(),
            Piece::Tok(Tok::Lit(c)) => c.to_string(),
        };
        match out.last_mut() {
            Some(Part::Lit(s)) => s.push_str(&text),
            _ => out.push(Part::Lit(text)),
        }
        Ok(())
    });
    out
}

#[cfg(test)]
mod tests {
    use super::super::parse_policy;
    use super::*;

    const SENSOR: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}","Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},{"Effect":"Allow","Action":"iot:Publish","Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/status"]},{"Effect":"Allow","Action":"iot:Subscribe","Resource":["arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/commands","arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/config"]},{"Effect":"Allow","Action":"iot:Receive","Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/commands","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/config"]},{"Effect":"Allow","Action":["iot:UpdateThingShadow","iot:GetThingShadow"],"Resource":"arn:aws:iot:*:*:thing/${iot:Connection.Thing.ThingName}"}]}"#;
    const ARN: &str = "arn:aws:iot:eu-west-1:123456789012";

    fn doc(text: &str) -> PolicyDocument {
        parse_policy(text).expect("test policy parses").document
    }

    fn device(thing: &str, others: &[&str]) -> ImpactDevice {
        let mut context = Context::new();
        context.insert("iot:Connection.Thing.ThingName".into(), vec![thing.into()]);
        context.insert(
            "iot:Connection.Thing.IsAttached".into(),
            vec!["true".into()],
        );
        ImpactDevice {
            thing_name: thing.into(),
            context,
            other_policies: others.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn preview(
        current: &PolicyDocument,
        draft: &PolicyDocument,
        others: &BTreeMap<String, PolicyDocument>,
        devices: &[ImpactDevice],
    ) -> ImpactReport {
        impact_preview(&ImpactInput {
            policy_name: "RestrictiveSensorPolicy",
            current,
            draft,
            others,
            devices,
            region: "eu-west-1",
            account: "123456789012",
        })
    }

    fn change(
        thing: &str,
        action: &str,
        resource: &str,
        before: Decision,
        after: Decision,
    ) -> ImpactChange {
        ImpactChange {
            thing_name: thing.into(),
            action: action.into(),
            resource: format!("{ARN}:{resource}"),
            before,
            after,
        }
    }

    // "Publish/Subscribe policy examples": a policy grants iot:Publish only on the topics its
    // Resource names, with the thing name variable per device; "AWS IoT Core action
    // resources": the ARN format arn:partition:iot:region:account:topic/name.
    // https://docs.aws.amazon.com/iot/latest/developerguide/pub-sub-policy.html
    // https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html
    #[test]
    fn narrowing_a_topic_removes_a_publish_for_every_sensor() {
        let current = doc(SENSOR);
        let narrowed = SENSOR.replace(
            r#"["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/status"]"#,
            r#""arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry""#,
        );
        assert_ne!(narrowed, SENSOR);
        let draft = doc(&narrowed);
        let devices: Vec<ImpactDevice> = (1..=3)
            .map(|n| device(&format!("sensor-{n}"), &[]))
            .collect();
        let report = preview(&current, &draft, &BTreeMap::new(), &devices);
        assert_eq!(report.devices, 3);
        // Connect, 2 publish, 2 subscribe, 2 receive, 2 shadow actions on the thing.
        assert_eq!(report.requests, 3 * 9);
        let expected: Vec<ImpactChange> = (1..=3)
            .map(|n| {
                change(
                    &format!("sensor-{n}"),
                    "iot:Publish",
                    &format!("topic/sensors/sensor-{n}/status"),
                    Decision::Allowed,
                    Decision::ImplicitDeny,
                )
            })
            .collect();
        assert_eq!(report.changes, expected);
        assert!(report
            .changes
            .iter()
            .all(|c| c.access_change() == AccessChange::Lost));
    }

    // "The difference between explicit and implicit denies" (IAM User Guide): both deny, so a
    // change between them grants or takes away nothing.
    #[test]
    fn access_changes_tell_lost_gained_and_deny_kind_only() {
        let c = |before, after| change("t", "iot:Publish", "topic/a", before, after);
        use Decision::*;
        assert_eq!(c(Allowed, ImplicitDeny).access_change(), AccessChange::Lost);
        assert_eq!(c(Allowed, ExplicitDeny).access_change(), AccessChange::Lost);
        assert_eq!(
            c(ImplicitDeny, Allowed).access_change(),
            AccessChange::Gained
        );
        assert_eq!(
            c(ImplicitDeny, ExplicitDeny).access_change(),
            AccessChange::DenyKindOnly
        );
    }

    #[test]
    fn an_identical_draft_changes_nothing() {
        let current = doc(SENSOR);
        let report = preview(
            &current,
            &current.clone(),
            &BTreeMap::new(),
            &[device("s1", &[])],
        );
        assert_eq!(report.requests, 9);
        assert!(report.changes.is_empty(), "{:?}", report.changes);
    }

    // "AWS IoT Core policies": the decision is made over all the policies attached to the
    // device's certificate, with IAM's logic (an Allow in any of them is enough, absent a Deny).
    // https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html
    #[test]
    fn another_policy_that_already_allows_hides_the_change() {
        let current = doc(SENSOR);
        let draft = doc(&SENSOR.replace("/status", "/state"));
        let fleet = doc(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/sensors/*"}}"#,
        );
        let others = BTreeMap::from([("FleetPublish".to_string(), fleet)]);
        let devices = [
            device(
                "covered",
                &["FleetPublish", "RestrictiveSensorPolicy", "Gone"],
            ),
            device("alone", &[]),
        ];
        let report = preview(&current, &draft, &others, &devices);
        assert_eq!(
            report.changes,
            vec![
                change(
                    "alone",
                    "iot:Publish",
                    "topic/sensors/alone/state",
                    Decision::ImplicitDeny,
                    Decision::Allowed
                ),
                change(
                    "alone",
                    "iot:Publish",
                    "topic/sensors/alone/status",
                    Decision::Allowed,
                    Decision::ImplicitDeny
                ),
            ]
        );
    }

    // "IAM JSON policy elements: Action": wildcards in action names match several actions,
    // and NotAction covers every action but those listed; "AWS IoT Core policy actions" lists
    // the actions, "AWS IoT Core action resources" the resource type of each (thing for the
    // shadow actions; `*` for ListNamedShadowsForThing).
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
    // https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-actions.html
    // https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html
    #[test]
    fn wildcard_actions_expand_to_known_actions() {
        let current = doc(SENSOR);
        let mut draft = current.clone();
        draft.statements.push(
            doc(r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iot:*Shadow","Resource":"arn:aws:iot:*:*:thing/${iot:Connection.Thing.ThingName}"}}"#)
                .statements
                .remove(0),
        );
        let report = preview(&current, &draft, &BTreeMap::new(), &[device("s1", &[])]);
        let thing = "thing/s1";
        assert_eq!(
            report.changes,
            vec![
                change(
                    "s1",
                    "iot:DeleteThingShadow",
                    thing,
                    Decision::ImplicitDeny,
                    Decision::ExplicitDeny
                ),
                change(
                    "s1",
                    "iot:GetThingShadow",
                    thing,
                    Decision::Allowed,
                    Decision::ExplicitDeny
                ),
                change(
                    "s1",
                    "iot:UpdateThingShadow",
                    thing,
                    Decision::Allowed,
                    Decision::ExplicitDeny
                ),
            ]
        );

        // NotAction, a resource `*`, and a topic pattern: each action on its own resource type,
        // `*` made concrete with the placeholder.
        let broad = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iot:Connect","iot:*Shadow*","iot:*Job*","iotjobsdata:*","iot:AssumeRoleWithCertificate","iot:*Retain*","iot:DeleteConnection"],"Resource":"*"},{"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:*:*:topic/a"}]}"#,
        );
        let report = preview(&current, &broad, &BTreeMap::new(), &[device("s1", &[])]);
        let gained: Vec<(&str, &str)> = report
            .changes
            .iter()
            .filter(|c| c.after == Decision::Allowed)
            .map(|c| (c.action.as_str(), c.resource.as_str()))
            .collect();
        let topic = format!("{ARN}:topic/{PLACEHOLDER}");
        let filter = format!("{ARN}:topicfilter/{PLACEHOLDER}");
        assert_eq!(
            gained,
            vec![
                ("iot:Publish", topic.as_str()),
                ("iot:Receive", topic.as_str()),
                ("iot:Subscribe", filter.as_str())
            ]
        );
    }

    // "Thing policy examples": when the thing name variable cannot be resolved, the resource
    // matches nothing; a device without it gets no request from such a resource.
    // https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-examples.html
    #[test]
    fn devices_without_the_variable_get_no_such_request() {
        let current = doc(SENSOR);
        let mut anonymous = device("anon", &[]);
        anonymous.context.clear();
        let report = preview(
            &current,
            &doc(&SENSOR.replace("/status", "/s?")),
            &BTreeMap::new(),
            &[anonymous],
        );
        assert_eq!(report.requests, 0);
        assert!(report.changes.is_empty());
    }
}
