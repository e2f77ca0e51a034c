//! The one error type of the server-function layer: each variant is a sentence a user can act
//! on. Details stay in the server log.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    /// HTTP 401.
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// HTTP 403.
    #[error("Your account has no access to this. Ask an administrator for a role.")]
    Forbidden,
    /// HTTP 403: the role may call this, but not with this input; the message says what
    /// is outside the user's reach.
    #[error("{0}")]
    Refused(String),
    /// HTTP 404.
    #[error("{0}")]
    NotFound(String),
    /// HTTP 400: the input is wrong, and the message says how.
    #[error("{0}")]
    Invalid(String),
    /// HTTP 429: the user's request budget is spent for now.
    #[error("{0}")]
    TooManyRequests(String),
    /// HTTP 503: AWS or the session store failed; the message may quote an AWS request id.
    #[error("{0}")]
    Unavailable(String),
    /// The request never got an answer (network, or a response the page could not read).
    #[error("The console's server could not be reached: {0}")]
    Transport(String),
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Unauthenticated => 401,
            ApiError::Forbidden | ApiError::Refused(_) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::Invalid(_) => 400,
            ApiError::TooManyRequests(_) => 429,
            ApiError::Unavailable(_) | ApiError::Transport(_) => 503,
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(e) | ServerFnErrorErr::Deserialization(e) => {
                ApiError::Invalid(format!("The request was malformed: {e}"))
            }
            other => ApiError::Transport(other.to_string()),
        }
    }
}
