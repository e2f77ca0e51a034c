//! One in-memory AWS account for the services' unit tests. [`Fake`] implements every narrow
//! trait of [`crate::server::aws`] over the same [`Account`], so what one call changes the
//! next call reads, whichever trait it goes through.
//!
//! - `account`: what the account holds, its seeding builders, and the [`Snapshot`] a test
//!   compares whole.
//! - `registry` (ThingRegistry, ShadowReader), `certificates` (CertificateDirectory),
//!   `policies` (PolicyStore, Principals), `provisioning` (Provisioner): the calls. They
//!   refuse what AWS refuses: deleting an ACTIVE or attached certificate or a thing with a
//!   principal, changing a REVOKED certificate, a sixth policy version, deleting the default
//!   one, attaching what does not exist. Like the emulator, detaching what is not attached and
//!   deleting what does not exist are NotFound. Listings page like AWS, [`Fake::page_size`]
//!   items a page, so a test with a small page crosses many.
//!
//! `profiles`, `job_store`: onboarding profiles and bulk jobs in memory ([`MemoryProfiles`],
//! [`MemoryJobs`]).
//!
//! Every call is logged by its AWS operation name (`calls`, `changes`, `count`). A test can
//! make call N of an operation fail (`fail_call`, `throttle_call`, `fail_every_call`), let
//! someone else change the account just before or after a call (`before_call`, `after_call`),
//! and make deletes wait for a detachment to propagate (`refuse_deletes_as_attached`). Every
//! call yields once, as a network call would, so concurrent calls overlap and
//! `max_in_flight` tells how many did.

mod account;
mod certificates;
mod job_store;
mod policies;
mod profiles;
mod provisioning;
mod registry;
mod tests;

pub use account::{
    arn_of, cert_id, thing_arn, Account, Certificate, Snapshot, Thing, POLICY_DOCUMENT,
};
pub use job_store::MemoryJobs;
pub use profiles::MemoryProfiles;
pub use provisioning::{AWS_MADE_PEM, AWS_MADE_PRIVATE_KEY, SIGNED_PEM};

use crate::server::aws::{certificate_id_of, AwsError, AwsErrorKind, Page, AWS_PAGE_SIZE};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

pub struct Fake(Mutex<Inner>);

/// A change someone else makes to the account.
type Meddle = Box<dyn FnOnce(&mut Account) + Send>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Moment {
    Before,
    After,
}

struct Hook {
    op: String,
    moment: Moment,
    meddle: Meddle,
}

struct Fault {
    op: String,
    /// The 1-based call of `op` to fail; `None` fails every one.
    nth: Option<usize>,
    kind: AwsErrorKind,
}

struct Call {
    text: String,
    change: bool,
}

struct Inner {
    account: Account,
    page_size: usize,
    log: Vec<Call>,
    /// Calls so far, by operation.
    counts: HashMap<&'static str, usize>,
    in_flight: HashMap<&'static str, usize>,
    max_in_flight: HashMap<&'static str, usize>,
    faults: Vec<Fault>,
    hooks: Vec<Hook>,
    /// Deletes still to refuse as "still attached".
    lagging_deletes: u32,
    /// Certificates and things the account has made.
    made: u32,
}

/// The request id the fake gives call `nth` of `op`: every error it returns quotes one.
pub fn request_id(op: &str, nth: usize) -> String {
    format!("req-{op}-{nth}")
}

/// Which call of its operation `calls[index]` is, as `(operation, nth)`: what to pass to
/// [`Fake::fail_call`] to make a run fail at that call. Calls are logged as `"Operation args"`.
pub fn occurrence<'c>(calls: &[&'c str], index: usize) -> (&'c str, usize) {
    let op_of = |c: &'c str| c.split(' ').next().unwrap_or(c);
    let op = op_of(calls[index]);
    let nth = calls[..=index].iter().filter(|c| op_of(c) == op).count();
    (op, nth)
}

/// How a principal appears in the log: a certificate by the first four characters of its
/// id, anything else whole.
fn short(principal_arn: &str) -> &str {
    certificate_id_of(principal_arn).map_or(principal_arn, short_id)
}

/// How a certificate id appears in the log: its first four characters.
fn short_id(id: &str) -> &str {
    id.get(..4).unwrap_or(id)
}

