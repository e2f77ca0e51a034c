//! What the fake account holds: seeded by a test with the `with_*` builders, changed by the
//! calls, and compared whole through its [`Snapshot`].

use crate::domain::certificates::status::CertificateStatus;
use crate::server::aws::{AwsError, ThingGroupRecord, ThingRecord, ThingTypeRecord};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The region and account every ARN of the fake names.
const ARN_PREFIX: &str = "arn:aws:iot:us-east-1:123456789012";

/// A document every policy seeded by name alone has: one statement, allowing Connect.
pub const POLICY_DOCUMENT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}"#;

/// A 64-hex-character certificate id, told apart by its first characters (`c001fff…`).
/// The certificates the account creates are 101, 102, …, so seeds that sit beside them stay
/// below 100.
pub fn cert_id(n: u32) -> String {
    format!("{:f<64}", format!("c{n:03}"))
}

pub fn arn_of(certificate_id: &str) -> String {
    format!("{ARN_PREFIX}:cert/{certificate_id}")
}

pub fn thing_arn(name: &str) -> String {
    format!("{ARN_PREFIX}:thing/{name}")
}

pub fn policy_arn(name: &str) -> String {
    format!("{ARN_PREFIX}:policy/{name}")
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Thing {
    pub name: String,
    pub thing_type: Option<String>,
    pub attributes: HashMap<String, String>,
    pub version: i64,
}

impl Thing {
    pub fn new(name: &str) -> Thing {
        Thing {
            name: name.to_string(),
            version: 1,
            ..Thing::default()
        }
    }

    pub(super) fn record(&self) -> ThingRecord {
        ThingRecord {
            name: self.name.clone(),
            arn: Some(thing_arn(&self.name)),
            thing_type: self.thing_type.clone(),
            attributes: self.attributes.clone(),
            version: Some(self.version),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    pub id: String,
    pub status: CertificateStatus,
    pub pem: Option<String>,
    /// Unix seconds, as ListCertificates and DescribeCertificate give them.
    pub created: Option<i64>,
    pub not_before: Option<i64>,
    pub not_after: Option<i64>,
}

impl Certificate {
    pub fn new(id: &str, status: CertificateStatus) -> Certificate {
        Certificate {
            id: id.to_string(),
            status,
            pem: None,
            created: None,
            not_before: None,
            not_after: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyVersion {
    pub id: String,
    pub document: String,
    pub created: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub name: String,
    /// Oldest first; AWS keeps at most five.
    pub versions: Vec<PolicyVersion>,
    pub default_version: String,
    /// The id the next version gets: AWS never gives a deleted version's id again.
    pub next_version: u32,
}

impl Policy {
    pub fn new(name: &str, document: &str) -> Policy {
        Policy {
            name: name.to_string(),
            versions: vec![PolicyVersion {
                id: "1".into(),
                document: document.to_string(),
                created: None,
            }],
            default_version: "1".into(),
            next_version: 2,
        }
    }

    pub(super) fn default_document(&self) -> &str {
        self.versions
            .iter()
            .find(|v| v.id == self.default_version)
            .map_or("", |v| v.document.as_str())
    }
}

/// Everything in the account. Lists keep the order things were made in, which is the order
/// AWS lists them in (ListCertificates reverses it: newest first).
#[derive(Clone, Debug, Default)]
pub struct Account {
    pub things: Vec<Thing>,
    pub thing_types: Vec<ThingTypeRecord>,
    pub groups: Vec<ThingGroupRecord>,
    /// (thing, group), in the order the things joined.
    pub memberships: Vec<(String, String)>,
    pub certificates: Vec<Certificate>,
    pub policies: Vec<Policy>,
    /// (policy, principal ARN)
    pub policy_attachments: BTreeSet<(String, String)>,
    /// (thing, principal ARN)
    pub principals: BTreeSet<(String, String)>,
    /// Thing → its classic shadow.
    pub shadows: BTreeMap<String, serde_json::Value>,
}

/// What exists, without the details: what a test compares whole before and after a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub things: BTreeSet<String>,
    /// (thing, group)
    pub memberships: BTreeSet<(String, String)>,
    /// id → status
    pub certificates: BTreeMap<String, CertificateStatus>,
    pub policies: BTreeSet<String>,
    /// (policy, principal ARN)
    pub policy_attachments: BTreeSet<(String, String)>,
    /// (thing, principal ARN)
    pub principals: BTreeSet<(String, String)>,
}

pub(super) fn not_found(subject: String) -> AwsError {
    AwsError::not_found(format!("{subject} does not exist"))
}

impl Account {
    pub fn with_thing(self, name: &str) -> Account {
        self.with_thing_record(Thing::new(name))
    }

    pub fn with_thing_record(mut self, thing: Thing) -> Account {
        self.things.push(thing);
        self
    }

    pub fn with_thing_type(mut self, name: &str) -> Account {
        self.thing_types.push(ThingTypeRecord {
            name: name.to_string(),
            description: None,
            searchable_attributes: Vec::new(),
            deprecated: false,
            created: None,
        });
        self
    }

    pub fn with_group(mut self, name: &str) -> Account {
        if !self.groups.iter().any(|g| g.name == name) {
            self.groups.push(ThingGroupRecord {
                name: name.to_string(),
                description: None,
                parent: None,
                attributes: HashMap::new(),
            });
        }
        self
    }

    /// `thing` in `group`; the group is made if it does not exist yet.
    pub fn with_member(mut self, thing: &str, group: &str) -> Account {
        self = self.with_group(group);
        self.memberships
            .push((thing.to_string(), group.to_string()));
        self
    }

    /// A certificate with that status; a certificate with the id already there takes it.
    pub fn with_certificate(self, id: &str, status: CertificateStatus) -> Account {
        let existing = self.certificates.iter().find(|c| c.id == id).cloned();
        self.with_certificate_record(Certificate {
            status,
            ..existing.unwrap_or_else(|| Certificate::new(id, status))
        })
    }

    /// The certificate, in place of one with the same id.
    pub fn with_certificate_record(mut self, certificate: Certificate) -> Account {
        match self
            .certificates
            .iter_mut()
            .find(|c| c.id == certificate.id)
        {
            Some(c) => *c = certificate,
            None => self.certificates.push(certificate),
        }
        self
    }

    pub fn with_policy(mut self, name: &str, document: &str) -> Account {
        self.policies.push(Policy::new(name, document));
        self
    }

    /// Policies of [`POLICY_DOCUMENT`].
    pub fn with_policies<const N: usize>(self, names: [&str; N]) -> Account {
        names
            .into_iter()
            .fold(self, |a, n| a.with_policy(n, POLICY_DOCUMENT))
    }

    pub fn with_policy_on(mut self, policy: &str, principal_arn: &str) -> Account {
        self.policy_attachments
            .insert((policy.to_string(), principal_arn.to_string()));
        self
    }

    pub fn with_principal(mut self, thing: &str, principal_arn: &str) -> Account {
        self.principals
            .insert((thing.to_string(), principal_arn.to_string()));
        self
    }

    pub fn with_shadow(mut self, thing: &str, document: serde_json::Value) -> Account {
        self.shadows.insert(thing.to_string(), document);
        self
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            things: self.things.iter().map(|t| t.name.clone()).collect(),
            memberships: self.memberships.iter().cloned().collect(),
            certificates: self
                .certificates
                .iter()
                .map(|c| (c.id.clone(), c.status))
                .collect(),
            policies: self.policies.iter().map(|p| p.name.clone()).collect(),
            policy_attachments: self.policy_attachments.clone(),
            principals: self.principals.clone(),
        }
    }

    pub(super) fn thing(&self, name: &str) -> Result<&Thing, AwsError> {
        self.things
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| not_found(format!("Thing {name}")))
    }

    pub(super) fn group(&self, name: &str) -> Result<&ThingGroupRecord, AwsError> {
        self.groups
            .iter()
            .find(|g| g.name == name)
            .ok_or_else(|| not_found(format!("Thing group {name}")))
    }

    pub(super) fn certificate(&self, id: &str) -> Result<&Certificate, AwsError> {
        self.certificates
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| not_found(format!("Certificate {id}")))
    }

    pub(super) fn certificate_mut(&mut self, id: &str) -> Result<&mut Certificate, AwsError> {
        self.certificates
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or_else(|| not_found(format!("Certificate {id}")))
    }

    pub(super) fn policy(&self, name: &str) -> Result<&Policy, AwsError> {
        self.policies
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| not_found(format!("Policy {name}")))
    }

    pub(super) fn policy_mut(&mut self, name: &str) -> Result<&mut Policy, AwsError> {
        self.policies
            .iter_mut()
            .find(|p| p.name == name)
            .ok_or_else(|| not_found(format!("Policy {name}")))
    }

    /// The group and every group below it.
    pub(super) fn group_and_descendants(&self, group: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::from([group.to_string()]);
        loop {
            let more: Vec<String> = self
                .groups
                .iter()
                .filter(|g| !found.contains(&g.name))
                .filter(|g| g.parent.as_ref().is_some_and(|p| found.contains(p)))
                .map(|g| g.name.clone())
                .collect();
            if more.is_empty() {
                return found;
            }
            found.extend(more);
        }
    }

    /// Whether anything is attached to the principal: a policy or a thing.
    pub(super) fn is_attached(&self, principal_arn: &str) -> bool {
        self.policy_attachments
            .iter()
            .any(|(_, p)| p == principal_arn)
            || self.principals.iter().any(|(_, p)| p == principal_arn)
    }
}
