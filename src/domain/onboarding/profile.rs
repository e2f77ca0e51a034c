//! Onboarding profiles: what a device registered by onboarding staff gets. An admin defines a
//! profile (its thing type, thing groups, policies, and the attributes a device must and may
//! carry); onboarding staff choose one, and the server refuses any device outside it. Admins
//! may still choose freely, or pick a profile too, which then binds them the same way.
//!
//! Attributes are bounded as well as required: a policy may read them
//! (`${iot:Connection.Thing.Attributes[name]}`), so an attribute nobody planned for could
//! widen what a device may do.

use crate::domain::aws_names::{
    check_attribute_count, check_attribute_name, check_group_count, check_policy_name,
    check_thing_group_name, check_thing_type_name, MAX_ATTRIBUTES_WITH_TYPE,
    MAX_POLICIES_PER_CERTIFICATE,
};
use crate::domain::onboarding::plan::{OnboardPlan, OnboardRow, RowStatus};
use crate::domain::onboarding::provisioning::ProvisionRequest;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The most profiles an account keeps: the list is read whole, on every onboarding page.
pub const MAX_PROFILES: usize = 100;
/// A profile name: 1–64 of `A-Z a-z 0-9 _ - .`.
pub const PROFILE_NAME_MAX_CHARS: usize = 64;
pub const DESCRIPTION_MAX_CHARS: usize = 500;

/// What a device onboarded under the profile gets.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OnboardingProfile {
    pub name: String,
    pub description: String,
    pub thing_type: Option<String>,
    pub groups: Vec<String>,
    pub policies: Vec<String>,
    /// Every device must carry these, each with a value.
    pub required_attributes: Vec<String>,
    /// A device may carry these as well; any other attribute is refused.
    pub optional_attributes: Vec<String>,
}

/// A profile as stored: `version` counts its saves, so two admins editing at once cannot
/// overwrite each other (a save names the version it was made from).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredProfile {
    pub profile: OnboardingProfile,
    pub version: u64,
    pub updated_by: String,
    /// Unix seconds.
    pub updated_at: i64,
}

/// How far a user's onboarding reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OnboardingReach {
    /// Any thing type, group, policy and attribute; a profile only when one is chosen.
    Free,
    /// Only within a chosen profile.
    ProfileOnly,
}

pub fn check_profile_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.chars().count() <= PROFILE_NAME_MAX_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "\"{}\" is not a profile name: use 1–{PROFILE_NAME_MAX_CHARS} letters, digits, _ - or .",
            shorten(name)
        ))
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 70 {
        format!("{}…", s.chars().take(70).collect::<String>())
    } else {
        s.to_string()
    }
}

/// One sentence per problem of a profile an admin is saving; empty when it may be saved.
pub fn profile_problems(p: &OnboardingProfile) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |r: Result<(), String>| {
        if let Err(e) = r {
            out.push(e);
        }
    };
    check(check_profile_name(&p.name));
    if p.description.chars().count() > DESCRIPTION_MAX_CHARS {
        check(Err(format!(
            "The description is longer than {DESCRIPTION_MAX_CHARS} characters."
        )));
    }
    if let Some(t) = &p.thing_type {
        check(check_thing_type_name(t));
    }
    for g in &p.groups {
        check(check_thing_group_name(g));
    }
    check(once("thing group", &p.groups));
    check(check_group_count(count(p.groups.len())));
    if p.policies.is_empty() {
        check(Err(
            "Give the profile at least one policy: a device without one can do nothing.".into(),
        ));
    }
    for name in &p.policies {
        check(check_policy_name(name));
    }
    check(once("policy", &p.policies));
    if p.policies.len() > MAX_POLICIES_PER_CERTIFICATE {
        check(Err(format!(
            "The profile gives {} policies; a certificate takes at most {MAX_POLICIES_PER_CERTIFICATE}.",
            p.policies.len()
        )));
    }
    let attributes: Vec<String> = p
        .required_attributes
        .iter()
        .chain(&p.optional_attributes)
        .cloned()
        .collect();
    for a in &attributes {
        check(check_attribute_name(a));
    }
    check(once("attribute", &attributes));
    if attributes.len() > MAX_ATTRIBUTES_WITH_TYPE as usize {
        check(Err(format!(
            "The profile names {} attributes; a thing carries at most {MAX_ATTRIBUTES_WITH_TYPE}, so name at most that many.",
            attributes.len()
        )));
    }
    check(check_attribute_count(
        count(p.required_attributes.len()),
        p.thing_type.is_some(),
    ));
    out
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn once(what: &str, names: &[String]) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    match names.iter().find(|n| !seen.insert(n.as_str())) {
        Some(n) => Err(format!(
            "The {what} \"{n}\" is named twice in the profile; name it once."
        )),
        None => Ok(()),
    }
}

