//! The lifecycle service over the fake account ([`crate::server::aws::fake`]): rotation and
//! removal, their refusals, failures at every step, and what a failed run leaves.

mod removal;
mod rotation;

use super::*;
use crate::domain::certificates::status::CertificateStatus;
use crate::domain::runs::{LiveRun, Step, StepStatus};
use crate::server::aws::fake::Fake;
use crate::server::aws::AwsErrorKind;
use crate::server::runs::RunError;
use crate::server::service_error::ServiceError;

/// The service over `fake`, retrying a refused delete at once (no waiting in tests).
fn service(fake: &Arc<Fake>) -> Lifecycle {
    let mut s = Lifecycle::new(fake.clone(), fake.clone(), fake.clone(), fake.clone());
    s.settle = &[Duration::ZERO];
    s
}

/// Collects every run `report` publishes.
#[derive(Default)]
struct Seen(std::sync::Mutex<Vec<LiveRun>>);

impl Seen {
    fn report(&self) -> impl Fn(&LiveRun) + Send + Sync + '_ {
        |r: &LiveRun| self.0.lock().unwrap().push(r.clone())
    }

    fn runs(self) -> Vec<LiveRun> {
        self.0.into_inner().unwrap()
    }
}

fn statuses(steps: &[Step]) -> Vec<StepStatus> {
    steps.iter().map(|s| s.status.clone()).collect()
}
