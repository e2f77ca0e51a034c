//! The fleet inventory as the console shows it: queries, pages, rows and details.
//! These types cross the wire between server functions and pages.

use crate::domain::aws_names::is_valid_aws_name;
use crate::domain::aws_names::{check_attribute_name, check_attribute_value};
use serde::{Deserialize, Serialize};

/// Page sizes offered in the UI. AWS lists at most 250 things a call; we stay well below.
pub const PAGE_SIZES: [u32; 4] = [10, 25, 50, 100];
pub const DEFAULT_PAGE_SIZE: u32 = 25;

/// Filters and position of a devices page, exactly as they appear in the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeviceQuery {
    pub name_prefix: String,
    pub thing_type: String,
    pub group: String,
    /// `key=value`; empty for none.
    pub attribute: String,
    pub page_size: u32,
    /// Opaque position from a previous page's `next_cursor`; empty for the first page.
    pub cursor: String,
}

impl DeviceQuery {
    /// The query as URL parameters (empty fields left out), for links between pages.
    pub fn to_query_string(&self) -> String {
        let page_size = if self.page_size == 0 {
            String::new()
        } else {
            self.page_size.to_string()
        };
        query_string(&[
            ("name_prefix", self.name_prefix.as_str()),
            ("thing_type", &self.thing_type),
            ("group", &self.group),
            ("attribute", &self.attribute),
            ("page_size", &page_size),
            ("cursor", &self.cursor),
        ])
    }
}

/// Percent-encodes all but RFC 3986's unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// URL parameters from name/value pairs, empty values left out, values percent-encoded.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A query that passed validation: what the service actually runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidQuery {
    pub name_prefix: Option<String>,
    pub thing_type: Option<String>,
    pub group: Option<String>,
    pub attribute: Option<(String, String)>,
    pub page_size: u32,
    pub cursor: Cursor,
}

/// Where a listing stands: the AWS page token being read and how many of its items were
/// already consumed. Keeping both lets a filtered page end in the middle of an AWS page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    pub aws_token: Option<String>,
    pub skip: u32,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}:{}", self.skip, self.aws_token.as_deref().unwrap_or(""))
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        if s.is_empty() {
            return Some(Cursor::default());
        }
        let (skip, token) = s.split_once(':')?;
        Some(Cursor {
            skip: skip.parse().ok()?,
            aws_token: (!token.is_empty()).then(|| token.to_string()),
        })
    }
}

impl DeviceQuery {
    /// Checks every field and says, in one sentence, what is wrong with the first bad one.
    pub fn validate(&self) -> Result<ValidQuery, String> {
        let opt = |s: &str| {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_string())
        };
        let name_prefix = opt(&self.name_prefix);
        if let Some(p) = &name_prefix {
            if p.len() > 128
                || !p
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ":_-".contains(c))
            {
                return Err("The name prefix may only hold letters, digits, ':', '_' and '-' (at most 128).".into());
            }
        }
        let thing_type = opt(&self.thing_type);
        if let Some(t) = &thing_type {
            if !is_valid_aws_name(t) {
                return Err(format!("{t:?} is not a valid thing type name."));
            }
        }
        let group = opt(&self.group);
        if let Some(g) = &group {
            if !is_valid_aws_name(g) {
                return Err(format!("{g:?} is not a valid thing group name."));
            }
        }
        let attribute = match opt(&self.attribute) {
            None => None,
            Some(a) => {
                let (k, v) = a
                    .split_once('=')
                    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                    .filter(|(k, v)| !k.is_empty() && !v.is_empty())
                    .ok_or(
                        "The attribute filter must look like key=value, e.g. location=factory-001.",
                    )?;
                check_attribute_name(&k)?;
                check_attribute_value(&v)?;
                Some((k, v))
            }
        };
        let page_size = match self.page_size {
            0 => DEFAULT_PAGE_SIZE,
            n if PAGE_SIZES.contains(&n) => n,
            n => {
                return Err(format!(
                    "Page size {n} is not offered; choose 10, 25, 50 or 100."
                ))
            }
        };
        let cursor = Cursor::decode(&self.cursor).ok_or(
            "The page position in the address is damaged; start again from the first page.",
        )?;
        Ok(ValidQuery {
            name_prefix,
            thing_type,
            group,
            attribute,
            page_size,
            cursor,
        })
    }
}

