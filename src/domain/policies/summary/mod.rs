//! "What this device may do": the onboarding wizard's plain reading of the policies a new
//! device gets, before they are attached, and the lines of the device bundle's README.
//!
//! The device is assumed to connect with its thing name as MQTT client id (the convention
//! [`crate::domain::policies::simulation::device_context`] also uses), so `${iot:ClientId}` and
//! `${iot:Connection.Thing.ThingName}` become the thing name; other policy variables depend on
//! registry data or the certificate and are shown as written. Documents are read with the
//! policy engine's parser, and whether a statement's actions cover an action is decided by
//! the engine itself, so wildcards (`iot:*`, `iot:Publish*`) mean here what they mean there.
//!
//! Resource names follow "AWS IoT Core action resources"
//! (<https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html>):
//! Connect on `client/<client id>`, Publish and Receive on `topic/<topic>`, Subscribe on
//! `topicfilter/<filter>`, the Device Shadow actions on `thing/<thing name>`.

use crate::domain::policies::engine::{
    arn_fields, parse_policy, resource_type, ActionBlock, Decision, Effect, NamedPolicy,
    PolicyDocument, PolicySet, Request, ResourceBlock, Statement,
};
use serde::{Deserialize, Serialize};

/// One thing a policy lets the device do (or, in [`PolicySummary::denies`], forbids).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The policy's name.
    pub policy: String,
    /// In human form: the client id pattern for Connect (`sensor-9`, `*`), the topic for
    /// Publish and Receive (`sensors/sensor-9/status`), the topic filter for Subscribe
    /// (`sensors/sensor-9/#`), action and resource for shadow actions and denies
    /// (`iot:GetThingShadow thing/sensor-9`). Wildcards are the policy's, not MQTT's.
    pub resource: String,
    /// The statement has a `Condition`, so the grant holds only when it is met.
    pub conditional: bool,
}

/// What a device's policies let it do, by kind of operation, in policy and statement order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySummary {
    /// Client ids it may connect as (`iot:Connect`).
    pub connect: Vec<Grant>,
    /// Topics it may publish to (`iot:Publish`).
    pub publish: Vec<Grant>,
    /// Topic filters it may subscribe to (`iot:Subscribe`).
    pub subscribe: Vec<Grant>,
    /// Topics it may receive messages from (`iot:Receive`); a subscription delivers nothing
    /// without it.
    pub receive: Vec<Grant>,
    /// Device Shadow actions over HTTPS or the shadow API (`iot:GetThingShadow`, ...).
    pub shadow: Vec<Grant>,
    /// What Deny statements forbid, action and resource as written (after substitution).
    pub denies: Vec<Grant>,
    /// What the lists above cannot say: invalid documents, `NotAction`/`NotResource`
    /// statements, variables read as plain text. One sentence each.
    pub notes: Vec<String>,
}

/// The policy variables that take the thing name: the device connects with its thing name
/// as client id ("Basic policy variables", "Thing policy variables", AWS IoT Developer Guide).
const THING_NAME_VARIABLES: [&str; 2] = ["iot:Connection.Thing.ThingName", "iot:ClientId"];

/// The Device Shadow actions, in the order they are listed ("AWS IoT Core policy actions").
const SHADOW_ACTIONS: [&str; 4] = [
    "iot:GetThingShadow",
    "iot:UpdateThingShadow",
    "iot:DeleteThingShadow",
    "iot:ListNamedShadowsForThing",
];

/// The MQTT categories: which list, the action, and the resource type it is authorized on.
#[derive(Clone, Copy)]
enum Mqtt {
    Connect,
    Publish,
    Subscribe,
    Receive,
}

impl Mqtt {
    const ALL: [Mqtt; 4] = [Mqtt::Connect, Mqtt::Publish, Mqtt::Subscribe, Mqtt::Receive];

