//! The one place SDK errors become the console's errors.

use aws_sdk_iot::error::{ProvideErrorMetadata, SdkError};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AwsErrorKind {
    NotFound,
    AccessDenied,
    /// Still throttled after the SDK's own retries.
    Throttled,
    /// Bad input AWS refused (a name it does not accept, …).
    Invalid,
    /// Network failure, timeout, or an AWS-side fault.
    Unavailable,
}

impl AwsErrorKind {
    /// AWS answered and refused (a 4xx): the call changed nothing. Unavailable (a timeout, a
    /// lost connection, a 5xx) may hide a call that did its work.
    pub fn is_definite_refusal(&self) -> bool {
        !matches!(self, AwsErrorKind::Unavailable)
    }
}

/// An AWS call that failed: what kind, a message fit for users, and the request id to
/// quote to support. The full SDK error is logged where it is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsError {
    pub kind: AwsErrorKind,
    pub message: String,
    pub request_id: Option<String>,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (AWS request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for AwsError {}

impl AwsError {
    pub fn not_found(what: impl Into<String>) -> Self {
        AwsError {
            kind: AwsErrorKind::NotFound,
            message: what.into(),
            request_id: None,
        }
    }

    /// Maps any SDK error; `operation` and `subject` name what was being done, for the message.
    pub fn from_sdk<E, R>(err: SdkError<E, R>, operation: &str, subject: &str) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: fmt::Debug,
    {
        let request_id = request_id_of(&err);
        let (kind, message) = match &err {
            SdkError::ServiceError(service) => {
                let code = service.err().code().unwrap_or("");
                classify(code, operation, subject)
            }
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => (
                AwsErrorKind::Unavailable,
                "AWS could not be reached; try again in a moment".to_string(),
            ),
            _ => (
                AwsErrorKind::Unavailable,
                format!("AWS gave an unexpected answer to {operation}"),
            ),
        };
        // The user sees `message`; the log keeps the error's code and AWS's message, never the
        // raw HTTP response: the body of an answer the SDK failed to read may be a
        // CreateKeysAndCertificate answer, private key and all.
        tracing::warn!(operation, subject = ?subject, ?kind, request_id = request_id.as_deref(), error = %log_summary(&err), "AWS call failed");
        AwsError {
            kind,
            message,
            request_id,
        }
    }
}

/// What of an SDK error is safe to log: the failure's sort, and for an AWS error its code and
/// message (AWS's own words about the request, which hold no response data).
fn log_summary<E, R>(err: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata,
{
    match err {
        SdkError::ServiceError(service) => format!(
            "service error {}: {}",
            service.err().code().unwrap_or("(no code)"),
            service.err().message().unwrap_or("(no message)")
        ),
        SdkError::TimeoutError(_) => "timed out".into(),
        SdkError::DispatchFailure(d) if d.is_timeout() => "dispatch failure: timed out".into(),
        SdkError::DispatchFailure(d) if d.is_io() => "dispatch failure: connection error".into(),
        SdkError::DispatchFailure(_) => "dispatch failure".into(),
        // Its source quotes the response it could not parse: left out.
        SdkError::ResponseError(_) => "the response could not be read".into(),
        SdkError::ConstructionFailure(_) => "the request could not be built".into(),
        _ => "unexpected SDK error".into(),
    }
}

fn classify(code: &str, operation: &str, subject: &str) -> (AwsErrorKind, String) {
    match code {
        "ResourceNotFoundException" | "NotFoundException" => {
            (AwsErrorKind::NotFound, format!("{subject} does not exist"))
        }
        "UnauthorizedException" | "AccessDeniedException" | "ForbiddenException" => (
            AwsErrorKind::AccessDenied,
            format!("the console's AWS credentials may not {operation}"),
        ),
        "ThrottlingException" | "TooManyRequestsException" | "LimitExceededException" => (
            AwsErrorKind::Throttled,
            "AWS is throttling the console's requests; try again shortly".to_string(),
        ),
        // CreatePolicyVersion: "a policy can have at most five versions".
        "VersionsLimitExceededException" => (
            AwsErrorKind::Invalid,
            format!(
                "{subject} already has five versions, the most AWS allows; delete an old one first"
            ),
        ),
        "MalformedPolicyException" => (
            AwsErrorKind::Invalid,
            format!("AWS rejected the policy document for {subject}"),
        ),
        // DeletePolicyVersion of the default version, DeletePolicy of an attached policy, …
        "DeleteConflictException" => (
            AwsErrorKind::Invalid,
            format!("AWS refused to {operation}: {subject} is still in use"),
        ),
        // CreateThing with another configuration, RegisterCertificateWithoutCA twice, …
        "ResourceAlreadyExistsException" => {
            (AwsErrorKind::Invalid, format!("{subject} already exists"))
        }
        // DeleteCertificate of an ACTIVE certificate, UpdateCertificate of a REVOKED one.
        "CertificateStateException" => (
            AwsErrorKind::Invalid,
            format!("AWS refused to {operation}: the status of {subject} does not allow it"),
        ),
        // RegisterCertificate(WithoutCA) of a PEM that is not a usable certificate.
        "CertificateValidationException" => (
            AwsErrorKind::Invalid,
            format!("AWS refused to {operation}: {subject} is not a valid certificate"),
        ),
        "InvalidRequestException" | "ValidationException" => (
            AwsErrorKind::Invalid,
            format!("AWS refused the request to {operation} for {subject}"),
        ),
        _ => (
            AwsErrorKind::Unavailable,
            format!("AWS could not {operation} just now"),
        ),
    }
}

fn request_id_of<E, R>(err: &SdkError<E, R>) -> Option<String>
where
    E: ProvideErrorMetadata,
{
    use aws_sdk_iot::operation::RequestId;
    match err {
        SdkError::ServiceError(s) => s.err().meta().request_id().map(str::to_string),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_the_sdk_could_not_read_is_not_logged() {
        use aws_sdk_iot::operation::create_keys_and_certificate::CreateKeysAndCertificateError;
        let body = "{\"keyPair\":{\"PrivateKey\":\"-----BEGIN RSA PRIVATE KEY-----MIIE\"}";
        let err: SdkError<CreateKeysAndCertificateError, String> =
            SdkError::response_error(format!("invalid JSON near {body}"), body.to_string());
        let logged = log_summary(&err);
        assert!(
            !logged.contains("PRIVATE") && !logged.contains("MIIE"),
            "{logged}"
        );
        assert_eq!(logged, "the response could not be read");
    }

    #[test]
    fn classifies_codes_into_sentences() {
        let (k, m) = classify(
            "ResourceNotFoundException",
            "describe the thing",
            "Thing sensor-9",
        );
        assert_eq!(k, AwsErrorKind::NotFound);
        assert_eq!(m, "Thing sensor-9 does not exist");
        assert_eq!(
            classify("AccessDeniedException", "list things", "").0,
            AwsErrorKind::AccessDenied
        );
        assert_eq!(
            classify("ThrottlingException", "list things", "").0,
            AwsErrorKind::Throttled
        );
        let (k, m) = classify(
            "VersionsLimitExceededException",
            "create a policy version",
            "Policy p",
        );
        assert_eq!(k, AwsErrorKind::Invalid);
        assert!(m.contains("five versions"), "{m}");
        let (k, m) = classify(
            "ResourceAlreadyExistsException",
            "create the thing",
            "Thing sensor-9",
        );
        assert_eq!(k, AwsErrorKind::Invalid);
        assert_eq!(m, "Thing sensor-9 already exists");
        let (k, m) = classify(
            "CertificateStateException",
            "delete the certificate",
            "Certificate c1",
        );
        assert_eq!(k, AwsErrorKind::Invalid);
        assert!(m.contains("status of Certificate c1"), "{m}");
        assert_eq!(
            classify(
                "CertificateValidationException",
                "register the certificate",
                "The certificate"
            )
            .0,
            AwsErrorKind::Invalid
        );
        let (k, m) = classify("InternalFailureException", "list things", "");
        assert_eq!(k, AwsErrorKind::Unavailable);
        assert!(
            !m.contains("Internal"),
            "AWS internals stay out of the message"
        );
    }

    #[test]
    fn display_quotes_the_request_id() {
        let e = AwsError {
            kind: AwsErrorKind::Unavailable,
            message: "AWS could not list things just now".into(),
            request_id: Some("r-1".into()),
        };
        assert_eq!(
            e.to_string(),
            "AWS could not list things just now (AWS request id r-1)"
        );
    }
}
