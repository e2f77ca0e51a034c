//! Every check a one-device request must pass before anything is created. The wizard runs
//! these in the browser as the user types; the server runs them again before any AWS call.

use crate::domain::aws_names::{
    check_attribute_count, check_attribute_name, check_attribute_value, check_group_count,
    check_policy_name, check_thing_group_name, check_thing_name, check_thing_type_name,
};
use crate::domain::onboarding::check_csr_pem;
use crate::domain::onboarding::provisioning::{
    check_certificate_pem, CertificateSource, ProvisionRequest,
};
use crate::domain::onboarding::{OnboardRow, MAX_ROWS};
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
/// The problems of the rows a job is asked to create: the same checks the wizard makes, one
/// sentence each, prefixed with the row's line. Empty when the job may be stored.
pub fn row_problems(rows: &[(u32, OnboardRow)], now: i64) -> Vec<String> {
    let mut out = Vec::new();
    if rows.is_empty() {
        out.push("The job has no rows.".to_string());
    }
    if rows.len() > MAX_ROWS as usize {
        // Refused before any row is checked: each check parses and verifies a CSR.
        out.push(format!(
            "The job has {} rows; a job takes at most {MAX_ROWS}.",
            rows.len()
        ));
        return out;
    }
    let mut seen = BTreeSet::new();
    for (line, row) in rows {
        let Some(csr) = &row.csr_pem else {
            out.push(format!(
                "Line {line} ({}): the row has no CSR.",
                row.thing_name
            ));
            continue;
        };
        if !seen.insert(row.thing_name.as_str()) {
            out.push(format!(
                "Line {line}: the thing name {} is given twice.",
                row.thing_name
            ));
        }
        let request = ProvisionRequest {
            thing_name: row.thing_name.clone(),
            thing_type: row.thing_type.clone(),
            attributes: row.attributes.clone(),
            groups: row.groups.clone(),
            policies: row.policies.clone(),
            certificate: CertificateSource::Csr(csr.clone()),
        };
        for p in request_problems(&request, now) {
            out.push(format!("Line {line} ({}): {p}", row.thing_name));
        }
    }
    out
}
