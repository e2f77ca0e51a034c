//! [`ShadowReader`]: device shadows, from the IoT data plane.

use super::AwsError;
use async_trait::async_trait;

/// Device shadows (the classic, unnamed one).
#[async_trait]
pub trait ShadowReader: Send + Sync {
    /// The shadow document, or `None` when the thing has no shadow.
    async fn classic_shadow(&self, thing: &str) -> Result<Option<serde_json::Value>, AwsError>;
}
