//! Certificates, and the policies attached to principals.

use super::account::arn_of;
use super::{short, short_id, Fake};
use crate::server::aws::{
    AwsError, CertificateDirectory, CertificateListing, CertificateRecord, Page, PolicyRecord,
};
use async_trait::async_trait;
use std::cmp::Reverse;

#[async_trait]
impl CertificateDirectory for Fake {
    async fn list_certificates(
        &self,
        token: Option<&str>,
    ) -> Result<Page<CertificateListing>, AwsError> {
        self.read("ListCertificates", token.unwrap_or_default().into(), |i| {
            // Newest first; of two made at the same second, the one made later.
            let mut listed: Vec<CertificateListing> = i
                .account
                .certificates
                .iter()
                .rev()
                .map(|c| CertificateListing {
                    id: c.id.clone(),
                    arn: arn_of(&c.id),
                    created: c.created,
                })
                .collect();
            listed.sort_by_key(|c| Reverse(c.created));
            i.page(&listed, token)
        })
        .await
    }

    async fn describe_certificate(&self, id: &str) -> Result<CertificateRecord, AwsError> {
        self.read("DescribeCertificate", short_id(id).into(), |i| {
            let c = i.account.certificate(id)?;
            Ok(CertificateRecord {
                id: c.id.clone(),
                arn: arn_of(&c.id),
                status: c.status,
                created: c.created,
                not_before: c.not_before,
                not_after: c.not_after,
                pem: c.pem.clone(),
            })
        })
        .await
    }

    async fn policies_of_principal(&self, principal_arn: &str) -> Result<Vec<String>, AwsError> {
        self.read("ListAttachedPolicies", short(principal_arn).into(), |i| {
            Ok(i.account
                .policy_attachments
                .iter()
                .filter(|(_, p)| p == principal_arn)
                .map(|(policy, _)| policy.clone())
                .collect())
        })
        .await
    }

    async fn get_policy(&self, name: &str) -> Result<PolicyRecord, AwsError> {
        self.read("GetPolicy", name.into(), |i| {
            let p = i.account.policy(name)?;
            Ok(PolicyRecord {
                name: p.name.clone(),
                document: p.default_document().to_string(),
                default_version: Some(p.default_version.clone()),
            })
        })
        .await
    }
}