/// What a device asks for, as a profile sees it.
pub struct DeviceShape<'a> {
    pub thing_type: Option<&'a str>,
    pub attributes: &'a [(String, String)],
    pub groups: &'a [String],
    pub policies: &'a [String],
}

impl<'a> From<&'a ProvisionRequest> for DeviceShape<'a> {
    fn from(r: &'a ProvisionRequest) -> Self {
        DeviceShape {
            thing_type: r.thing_type.as_deref(),
            attributes: &r.attributes,
            groups: &r.groups,
            policies: &r.policies,
        }
    }
}

impl<'a> From<&'a OnboardRow> for DeviceShape<'a> {
    fn from(r: &'a OnboardRow) -> Self {
        DeviceShape {
            thing_type: r.thing_type.as_deref(),
            attributes: &r.attributes,
            groups: &r.groups,
            policies: &r.policies,
        }
    }
}

fn set(names: &[String]) -> BTreeSet<&str> {
    names.iter().map(String::as_str).collect()
}

fn listed(names: &BTreeSet<&str>) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.iter().copied().collect::<Vec<_>>().join(", ")
    }
}

impl OnboardingProfile {
    /// One sentence for each way the device differs from the profile; empty when it fits.
    /// The device must get exactly the profile's thing type, groups and policies, carry
    /// every required attribute with a value, and no attribute the profile does not name.
    pub fn differences(&self, device: DeviceShape<'_>) -> Vec<String> {
        let name = &self.name;
        let mut out = Vec::new();
        if device.thing_type != self.thing_type.as_deref() {
            out.push(format!(
                "The profile {name} gives the thing type {}; the device asks for {}.",
                self.thing_type.as_deref().unwrap_or("none"),
                device.thing_type.unwrap_or("none")
            ));
        }
        for (what, wanted, given) in [
            ("thing groups", &self.groups, device.groups),
            ("policies", &self.policies, device.policies),
        ] {
            let (wanted, given) = (set(wanted), set(given));
            if wanted != given {
                out.push(format!(
                    "The profile {name} gives the {what} {}; the device asks for {}.",
                    listed(&wanted),
                    listed(&given)
                ));
            }
        }
        let carried: BTreeSet<&str> = device
            .attributes
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(n, _)| n.as_str())
            .collect();
        for required in &self.required_attributes {
            if !carried.contains(required.as_str()) {
                out.push(format!(
                    "The profile {name} requires the attribute {required}; give it a value."
                ));
            }
        }
        let named = set(&self.required_attributes)
            .union(&set(&self.optional_attributes))
            .copied()
            .collect::<BTreeSet<_>>();
        for (attribute, _) in device.attributes {
            if !named.contains(attribute.as_str()) {
                out.push(format!(
                    "The profile {name} does not allow the attribute {attribute}."
                ));
            }
        }
        out
    }

    /// A bulk row with the profile's thing type, groups and policies where its cells left
    /// them empty, so a CSV made for a profile need not repeat them. Cells that were given
    /// stay as they are, for [`OnboardingProfile::differences`] to judge.
    pub fn filled(&self, mut row: OnboardRow) -> OnboardRow {
        if row.thing_type.is_none() {
            row.thing_type = self.thing_type.clone();
        }
        if row.groups.is_empty() {
            row.groups = self.groups.clone();
        }
        if row.policies.is_empty() {
            row.policies = self.policies.clone();
        }
        row
    }

    /// The row [`filled`](OnboardingProfile::filled) from the profile, or the ways it
    /// differs from it: what the bulk page and the `onboard` command do to each row.
    pub fn fit(&self, row: OnboardRow) -> Result<OnboardRow, Vec<String>> {
        let row = self.filled(row);
        let differences = self.differences((&row).into());
        if differences.is_empty() {
            Ok(row)
        } else {
            Err(differences)
        }
    }

    /// The bulk page's plan within the profile: each ready row [`fit`](OnboardingProfile::fit),
    /// or turned into a row with problems when it is outside the profile.
    pub fn fit_plan(&self, mut plan: OnboardPlan) -> OnboardPlan {
        for row in &mut plan.rows {
            if let RowStatus::Valid(device) = &row.status {
                row.status = match self.fit(device.clone()) {
                    Ok(device) => RowStatus::Valid(device),
                    Err(differences) => RowStatus::Invalid(differences),
                };
            }
        }
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    fn sensors() -> OnboardingProfile {
        OnboardingProfile {
            name: "factory-sensor".into(),
            description: "Line sensors".into(),
            thing_type: Some("SensorType".into()),
            groups: strings(&["Sensors"]),
            policies: strings(&["SensorPolicy"]),
            required_attributes: strings(&["site"]),
            optional_attributes: strings(&["line"]),
        }
    }

    fn row() -> OnboardRow {
        OnboardRow {
            thing_name: "s-1".into(),
            thing_type: Some("SensorType".into()),
            attributes: vec![("site".into(), "Berlin".into())],
            groups: strings(&["Sensors"]),
            policies: strings(&["SensorPolicy"]),
            csr_pem: None,
        }
    }

    #[test]
    fn a_device_that_fits_has_no_differences() {
        assert!(sensors().differences((&row()).into()).is_empty());
        let mut r = row();
        r.attributes.push(("line".into(), "4".into()));
        assert!(sensors().differences((&r).into()).is_empty());
    }

    #[test]
    fn another_policy_is_refused_even_beside_the_profiles_own() {
        let mut r = row();
        r.policies.push("AdminPolicy".into());
        let d = sensors().differences((&r).into());
        assert_eq!(
            d,
            vec!["The profile factory-sensor gives the policies SensorPolicy; the device asks for AdminPolicy, SensorPolicy."]
        );
        r.policies = strings(&["AdminPolicy"]);
        assert_eq!(sensors().differences((&r).into()).len(), 1);
        r.policies.clear();
        assert_eq!(sensors().differences((&r).into()).len(), 1);
    }

    #[test]
    fn groups_type_and_attributes_are_bound_too() {
        let mut r = row();
        r.groups = strings(&["Sensors", "Gateways"]);
        r.thing_type = None;
        r.attributes = vec![("site".into(), String::new()), ("role".into(), "x".into())];
        let d = sensors().differences((&r).into());
        assert_eq!(d.len(), 4, "{d:?}");
        assert!(d[0].contains("thing type SensorType; the device asks for none"));
        assert!(d[1].contains("thing groups Sensors; the device asks for Gateways, Sensors"));
        assert!(d[2].contains("requires the attribute site"));
        assert!(d[3].contains("does not allow the attribute role"));
    }

    #[test]
    fn order_of_groups_and_policies_does_not_matter() {
        let mut p = sensors();
        p.policies = strings(&["A", "B"]);
        let mut r = row();
        r.policies = strings(&["B", "A"]);
        assert!(p.differences((&r).into()).is_empty());
    }

    #[test]
    fn filling_takes_the_profiles_values_only_for_empty_cells() {
        let mut r = row();
        r.thing_type = None;
        r.groups.clear();
        r.policies = strings(&["Other"]);
        let filled = sensors().filled(r);
        assert_eq!(filled.thing_type.as_deref(), Some("SensorType"));
        assert_eq!(filled.groups, strings(&["Sensors"]));
        assert_eq!(filled.policies, strings(&["Other"]));
    }

    #[test]
    fn a_plan_within_a_profile_fills_rows_and_turns_the_outside_ones_into_problems() {
        use crate::domain::onboarding::plan::PlannedRow;
        let mut bare = row();
        bare.thing_type = None;
        bare.groups.clear();
        bare.policies.clear();
        let mut wider = row();
        wider.policies.push("AdminPolicy".into());
        let planned = |line, device: OnboardRow| PlannedRow {
            line,
            thing_name: device.thing_name.clone(),
            status: RowStatus::Valid(device),
        };
        let plan = OnboardPlan {
            file_problems: vec![],
            rows: vec![planned(2, bare), planned(3, wider)],
        };
        let fitted = sensors().fit_plan(plan);
        assert_eq!(fitted.rows[0].status, RowStatus::Valid(row()));
        assert!(fitted.rows[1].problems()[0].contains("AdminPolicy"));
    }

    #[test]
    fn profile_rules() {
        assert!(profile_problems(&sensors()).is_empty());
        let mut p = sensors();
        p.name = "bad name!".into();
        p.policies.clear();
        p.optional_attributes = strings(&["site"]);
        let problems = profile_problems(&p);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("is not a profile name"));
        assert!(problems[1].contains("at least one policy"));
        assert!(problems[2].contains("\"site\" is named twice"));
        let mut p = sensors();
        p.thing_type = None;
        p.required_attributes = strings(&["a", "b", "c", "d"]);
        assert!(profile_problems(&p)
            .iter()
            .any(|e| e.contains("attributes")));
        let mut p = sensors();
        p.policies = (0..11).map(|i| format!("P{i}")).collect();
        assert!(profile_problems(&p)
            .iter()
            .any(|e| e.contains("at most 10")));
        assert!(check_profile_name(&"a".repeat(64)).is_ok());
        assert!(check_profile_name(&"a".repeat(65)).is_err());
        assert!(check_profile_name("").is_err());
    }
}
