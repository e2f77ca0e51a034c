//! The X.509 certificate policy variables AWS IoT fills from a device's certificate.
//!
//! "X.509 Certificate AWS IoT Core policy variables",
//! <https://docs.aws.amazon.com/iot/latest/developerguide/cert-policy-variables.html>, and
//! "Using X.509 certificate policy variables",
//! <https://docs.aws.amazon.com/iot/latest/developerguide/use-policy-variables.html>: issuer
//! and subject attributes, issuer and subject alternative names, and the serial number.

use crate::domain::certificates::facts::{with_certificate, CertError};
use std::collections::BTreeMap;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::oid_registry::Oid;
use x509_parser::prelude::*;
use x509_parser::x509::X509Name;

/// Distinguished-name attributes AWS IoT exposes, by OID, under the names the guide uses.
const NAME_ATTRIBUTES: &[(&str, &str)] = &[
    ("2.5.4.46", "DistinguishedNameQualifier"),
    ("2.5.4.6", "Country"),
    ("2.5.4.10", "Organization"),
    ("2.5.4.11", "OrganizationalUnit"),
    ("2.5.4.8", "State"),
    ("2.5.4.3", "CommonName"),
    ("2.5.4.5", "SerialNumber"),
    ("2.5.4.12", "Title"),
    ("2.5.4.4", "Surname"),
    ("2.5.4.42", "GivenName"),
    ("2.5.4.43", "Initials"),
    ("2.5.4.65", "Pseudonym"),
    ("2.5.4.44", "GenerationQualifier"),
];

/// Context keys and values for the certificate in `pem_text`. An attribute with several
/// values appears once, under its `.List` name with all of them, as the guide's limitations
/// section describes for multi-valued attributes; a single value appears under both names.
pub fn certificate_policy_variables(
    pem_text: &str,
) -> Result<BTreeMap<String, Vec<String>>, CertError> {
    with_certificate(pem_text, variables)
}

fn variables(cert: &X509Certificate<'_>) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    name_variables("Subject", cert.subject(), &mut out);
    name_variables("Issuer", cert.issuer(), &mut out);
    for ext in cert.extensions() {
        let (which, names) = match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => {
                ("SubjectAlternativeName", &san.general_names)
            }
            ParsedExtension::IssuerAlternativeName(ian) => {
                ("IssuerAlternativeName", &ian.general_names)
            }
            _ => continue,
        };
        let mut by_kind: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for n in names {
            let (kind, value) = match n {
                GeneralName::RFC822Name(s) => ("RFC822Name", s.to_string()),
                GeneralName::DNSName(s) => ("DNSName", s.to_string()),
                GeneralName::URI(s) => ("UniformResourceIdentifier", s.to_string()),
                GeneralName::DirectoryName(d) => ("DirectoryName", d.to_string()),
                GeneralName::IPAddress(b) => match ip_text(b) {
                    Some(ip) => ("IPAddress", ip),
                    None => continue,
                },
                _ => continue,
            };
            by_kind.entry(kind).or_default().push(value);
        }
        for (kind, values) in by_kind {
            insert(&mut out, &format!("iot:Certificate.{which}.{kind}"), values);
        }
    }
    out.insert(
        "iot:Certificate.SerialNumber".into(),
        vec![cert.tbs_certificate.serial.to_string()],
    );
    out
}

fn name_variables(which: &str, name: &X509Name<'_>, out: &mut BTreeMap<String, Vec<String>>) {
    for (oid, label) in NAME_ATTRIBUTES {
        let Ok(oid) = oid.parse::<Oid>() else {
            continue;
        };
        let values: Vec<String> = name
            .iter_attributes()
            .filter(|a| *a.attr_type() == oid)
            .filter_map(|a| a.as_str().ok().map(str::to_string))
            .collect();
        if !values.is_empty() {
            insert(out, &format!("iot:Certificate.{which}.{label}"), values);
        }
    }
}

fn insert(out: &mut BTreeMap<String, Vec<String>>, key: &str, values: Vec<String>) {
    if values.len() == 1 {
        out.insert(key.to_string(), values.clone());
    }
    out.insert(format!("{key}.List"), values);
}

fn ip_text(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => Some(std::net::Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?).to_string()),
        16 => Some(std::net::Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?).to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The subject's common name and organisation become iot:Certificate.Subject.* variables
    // ("X.509 Certificate AWS IoT Core policy variables", Subject attributes).
    #[test]
    fn subject_and_issuer_attributes_become_variables() {
        let vars = certificate_policy_variables(include_str!("testdata/ec-p256.pem")).unwrap();
        let cn = vars
            .get("iot:Certificate.Subject.CommonName")
            .expect("subject CN");
        assert_eq!(cn.len(), 1);
        assert!(vars.contains_key("iot:Certificate.Subject.CommonName.List"));
        assert!(vars
            .keys()
            .any(|k| k.starts_with("iot:Certificate.Issuer.")));
        assert!(vars.contains_key("iot:Certificate.SerialNumber"));
        assert_eq!(
            certificate_policy_variables("not a pem"),
            Err(CertError::NotPem)
        );
    }
}
