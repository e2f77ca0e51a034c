//! A certificate's status as AWS IoT keeps it (`CertificateStatus` in the AWS IoT API
//! Reference: ACTIVE | INACTIVE | REVOKED | PENDING_TRANSFER | REGISTER_INACTIVE |
//! PENDING_ACTIVATION). On the wire and on the page it is AWS's own word.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CertificateStatus {
    Active,
    Inactive,
    /// Final: "once revoked, its status can't be changed" (Revoke a client certificate).
    Revoked,
    /// Certificate transfer between accounts is under way.
    PendingTransfer,
    /// Registered inactive with a CA that is not active.
    RegisterInactive,
    PendingActivation,
    /// A status AWS added after this console was built: shown, never acted on.
    #[serde(other)]
    Unknown,
}

impl CertificateStatus {
    pub const KNOWN: [CertificateStatus; 6] = [
        CertificateStatus::Active,
        CertificateStatus::Inactive,
        CertificateStatus::Revoked,
        CertificateStatus::PendingTransfer,
        CertificateStatus::RegisterInactive,
        CertificateStatus::PendingActivation,
    ];

    /// AWS's word for the status.
    pub fn as_aws(self) -> &'static str {
        match self {
            CertificateStatus::Active => "ACTIVE",
            CertificateStatus::Inactive => "INACTIVE",
            CertificateStatus::Revoked => "REVOKED",
            CertificateStatus::PendingTransfer => "PENDING_TRANSFER",
            CertificateStatus::RegisterInactive => "REGISTER_INACTIVE",
            CertificateStatus::PendingActivation => "PENDING_ACTIVATION",
            CertificateStatus::Unknown => "UNKNOWN",
        }
    }

    /// The status AWS names `s`; [`CertificateStatus::Unknown`] for a word it did not use
    /// when this was written.
    pub fn from_aws(s: &str) -> CertificateStatus {
        CertificateStatus::KNOWN
            .into_iter()
            .find(|k| k.as_aws() == s)
            .unwrap_or(CertificateStatus::Unknown)
    }

    /// ACTIVE or INACTIVE: the statuses an admin moves a certificate between, and the ones
    /// a rotation may start from.
    pub fn is_in_service(self) -> bool {
        matches!(
            self,
            CertificateStatus::Active | CertificateStatus::Inactive
        )
    }

    /// A certificate AWS lets no device connect with: what a device removal needs before
    /// it may delete the certificate.
    pub fn is_out_of_service(self) -> bool {
        matches!(
            self,
            CertificateStatus::Inactive | CertificateStatus::Revoked
        )
    }
}

impl fmt::Display for CertificateStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_aws())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_is_read_back_from_its_aws_word() {
        for s in CertificateStatus::KNOWN {
            assert_eq!(CertificateStatus::from_aws(s.as_aws()), s);
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_aws()));
            assert_eq!(serde_json::from_str::<CertificateStatus>(&json).unwrap(), s);
        }
        assert_eq!(
            CertificateStatus::from_aws("active"),
            CertificateStatus::Unknown,
            "AWS's words are upper case; anything else is not one of them"
        );
        assert_eq!(
            serde_json::from_str::<CertificateStatus>("\"SUSPENDED\"").unwrap(),
            CertificateStatus::Unknown
        );
    }

    #[test]
    fn in_and_out_of_service() {
        use CertificateStatus::*;
        let in_service: Vec<_> = CertificateStatus::KNOWN
            .into_iter()
            .filter(|s| s.is_in_service())
            .collect();
        assert_eq!(in_service, [Active, Inactive]);
        let out: Vec<_> = CertificateStatus::KNOWN
            .into_iter()
            .filter(|s| s.is_out_of_service())
            .collect();
        assert_eq!(out, [Inactive, Revoked]);
        assert!(!Unknown.is_in_service() && !Unknown.is_out_of_service());
    }
}
