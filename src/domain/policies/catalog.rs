//! What the policy pages show: policies, their versions and targets, and a device ready to
//! simulate. Shared by the server (which fills them) and the browser (which shows them).

use crate::domain::policies::engine::{Context, ImpactReport};
use crate::domain::policies::simulation::DeviceProfile;
use serde::{Deserialize, Serialize};

/// AWS keeps at most five versions of a policy ("AWS IoT Core policies", Updating a policy:
/// "A policy can have up to five versions"; CreatePolicyVersion,
/// <https://docs.aws.amazon.com/iot/latest/apireference/API_CreatePolicyVersion.html>).
pub const MAX_POLICY_VERSIONS: usize = 5;

/// One row of the policies list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRow {
    pub name: String,
    pub default_version: Option<String>,
    /// Principals the policy is attached to, counted up to [`crate::domain::bounded::MAX_LISTED`].
    pub targets: u32,
    /// It is attached to more than `targets` principals.
    #[serde(default)]
    pub more_targets: bool,
    /// The most severe lint finding of the default version ("critical", "high", …), if any.
    pub worst_finding: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersionView {
    pub id: String,
    pub is_default: bool,
    /// RFC 3339, UTC.
    pub created: Option<String>,
    /// The document as AWS stores it.
    pub document: String,
}

/// A principal the policy is attached to, and the things it is attached to in turn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyTarget {
    pub principal: String,
    pub certificate_id: Option<String>,
    pub things: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDetail {
    pub name: String,
    pub arn: String,
    /// Newest first.
    pub versions: Vec<PolicyVersionView>,
    pub targets: Vec<PolicyTarget>,
    /// The policy has more targets than `targets` holds.
    #[serde(default)]
    pub targets_cut: bool,
}

impl PolicyDetail {
    pub fn default_version(&self) -> Option<&PolicyVersionView> {
        self.versions.iter().find(|v| v.is_default)
    }
}

/// A saved policy as the simulator uses it: its name and default document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPolicy {
    pub name: String,
    pub document: String,
}

/// A device, its context as AWS IoT would see it, and the policies attached to the
/// certificate it connects with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulationDevice {
    pub profile: DeviceProfile,
    pub context: Context,
    /// The certificate the context describes, if the device has one.
    pub certificate_id: Option<String>,
    pub policies: Vec<SavedPolicy>,
    pub region: String,
    pub account: String,
}

/// Devices one impact preview reads from the registry: each costs a few AWS calls, so a
/// policy attached across a huge fleet is previewed on its first devices, and says so.
pub const MAX_IMPACT_DEVICES: usize = 10_000;

/// The impact of a draft, and whether the devices were cut at [`MAX_IMPACT_DEVICES`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImpactOutcome {
    pub report: ImpactReport,
    pub truncated: bool,
}

/// A policy version id as AWS issues them: a positive decimal number.
pub fn is_valid_version_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 10 && id.bytes().all(|b| b.is_ascii_digit()) && id != "0"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::aws_names::is_valid_policy_name;

    #[test]
    fn names_and_version_ids_follow_aws_rules() {
        assert!(is_valid_policy_name("RestrictiveSensorPolicy"));
        assert!(is_valid_policy_name("a+b=c,d.e@f-g_h"));
        assert!(!is_valid_policy_name(""));
        assert!(!is_valid_policy_name("has space"));
        assert!(!is_valid_policy_name("slash/no"));
        assert!(!is_valid_policy_name(&"x".repeat(129)));
        assert!(is_valid_version_id("1") && is_valid_version_id("12"));
        assert!(
            !is_valid_version_id("") && !is_valid_version_id("0") && !is_valid_version_id("1a")
        );
    }
}
