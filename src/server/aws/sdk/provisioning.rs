//! [`Provisioner`] over the AWS IoT control-plane SDK.

use super::SdkIot;
use crate::domain::certificates::status::CertificateStatus as OurStatus;
use crate::server::aws::{AwsError, AwsErrorKind};
use crate::server::aws::{
    CreatedCertificate, CreatedKeys, CreatedThing, PrivateKeyPem, Provisioner,
};
use async_trait::async_trait;
use aws_sdk_iot::error::SdkError;
use aws_sdk_iot::types::{AttributePayload, CertificateStatus};

fn status(active: bool) -> CertificateStatus {
    if active {
        CertificateStatus::Active
    } else {
        CertificateStatus::Inactive
    }
}

/// AWS answered without a field it always sends.
fn missing(field: &str, operation: &str) -> AwsError {
    AwsError {
        kind: AwsErrorKind::Unavailable,
        message: format!("AWS's answer to {operation} had no {field}"),
        request_id: None,
    }
}

fn required(value: Option<&str>, field: &str, operation: &str) -> Result<String, AwsError> {
    value
        .map(str::to_string)
        .ok_or_else(|| missing(field, operation))
}

#[async_trait]
impl Provisioner for SdkIot {
    async fn find_thing(&self, name: &str) -> Result<Option<String>, AwsError> {
        match self.client.describe_thing().thing_name(name).send().await {
            Ok(t) => Ok(Some(t.thing_arn().unwrap_or_default().to_string())),
            // The usual answer for a free name: not worth a warning in the log.
            Err(SdkError::ServiceError(s)) if s.err().is_resource_not_found_exception() => Ok(None),
            Err(e) => Err(AwsError::from_sdk(
                e,
                "describe the thing",
                &format!("Thing {name}"),
            )),
        }
    }

    async fn create_thing(
        &self,
        name: &str,
        thing_type: Option<&str>,
        attributes: &[(String, String)],
    ) -> Result<CreatedThing, AwsError> {
        let payload = (!attributes.is_empty()).then(|| {
            AttributePayload::builder()
                .set_attributes(Some(attributes.iter().cloned().collect()))
                .build()
        });
        // A missing resource here can only be the thing type.
        let subject = match thing_type {
            Some(t) => format!("Thing type {t}"),
            None => format!("Thing {name}"),
        };
        let out = self
            .client
            .create_thing()
            .thing_name(name)
            .set_thing_type_name(thing_type.map(str::to_string))
            .set_attribute_payload(payload)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "create the thing", &subject))?;
        Ok(CreatedThing {
            arn: required(out.thing_arn(), "thing ARN", "create the thing")?,
            id: out.thing_id().unwrap_or_default().to_string(),
        })
    }

    async fn delete_thing(&self, name: &str) -> Result<(), AwsError> {
        self.client
            .delete_thing()
            .thing_name(name)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "delete the thing", &format!("Thing {name}")))?;
        Ok(())
    }

    async fn add_thing_to_group(&self, thing: &str, group: &str) -> Result<(), AwsError> {
        self.client
            .add_thing_to_thing_group()
            .thing_name(thing)
            .thing_group_name(group)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    e,
                    "add the thing to the group",
                    &format!("Thing group {group}"),
                )
            })?;
        Ok(())
    }

    async fn remove_thing_from_group(&self, thing: &str, group: &str) -> Result<(), AwsError> {
        self.client
            .remove_thing_from_thing_group()
            .thing_name(thing)
            .thing_group_name(group)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    e,
                    "remove the thing from the group",
                    &format!("Thing group {group}"),
                )
            })?;
        Ok(())
    }

    async fn create_certificate_from_csr(
        &self,
        csr_pem: &str,
        active: bool,
    ) -> Result<CreatedCertificate, AwsError> {
        const OP: &str = "create a certificate from the CSR";
        let out = self
            .client
            .create_certificate_from_csr()
            .certificate_signing_request(csr_pem)
            .set_as_active(active)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, OP, "The CSR"))?;
        Ok(CreatedCertificate {
            id: required(out.certificate_id(), "certificate id", OP)?,
            arn: required(out.certificate_arn(), "certificate ARN", OP)?,
            pem: required(out.certificate_pem(), "certificate PEM", OP)?,
        })
    }

    async fn create_keys_and_certificate(&self, active: bool) -> Result<CreatedKeys, AwsError> {
        const OP: &str = "create keys and a certificate";
        // The SDK's KeyPair redacts the private key in its own Debug; ours does too.
        let out = self
            .client
            .create_keys_and_certificate()
            .set_as_active(active)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, OP, "The certificate"))?;
        let keys = out.key_pair().ok_or_else(|| missing("key pair", OP))?;
        Ok(CreatedKeys {
            certificate: CreatedCertificate {
                id: required(out.certificate_id(), "certificate id", OP)?,
                arn: required(out.certificate_arn(), "certificate ARN", OP)?,
                pem: required(out.certificate_pem(), "certificate PEM", OP)?,
            },
            public_key_pem: required(keys.public_key(), "public key", OP)?,
            private_key: PrivateKeyPem::new(required(keys.private_key(), "private key", OP)?),
        })
    }

    async fn register_certificate_without_ca(
        &self,
        pem: &str,
        active: bool,
    ) -> Result<CreatedCertificate, AwsError> {
        const OP: &str = "register the certificate";
        let out = self
            .client
            .register_certificate_without_ca()
            .certificate_pem(pem)
            .status(status(active))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, OP, "The certificate"))?;
        Ok(CreatedCertificate {
            id: required(out.certificate_id(), "certificate id", OP)?,
            arn: required(out.certificate_arn(), "certificate ARN", OP)?,
            pem: pem.to_string(),
        })
    }

    async fn update_certificate(&self, id: &str, new_status: OurStatus) -> Result<(), AwsError> {
        self.client
            .update_certificate()
            .certificate_id(id)
            .new_status(CertificateStatus::from(new_status.as_aws()))
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    e,
                    &format!("set the certificate {}", new_status.as_aws()),
                    &format!("Certificate {id}"),
                )
            })?;
        Ok(())
    }

    async fn delete_certificate(&self, id: &str) -> Result<(), AwsError> {
        self.client
            .delete_certificate()
            .certificate_id(id)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(e, "delete the certificate", &format!("Certificate {id}"))
            })?;
        Ok(())
    }

    async fn attach_policy(&self, policy: &str, principal_arn: &str) -> Result<(), AwsError> {
        self.client
            .attach_policy()
            .policy_name(policy)
            .target(principal_arn)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "attach the policy", &format!("Policy {policy}")))?;
        Ok(())
    }

    async fn detach_policy(&self, policy: &str, principal_arn: &str) -> Result<(), AwsError> {
        self.client
            .detach_policy()
            .policy_name(policy)
            .target(principal_arn)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(e, "detach the policy", &format!("Policy {policy}")))?;
        Ok(())
    }

    async fn attach_thing_principal(
        &self,
        thing: &str,
        principal_arn: &str,
    ) -> Result<(), AwsError> {
        self.client
            .attach_thing_principal()
            .thing_name(thing)
            .principal(principal_arn)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    e,
                    "attach the certificate to the thing",
                    &format!("Thing {thing}"),
                )
            })?;
        Ok(())
    }

    async fn detach_thing_principal(
        &self,
        thing: &str,
        principal_arn: &str,
    ) -> Result<(), AwsError> {
        self.client
            .detach_thing_principal()
            .thing_name(thing)
            .principal(principal_arn)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    e,
                    "detach the certificate from the thing",
                    &format!("Thing {thing}"),
                )
            })?;
        Ok(())
    }
}
