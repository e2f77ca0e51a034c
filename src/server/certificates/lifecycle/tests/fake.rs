//! An account that keeps what exists and refuses what AWS refuses: deleting an ACTIVE or
//! attached certificate or a thing with a principal, changing a REVOKED certificate,
//! attaching a policy that does not exist. Like the emulator, detaching what is not attached
//! and deleting what does not exist are NotFound. It can be told to fail its Nth change, and
//! to refuse the first deletes as "still attached" (a detachment that has not propagated).

use crate::server::aws::{
    AwsError, AwsErrorKind, CertificateDirectory, CertificateListing, CertificateRecord,
    CertificateState, CreatedCertificate, CreatedKeys, CreatedThing, Page, PolicyRecord,
    PolicyStore, PolicySummary, PolicyVersionRecord, Principals, Provisioner, ThingFilter,
    ThingGroupRecord, ThingRecord, ThingRegistry, ThingTypeRecord,
};
use async_trait::async_trait;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard};

/// What exists. Compared whole before and after a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    pub things: BTreeSet<String>,
    /// (thing, group)
    pub memberships: BTreeSet<(String, String)>,
    /// id → status
    pub certificates: BTreeMap<String, String>,
    pub policies: BTreeSet<String>,
    /// (policy, certificate ARN)
    pub policy_attachments: BTreeSet<(String, String)>,
    /// (thing, principal)
    pub principals: BTreeSet<(String, String)>,
}

/// A change someone else makes to the account.
type Meddle = Box<dyn FnOnce(&mut State) + Send>;

#[derive(Default)]
struct Inner {
    state: State,
    /// Every change asked for, in order (reads are not recorded).
    calls: Vec<String>,
    reads: usize,
    next_cert: u32,
    /// The Nth (1-based) change fails.
    fail_at: Option<usize>,
    /// Deletes to refuse as still attached before letting them through.
    refuse_deletes: u32,
    /// Applied to the state just before the first change: someone else's changes between
    /// the service's reads and its writes.
    before_first_change: Option<Meddle>,
}

pub struct Fake(Mutex<Inner>);

/// A 64-hex-character certificate id, told apart by its first characters.
pub fn cert_id(n: u32) -> String {
    format!("{:f<64}", format!("c{n:03}"))
}

pub fn arn_of(id: &str) -> String {
    format!("arn:aws:iot:us-east-1:123456789012:cert/{id}")
}

fn refused(what: &str) -> AwsError {
    AwsError {
        kind: AwsErrorKind::Invalid,
        message: format!("AWS refused to {what}"),
        request_id: Some("req-refused".into()),
    }
}

fn not_found(what: &str) -> AwsError {
    AwsError::not_found(format!("{what} does not exist"))
}

impl Fake {
    pub fn new(state: State) -> Fake {
        Fake(Mutex::new(Inner {
            state,
            ..Inner::default()
        }))
    }

    pub fn fail_at(&self, n: usize) {
        self.0.lock().unwrap().fail_at = Some(n);
    }

    pub fn refuse_deletes(&self, n: u32) {
        self.0.lock().unwrap().refuse_deletes = n;
    }

    pub fn before_first_change(&self, f: impl FnOnce(&mut State) + Send + 'static) {
        self.0.lock().unwrap().before_first_change = Some(Box::new(f));
    }

    pub fn state(&self) -> State {
        self.0.lock().unwrap().state.clone()
    }

    pub fn calls(&self) -> Vec<String> {
        self.0.lock().unwrap().calls.clone()
    }

    pub fn reads(&self) -> usize {
        self.0.lock().unwrap().reads
    }

    pub fn clear_calls(&self) {
        let mut i = self.0.lock().unwrap();
        i.calls.clear();
        i.reads = 0;
        i.fail_at = None;
    }

    /// Records a change; fails it when it is the one told to fail.
    fn change(&self, call: String) -> Result<MutexGuard<'_, Inner>, AwsError> {
        let mut i = self.0.lock().unwrap();
        if let Some(f) = i.before_first_change.take() {
            f(&mut i.state);
        }
        i.calls.push(call.clone());
        let n = i.calls.len();
        if i.fail_at == Some(n) {
            return Err(AwsError {
                kind: AwsErrorKind::Unavailable,
                message: format!("AWS could not {call} just now"),
                request_id: Some(format!("req-{n}")),
            });
        }
        Ok(i)
    }

    fn read(&self) -> MutexGuard<'_, Inner> {
        let mut i = self.0.lock().unwrap();
        i.reads += 1;
        i
    }
}

