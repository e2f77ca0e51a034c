//! [`ShadowReader`] over the AWS IoT data-plane SDK.

use crate::server::aws::{AwsError, AwsErrorKind, ShadowReader};
use async_trait::async_trait;
use aws_sdk_iotdataplane::Client;

#[derive(Clone)]
pub struct SdkShadows {
    client: Client,
}

impl SdkShadows {
    /// `data_endpoint` is the account's `iot:Data-ATS` endpoint. When the SDK configuration
    /// already names an endpoint (AWS_ENDPOINT_URL), that one is used as it is.
    pub fn new(config: &aws_config::SdkConfig, data_endpoint: Option<String>) -> Self {
        let mut builder = aws_sdk_iotdataplane::config::Builder::from(config);
        if let Some(endpoint) = data_endpoint {
            builder = builder.endpoint_url(endpoint);
        }
        SdkShadows {
            client: Client::from_conf(builder.build()),
        }
    }
}

#[async_trait]
impl ShadowReader for SdkShadows {
    async fn classic_shadow(&self, thing: &str) -> Result<Option<serde_json::Value>, AwsError> {
        match self
            .client
            .get_thing_shadow()
            .thing_name(thing)
            .send()
            .await
        {
            Ok(out) => {
                let bytes = out.payload().map(|b| b.as_ref()).unwrap_or_default();
                serde_json::from_slice(bytes).map(Some).map_err(|e| {
                    tracing::warn!(thing, error = %e, "shadow document is not JSON");
                    AwsError {
                        kind: AwsErrorKind::Unavailable,
                        message: format!("the shadow of {thing} is not a JSON document"),
                        request_id: None,
                    }
                })
            }
            Err(e) => {
                let err = AwsError::from_sdk(
                    e,
                    "read the device shadow",
                    &format!("The shadow of {thing}"),
                );
                // No shadow is a normal state for a device, not an error.
                if err.kind == AwsErrorKind::NotFound {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }
}

/// Finds the account's data endpoint, unless the SDK configuration already names one.
pub async fn discover_data_endpoint(
    config: &aws_config::SdkConfig,
) -> Result<Option<String>, AwsError> {
    if config.endpoint_url().is_some() {
        return Ok(None);
    }
    let out = aws_sdk_iot::Client::new(config)
        .describe_endpoint()
        .endpoint_type("iot:Data-ATS")
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(e, "find the IoT data endpoint", "The data endpoint"))?;
    Ok(out.endpoint_address().map(|h| format!("https://{h}")))
}