/// One line of the devices table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRow {
    pub name: String,
    pub thing_type: Option<String>,
    pub attributes: Vec<(String, String)>,
    pub groups: Vec<String>,
    pub certificates: Vec<CertificateSummary>,
    /// Policies attached to any of the device's certificates, sorted, without repeats.
    pub policies: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateSummary {
    pub id: String,
    pub status: crate::domain::certificates::status::CertificateStatus,
    /// RFC 3339, UTC.
    pub not_after: Option<String>,
    /// Whole days until expiry (negative once expired), for colouring and sorting.
    pub days_left: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicePage {
    pub rows: Vec<DeviceRow>,
    /// Cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceDetail {
    pub name: String,
    pub arn: Option<String>,
    pub thing_type: Option<String>,
    pub version: Option<i64>,
    pub attributes: Vec<(String, String)>,
    pub groups: Vec<String>,
    pub certificates: Vec<CertificateDetail>,
    /// Principals that are not X.509 certificates (Cognito identities, …), by ARN.
    pub other_principals: Vec<String>,
    pub shadow: Option<ShadowView>,
    /// True when the policy documents and the shadow were left out: the viewer's role may
    /// not read policies (onboarding staff), and a policy document or a shadow says what a
    /// device may do and what it reports.
    #[serde(default)]
    pub documents_withheld: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateDetail {
    pub id: String,
    pub arn: String,
    pub status: crate::domain::certificates::status::CertificateStatus,
    pub not_before: Option<String>,
    pub not_after: Option<String>,
    pub days_left: Option<i64>,
    pub facts: Option<crate::domain::certificates::facts::CertificateFacts>,
    pub policies: Vec<PolicyView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyView {
    pub name: String,
    pub default_version: Option<String>,
    /// Pretty-printed JSON document (as stored when it is not valid JSON); `None` when
    /// withheld from the viewer (see [`DeviceDetail::documents_withheld`]).
    pub document: Option<String>,
}

/// The classic shadow's three parts, pretty-printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShadowView {
    pub desired: Option<String>,
    pub reported: Option<String>,
    pub delta: Option<String>,
    pub version: Option<i64>,
}

impl ShadowView {
    /// Builds the view from a shadow document as GetThingShadow returns it.
    pub fn from_document(doc: &serde_json::Value) -> ShadowView {
        let part = |key: &str| {
            doc.get("state")
                .and_then(|s| s.get(key))
                .filter(|v| !v.is_null())
                .map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
        };
        ShadowView {
            desired: part("desired"),
            reported: part("reported"),
            delta: part("delta"),
            version: doc.get("version").and_then(|v| v.as_i64()),
        }
    }
}

/// Pretty-prints a policy document; leaves it as it is when it is not JSON.
pub fn pretty_json(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| text.to_string())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThingTypeRow {
    pub name: String,
    pub description: Option<String>,
    pub searchable_attributes: Vec<String>,
    pub deprecated: bool,
    pub created: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThingGroupRow {
    pub name: String,
    pub description: Option<String>,
    pub parent: Option<String>,
    pub attributes: Vec<(String, String)>,
}

/// Sorted `(key, value)` pairs, so attributes show in a stable order.
pub fn sorted_pairs<'a>(
    it: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = it
        .into_iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_tokens_with_colons() {
        let c = Cursor {
            aws_token: Some("ab:cd==".into()),
            skip: 7,
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode(""), Some(Cursor::default()));
        assert_eq!(Cursor::decode("x:abc"), None);
        assert_eq!(Cursor::decode("nocolon"), None);
    }

    #[test]
    fn empty_query_means_first_page_of_everything() {
        let q = DeviceQuery::default().validate().unwrap();
        assert_eq!(q.page_size, DEFAULT_PAGE_SIZE);
        assert_eq!(q.name_prefix, None);
        assert_eq!(q.attribute, None);
        assert_eq!(q.cursor, Cursor::default());
    }

    #[test]
    fn attribute_filter_needs_key_and_value() {
        let q = DeviceQuery {
            attribute: " location = factory-001 ".into(),
            ..Default::default()
        };
        assert_eq!(
            q.validate().unwrap().attribute,
            Some(("location".into(), "factory-001".into()))
        );
        for bad in ["location", "=x", "k=", "k=v w"] {
            let q = DeviceQuery {
                attribute: bad.into(),
                ..Default::default()
            };
            assert!(q.validate().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn group_names_follow_aws_rules() {
        let q = DeviceQuery {
            group: "bad group".into(),
            ..Default::default()
        };
        assert!(q.validate().unwrap_err().contains("thing group"));
    }

    #[test]
    fn page_size_must_be_offered() {
        let q = DeviceQuery {
            page_size: 50,
            ..Default::default()
        };
        assert_eq!(q.validate().unwrap().page_size, 50);
        let q = DeviceQuery {
            page_size: 7,
            ..Default::default()
        };
        assert!(q.validate().is_err());
    }

    #[test]
    fn query_strings_leave_out_empty_fields_and_encode_values() {
        let q = DeviceQuery {
            attribute: "location=factory 1".into(),
            page_size: 50,
            cursor: "3:a/b".into(),
            ..Default::default()
        };
        assert_eq!(
            q.to_query_string(),
            "attribute=location%3Dfactory%201&page_size=50&cursor=3%3Aa%2Fb"
        );
        assert_eq!(DeviceQuery::default().to_query_string(), "");
    }

    #[test]
    fn pretty_json_keeps_the_documents_own_key_order() {
        let doc =
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect"}]}"#;
        let pretty = pretty_json(doc);
        assert!(
            pretty.find("Version").unwrap() < pretty.find("Statement").unwrap(),
            "{pretty}"
        );
        assert!(
            pretty.find("Effect").unwrap() < pretty.find("Action").unwrap(),
            "{pretty}"
        );
        assert_eq!(pretty_json("not json"), "not json");
    }

    #[test]
    fn shadow_view_splits_state() {
        let doc = serde_json::json!({"state": {"desired": {"t": 20}, "reported": {"t": 22}, "delta": {"t": 20}}, "version": 3});
        let v = ShadowView::from_document(&doc);
        assert!(v.desired.unwrap().contains("20"));
        assert!(v.reported.unwrap().contains("22"));
        assert!(v.delta.is_some());
        assert_eq!(v.version, Some(3));
        let v =
            ShadowView::from_document(&serde_json::json!({"state": {"reported": {"on": true}}}));
        assert_eq!(v.desired, None);
        assert_eq!(v.delta, None);
    }
}
