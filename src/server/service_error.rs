//! The services' one error type: what went wrong, in a sentence fit for the user, and of
//! what [`ErrorKind`], so the layers above pick a status code without knowing AWS.

use crate::server::aws::{AwsError, AwsErrorKind};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The user's input is wrong; the message says how.
    #[error("{0}")]
    Invalid(String),
    /// What the user asked for does not exist; the message names it as they did.
    #[error("{0}")]
    NotFound(String),
    /// The user's role may not do this to this resource (a device outside their onboarding
    /// profile); the message says what is outside.
    #[error("{0}")]
    Refused(String),
    /// An AWS call failed; its Display quotes the AWS request id, once, at the end.
    #[error(transparent)]
    Aws(#[from] AwsError),
}

/// What kind of failure a [`ServiceError`] is: the only thing about AWS errors the layers
/// above the services see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input is wrong, or AWS refused it (a name taken, a policy with five versions, …).
    Invalid,
    /// What was asked for does not exist.
    NotFound,
    /// The user may not do this (the role allows the function, not this input).
    Refused,
    /// The console's AWS credentials may not do this.
    AccessDenied,
    /// AWS is still throttling after the SDK's retries.
    Throttled,
    /// AWS could not be reached, or failed on its side.
    Unavailable,
}

impl ServiceError {
    /// What the user asked for does not exist; `sentence` names it as they did.
    pub fn not_found(sentence: impl Into<String>) -> Self {
        ServiceError::NotFound(sentence.into())
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            ServiceError::Invalid(_) => ErrorKind::Invalid,
            ServiceError::NotFound(_) => ErrorKind::NotFound,
            ServiceError::Refused(_) => ErrorKind::Refused,
            ServiceError::Aws(a) => match a.kind {
                AwsErrorKind::Invalid => ErrorKind::Invalid,
                AwsErrorKind::NotFound => ErrorKind::NotFound,
                AwsErrorKind::AccessDenied => ErrorKind::AccessDenied,
                AwsErrorKind::Throttled => ErrorKind::Throttled,
                AwsErrorKind::Unavailable => ErrorKind::Unavailable,
            },
        }
    }

    /// The sentence the user is shown. The services' own are whole sentences already; an
    /// AWS one is a fragment ("the console's AWS credentials may not …", with the request
    /// id), so it gets its capital, and a full stop unless it says what does not exist.
    pub fn for_user(&self) -> String {
        match self {
            ServiceError::Invalid(m) | ServiceError::NotFound(m) | ServiceError::Refused(m) => {
                m.clone()
            }
            ServiceError::Aws(a) if a.kind == AwsErrorKind::NotFound => capitalized(&a.to_string()),
            ServiceError::Aws(a) => format!("{}.", capitalized(&a.to_string())),
        }
    }

    /// The message without the AWS request id, for a sentence that quotes it: the id is
    /// added back by Display, once, at the very end (see [`ServiceError::with_message`]).
    pub fn message(&self) -> &str {
        match self {
            ServiceError::Invalid(m) | ServiceError::NotFound(m) | ServiceError::Refused(m) => m,
            ServiceError::Aws(a) => &a.message,
        }
    }

    /// The same error (kind and AWS request id) told by `message` instead.
    pub fn with_message(self, message: String) -> Self {
        match self {
            ServiceError::Invalid(_) => ServiceError::Invalid(message),
            ServiceError::NotFound(_) => ServiceError::NotFound(message),
            ServiceError::Refused(_) => ServiceError::Refused(message),
            ServiceError::Aws(a) => ServiceError::Aws(AwsError { message, ..a }),
        }
    }
}

/// For AWS results: AWS's "does not exist" told as the service's own sentence, which names
/// what the user asked for (AWS names its resource, not the user's request); other errors
/// as they are.
pub trait OrNotFound<T> {
    fn or_not_found(self, sentence: impl FnOnce() -> String) -> Result<T, ServiceError>;
}

impl<T> OrNotFound<T> for Result<T, AwsError> {
    fn or_not_found(self, sentence: impl FnOnce() -> String) -> Result<T, ServiceError> {
        self.map_err(|e| match e.kind {
            AwsErrorKind::NotFound => ServiceError::not_found(sentence()),
            _ => e.into(),
        })
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws(kind: AwsErrorKind, message: &str) -> ServiceError {
        ServiceError::Aws(AwsError {
            kind,
            message: message.into(),
            request_id: Some("r-1".into()),
        })
    }

    #[test]
    fn every_aws_kind_has_its_own() {
        let kinds = [
            (AwsErrorKind::Invalid, ErrorKind::Invalid),
            (AwsErrorKind::NotFound, ErrorKind::NotFound),
            (AwsErrorKind::AccessDenied, ErrorKind::AccessDenied),
            (AwsErrorKind::Throttled, ErrorKind::Throttled),
            (AwsErrorKind::Unavailable, ErrorKind::Unavailable),
        ];
        for (aws_kind, kind) in kinds {
            assert_eq!(aws(aws_kind, "x").kind(), kind);
        }
        assert_eq!(ServiceError::Invalid("x".into()).kind(), ErrorKind::Invalid);
        assert_eq!(ServiceError::not_found("x").kind(), ErrorKind::NotFound);
    }

    #[test]
    fn aws_fragments_become_sentences_with_the_request_id() {
        assert_eq!(
            aws(AwsErrorKind::NotFound, "thing sensor-9 does not exist").for_user(),
            "Thing sensor-9 does not exist (AWS request id r-1)"
        );
        assert_eq!(
            aws(AwsErrorKind::Invalid, "thing sensor-9 already exists").for_user(),
            "Thing sensor-9 already exists (AWS request id r-1)."
        );
        assert_eq!(
            aws(AwsErrorKind::Throttled, "AWS is throttling").for_user(),
            "AWS is throttling (AWS request id r-1)."
        );
        assert_eq!(
            ServiceError::Invalid("bad name.".into()).for_user(),
            "bad name.",
            "the services' own sentences are kept as they are"
        );
    }

    #[test]
    fn a_new_message_keeps_the_kind_and_the_request_id() {
        let e = aws(AwsErrorKind::Invalid, "refused").with_message("Step failed: refused.".into());
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert_eq!(e.message(), "Step failed: refused.");
        assert_eq!(e.to_string(), "Step failed: refused. (AWS request id r-1)");
    }

    #[test]
    fn only_aws_not_found_becomes_the_services_sentence() {
        let gone: Result<(), AwsError> = Err(AwsError::not_found("Thing t does not exist"));
        let e = gone
            .or_not_found(|| "There is no device named t.".into())
            .unwrap_err();
        assert!(matches!(e, ServiceError::NotFound(ref m) if m == "There is no device named t."));
        let busy: Result<(), AwsError> = Err(AwsError {
            kind: AwsErrorKind::Throttled,
            message: "AWS is throttling".into(),
            request_id: None,
        });
        let e = busy.or_not_found(|| unreachable!()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Throttled);
    }
}
