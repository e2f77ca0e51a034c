//! [`Principals`]: the things a principal is attached to (ListPrincipalThings), and what a
//! principal's ARN names.

use super::AwsError;
use async_trait::async_trait;

/// The things a principal (a certificate, mostly) is attached to: the other direction of
/// [`super::ThingRegistry::principals_of_thing`].
#[async_trait]
pub trait Principals: Send + Sync {
    /// Names of the things the principal is attached to, sorted.
    async fn things_of_principal(&self, principal_arn: &str) -> Result<Vec<String>, AwsError>;
}

/// The certificate id inside a certificate ARN (`arn:aws:iot:region:acct:cert/ID`).
pub fn certificate_id_of(principal_arn: &str) -> Option<&str> {
    let (prefix, id) = principal_arn.rsplit_once(":cert/")?;
    (prefix.starts_with("arn:") && !id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_certificate_ids_in_arns() {
        assert_eq!(
            certificate_id_of("arn:aws:iot:us-east-1:123456789012:cert/abc123"),
            Some("abc123")
        );
        assert_eq!(certificate_id_of("us-east-1:1234-cognito-id"), None);
        assert_eq!(
            certificate_id_of("arn:aws:iot:us-east-1:123456789012:cert/"),
            None
        );
    }
}
