//! The certificates list as the console shows it: its filters, rows and the status changes an
//! admin may make. These types cross the wire between server functions and pages.

use super::status::CertificateStatus;
use crate::domain::aws_names::check_thing_name;
use crate::domain::inventory::{query_string, Cursor};
use serde::{Deserialize, Serialize};

/// Certificates shown per page.
pub const CERTIFICATES_PAGE_SIZE: u32 = 25;
/// The expiry window the filter offers first ("expiring within N days (default 30)").
pub const DEFAULT_EXPIRY_WINDOW_DAYS: u32 = 30;
/// The largest day count a filter takes (a century): anything above is a typo.
pub const MAX_FILTER_DAYS: u32 = 36_500;

/// Filters and position, exactly as they appear in the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CertificateQuery {
    /// Days; empty for no expiry filter.
    pub expiring_within: String,
    /// Days since the certificate was created; empty for no age filter.
    pub older_than: String,
    /// Only the certificates attached to this thing; empty for all.
    pub thing: String,
    pub cursor: String,
}

/// A query that passed validation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValidCertificateQuery {
    pub expiring_within: Option<u32>,
    pub older_than: Option<u32>,
    pub thing: Option<String>,
    pub cursor: Cursor,
}

fn days(field: &str, label: &str) -> Result<Option<u32>, String> {
    let t = field.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(n) if (1..=MAX_FILTER_DAYS).contains(&n) => Ok(Some(n)),
        _ => Err(format!(
            "{label} must be a whole number of days from 1 to {MAX_FILTER_DAYS}, not {t:?}."
        )),
    }
}

impl CertificateQuery {
    pub fn validate(&self) -> Result<ValidCertificateQuery, String> {
        Ok(ValidCertificateQuery {
            expiring_within: days(&self.expiring_within, "\"Expiring within\"")?,
            older_than: days(&self.older_than, "\"Older than\"")?,
            thing: match self.thing.trim() {
                "" => None,
                t => {
                    check_thing_name(t)?;
                    Some(t.to_string())
                }
            },
            cursor: Cursor::decode(&self.cursor)
                .ok_or("The page position in the address is damaged; start from the first page.")?,
        })
    }

    /// The query as URL parameters (empty fields left out), for links between pages.
    pub fn to_query_string(&self) -> String {
        query_string(&[
            ("expiring_within", self.expiring_within.as_str()),
            ("older_than", &self.older_than),
            ("thing", &self.thing),
            ("cursor", &self.cursor),
        ])
    }
}

/// One certificate with what it is attached to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateRow {
    pub id: String,
    pub arn: String,
    pub status: CertificateStatus,
    /// RFC 3339, UTC.
    pub created: Option<String>,
    pub age_days: Option<i64>,
    pub not_after: Option<String>,
    /// Negative once expired.
    pub days_left: Option<i64>,
    /// "EC P-256", "RSA 2048", …
    pub key: Option<String>,
    pub issuer: Option<String>,
    pub things: Vec<String>,
    pub policies: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificatePage {
    pub rows: Vec<CertificateRow>,
    pub next_cursor: Option<String>,
    /// Whether the viewer may change these certificates (admins); the server function sets it
    /// from the role, so read-only viewers get no controls to click.
    #[serde(default)]
    pub can_change: bool,
}

/// Whether a certificate with these ages passes the filters.
pub fn passes(q: &ValidCertificateQuery, age_days: Option<i64>, days_left: Option<i64>) -> bool {
    q.older_than
        .is_none_or(|n| age_days.is_some_and(|a| a > i64::from(n)))
        && q.expiring_within
            .is_none_or(|n| days_left.is_some_and(|d| d <= i64::from(n)))
}

/// What a status change did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChanged {
    pub id: String,
    /// The status now set.
    pub status: CertificateStatus,
}

/// A status change an admin may make. On the wire it is its verb ("Revoke"), read in any
/// case; anything else is refused with the sentence of [`StatusChange::try_from`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub enum StatusChange {
    Activate,
    Deactivate,
    Revoke,
}

impl StatusChange {
    pub const ALL: [StatusChange; 3] = [
        StatusChange::Activate,
        StatusChange::Deactivate,
        StatusChange::Revoke,
    ];

