//! What the engine knows about AWS IoT Core's policy actions, in one table: which actions
//! there are ("AWS IoT Core policy actions",
//! <https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-actions.html>) and the
//! resource each one's requests are authorized on ("AWS IoT Core action resources",
//! <https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html>), with
//! the shape of those resources' ARNs.
//!
//! An action that is not in the table has no resource type: "AWS IoT Core action resources"
//! gives the resource for each action AWS IoT Core defines and nothing for any other name, so
//! guessing one (`thing`, say) would invent a rule AWS does not have. Such a name never
//! matches a request a device makes; the parser warns about it.

/// What the requests of an action are authorized on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionResource {
    /// A resource of this type, `arn:partition:iot:region:account:<type>/<name>`.
    Typed(&'static str),
    /// "All": the resource ARN specified for the action must be `*`.
    All,
}

use ActionResource::{All, Typed};

/// Every action AWS IoT Core defines for devices (MQTT, Device Shadow, Jobs and the
/// credentials provider), with its resource. The order is the one [`KNOWN_ACTIONS`] lists.
const ACTIONS: [(&str, ActionResource); 19] = [
    ("iot:Connect", Typed("client")),
    ("iot:DeleteConnection", Typed("client")),
    ("iot:GetRetainedMessage", Typed("topic")),
    ("iot:ListRetainedMessages", All),
    ("iot:Publish", Typed("topic")),
    ("iot:Receive", Typed("topic")),
    ("iot:RetainPublish", Typed("topic")),
    ("iot:Subscribe", Typed("topicfilter")),
    ("iot:DeleteThingShadow", Typed("thing")),
    ("iot:GetThingShadow", Typed("thing")),
    ("iot:ListNamedShadowsForThing", All),
    ("iot:UpdateThingShadow", Typed("thing")),
    ("iot:DescribeJobExecution", Typed("thing")),
    ("iot:GetPendingJobExecutions", Typed("thing")),
    ("iot:StartNextPendingJobExecution", Typed("thing")),
    ("iot:UpdateJobExecution", Typed("thing")),
    // The credentials provider's role alias ("Authorizing direct calls to AWS services
    // using AWS IoT Core credential provider").
    ("iot:AssumeRoleWithCertificate", Typed("rolealias")),
    // "AWS IoT Core action resources" lists the Jobs HTTPS actions under the iotjobsdata prefix.
    ("iotjobsdata:DescribeJobExecution", Typed("thing")),
    ("iotjobsdata:GetPendingJobExecutions", Typed("thing")),
];

/// The names of the actions AWS IoT Core defines for devices, in the table's order.
pub const KNOWN_ACTIONS: &[&str] = &names(&ACTIONS);

const fn names<const N: usize>(table: &[(&'static str, ActionResource); N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = table[i].0;
        i += 1;
    }
    out
}

/// The resource `action` is authorized on; `None` for a name AWS IoT Core does not define.
/// Action names are case-insensitive ("IAM JSON policy elements: Action").
pub(crate) fn action_resource(action: &str) -> Option<ActionResource> {
    ACTIONS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(action))
        .map(|(_, resource)| *resource)
}

/// The resource type `action` takes (`client`, `topic`, `topicfilter`, `thing`,
/// `rolealias`); `None` for the actions whose resource must be `*` and for names AWS IoT Core
/// does not define.
pub(crate) fn resource_type(action: &str) -> Option<&'static str> {
    match action_resource(action)? {
        Typed(ty) => Some(ty),
        All => None,
    }
}

/// Whether a policy string has a policy wildcard (`*` any characters, `?` one character).
pub(crate) fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// A resource ARN split into its fields, `arn`, partition, service, region, account and
/// `type/name` (fewer when it has fewer colons; the last field keeps any further colons).
pub(crate) fn arn_fields(resource: &str) -> Vec<&str> {
    resource.splitn(6, ':').collect()
}

/// The ARN of the AWS IoT resource `kind/name` in the `aws` partition.
pub(crate) fn resource_arn(region: &str, account: &str, kind: &str, name: &str) -> String {
    format!("arn:aws:iot:{region}:{account}:{kind}/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    // "AWS IoT Core action resources": the resource type of each action, `*` ("All") for
    // ListNamedShadowsForThing and ListRetainedMessages, thing for the shadow and job actions.
    // https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html
    #[test]
    fn each_known_action_has_its_resource() {
        let expected = [
            ("iot:Connect", Some("client")),
            ("iot:DeleteConnection", Some("client")),
            ("iot:GetRetainedMessage", Some("topic")),
            ("iot:ListRetainedMessages", None),
            ("iot:Publish", Some("topic")),
            ("iot:Receive", Some("topic")),
            ("iot:RetainPublish", Some("topic")),
            ("iot:Subscribe", Some("topicfilter")),
            ("iot:DeleteThingShadow", Some("thing")),
            ("iot:GetThingShadow", Some("thing")),
            ("iot:ListNamedShadowsForThing", None),
            ("iot:UpdateThingShadow", Some("thing")),
            ("iot:DescribeJobExecution", Some("thing")),
            ("iot:GetPendingJobExecutions", Some("thing")),
            ("iot:StartNextPendingJobExecution", Some("thing")),
            ("iot:UpdateJobExecution", Some("thing")),
            ("iot:AssumeRoleWithCertificate", Some("rolealias")),
            ("iotjobsdata:DescribeJobExecution", Some("thing")),
            ("iotjobsdata:GetPendingJobExecutions", Some("thing")),
        ];
        let names: Vec<&str> = expected.iter().map(|(a, _)| *a).collect();
        assert_eq!(KNOWN_ACTIONS, names.as_slice());
        for (action, ty) in expected {
            assert_eq!(resource_type(action), ty, "{action}");
            let resource = ty.map_or(All, Typed);
            assert_eq!(action_resource(action), Some(resource), "{action}");
        }
        // Action names are case-insensitive.
        assert_eq!(resource_type("IOT:publish"), Some("topic"));
    }

    // The page gives a resource only for the actions AWS IoT Core defines: a name it does not
    // list has none (not `thing`), whatever it looks like.
    #[test]
    fn an_unknown_action_has_no_resource() {
        for action in [
            "iot:Foo",
            "iot:PublishNow",
            "s3:GetObject",
            "Connect",
            "*",
            "",
        ] {
            assert_eq!(action_resource(action), None, "{action}");
            assert_eq!(resource_type(action), None, "{action}");
        }
    }

    #[test]
    fn arns_split_into_their_fields() {
        assert_eq!(
            arn_fields("arn:aws:iot:us-east-1:123456789012:topic/a:b"),
            [
                "arn",
                "aws",
                "iot",
                "us-east-1",
                "123456789012",
                "topic/a:b"
            ]
        );
        assert_eq!(arn_fields("*"), ["*"]);
        assert_eq!(
            resource_arn("us-east-1", "123456789012", "client", "c1"),
            "arn:aws:iot:us-east-1:123456789012:client/c1"
        );
        assert!(has_wildcard("topic/a*") && has_wildcard("a?") && !has_wildcard("topic/a"));
    }
}