    fn action(self) -> &'static str {
        match self {
            Mqtt::Connect => "iot:Connect",
            Mqtt::Publish => "iot:Publish",
            Mqtt::Subscribe => "iot:Subscribe",
            Mqtt::Receive => "iot:Receive",
        }
    }

    /// From the engine's action table, which has a type for each of these actions.
    fn resource_type(self) -> &'static str {
        resource_type(self.action()).expect("the MQTT actions have a resource type")
    }

    fn list(self, s: &mut PolicySummary) -> &mut Vec<Grant> {
        match self {
            Mqtt::Connect => &mut s.connect,
            Mqtt::Publish => &mut s.publish,
            Mqtt::Subscribe => &mut s.subscribe,
            Mqtt::Receive => &mut s.receive,
        }
    }
}

/// What `policies` (name, document JSON), in order, let the device `thing_name` do when it
/// connects with its thing name as client id. A document that does not parse is skipped
/// with a note; the others are still summarized.
pub fn summarize(policies: &[(String, String)], thing_name: &str) -> PolicySummary {
    let mut summary = PolicySummary::default();
    for (name, text) in policies {
        match parse_policy(text) {
            Ok(parsed) => add_policy(&mut summary, name, &parsed.document, thing_name),
            Err(errors) => summary.notes.push(match errors.first() {
                Some(e) => {
                    format!("Policy \"{name}\" is not a valid policy document and was skipped: {e}")
                }
                None => {
                    format!("Policy \"{name}\" is not a valid policy document and was skipped.")
                }
            }),
        }
    }
    summary
}

