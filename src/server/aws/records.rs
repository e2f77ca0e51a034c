//! The console's own types for what the AWS calls return: the traits speak these, never
//! the SDK's.

use crate::domain::certificates::status::CertificateStatus;
use std::collections::HashMap;

/// The AWS page size the console asks for. Constant, so that a cursor's position inside an
/// AWS page points at the same item when the page is fetched again.
pub const AWS_PAGE_SIZE: i32 = 100;

/// One page of an AWS listing and the token of the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

/// A thing as ListThings / DescribeThing return it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThingRecord {
    pub name: String,
    pub arn: Option<String>,
    pub thing_type: Option<String>,
    pub attributes: HashMap<String, String>,
    pub version: Option<i64>,
}

/// Server-side filters AWS applies in ListThings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThingFilter {
    pub thing_type: Option<String>,
    pub attribute: Option<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThingTypeRecord {
    pub name: String,
    pub description: Option<String>,
    pub searchable_attributes: Vec<String>,
    pub deprecated: bool,
    pub created: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThingGroupRecord {
    pub name: String,
    pub description: Option<String>,
    pub parent: Option<String>,
    pub attributes: HashMap<String, String>,
}

/// A certificate as ListCertificates returns it (its status is read from the describe that
/// every row makes, so it is not kept here).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateListing {
    pub id: String,
    pub arn: String,
    /// Unix seconds.
    pub created: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRecord {
    pub id: String,
    pub arn: String,
    pub status: CertificateStatus,
    /// Unix seconds, DescribeCertificate's creationDate.
    pub created: Option<i64>,
    /// Unix seconds, from DescribeCertificate's validity.
    pub not_before: Option<i64>,
    pub not_after: Option<i64>,
    pub pem: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyRecord {
    pub name: String,
    pub document: String,
    pub default_version: Option<String>,
}

/// A policy as ListPolicies returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicySummary {
    pub name: String,
    pub arn: String,
}

/// One version of a policy as ListPolicyVersions returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyVersionRecord {
    pub version_id: String,
    pub is_default: bool,
    /// Unix seconds.
    pub created: Option<i64>,
}
