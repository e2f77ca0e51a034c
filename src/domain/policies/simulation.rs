//! What the simulator needs besides the engine: a device's context built from the registry,
//! and requests built from an MQTT operation and topic.
//!
//! Context keys are named exactly as AWS IoT names them: "Thing policy variables",
//! <https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-variables.html>,
//! "Basic policy variables" (`iot:ClientId`),
//! <https://docs.aws.amazon.com/iot/latest/developerguide/basic-policy-variables.html>.

use crate::domain::policies::engine::{
    context_from_value, resource_arn, resource_type, Context, Request,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the registry knows about a device, as the simulator fills its context from it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceProfile {
    pub thing_name: String,
    pub thing_type: Option<String>,
    pub attributes: Vec<(String, String)>,
    /// Certificate policy variables of the certificate it connects with
    /// ([`crate::domain::certificates::variables`]); empty when it has none.
    pub certificate: BTreeMap<String, Vec<String>>,
}

/// The context of `device` connecting with its own certificate, attached to its thing, and
/// (the usual convention, which the user may change) its thing name as MQTT client id.
pub fn device_context(device: &DeviceProfile) -> Context {
    let mut c = Context::new();
    let one = |v: &str| vec![v.to_string()];
    c.insert("iot:ClientId".into(), one(&device.thing_name));
    c.insert(
        "iot:Connection.Thing.ThingName".into(),
        one(&device.thing_name),
    );
    c.insert("iot:Connection.Thing.IsAttached".into(), one("true"));
    if let Some(t) = &device.thing_type {
        c.insert("iot:Connection.Thing.ThingTypeName".into(), one(t));
    }
    for (k, v) in &device.attributes {
        c.insert(format!("iot:Connection.Thing.Attributes[{k}]"), one(v));
    }
    for (k, v) in &device.certificate {
        c.insert(k.clone(), v.clone());
    }
    c
}

/// A context as JSON, the way the CLI's cases and the simulator's text box write it: one
/// key per line, a string for a single value, an array for several.
pub fn context_to_json(context: &Context) -> String {
    let map: serde_json::Map<String, serde_json::Value> = context
        .iter()
        .map(|(k, v)| {
            let value = match v.as_slice() {
                [one] => serde_json::Value::String(one.clone()),
                many => serde_json::Value::from(many.to_vec()),
            };
            (k.clone(), value)
        })
        .collect();
    serde_json::to_string_pretty(&map).unwrap_or_else(|_| "{}".into())
}

/// A context typed as JSON text ([`context_from_value`] says how it is read).
pub fn context_from_json(text: &str) -> Result<Context, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("The context is not valid JSON: {e}."))?;
    context_from_value(&value)
}

/// An MQTT operation, as a device performs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MqttOperation {
    Connect,
    Publish,
    Subscribe,
    Receive,
}

impl MqttOperation {
    pub const ALL: [MqttOperation; 4] = [
        MqttOperation::Connect,
        MqttOperation::Publish,
        MqttOperation::Subscribe,
        MqttOperation::Receive,
    ];

    pub fn action(self) -> &'static str {
        match self {
            MqttOperation::Connect => "iot:Connect",
            MqttOperation::Publish => "iot:Publish",
            MqttOperation::Subscribe => "iot:Subscribe",
            MqttOperation::Receive => "iot:Receive",
        }
    }

    pub fn parse(s: &str) -> Option<MqttOperation> {
        MqttOperation::ALL.into_iter().find(|o| o.action() == s)
    }
}

/// The request AWS IoT authorizes for an MQTT operation: Connect on `client/<client id>`,
/// Publish and Receive on `topic/<topic>`, Subscribe on `topicfilter/<filter>`
/// ("AWS IoT Core action resources",
/// <https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html>).
/// For Connect, `target` is the client id (empty: the context's `iot:ClientId`).
pub fn mqtt_request(
    op: MqttOperation,
    target: &str,
    region: &str,
    account: &str,
    context: Context,
) -> Result<Request, String> {
    let target = target.trim();
    let name = match op {
        MqttOperation::Connect if target.is_empty() => context
            .get("iot:ClientId")
            .and_then(|v| v.first())
            .cloned()
            .ok_or("Give a client id, or set iot:ClientId in the context.")?,
        MqttOperation::Connect => target.to_string(),
        MqttOperation::Publish | MqttOperation::Receive => {
            if target.is_empty() {
                return Err("Give the topic to publish or receive on.".into());
            }
            if target.contains(['+', '#']) {
                return Err(format!(
                    "`{target}` contains an MQTT wildcard; Publish and Receive name one topic, only Subscribe takes a filter."
                ));
            }
            target.to_string()
        }
        MqttOperation::Subscribe => {
            if target.is_empty() {
                return Err("Give the topic filter to subscribe to.".into());
            }
            target.to_string()
        }
    };
    // The engine's action table has a type for each MQTT action.
    let kind = resource_type(op.action()).expect("the MQTT actions have a resource type");
    Ok(Request {
        action: op.action().to_string(),
        resource: resource_arn(region, account, kind, &name),
        context,
    })
}

