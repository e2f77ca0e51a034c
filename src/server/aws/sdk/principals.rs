//! [`Principals`] over the AWS IoT control-plane SDK.

use super::SdkIot;
use crate::server::aws::{AwsError, Principals};
use async_trait::async_trait;

#[async_trait]
impl Principals for SdkIot {
    async fn things_of_principal(&self, principal_arn: &str) -> Result<Vec<String>, AwsError> {
        let pages: Vec<_> = self
            .client
            .list_principal_things()
            .principal(principal_arn)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| {
                AwsError::from_sdk(e, "list the certificate's things", "The certificate")
            })?;
        let mut names: Vec<String> = pages
            .iter()
            .flat_map(|p| p.things().iter().cloned())
            .collect();
        names.sort();
        Ok(names)
    }
}