/// The sentence of an injected failure, as the SDK mapping words that kind.
fn injected(kind: AwsErrorKind, call: &str) -> AwsError {
    let message = match kind {
        AwsErrorKind::NotFound => format!("{call}: the resource does not exist"),
        AwsErrorKind::AccessDenied => format!("the console's AWS credentials may not {call}"),
        AwsErrorKind::Throttled => {
            "AWS is throttling the console's requests; try again shortly".to_string()
        }
        AwsErrorKind::Invalid => format!("AWS refused to {call}"),
        AwsErrorKind::Unavailable => format!("AWS could not {call} just now"),
    };
    AwsError {
        kind,
        message,
        request_id: None,
    }
}

impl Fake {
    pub fn new(account: Account) -> Fake {
        Fake(Mutex::new(Inner {
            account,
            page_size: AWS_PAGE_SIZE as usize,
            log: Vec::new(),
            counts: HashMap::new(),
            in_flight: HashMap::new(),
            max_in_flight: HashMap::new(),
            faults: Vec::new(),
            hooks: Vec::new(),
            lagging_deletes: 0,
            made: 0,
        }))
    }

    /// Listings give at most `n` items a page.
    pub fn page_size(self, n: usize) -> Fake {
        self.lock().page_size = n.max(1);
        self
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.0.lock().unwrap()
    }

    /// Call `nth` (1-based) of `op` fails with an error of `kind`, changing nothing.
    pub fn fail_call(&self, op: &str, nth: usize, kind: AwsErrorKind) {
        self.lock().faults.push(Fault {
            op: op.to_string(),
            nth: Some(nth),
            kind,
        });
    }

    /// Call `nth` of `op` is throttled (still, after the SDK's own retries).
    pub fn throttle_call(&self, op: &str, nth: usize) {
        self.fail_call(op, nth, AwsErrorKind::Throttled);
    }

    /// Every call of `op` from now on fails with an error of `kind`.
    pub fn fail_every_call(&self, op: &str, kind: AwsErrorKind) {
        self.lock().faults.push(Fault {
            op: op.to_string(),
            nth: None,
            kind,
        });
    }

    /// The next `n` deletes of a certificate or a thing are refused as still attached, as
    /// AWS refuses them until a detachment just made has propagated.
    pub fn refuse_deletes_as_attached(&self, n: u32) {
        self.lock().lagging_deletes = n;
    }

    /// Just before the next call of `op` is answered, `meddle` changes the account:
    /// someone else's change between the service's reads and its writes.
    pub fn before_call(&self, op: &str, meddle: impl FnOnce(&mut Account) + Send + 'static) {
        self.hook(op, Moment::Before, Box::new(meddle));
    }

    /// Just after the next call of `op` is answered, `meddle` changes the account: a
    /// change between a listing and the reads that follow it.
    pub fn after_call(&self, op: &str, meddle: impl FnOnce(&mut Account) + Send + 'static) {
        self.hook(op, Moment::After, Box::new(meddle));
    }

    fn hook(&self, op: &str, moment: Moment, meddle: Meddle) {
        self.lock().hooks.push(Hook {
            op: op.to_string(),
            moment,
            meddle,
        });
    }

    /// What exists now.
    pub fn snapshot(&self) -> Snapshot {
        self.lock().account.snapshot()
    }

    /// Every call, in order, as `"Operation args"`.
    pub fn calls(&self) -> Vec<String> {
        self.lock().log.iter().map(|c| c.text.clone()).collect()
    }

    /// The calls that change the account, in order.
    pub fn changes(&self) -> Vec<String> {
        let i = self.lock();
        i.log
            .iter()
            .filter(|c| c.change)
            .map(|c| c.text.clone())
            .collect()
    }

    /// How many calls only read.
    pub fn reads(&self) -> usize {
        self.lock().log.iter().filter(|c| !c.change).count()
    }

    /// How many calls of `op` were made.
    pub fn count(&self, op: &str) -> usize {
        self.lock().counts.get(op).copied().unwrap_or(0)
    }

    /// The most calls of `op` that were under way at once.
    pub fn max_in_flight(&self, op: &str) -> usize {
        self.lock().max_in_flight.get(op).copied().unwrap_or(0)
    }