/// Region and account of an AWS IoT ARN (`arn:aws:iot:us-east-1:123456789012:policy/p`).
pub fn region_and_account(arn: &str) -> Option<(String, String)> {
    let mut parts = arn.splitn(6, ':');
    let (_, _, _, region, account) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    (!region.is_empty() && !account.is_empty()).then(|| (region.to_string(), account.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // "Thing policy variables": ThingName, ThingTypeName, Attributes[name], IsAttached.
    #[test]
    fn context_names_follow_the_thing_policy_variables() {
        let d = DeviceProfile {
            thing_name: "sensor-001".into(),
            thing_type: Some("IndustrialSensor".into()),
            attributes: vec![("location".into(), "f1".into())],
            certificate: BTreeMap::from([(
                "iot:Certificate.Subject.CommonName".to_string(),
                vec!["sensor-001".to_string()],
            )]),
        };
        let c = device_context(&d);
        assert_eq!(c["iot:Connection.Thing.ThingName"], vec!["sensor-001"]);
        assert_eq!(c["iot:ClientId"], vec!["sensor-001"]);
        assert_eq!(
            c["iot:Connection.Thing.ThingTypeName"],
            vec!["IndustrialSensor"]
        );
        assert_eq!(c["iot:Connection.Thing.Attributes[location]"], vec!["f1"]);
        assert_eq!(c["iot:Connection.Thing.IsAttached"], vec!["true"]);
        assert_eq!(c["iot:Certificate.Subject.CommonName"], vec!["sensor-001"]);
    }

    // "AWS IoT Core action resources": Subscribe is authorized on topicfilter/, Publish and
    // Receive on topic/, Connect on client/.
    #[test]
    fn mqtt_operations_become_their_resources() {
        let ctx = device_context(&DeviceProfile {
            thing_name: "t1".into(),
            ..Default::default()
        });
        let r = |op, t: &str| mqtt_request(op, t, "us-east-1", "123456789012", ctx.clone());
        assert_eq!(
            r(MqttOperation::Subscribe, "a/+/b").unwrap().resource,
            "arn:aws:iot:us-east-1:123456789012:topicfilter/a/+/b"
        );
        assert_eq!(
            r(MqttOperation::Publish, "a/b").unwrap().resource,
            "arn:aws:iot:us-east-1:123456789012:topic/a/b"
        );
        assert_eq!(
            r(MqttOperation::Connect, "").unwrap().resource,
            "arn:aws:iot:us-east-1:123456789012:client/t1"
        );
        assert!(r(MqttOperation::Publish, "a/#").is_err());
        assert!(r(MqttOperation::Receive, " ").is_err());
        assert_eq!(
            region_and_account("arn:aws:iot:eu-west-1:111122223333:policy/p"),
            Some(("eu-west-1".into(), "111122223333".into()))
        );
        assert_eq!(region_and_account("nope"), None);
    }

    #[test]
    fn contexts_round_trip_through_json() {
        let mut c = Context::new();
        c.insert("iot:ClientId".into(), vec!["c1".into()]);
        c.insert(
            "iot:ConnectAttributes".into(),
            vec!["PersistentConnect".into(), "LastWill".into()],
        );
        assert_eq!(context_from_json(&context_to_json(&c)), Ok(c));
        let n = context_from_json(r#"{"n": 5, "b": true}"#).unwrap();
        assert_eq!(n["n"], vec!["5"]);
        assert_eq!(n["b"], vec!["true"]);
        assert!(context_from_json("[1]").is_err());
        assert!(context_from_json(r#"{"k": {"x": 1}}"#).is_err());
        assert!(context_from_json("{")
            .unwrap_err()
            .contains("not valid JSON"));
    }
}
