//! Provisioning one device (the wizard's "Review and create"): what the browser asks for, the
//! AWS calls it turns into, each with its live status, and what comes back. These types cross
//! between the server and the browser (WASM), so counts and indexes are `u32`, never `usize`.

use crate::domain::certificates::facts::{
    parse_certificate_pem, with_certificate, CertError, CertificateFacts,
};
use crate::domain::onboarding::csr::MIN_RSA_BITS;
use crate::domain::runs::{planned_run, LiveRun, Step};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One device to create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionRequest {
    pub thing_name: String,
    pub thing_type: Option<String>,
    /// `(name, value)`, in the order the user gave them.
    pub attributes: Vec<(String, String)>,
    pub groups: Vec<String>,
    pub policies: Vec<String>,
    pub certificate: CertificateSource,
}

/// Where the device's certificate comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertificateSource {
    /// A CSR made in the browser (the private key never leaves it): `CreateCertificateFromCsr`.
    Csr(String),
    /// `CreateKeysAndCertificate`: AWS makes the key pair; the private key passes through the
    /// server once, into the run's one response.
    AwsGenerated,
    /// A device certificate the user brings, registered without a CA.
    Existing { pem: String },
}

/// The AWS call a step makes, in run order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepAction {
    /// `DescribeThing`: a thing with the name must not exist yet.
    CheckName,
    CreateThing,
    AddToGroup(String),
    /// `CreateCertificateFromCsr`, `CreateKeysAndCertificate` or `RegisterCertificateWithoutCA`.
    Certificate,
    AttachPolicy(String),
    /// `AttachThingPrincipal`.
    AttachToThing,
}

impl StepAction {
    /// The steps a request makes, in the order they run.
    pub fn planned(req: &ProvisionRequest) -> Vec<StepAction> {
        let mut steps = vec![StepAction::CheckName, StepAction::CreateThing];
        steps.extend(req.groups.iter().cloned().map(StepAction::AddToGroup));
        steps.push(StepAction::Certificate);
        steps.extend(req.policies.iter().cloned().map(StepAction::AttachPolicy));
        steps.push(StepAction::AttachToThing);
        steps
    }

    /// What the review page shows for the step: "Create thing sensor-9".
    pub fn label(&self, req: &ProvisionRequest) -> String {
        let thing = &req.thing_name;
        match self {
            StepAction::CheckName => format!("Check that no thing is named {thing} yet"),
            StepAction::CreateThing => format!("Create thing {thing}"),
            StepAction::AddToGroup(g) => format!("Add {thing} to thing group {g}"),
            StepAction::Certificate => match &req.certificate {
                CertificateSource::Csr(_) => "Create the certificate from the CSR".to_string(),
                CertificateSource::AwsGenerated => {
                    "Create a key pair and certificate in AWS".to_string()
                }
                CertificateSource::Existing { .. } => {
                    "Register the certificate (without a CA)".to_string()
                }
            },
            StepAction::AttachPolicy(p) => format!("Attach policy {p} to the certificate"),
            StepAction::AttachToThing => format!("Attach the certificate to {thing}"),
        }
    }
}

impl LiveRun {
    /// Every step of the request, all pending: what the page shows before the run starts.
    pub fn planned(req: &ProvisionRequest) -> LiveRun {
        planned_run(
            &req.thing_name,
            StepAction::planned(req).iter().map(|a| a.label(req)),
        )
    }
}

/// A successful run: what was created. `aws_private_key_pem` is set only for
/// [`CertificateSource::AwsGenerated`], in this one response; it is never stored or logged,
/// and `Debug` does not show it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionOutcome {
    pub steps: Vec<Step>,
    pub thing_name: String,
    pub thing_arn: String,
    pub certificate_id: String,
    pub certificate_arn: String,
    pub certificate_pem: String,
    pub aws_private_key_pem: Option<String>,
}