    /// Forgets the calls made so far, and the faults and hooks not used yet: the account
    /// stays as it is, for a second run to start from.
    pub fn clear_calls(&self) {
        let mut i = self.lock();
        i.log.clear();
        i.counts.clear();
        i.faults.clear();
        i.hooks.clear();
    }

    /// A call that only reads.
    async fn read<T>(
        &self,
        op: &'static str,
        args: String,
        answer: impl FnOnce(&Inner) -> Result<T, AwsError> + Send,
    ) -> Result<T, AwsError> {
        self.serve(op, args, false, |i| answer(i)).await
    }

    /// A call that changes the account.
    async fn change<T>(
        &self,
        op: &'static str,
        args: String,
        answer: impl FnOnce(&mut Inner) -> Result<T, AwsError> + Send,
    ) -> Result<T, AwsError> {
        self.serve(op, args, true, answer).await
    }

    /// Logs the call, runs the hooks around it, and answers it, or fails it when a fault
    /// says so. Every error carries the call's request id.
    async fn serve<T>(
        &self,
        op: &'static str,
        args: String,
        change: bool,
        answer: impl FnOnce(&mut Inner) -> Result<T, AwsError> + Send,
    ) -> Result<T, AwsError> {
        let text = if args.is_empty() {
            op.to_string()
        } else {
            format!("{op} {args}")
        };
        let (nth, fault) = {
            let mut i = self.lock();
            let nth = {
                let n = i.counts.entry(op).or_default();
                *n += 1;
                *n
            };
            i.log.push(Call {
                text: text.clone(),
                change,
            });
            let now = {
                let n = i.in_flight.entry(op).or_default();
                *n += 1;
                *n
            };
            let max = i.max_in_flight.entry(op).or_default();
            *max = (*max).max(now);
            i.meddle(op, Moment::Before);
            let fault = i
                .faults
                .iter()
                .find(|f| f.op == op && f.nth.is_none_or(|n| n == nth))
                .map(|f| f.kind.clone());
            (nth, fault)
        };
        tokio::task::yield_now().await;
        let mut i = self.lock();
        *i.in_flight.entry(op).or_default() -= 1;
        let result = match fault {
            Some(kind) => Err(injected(kind, &text)),
            None => answer(&mut i),
        };
        i.meddle(op, Moment::After);
        result.map_err(|mut e| {
            e.request_id.get_or_insert_with(|| request_id(op, nth));
            e
        })
    }
}

impl Inner {
    /// Runs, once, the hooks waiting for this moment of a call of `op`.
    fn meddle(&mut self, op: &str, moment: Moment) {
        let (now, later): (Vec<Hook>, Vec<Hook>) = std::mem::take(&mut self.hooks)
            .into_iter()
            .partition(|h| h.op == op && h.moment == moment);
        self.hooks = later;
        for hook in now {
            (hook.meddle)(&mut self.account);
        }
    }

    /// One page of `items` from `token` (the offset, as AWS's tokens are opaque).
    fn page<T: Clone>(&self, items: &[T], token: Option<&str>) -> Result<Page<T>, AwsError> {
        let start = match token {
            None => 0,
            Some(t) => t.parse().map_err(|_| AwsError {
                kind: AwsErrorKind::Invalid,
                message: format!("AWS refused the request: {t:?} is not a next token"),
                request_id: None,
            })?,
        };
        let start = start.min(items.len());
        let end = (start + self.page_size).min(items.len());
        Ok(Page {
            items: items[start..end].to_vec(),
            next_token: (end < items.len()).then(|| end.to_string()),
        })
    }

    /// A refused delete, while a detachment has not propagated yet.
    fn lagging_delete(&mut self, what: &str) -> Result<(), AwsError> {
        if self.lagging_deletes == 0 {
            return Ok(());
        }
        self.lagging_deletes -= 1;
        Err(refused(format!(
            "delete {what}: it is still attached (the detachment has not propagated yet)"
        )))
    }
}

/// AWS's refusal of something the account's state does not allow.
fn refused(what: String) -> AwsError {
    AwsError {
        kind: AwsErrorKind::Invalid,
        message: format!("AWS refused to {what}"),
        request_id: None,
    }
}
