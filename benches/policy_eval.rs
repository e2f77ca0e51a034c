//! Decisions per second of the compiled policy engine ([`PolicySet`]), one core.
//!
//! Two sets, as issue 3 asks: the seed policy `RestrictiveSensorPolicy` plus a deny-all policy
//! (every request ends in EXPLICIT_DENY, so this measures the cheapest path), and the seed
//! policy alone against a realistic mix of device requests, which exercises actions,
//! resources with variables, and the `Bool` condition on connect. `evaluate` (the explaining
//! path, with notes) is measured on the same mix for comparison.
//!
//! Run: `source scripts/lib.sh && cargo bench --bench policy_eval`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iot_warden::domain::policies::engine::{
    evaluate, parse_policy, Context, Decision, NamedPolicy, PolicyDocument, PolicySet, Request,
};
use std::hint::black_box;

/// The seed policy, as in src/domain/policy/tests.rs.
const RESTRICTIVE_SENSOR_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}","Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},{"Effect":"Allow","Action":"iot:Publish","Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/status"]},{"Effect":"Allow","Action":"iot:Subscribe","Resource":["arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/commands","arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/config"]},{"Effect":"Allow","Action":"iot:Receive","Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/commands","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/config"]},{"Effect":"Allow","Action":["iot:UpdateThingShadow","iot:GetThingShadow"],"Resource":"arn:aws:iot:*:*:thing/${iot:Connection.Thing.ThingName}"}]}"#;

const DENY_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#;

const ARN: &str = "arn:aws:iot:eu-west-1:123456789012";

fn doc(text: &str) -> PolicyDocument {
    parse_policy(text).expect("bench policy parses").document
}

/// 100 sensors, each making the requests a sensor makes (and a few it must not be allowed).
fn requests() -> Vec<Request> {
    let mut out = Vec::new();
    for n in 0..100 {
        let thing = format!("sensor-{n:03}");
        let other = format!("sensor-{:03}", (n + 1) % 100);
        let mut context = Context::new();
        context.insert("iot:ClientId".into(), vec![thing.clone()]);
        context.insert("iot:Connection.Thing.ThingName".into(), vec![thing.clone()]);
        context.insert(
            "iot:Connection.Thing.IsAttached".into(),
            vec!["true".into()],
        );
        let mut add = |action: &str, resource: String| {
            out.push(Request {
                action: action.into(),
                resource: format!("{ARN}:{resource}"),
                context: context.clone(),
            })
        };
        add("iot:Connect", format!("client/{thing}"));
        add("iot:Publish", format!("topic/sensors/{thing}/telemetry"));
        add("iot:Publish", format!("topic/sensors/{thing}/status"));
        add("iot:Publish", format!("topic/sensors/{other}/telemetry"));
        add(
            "iot:Subscribe",
            format!("topicfilter/sensors/{thing}/commands"),
        );
        add("iot:Receive", format!("topic/sensors/{thing}/commands"));
        add("iot:Receive", format!("topic/sensors/{other}/commands"));
        add("iot:UpdateThingShadow", format!("thing/{thing}"));
        add("iot:GetThingShadow", format!("thing/{other}"));
        add("iot:DeleteThingShadow", format!("thing/{thing}"));
    }
    out
}

fn bench(c: &mut Criterion) {
    let sensor = doc(RESTRICTIVE_SENSOR_POLICY);
    let deny_all = doc(DENY_ALL);
    let reqs = requests();
    let alone = [NamedPolicy {
        name: "RestrictiveSensorPolicy",
        document: &sensor,
    }];
    let with_deny = [
        alone[0],
        NamedPolicy {
            name: "DenyAll",
            document: &deny_all,
        },
    ];

    // The mix must really exercise both outcomes, or the figure means little.
    let set = PolicySet::new(&alone);
    let allowed = reqs
        .iter()
        .filter(|r| set.decide(r) == Decision::Allowed)
        .count();
    assert_eq!(allowed, 600, "6 of the 10 requests per sensor are allowed");

    let mut g = c.benchmark_group("policy_eval");
    g.throughput(Throughput::Elements(reqs.len() as u64));
    for (label, policies) in [
        ("restrictive_plus_deny_all", &with_deny[..]),
        ("restrictive_sensor_mix", &alone[..]),
    ] {
        let set = PolicySet::new(policies);
        g.bench_function(format!("{label}/decide"), |b| {
            b.iter(|| {
                for r in &reqs {
                    black_box(set.decide(black_box(r)));
                }
            })
        });
        g.bench_function(format!("{label}/decide_with_statements"), |b| {
            b.iter(|| {
                for r in &reqs {
                    black_box(set.decide_with_statements(black_box(r)));
                }
            })
        });
        g.bench_function(format!("{label}/evaluate"), |b| {
            b.iter(|| {
                for r in &reqs {
                    black_box(evaluate(policies, black_box(r)));
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