impl fmt::Debug for ProvisionOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProvisionOutcome")
            .field("steps", &self.steps)
            .field("thing_name", &self.thing_name)
            .field("thing_arn", &self.thing_arn)
            .field("certificate_id", &self.certificate_id)
            .field("certificate_arn", &self.certificate_arn)
            .field("certificate_pem", &self.certificate_pem)
            .field(
                "aws_private_key_pem",
                &self.aws_private_key_pem.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Checks a device certificate the user brings before it is registered: one PEM
/// certificate, valid at `now` (Unix seconds), with a key AWS IoT accepts (RSA of at least
/// 2048 bits, or EC on NIST P-256, P-384 or P-521). The error is one sentence.
pub fn check_certificate_pem(pem_text: &str, now: i64) -> Result<CertificateFacts, String> {
    let text = pem_text.trim();
    if !text.starts_with("-----BEGIN CERTIFICATE-----") {
        return Err(
            "The certificate is not PEM text: it must start with \"-----BEGIN CERTIFICATE-----\"."
                .into(),
        );
    }
    let unreadable = |e: CertError| format!("The certificate could not be read: {e}.");
    let facts = parse_certificate_pem(text).map_err(unreadable)?;
    let (not_before, not_after) = with_certificate(text, |c| {
        (
            c.validity().not_before.timestamp(),
            c.validity().not_after.timestamp(),
        )
    })
    .map_err(unreadable)?;
    if now < not_before {
        return Err(format!(
            "The certificate is not valid until {}.",
            facts.not_before
        ));
    }
    if now > not_after {
        return Err(format!("The certificate expired on {}.", facts.not_after));
    }
    match facts.key_algorithm.as_str() {
        "EC P-256" | "EC P-384" | "EC P-521" => Ok(facts),
        "RSA" if facts.key_bits >= MIN_RSA_BITS => Ok(facts),
        "RSA" => Err(format!(
            "The certificate's RSA key has {} bits; AWS IoT requires at least {MIN_RSA_BITS}.",
            facts.key_bits
        )),
        other => Err(format!(
            "The certificate's key ({other}) is not accepted; AWS IoT takes RSA (at least {MIN_RSA_BITS} bits) or EC on NIST P-256, P-384 or P-521."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::runs::StepStatus;

    fn request(certificate: CertificateSource) -> ProvisionRequest {
        ProvisionRequest {
            thing_name: "sensor-9".into(),
            thing_type: None,
            attributes: vec![],
            groups: vec!["G1".into(), "G2".into()],
            policies: vec!["P".into()],
            certificate,
        }
    }

    #[test]
    fn plans_every_call_in_order_with_labels() {
        let run = LiveRun::planned(&request(CertificateSource::Csr("x".into())));
        let labels: Vec<&str> = run.steps.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(
            labels,
            vec![
                "Check that no thing is named sensor-9 yet",
                "Create thing sensor-9",
                "Add sensor-9 to thing group G1",
                "Add sensor-9 to thing group G2",
                "Create the certificate from the CSR",
                "Attach policy P to the certificate",
                "Attach the certificate to sensor-9",
            ]
        );
        assert!(run.steps.iter().all(|s| s.status == StepStatus::Pending));
        assert!(!run.is_finished());
        assert_eq!(run.done_count(), 0);
    }

    #[test]
    fn outcome_debug_hides_the_private_key() {
        let o = ProvisionOutcome {
            steps: vec![],
            thing_name: "t".into(),
            thing_arn: "arn".into(),
            certificate_id: "c".into(),
            certificate_arn: "arn:c".into(),
            certificate_pem: "PEM".into(),
            aws_private_key_pem: Some("-----BEGIN RSA PRIVATE KEY-----secret".into()),
        };
        let shown = format!("{o:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }

    // An EC P-256 certificate valid for ten years (domain/certificates/testdata).
    const CERT: &str = include_str!("../certificates/testdata/ec-p256.pem");

    #[test]
    fn brought_certificates_are_checked() {
        let facts = with_certificate(CERT, |c| {
            (
                c.validity().not_before.timestamp(),
                c.validity().not_after.timestamp(),
            )
        })
        .unwrap();
        let inside = facts.0 + 60;
        assert_eq!(
            check_certificate_pem(CERT, inside).unwrap().key_algorithm,
            "EC P-256"
        );
        assert!(check_certificate_pem(CERT, facts.1 + 1)
            .unwrap_err()
            .starts_with("The certificate expired on"));
        assert!(check_certificate_pem(CERT, facts.0 - 1)
            .unwrap_err()
            .starts_with("The certificate is not valid until"));
        assert!(check_certificate_pem("hello", inside)
            .unwrap_err()
            .contains("not PEM"));
    }
}
