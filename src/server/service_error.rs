//! The services' one error type: what went wrong, in a sentence fit for the user.

use crate::server::aws::AwsError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The user's input is wrong; the message says how.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Aws(#[from] AwsError),
}
