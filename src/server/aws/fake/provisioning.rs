//! The changes that make a device and take it apart: things, group membership,
//! certificates and their attachments.

use super::account::{arn_of, cert_id, not_found, thing_arn, Certificate, Thing};
use super::{refused, short, short_id, Fake, Inner};
use crate::domain::certificates::status::CertificateStatus;
use crate::server::aws::{
    AwsError, CreatedCertificate, CreatedKeys, CreatedThing, PrivateKeyPem, Provisioner,
};
use async_trait::async_trait;

/// The PEM of a certificate AWS signed from a CSR.
pub const SIGNED_PEM: &str = "SIGNED-PEM";
/// The PEM of a certificate AWS made with its key pair.
pub const AWS_MADE_PEM: &str = "AWS-PEM";
/// The private key AWS made: a test looks for "TOP-SECRET" wherever it must not be.
pub const AWS_MADE_PRIVATE_KEY: &str =
    "-----BEGIN RSA PRIVATE KEY-----\nTOP-SECRET\n-----END RSA PRIVATE KEY-----";

/// When the fake makes its certificates (Unix seconds).
const NOW: i64 = 1_750_000_000;

impl Inner {
    /// A new certificate, ACTIVE or INACTIVE, with the next id (`cert_id(101)`, …).
    fn new_certificate(&mut self, pem: &str, active: bool) -> CreatedCertificate {
        self.made += 1;
        let id = cert_id(100 + self.made);
        let status = if active {
            CertificateStatus::Active
        } else {
            CertificateStatus::Inactive
        };
        self.account.certificates.push(Certificate {
            pem: Some(pem.to_string()),
            created: Some(NOW),
            ..Certificate::new(&id, status)
        });
        CreatedCertificate {
            arn: arn_of(&id),
            id,
            pem: pem.to_string(),
        }
    }
}

#[async_trait]
impl Provisioner for Fake {
    async fn find_thing(&self, name: &str) -> Result<Option<String>, AwsError> {
        self.read("DescribeThing", name.into(), |i| {
            Ok(i.account.thing(name).ok().map(|t| thing_arn(&t.name)))
        })
        .await
    }

    async fn create_thing(
        &self,
        name: &str,
        thing_type: Option<&str>,
        attributes: &[(String, String)],
    ) -> Result<CreatedThing, AwsError> {
        let args = format!(
            "{name} type={} attrs={}",
            thing_type.unwrap_or("-"),
            attributes.len()
        );
        self.change("CreateThing", args, |i| {
            if let Some(ty) = thing_type {
                if !i.account.thing_types.iter().any(|t| t.name == ty) {
                    return Err(not_found(format!("Thing type {ty}")));
                }
            }
            let thing = Thing {
                thing_type: thing_type.map(str::to_string),
                attributes: attributes.iter().cloned().collect(),
                ..Thing::new(name)
            };
            // AWS makes CreateThing of the same thing again a no-op, and refuses another.
            match i.account.things.iter().find(|t| t.name == name) {
                Some(t) if *t == thing => {}
                Some(_) => return Err(refused(format!("create Thing {name}: it already exists"))),
                None => i.account.things.push(thing),
            }
            Ok(CreatedThing {
                arn: thing_arn(name),
                id: format!("thing-id-{name}"),
            })
        })
        .await
    }

    async fn delete_thing(&self, name: &str) -> Result<(), AwsError> {
        self.change("DeleteThing", name.into(), |i| {
            i.lagging_delete(&format!("Thing {name}"))?;
            let a = &mut i.account;
            a.thing(name)?;
            if a.principals.iter().any(|(t, _)| t == name) {
                return Err(refused(format!(
                    "delete Thing {name}: a principal is still attached to it"
                )));
            }
            a.things.retain(|t| t.name != name);
            a.memberships.retain(|(t, _)| t != name);
            a.shadows.remove(name);
            Ok(())
        })
        .await
    }

    async fn add_thing_to_group(&self, thing: &str, group: &str) -> Result<(), AwsError> {
        self.change("AddThingToThingGroup", format!("{thing} {group}"), |i| {
            let a = &mut i.account;
            a.thing(thing)?;
            a.group(group)?;
            let member = (thing.to_string(), group.to_string());
            if !a.memberships.contains(&member) {
                a.memberships.push(member);
            }
            Ok(())
        })
        .await
    }

    async fn remove_thing_from_group(&self, thing: &str, group: &str) -> Result<(), AwsError> {
        self.change(
            "RemoveThingFromThingGroup",
            format!("{thing} {group}"),
            |i| {
                let a = &mut i.account;
                a.thing(thing)?;
                a.group(group)?;
                // AWS takes a thing that is not in the group as removed.
                a.memberships.retain(|(t, g)| !(t == thing && g == group));
                Ok(())
            },
        )
        .await
    }

