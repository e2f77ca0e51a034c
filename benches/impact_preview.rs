//! Time of an impact preview for a fleet of 10,000 devices: the seed policy
//! `RestrictiveSensorPolicy` as current against a realistic draft (one topic dropped, command
//! topics widened to a wildcard, shadow deletion denied), devices spread over three sets of
//! other attached policies. Goal (issue 3): under one second.
//!
//! Run: `source scripts/lib.sh && cargo bench --bench impact_preview`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iot_warden::domain::policies::engine::{
    impact_preview, parse_policy, Context, ImpactDevice, ImpactInput, PolicyDocument,
};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

/// The seed policy, as in src/domain/policy/tests.rs.
const RESTRICTIVE_SENSOR_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}","Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},{"Effect":"Allow","Action":"iot:Publish","Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/status"]},{"Effect":"Allow","Action":"iot:Subscribe","Resource":["arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/commands","arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/config"]},{"Effect":"Allow","Action":"iot:Receive","Resource":["arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/commands","arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/config"]},{"Effect":"Allow","Action":["iot:UpdateThingShadow","iot:GetThingShadow"],"Resource":"arn:aws:iot:*:*:thing/${iot:Connection.Thing.ThingName}"}]}"#;

const DRAFT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}","Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry"},{"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:*:*:topicfilter/sensors/${iot:Connection.Thing.ThingName}/*"},{"Effect":"Allow","Action":"iot:Receive","Resource":"arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/*"},{"Effect":"Allow","Action":"iot:*ThingShadow","Resource":"arn:aws:iot:*:*:thing/${iot:Connection.Thing.ThingName}"},{"Effect":"Deny","Action":"iot:DeleteThingShadow","Resource":"*"}]}"#;

const FLEET_JOBS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Subscribe"],"Resource":"arn:aws:iot:*:*:topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/jobs/*"},{"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":"arn:aws:iot:*:*:topic/$aws/things/${iot:Connection.Thing.ThingName}/jobs/*"}]}"#;

const TELEMETRY_ALL: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/sensors/*"}}"#;

fn doc(text: &str) -> PolicyDocument {
    parse_policy(text).expect("bench policy parses").document
}

fn devices(n: usize) -> Vec<ImpactDevice> {
    (0..n)
        .map(|i| {
            let thing = format!("sensor-{i:05}");
            let mut context = Context::new();
            context.insert("iot:ClientId".into(), vec![thing.clone()]);
            context.insert("iot:Connection.Thing.ThingName".into(), vec![thing.clone()]);
            context.insert(
                "iot:Connection.Thing.IsAttached".into(),
                vec!["true".into()],
            );
            let other_policies = match i % 3 {
                0 => vec![],
                1 => vec!["FleetJobs".to_string()],
                _ => vec!["FleetJobs".to_string(), "TelemetryAll".to_string()],
            };
            ImpactDevice {
                thing_name: thing,
                context,
                other_policies,
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let current = doc(RESTRICTIVE_SENSOR_POLICY);
    let draft = doc(DRAFT);
    let others = BTreeMap::from([
        ("FleetJobs".to_string(), doc(FLEET_JOBS)),
        ("TelemetryAll".to_string(), doc(TELEMETRY_ALL)),
    ]);
    let fleet = devices(10_000);
    let input = ImpactInput {
        policy_name: "RestrictiveSensorPolicy",
        current: &current,
        draft: &draft,
        others: &others,
        devices: &fleet,
        region: "eu-west-1",
        account: "123456789012",
    };
    let report = impact_preview(&input);
    // The draft really changes things, or the figure means little.
    assert_eq!(report.devices, 10_000);
    assert!(
        report.changes.len() >= 10_000,
        "{} changes",
        report.changes.len()
    );
    println!(
        "impact preview: {} devices, {} requests, {} changes",
        report.devices,
        report.requests,
        report.changes.len()
    );

    let mut g = c.benchmark_group("impact_preview");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(fleet.len() as u64));
    g.bench_function("restrictive_sensor_10k_devices", |b| {
        b.iter(|| black_box(impact_preview(black_box(&input))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
