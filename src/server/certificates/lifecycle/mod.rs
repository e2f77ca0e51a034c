//! The certificate lifecycle service: rotating a device's certificate, and removing a device,
//! each one action made of steps with live status, like provisioning (whose `Live`, `Undo`,
//! [`RunError`] and failure sentence it reuses).
//!
//! - `rotate`: a new certificate from the device's CSR takes over the old one's policies and
//!   things, then the old one is set INACTIVE; a failure undoes the run and leaves the old
//!   certificate as it was.
//! - `remove`: everything a device is made of goes, in the order AWS allows; a failure stops
//!   the run (nothing is undone: the device is being removed) and names what remains. Every
//!   step accepts "already gone", so running it again finishes the job.
//!
//! Both check what they are asked against AWS first and refuse (a [`ServiceError`](crate::server::service_error::ServiceError) sentence,
//! before any change) what cannot run. The `plan_*` calls make the same checks and return
//! the steps, all pending, for the confirmation screen; the runs check again, since the
//! account may have changed in between.

mod remove;
mod rotate;

#[cfg(test)]
mod tests;

use crate::server::aws::{CertificateDirectory, Principals, Provisioner, ThingRegistry};
use std::sync::Arc;
use std::time::Duration;

/// How long to wait before each retry of a delete that AWS refuses because the detachment
/// just made has not reached it yet (see `remove`): about seven seconds in all.
const SETTLE: &[Duration] = &[
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
];

pub struct Lifecycle {
    /// The changes: certificates, attachments, group membership, deletion.
    aws: Arc<dyn Provisioner>,
    /// The thing, its groups and principals.
    registry: Arc<dyn ThingRegistry>,
    /// A certificate's status and policies.
    certificates: Arc<dyn CertificateDirectory>,
    /// The things a certificate is attached to (ListPrincipalThings).
    principals: Arc<dyn Principals>,
    settle: &'static [Duration],
}

impl Lifecycle {
    pub fn new(
        aws: Arc<dyn Provisioner>,
        registry: Arc<dyn ThingRegistry>,
        certificates: Arc<dyn CertificateDirectory>,
        principals: Arc<dyn Principals>,
    ) -> Self {
        Lifecycle {
            aws,
            registry,
            certificates,
            principals,
            settle: SETTLE,
        }
    }
}
