//! Roles, what each may do, and the IdP-groups → role mapping.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The three roles of the console. A signed-in user without one has no access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Onboarding,
    Auditor,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Onboarding, Role::Auditor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Onboarding => "onboarding",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this role grants `permission`. Every server function asks this, first thing.
    pub fn allows(self, permission: Permission) -> bool {
        match permission {
            // Inventory is read by everybody with a role: onboarding staff check what they
            // registered, auditors browse, admins manage.
            Permission::ViewInventory => true,
            // Policies say what every device may do: admins and auditors read them (and
            // simulate against them); onboarding staff only pick them in the wizards.
            Permission::ViewPolicies => matches!(self, Role::Admin | Role::Auditor),
            Permission::ManagePolicies => self == Role::Admin,
            // Auditors read the certificate list (validity, age, issuer, attachments); only
            // admins change a certificate.
            Permission::ViewCertificates => matches!(self, Role::Admin | Role::Auditor),
            Permission::ManageCertificates => self == Role::Admin,
            // Registering devices is the onboarding staff's job; admins may do it too.
            Permission::Onboard => matches!(self, Role::Admin | Role::Onboarding),
            // Onboarding staff register devices within a profile an admin defined, so they
            // never choose a device's policies, groups or type themselves.
            Permission::OnboardOutsideProfiles => self == Role::Admin,
            // Every role reads the profiles: onboarding staff choose from them, auditors see
            // what onboarding may give a device.
            Permission::ViewOnboardingProfiles => true,
            Permission::ManageOnboardingProfiles => self == Role::Admin,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a server function needs. One variant per kind of action, so the matrix of
/// role × permission stays small enough to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    ViewInventory,
    /// Read policies and their versions, simulate requests against them.
    ViewPolicies,
    /// Create policy versions, change the default, delete versions, preview impact.
    ManagePolicies,
    /// List certificates with their lifecycle facts, read-only.
    ViewCertificates,
    /// Activate, deactivate, revoke, rotate; remove a device.
    ManageCertificates,
    /// Register devices: the wizard and bulk jobs (within an onboarding profile, unless
    /// the role also has [`Permission::OnboardOutsideProfiles`]).
    Onboard,
    /// Give a device any thing type, group, policy or attribute, with or without a profile.
    OnboardOutsideProfiles,
    /// List and read onboarding profiles.
    ViewOnboardingProfiles,
    /// Create, edit and delete onboarding profiles.
    ManageOnboardingProfiles,
}

/// Maps IdP group names to roles, e.g. `warden-admins=admin,warden-auditors=auditor`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRoleMap {
    entries: Vec<(String, Role)>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("entry {0:?} is not of the form group=role")]
    NotAPair(String),
    #[error(
        "entry {entry:?} names the unknown role {role:?}; roles are admin, onboarding, auditor"
    )]
    UnknownRole { entry: String, role: String },
    #[error("the mapping is empty; give at least one group=role")]
    Empty,
}

impl GroupRoleMap {
    /// Parses a comma-separated list of `group=role` pairs.
    pub fn parse(spec: &str) -> Result<Self, MappingError> {
        let mut entries = Vec::new();
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (group, role) = entry
                .split_once('=')
                .map(|(g, r)| (g.trim(), r.trim()))
                .filter(|(g, r)| !g.is_empty() && !r.is_empty())
                .ok_or_else(|| MappingError::NotAPair(entry.to_string()))?;
            let role = Role::parse(role).ok_or_else(|| MappingError::UnknownRole {
                entry: entry.to_string(),
                role: role.to_string(),
            })?;
            entries.push((group.to_string(), role));
        }
        if entries.is_empty() {
            return Err(MappingError::Empty);
        }
        Ok(Self { entries })
    }

    /// The strongest role any of the user's groups maps to. Admin outranks onboarding, which
    /// outranks auditor, so a user in two groups gets the wider rights, never a mix.
    pub fn role_for(&self, groups: &[String]) -> Option<Role> {
        let rank = |r: Role| match r {
            Role::Admin => 0,
            Role::Onboarding => 1,
            Role::Auditor => 2,
        };
        self.entries
            .iter()
            .filter(|(g, _)| groups.iter().any(|ug| ug == g))
            .map(|(_, r)| *r)
            .min_by_key(|r| rank(*r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(g: &[&str]) -> Vec<String> {
        g.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_pairs_and_maps_groups() {
        let m = GroupRoleMap::parse("warden-admins=admin, warden-auditors = auditor").unwrap();
        assert_eq!(m.role_for(&groups(&["warden-admins"])), Some(Role::Admin));
        assert_eq!(
            m.role_for(&groups(&["warden-auditors"])),
            Some(Role::Auditor)
        );
        assert_eq!(m.role_for(&groups(&["staff"])), None);
        assert_eq!(m.role_for(&[]), None);
    }

    #[test]
    fn strongest_role_wins() {
        let m = GroupRoleMap::parse("a=auditor,o=onboarding,x=admin").unwrap();
        assert_eq!(m.role_for(&groups(&["a", "o"])), Some(Role::Onboarding));
        assert_eq!(m.role_for(&groups(&["a", "x", "o"])), Some(Role::Admin));
    }

    #[test]
    fn rejects_bad_specs_with_a_reason() {
        assert_eq!(GroupRoleMap::parse(""), Err(MappingError::Empty));
        assert_eq!(
            GroupRoleMap::parse("admins"),
            Err(MappingError::NotAPair("admins".into()))
        );
        assert!(matches!(
            GroupRoleMap::parse("admins=root"),
            Err(MappingError::UnknownRole { .. })
        ));
        assert!(GroupRoleMap::parse("=admin").is_err());
    }

    #[test]
    fn policy_permissions_follow_the_roles() {
        use Permission::*;
        assert!(Role::Admin.allows(ViewPolicies) && Role::Admin.allows(ManagePolicies));
        assert!(Role::Auditor.allows(ViewPolicies) && !Role::Auditor.allows(ManagePolicies));
        assert!(!Role::Onboarding.allows(ViewPolicies) && !Role::Onboarding.allows(ManagePolicies));
        assert!(Role::Admin.allows(ManageCertificates));
        assert!(
            !Role::Auditor.allows(ManageCertificates)
                && !Role::Onboarding.allows(ManageCertificates)
        );
    }

    #[test]
    fn onboarding_staff_and_admins_onboard() {
        assert!(Role::Onboarding.allows(Permission::Onboard));
        assert!(Role::Admin.allows(Permission::Onboard));
        assert!(!Role::Auditor.allows(Permission::Onboard));
    }

    #[test]
    fn only_admins_onboard_outside_profiles_and_manage_them() {
        use Permission::*;
        assert!(
            Role::Admin.allows(OnboardOutsideProfiles)
                && Role::Admin.allows(ManageOnboardingProfiles)
        );
        for role in [Role::Onboarding, Role::Auditor] {
            assert!(!role.allows(OnboardOutsideProfiles) && !role.allows(ManageOnboardingProfiles));
            assert!(role.allows(ViewOnboardingProfiles));
        }
    }

    #[test]
    fn group_names_match_exactly() {
        let m = GroupRoleMap::parse("admins=admin").unwrap();
        assert_eq!(m.role_for(&groups(&["Admins", "admins-old"])), None);
    }
}