    async fn create_certificate_from_csr(
        &self,
        csr_pem: &str,
        active: bool,
    ) -> Result<CreatedCertificate, AwsError> {
        self.change("CreateCertificateFromCsr", String::new(), |i| {
            if !csr_pem.contains("-----BEGIN CERTIFICATE REQUEST-----") {
                return Err(refused(
                    "create the certificate: the CSR is not a PEM certificate request".into(),
                ));
            }
            Ok(i.new_certificate(SIGNED_PEM, active))
        })
        .await
    }

    async fn create_keys_and_certificate(&self, active: bool) -> Result<CreatedKeys, AwsError> {
        self.change("CreateKeysAndCertificate", String::new(), |i| {
            Ok(CreatedKeys {
                certificate: i.new_certificate(AWS_MADE_PEM, active),
                public_key_pem: "PUBLIC".into(),
                private_key: PrivateKeyPem::new(AWS_MADE_PRIVATE_KEY.into()),
            })
        })
        .await
    }

    async fn register_certificate_without_ca(
        &self,
        pem: &str,
        active: bool,
    ) -> Result<CreatedCertificate, AwsError> {
        self.change("RegisterCertificateWithoutCA", String::new(), |i| {
            if !pem.contains("-----BEGIN CERTIFICATE-----") {
                return Err(refused(
                    "register the certificate: it is not a valid certificate".into(),
                ));
            }
            if i.account
                .certificates
                .iter()
                .any(|c| c.pem.as_deref() == Some(pem))
            {
                return Err(refused(
                    "register the certificate: the certificate already exists".into(),
                ));
            }
            Ok(i.new_certificate(pem, active))
        })
        .await
    }

    async fn update_certificate(
        &self,
        id: &str,
        status: CertificateStatus,
    ) -> Result<(), AwsError> {
        let args = format!("{} {}", short_id(id), status.as_aws());
        self.change("UpdateCertificate", args, |i| {
            let c = i.account.certificate_mut(id)?;
            if c.status == CertificateStatus::Revoked {
                return Err(refused(format!(
                    "update Certificate {id}: the status of a REVOKED certificate does not allow it"
                )));
            }
            c.status = status;
            Ok(())
        })
        .await
    }

    async fn delete_certificate(&self, id: &str) -> Result<(), AwsError> {
        self.change("DeleteCertificate", short_id(id).into(), |i| {
            i.lagging_delete(&format!("Certificate {id}"))?;
            let a = &mut i.account;
            if a.certificate(id)?.status == CertificateStatus::Active {
                return Err(refused(format!(
                    "delete Certificate {id}: the status of an ACTIVE certificate does not allow it"
                )));
            }
            if a.is_attached(&arn_of(id)) {
                return Err(refused(format!(
                    "delete Certificate {id}: it is still attached to a policy or a thing"
                )));
            }
            a.certificates.retain(|c| c.id != id);
            Ok(())
        })
        .await
    }

    async fn attach_policy(&self, policy: &str, principal_arn: &str) -> Result<(), AwsError> {
        let args = format!("{policy} {}", short(principal_arn));
        self.change("AttachPolicy", args, |i| {
            i.account.policy(policy)?;
            i.account
                .policy_attachments
                .insert((policy.to_string(), principal_arn.to_string()));
            Ok(())
        })
        .await
    }

    async fn detach_policy(&self, policy: &str, principal_arn: &str) -> Result<(), AwsError> {
        let args = format!("{policy} {}", short(principal_arn));
        self.change("DetachPolicy", args, |i| {
            let attachment = (policy.to_string(), principal_arn.to_string());
            if !i.account.policy_attachments.remove(&attachment) {
                return Err(not_found(format!(
                    "An attachment of Policy {policy} to {principal_arn}"
                )));
            }
            Ok(())
        })
        .await
    }

    async fn attach_thing_principal(
        &self,
        thing: &str,
        principal_arn: &str,
    ) -> Result<(), AwsError> {
        let args = format!("{thing} {}", short(principal_arn));
        self.change("AttachThingPrincipal", args, |i| {
            i.account.thing(thing)?;
            i.account
                .principals
                .insert((thing.to_string(), principal_arn.to_string()));
            Ok(())
        })
        .await
    }

    async fn detach_thing_principal(
        &self,
        thing: &str,
        principal_arn: &str,
    ) -> Result<(), AwsError> {
        let args = format!("{thing} {}", short(principal_arn));
        self.change("DetachThingPrincipal", args, |i| {
            let attachment = (thing.to_string(), principal_arn.to_string());
            if !i.account.principals.remove(&attachment) {
                return Err(not_found(format!(
                    "An attachment of {principal_arn} to Thing {thing}"
                )));
            }
            Ok(())
        })
        .await
    }
}
