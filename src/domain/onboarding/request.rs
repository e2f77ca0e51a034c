//! Every check a one-device request must pass before anything is created. The wizard runs
//! these in the browser as the user types; the server runs them again before any AWS call.

use crate::domain::onboarding::check_csr_pem;
use crate::domain::onboarding::rules::{
    check_attribute_count, check_attribute_name, check_attribute_value, check_group_count,
    check_policy_name, check_thing_group_name, check_thing_name, check_thing_type_name,
};
use crate::domain::provisioning::{check_certificate_pem, CertificateSource, ProvisionRequest};
use std::collections::BTreeSet;

/// One sentence per problem, in the order of the wizard's fields; empty when the request
/// may run. `now` (Unix seconds) is for a brought certificate's validity.
pub fn request_problems(req: &ProvisionRequest, now: i64) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |r: Result<(), String>| {
        if let Err(e) = r {
            out.push(e);
        }
    };
    check(check_thing_name(&req.thing_name));
    if let Some(t) = &req.thing_type {
        check(check_thing_type_name(t));
    }
    for (name, value) in &req.attributes {
        check(check_attribute_name(name));
        check(check_attribute_value(value));
    }
    check(twice(
        "attribute",
        req.attributes.iter().map(|(name, _)| name.as_str()),
    ));
    check(check_attribute_count(
        count(req.attributes.len()),
        req.thing_type.is_some(),
    ));
    for g in &req.groups {
        check(check_thing_group_name(g));
    }
    check(twice("thing group", req.groups.iter().map(String::as_str)));
    check(check_group_count(count(req.groups.len())));
    for p in &req.policies {
        check(check_policy_name(p));
    }
    check(twice("policy", req.policies.iter().map(String::as_str)));
    match &req.certificate {
        CertificateSource::Csr(pem) => check(check_csr_pem(pem).map(|_| ())),
        CertificateSource::AwsGenerated => {}
        CertificateSource::Existing { pem } => check(check_certificate_pem(pem, now).map(|_| ())),
    }
    out
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The first name given twice.
fn twice<'a>(what: &str, names: impl Iterator<Item = &'a str>) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for n in names {
        if !seen.insert(n) {
            return Err(format!("The {what} \"{n}\" is given twice; give it once."));
        }
    }
    Ok(())
}