fn short(arn: &str) -> &str {
    let id = arn.rsplit('/').next().unwrap_or(arn);
    &id[..4.min(id.len())]
}

#[async_trait]
impl Provisioner for Fake {
    async fn find_thing(&self, _: &str) -> Result<Option<String>, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn create_thing(
        &self,
        _: &str,
        _: Option<&str>,
        _: &[(String, String)],
    ) -> Result<CreatedThing, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn delete_thing(&self, name: &str) -> Result<(), AwsError> {
        let mut i = self.change(format!("delete thing {name}"))?;
        if i.refuse_deletes > 0 {
            i.refuse_deletes -= 1;
            return Err(refused("delete a thing that is still attached"));
        }
        let s = &mut i.state;
        if !s.things.contains(name) {
            return Err(not_found(&format!("Thing {name}")));
        }
        if s.principals.iter().any(|(t, _)| t == name) {
            return Err(refused("delete a thing with a principal attached"));
        }
        s.things.remove(name);
        s.memberships.retain(|(t, _)| t != name);
        Ok(())
    }
    async fn add_thing_to_group(&self, _: &str, _: &str) -> Result<(), AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn remove_thing_from_group(&self, thing: &str, group: &str) -> Result<(), AwsError> {
        let mut i = self.change(format!("remove {thing} from {group}"))?;
        if !i.state.things.contains(thing) {
            return Err(not_found(&format!("Thing {thing}")));
        }
        // AWS ignores a thing that is not in the group.
        i.state
            .memberships
            .remove(&(thing.to_string(), group.to_string()));
        Ok(())
    }
    async fn create_certificate_from_csr(
        &self,
        csr_pem: &str,
        active: bool,
    ) -> Result<CreatedCertificate, AwsError> {
        assert!(active, "certificates are created ACTIVE");
        assert!(csr_pem.contains("CERTIFICATE REQUEST"));
        let mut i = self.change("create certificate from csr".into())?;
        i.next_cert += 1;
        let id = cert_id(100 + i.next_cert);
        i.state.certificates.insert(id.clone(), "ACTIVE".into());
        Ok(CreatedCertificate {
            arn: arn_of(&id),
            id,
            pem: "SIGNED-PEM".into(),
        })
    }
    async fn create_keys_and_certificate(&self, _: bool) -> Result<CreatedKeys, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn register_certificate_without_ca(
        &self,
        _: &str,
        _: bool,
    ) -> Result<CreatedCertificate, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn update_certificate(&self, id: &str, status: CertificateState) -> Result<(), AwsError> {
        let mut i = self.change(format!("set {} {}", &id[..4], status.as_aws()))?;
        let s = i
            .state
            .certificates
            .get_mut(id)
            .ok_or_else(|| not_found(&format!("Certificate {id}")))?;
        if s == "REVOKED" {
            return Err(refused("change a REVOKED certificate"));
        }
        *s = status.as_aws().into();
        Ok(())
    }
    async fn delete_certificate(&self, id: &str) -> Result<(), AwsError> {
        let mut i = self.change(format!("delete certificate {}", &id[..4]))?;
        if i.refuse_deletes > 0 {
            i.refuse_deletes -= 1;
            return Err(refused("delete a certificate that is still attached"));
        }
        let s = &mut i.state;
        let arn = arn_of(id);
        match s.certificates.get(id).map(String::as_str) {
            None => return Err(not_found(&format!("Certificate {id}"))),
            Some("ACTIVE") => return Err(refused("delete an ACTIVE certificate")),
            Some(_) => {}
        }
        if s.policy_attachments.iter().any(|(_, c)| *c == arn)
            || s.principals.iter().any(|(_, c)| *c == arn)
        {
            return Err(refused("delete an attached certificate"));
        }
        s.certificates.remove(id);
        Ok(())
    }
    async fn attach_policy(&self, policy: &str, principal_arn: &str) -> Result<(), AwsError> {
        let mut i = self.change(format!("attach {policy} to {}", short(principal_arn)))?;
        if !i.state.policies.contains(policy) {
            return Err(not_found(&format!("Policy {policy}")));
        }
        i.state
            .policy_attachments
            .insert((policy.into(), principal_arn.into()));
        Ok(())
    }
    async fn detach_policy(&self, policy: &str, principal_arn: &str) -> Result<(), AwsError> {
        let mut i = self.change(format!("detach {policy} from {}", short(principal_arn)))?;
        if !i
            .state
            .policy_attachments
            .remove(&(policy.to_string(), principal_arn.to_string()))
        {
            return Err(not_found(&format!("Policy {policy}")));
        }
        Ok(())
    }
    async fn attach_thing_principal(
        &self,
        thing: &str,
        principal_arn: &str,
    ) -> Result<(), AwsError> {
        let mut i = self.change(format!("attach {} to {thing}", short(principal_arn)))?;
        if !i.state.things.contains(thing) {
            return Err(not_found(&format!("Thing {thing}")));
        }
        i.state
            .principals
            .insert((thing.into(), principal_arn.into()));
        Ok(())
    }
    async fn detach_thing_principal(
        &self,
        thing: &str,
        principal_arn: &str,
    ) -> Result<(), AwsError> {
        let mut i = self.change(format!("detach {} from {thing}", short(principal_arn)))?;
        if !i
            .state
            .principals
            .remove(&(thing.to_string(), principal_arn.to_string()))
        {
            return Err(not_found(&format!("Thing {thing}")));
        }
        Ok(())
    }
}

