//! Fuzz target: any bytes as a policy document. The parser must not panic, and for every
//! document it accepts, the explaining evaluator, the compiled `PolicySet` and the impact
//! preview must not panic either, and the two deciders must agree.
//!
//! Run with `scripts/fuzz.sh`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

// The policy engine is pure (std, serde, serde_json, thiserror, time) and refers to nothing
// outside its own folder, so its source is compiled here directly: depending on the
// iot-warden crate instead would build leptos and the rest under the sanitizer, minutes
// for every change.
#[path = "../../src/domain/policies/engine/mod.rs"]
// Only part of the module is used here.
#[allow(dead_code, unused_imports)]
mod policy;

use policy::{
    evaluate, impact_preview, parse_policy, ActionBlock, Context, ImpactDevice, ImpactInput,
    NamedPolicy, PolicyDocument, PolicySet, Request, ResourceBlock,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = parse_policy(text) else {
        return;
    };
    let doc = parsed.document;
    let policies = [NamedPolicy {
        name: "fuzzed",
        document: &doc,
    }];
    let set = PolicySet::new(&policies);
    for req in requests(&doc) {
        let reference = evaluate(&policies, &req);
        let (decision, statements) = set.decide_with_statements(&req);
        assert_eq!(decision, reference.decision, "{req:?}");
        assert_eq!(statements, reference.statements, "{req:?}");
        assert_eq!(set.decide(&req), reference.decision, "{req:?}");
    }

    // A draft equal to the current version changes nothing, whatever the resources say.
    let devices = [ImpactDevice {
        thing_name: "sensor-001".into(),
        context: context(),
        other_policies: vec![],
    }];
    let others = BTreeMap::new();
    let input = ImpactInput {
        policy_name: "fuzzed",
        current: &doc,
        draft: &doc,
        others: &others,
        devices: &devices,
        region: "eu-west-1",
        account: "123456789012",
    };
    let same = impact_preview(&input);
    assert!(same.changes.is_empty(), "{:?}", same.changes);
    let empty = PolicyDocument {
        version: doc.version.clone(),
        statements: vec![],
    };
    let _ = impact_preview(&ImpactInput {
        current: &empty,
        ..input
    });
});

fn context() -> Context {
    let mut c = Context::new();
    for (k, v) in [
        ("iot:ClientId", "sensor-001"),
        ("iot:Connection.Thing.ThingName", "sensor-001"),
        ("iot:Connection.Thing.IsAttached", "true"),
        ("aws:SourceIp", "203.0.113.10"),
        ("aws:CurrentTime", "2026-11-23T09:00:00Z"),
    ] {
        c.insert(k.into(), vec![v.into()]);
    }
    c
}

/// A few fixed requests, plus requests whose action and resource are the document's own
/// strings taken literally, so odd characters in them reach the matchers on both sides.
fn requests(doc: &PolicyDocument) -> Vec<Request> {
    let arn = "arn:aws:iot:eu-west-1:123456789012";
    let mut out: Vec<Request> = [
        ("iot:Connect", "client/sensor-001"),
        ("iot:Publish", "topic/sensors/sensor-001/telemetry"),
        ("iot:Subscribe", "topicfilter/sensors/sensor-001/#"),
        ("iot:GetThingShadow", "thing/sensor-001"),
    ]
    .iter()
    .map(|(action, resource)| Request {
        action: action.to_string(),
        resource: format!("{arn}:{resource}"),
        context: context(),
    })
    .collect();
    for st in doc.statements.iter().take(4) {
        let (ActionBlock::Action(actions) | ActionBlock::NotAction(actions)) = &st.action;
        let (ResourceBlock::Resource(resources) | ResourceBlock::NotResource(resources)) =
            &st.resource;
        for resource in resources.iter().take(3) {
            out.push(Request {
                action: actions[0].clone(),
                resource: resource.clone(),
                context: context(),
            });
        }
    }
    out
}
