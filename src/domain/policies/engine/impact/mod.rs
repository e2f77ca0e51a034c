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
mod tests;