#[async_trait]
impl ThingRegistry for Fake {
    async fn list_things(
        &self,
        _: &ThingFilter,
        _: Option<&str>,
    ) -> Result<Page<ThingRecord>, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn list_things_in_group(
        &self,
        _: &str,
        _: Option<&str>,
    ) -> Result<Page<String>, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn describe_thing(&self, name: &str) -> Result<ThingRecord, AwsError> {
        let i = self.read();
        if !i.state.things.contains(name) {
            return Err(not_found(&format!("Thing {name}")));
        }
        Ok(ThingRecord {
            name: name.into(),
            arn: Some(format!("arn:thing/{name}")),
            thing_type: None,
            attributes: Default::default(),
            version: Some(1),
        })
    }
    async fn groups_of_thing(&self, name: &str) -> Result<Vec<String>, AwsError> {
        let i = self.read();
        Ok(i.state
            .memberships
            .iter()
            .filter(|(t, _)| t == name)
            .map(|(_, g)| g.clone())
            .collect())
    }
    async fn principals_of_thing(&self, name: &str) -> Result<Vec<String>, AwsError> {
        let i = self.read();
        Ok(i.state
            .principals
            .iter()
            .filter(|(t, _)| t == name)
            .map(|(_, p)| p.clone())
            .collect())
    }
    async fn list_thing_types(&self) -> Result<Vec<ThingTypeRecord>, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn list_thing_groups(&self) -> Result<Vec<ThingGroupRecord>, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
}

#[async_trait]
impl CertificateDirectory for Fake {
    async fn list_certificates(
        &self,
        _: Option<&str>,
    ) -> Result<Page<CertificateListing>, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn describe_certificate(&self, id: &str) -> Result<CertificateRecord, AwsError> {
        let i = self.read();
        let status = i
            .state
            .certificates
            .get(id)
            .ok_or_else(|| not_found(&format!("Certificate {id}")))?;
        Ok(CertificateRecord {
            id: id.into(),
            arn: arn_of(id),
            status: status.clone(),
            not_before: None,
            not_after: None,
            pem: None,
        })
    }
    async fn policies_of_principal(&self, principal_arn: &str) -> Result<Vec<String>, AwsError> {
        let i = self.read();
        Ok(i.state
            .policy_attachments
            .iter()
            .filter(|(_, c)| c == principal_arn)
            .map(|(p, _)| p.clone())
            .collect())
    }
    async fn get_policy(&self, _: &str) -> Result<PolicyRecord, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
}

#[async_trait]
impl PolicyStore for Fake {
    async fn list_policies(&self) -> Result<Vec<PolicySummary>, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn policy_arn(&self, _: &str) -> Result<String, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn list_policy_versions(&self, _: &str) -> Result<Vec<PolicyVersionRecord>, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn policy_version_document(&self, _: &str, _: &str) -> Result<String, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn create_policy_version(&self, _: &str, _: &str, _: bool) -> Result<String, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn set_default_policy_version(&self, _: &str, _: &str) -> Result<(), AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn delete_policy_version(&self, _: &str, _: &str) -> Result<(), AwsError> {
        unreachable!("not used by the lifecycle service")
    }
    async fn targets_of_policy(&self, _: &str) -> Result<Vec<String>, AwsError> {
        unreachable!("not used by the lifecycle service")
    }
}

#[async_trait]
impl Principals for Fake {
    async fn things_of_principal(&self, principal_arn: &str) -> Result<Vec<String>, AwsError> {
        let i = self.read();
        Ok(i.state
            .principals
            .iter()
            .filter(|(_, p)| p == principal_arn)
            .map(|(t, _)| t.clone())
            .collect())
    }
}