/// The summary as README lines, e.g. `publish: sensors/sensor-9/status`: one per grant,
/// labelled `connect`, `publish`, `subscribe`, `receive`, `shadow` or `denied`, with
/// ` (conditional)` when a condition applies. A line two policies both give appears once.
pub fn topics_for_readme(summary: &PolicySummary) -> Vec<String> {
    let sections = [
        ("connect", &summary.connect),
        ("publish", &summary.publish),
        ("subscribe", &summary.subscribe),
        ("receive", &summary.receive),
        ("shadow", &summary.shadow),
        ("denied", &summary.denies),
    ];
    let mut lines: Vec<String> = Vec::new();
    for (label, grants) in sections {
        for g in grants {
            let suffix = if g.conditional { " (conditional)" } else { "" };
            let line = format!("{label}: {}{suffix}", g.resource);
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    lines
}

fn add_policy(s: &mut PolicySummary, name: &str, doc: &PolicyDocument, thing_name: &str) {
    // Policy variables exist only in policy language 2012-10-17; otherwise AWS IoT reads
    // `${...}` as text, and so does the engine.
    let vars = doc.version.as_deref() == Some("2012-10-17");
    let mut literal_variables = false;
    for (index, st) in doc.statements.iter().enumerate() {
        if let Some(note) = broad_note(name, index, st) {
            s.notes.push(note);
            continue;
        }
        let (ActionBlock::Action(actions), ResourceBlock::Resource(resources)) =
            (&st.action, &st.resource)
        else {
            continue; // Covered by the note above.
        };
        let resources: Vec<String> = resources
            .iter()
            .map(|r| {
                literal_variables |= !vars && r.contains("${");
                if vars {
                    substitute(r, thing_name)
                } else {
                    r.clone()
                }
            })
            .collect();
        let grant = |resource: String| Grant {
            policy: name.to_string(),
            resource,
            conditional: !st.conditions.is_empty(),
        };
        if st.effect == Effect::Deny {
            for a in actions {
                for r in &resources {
                    push_new(&mut s.denies, grant(format!("{a} {}", resource_part(r))));
                }
            }
            continue;
        }
        let covers = action_coverage(&st.action);
        for m in Mqtt::ALL {
            if covers(m.action()) {
                for r in &resources {
                    if let Some(h) = of_type(resource_part(r), m.resource_type()) {
                        push_new(m.list(s), grant(h.to_string()));
                    }
                }
            }
        }
        for action in SHADOW_ACTIONS.into_iter().filter(|a| covers(a)) {
            for r in &resources {
                let part = resource_part(r);
                if of_type(part, "thing").is_some() {
                    push_new(&mut s.shadow, grant(format!("{action} {part}")));
                }
            }
        }
    }
    if literal_variables {
        s.notes.push(format!(
            "Policy \"{name}\" does not declare \"Version\": \"2012-10-17\", so AWS IoT reads the ${{...}} in it as plain text, not as policy variables."
        ));
    }
}

/// The note for a `NotAction` or `NotResource` statement, which reaches more than it lists:
/// enumerating "everything except" would be long and still wrong for actions added later.
fn broad_note(policy: &str, index: usize, st: &Statement) -> Option<String> {
    let not_action = matches!(st.action, ActionBlock::NotAction(_));
    let not_resource = matches!(st.resource, ResourceBlock::NotResource(_));
    let reach = match (not_action, not_resource) {
        (false, false) => return None,
        (true, false) => "every action except the ones it lists",
        (false, true) => "its actions on every resource except the ones it lists",
        (true, true) => {
            "every action except the ones it lists, on every resource except the ones it lists"
        }
    };
    let element = match (not_action, not_resource) {
        (true, true) => "NotAction and NotResource",
        (true, false) => "NotAction",
        _ => "NotResource",
    };
    let verb = match st.effect {
        Effect::Allow => "allows",
        Effect::Deny => "denies",
    };
    let sid = st
        .sid
        .as_ref()
        .map(|s| format!(" (\"{s}\")"))
        .unwrap_or_default();
    Some(format!(
        "Policy \"{policy}\", statement {}{sid} uses {element}, so it {verb} {reach}; check it by hand.",
        index + 1
    ))
}

/// A test of whether an `Action` list covers an action, made by the engine from a copy of
/// the list in a statement of its own (resource `*`, no condition), so wildcards and case
/// are read exactly as when deciding requests.
fn action_coverage(block: &ActionBlock) -> impl Fn(&str) -> bool {
    let doc = PolicyDocument {
        version: None,
        statements: vec![Statement {
            sid: None,
            effect: Effect::Allow,
            action: block.clone(),
            resource: ResourceBlock::Resource(vec!["*".into()]),
            conditions: Vec::new(),
        }],
    };
    let set = PolicySet::new(&[NamedPolicy {
        name: "",
        document: &doc,
    }]);
    move |action: &str| {
        let request = Request {
            action: action.to_string(),
            resource: "*".into(),
            ..Default::default()
        };
        set.decide(&request) == Decision::Allowed
    }
}

/// `text` with the thing-name variables replaced by `thing_name`; other variables stay as
/// written (the engine's own reading of `${…}`).
fn substitute(text: &str, thing_name: &str) -> String {
    crate::domain::policies::engine::substitute_known(text, |name| {
        THING_NAME_VARIABLES
            .iter()
            .any(|v| v.eq_ignore_ascii_case(name))
            .then(|| thing_name.to_string())
    })
}

/// The resource part of an ARN (`arn:aws:iot:*:*:topic/a` → `topic/a`); anything else, such
/// as `*`, as it is.
fn resource_part(resource: &str) -> &str {
    match arn_fields(resource).as_slice() {
        ["arn", _, _, _, _, part] => part,
        _ => resource,
    }
}

/// The name in `part` for resource type `kind` (`topic/a/b` with `topic` → `a/b`), or `part`
/// as written when a wildcard in its first segment may stand for `kind` (`*`, `top*`), or
/// `None` when it is a resource of another type.
fn of_type<'a>(part: &'a str, kind: &str) -> Option<&'a str> {
    if let Some(name) = part.strip_prefix(kind).and_then(|r| r.strip_prefix('/')) {
        return Some(name);
    }
    let first = part.split('/').next().unwrap_or_default();
    let wildcard = first.find(['*', '?'])?;
    kind.starts_with(&first[..wildcard]).then_some(part)
}

/// Add `g` unless the list has it already (a statement listing both `iot:*` and
/// `iot:Publish` grants each topic once).
fn push_new(list: &mut Vec<Grant>, g: Grant) {
    if !list.contains(&g) {
        list.push(g);
    }
}

#[cfg(test)]
mod tests;