    pub fn verb(self) -> &'static str {
        match self {
            StatusChange::Activate => "Activate",
            StatusChange::Deactivate => "Deactivate",
            StatusChange::Revoke => "Revoke",
        }
    }

    /// "activated", "deactivated", "revoked".
    pub fn past(self) -> &'static str {
        match self {
            StatusChange::Activate => "activated",
            StatusChange::Deactivate => "deactivated",
            StatusChange::Revoke => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<StatusChange> {
        StatusChange::ALL
            .into_iter()
            .find(|c| c.verb().eq_ignore_ascii_case(s))
    }

    /// Whether AWS allows this change from `status`. A revoked certificate stays revoked
    /// ("Revoke a client certificate": once revoked, its status can't be changed,
    /// <https://docs.aws.amazon.com/iot/latest/developerguide/revoke-device-cert.html>);
    /// transfer states belong to certificate transfer and are left alone.
    pub fn allowed_from(self, status: CertificateStatus) -> bool {
        match self {
            StatusChange::Activate => status == CertificateStatus::Inactive,
            StatusChange::Deactivate => status == CertificateStatus::Active,
            StatusChange::Revoke => status.is_in_service(),
        }
    }

    /// The status the change sets.
    pub fn target(self) -> CertificateStatus {
        match self {
            StatusChange::Activate => CertificateStatus::Active,
            StatusChange::Deactivate => CertificateStatus::Inactive,
            StatusChange::Revoke => CertificateStatus::Revoked,
        }
    }
}

impl TryFrom<String> for StatusChange {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        StatusChange::parse(&s).ok_or_else(|| {
            format!("{s:?} is not a status change; use Activate, Deactivate or Revoke.")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_take_day_counts_and_say_what_is_wrong() {
        let q = CertificateQuery {
            expiring_within: " 30 ".into(),
            older_than: String::new(),
            thing: " sensor-001 ".into(),
            cursor: String::new(),
        };
        let v = q.validate().unwrap();
        assert_eq!((v.expiring_within, v.older_than), (Some(30), None));
        assert_eq!(v.thing.as_deref(), Some("sensor-001"));
        let e = CertificateQuery {
            thing: "no spaces/please".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(e.contains("no spaces/please"), "{e}");
        for bad in ["0", "-1", "x", "36501"] {
            let e = CertificateQuery {
                older_than: bad.into(),
                ..Default::default()
            }
            .validate()
            .unwrap_err();
            assert!(e.contains("Older than") && e.contains(bad), "{e}");
        }
        assert!(CertificateQuery {
            cursor: "nonsense".into(),
            ..Default::default()
        }
        .validate()
        .is_err());
        assert_eq!(
            CertificateQuery {
                expiring_within: "7".into(),
                ..Default::default()
            }
            .to_query_string(),
            "expiring_within=7"
        );
        assert_eq!(
            CertificateQuery {
                thing: "sensor 1".into(),
                ..Default::default()
            }
            .to_query_string(),
            "thing=sensor%201"
        );
    }

    #[test]
    fn expired_and_expiring_pass_the_expiry_filter_old_ones_the_age_filter() {
        let q = ValidCertificateQuery {
            expiring_within: Some(30),
            ..Default::default()
        };
        assert!(passes(&q, Some(1), Some(30)));
        assert!(passes(&q, Some(1), Some(-3)), "already expired is due too");
        assert!(!passes(&q, Some(1), Some(31)));
        assert!(
            !passes(&q, Some(1), None),
            "unknown validity is not claimed to expire"
        );
        let q = ValidCertificateQuery {
            older_than: Some(365),
            ..Default::default()
        };
        assert!(passes(&q, Some(366), Some(9000)));
        assert!(!passes(&q, Some(365), Some(9000)));
        assert!(passes(&ValidCertificateQuery::default(), None, None));
    }

    // "Revoke a client certificate": a revoked certificate's status can't be changed.
    #[test]
    fn revoked_is_final_and_changes_follow_the_status() {
        use CertificateStatus::{Active, Inactive, Revoked};
        use StatusChange::*;
        assert!(Deactivate.allowed_from(Active) && !Deactivate.allowed_from(Inactive));
        assert!(Activate.allowed_from(Inactive) && !Activate.allowed_from(Revoked));
        assert!(Revoke.allowed_from(Active) && Revoke.allowed_from(Inactive));
        for left_alone in [
            Revoked,
            CertificateStatus::PendingTransfer,
            CertificateStatus::RegisterInactive,
            CertificateStatus::PendingActivation,
            CertificateStatus::Unknown,
        ] {
            assert!(StatusChange::ALL
                .iter()
                .all(|c| !c.allowed_from(left_alone)));
        }
        for c in StatusChange::ALL {
            assert!(!c.allowed_from(c.target()), "{c:?} from what it sets");
        }
        assert_eq!(StatusChange::parse("revoke"), Some(Revoke));
        assert_eq!(StatusChange::parse("delete"), None);
    }

    #[test]
    fn a_status_change_crosses_the_wire_as_its_verb() {
        for c in StatusChange::ALL {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.verb()));
            assert_eq!(serde_json::from_str::<StatusChange>(&json).unwrap(), c);
        }
        assert_eq!(
            serde_json::from_str::<StatusChange>("\"revoke\"").unwrap(),
            StatusChange::Revoke,
            "any case, as before it was typed"
        );
        let refused = serde_json::from_str::<StatusChange>("\"delete\"").unwrap_err();
        assert!(
            refused.to_string().starts_with(
                "\"delete\" is not a status change; use Activate, Deactivate or Revoke."
            ),
            "{refused}"
        );
    }
}
