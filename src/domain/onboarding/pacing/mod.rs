//! Pacing for the bulk onboarding job: one token bucket per AWS IoT control-plane API, so
//! that thousands of devices are registered without going over AWS IoT Core's per-API
//! transactions-per-second quotas, and exponential back-off with jitter when AWS throttles
//! anyway (the quota is per account and Region, so other callers share it).
//!
//! Pure: time is passed in as seconds (`f64`, any fixed origin) and randomness as a number in
//! `[0, 1)`, so the server, the tests and the browser (WASM) run the same code.

use std::fmt;

/// The AWS IoT control-plane APIs the onboarding and offboarding jobs call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Api {
    DescribeThing,
    CreateThing,
    AddThingToThingGroup,
    CreateCertificateFromCsr,
    AttachPolicy,
    AttachThingPrincipal,
    ListThingPrincipals,
    DescribeCertificate,
    ListCertificates,
    UpdateCertificate,
    DeleteCertificate,
    DetachPolicy,
    DetachThingPrincipal,
    DeleteThing,
    RemoveThingFromThingGroup,
    ListPrincipalThings,
    ListAttachedPolicies,
}

/// How many APIs [`Api`] has; the length of [`Api::ALL`].
const API_COUNT: usize = 17;

impl Api {
    /// Every API, in declaration order (the order `--rate` errors list them in).
    pub const ALL: [Api; API_COUNT] = [
        Api::DescribeThing,
        Api::CreateThing,
        Api::AddThingToThingGroup,
        Api::CreateCertificateFromCsr,
        Api::AttachPolicy,
        Api::AttachThingPrincipal,
        Api::ListThingPrincipals,
        Api::DescribeCertificate,
        Api::ListCertificates,
        Api::UpdateCertificate,
        Api::DeleteCertificate,
        Api::DetachPolicy,
        Api::DetachThingPrincipal,
        Api::DeleteThing,
        Api::RemoveThingFromThingGroup,
        Api::ListPrincipalThings,
        Api::ListAttachedPolicies,
    ];

    /// The operation's name as AWS writes it, e.g. `CreateThing`.
    pub fn aws_name(self) -> &'static str {
        match self {
            Api::DescribeThing => "DescribeThing",
            Api::CreateThing => "CreateThing",
            Api::AddThingToThingGroup => "AddThingToThingGroup",
            Api::CreateCertificateFromCsr => "CreateCertificateFromCsr",
            Api::AttachPolicy => "AttachPolicy",
            Api::AttachThingPrincipal => "AttachThingPrincipal",
            Api::ListThingPrincipals => "ListThingPrincipals",
            Api::DescribeCertificate => "DescribeCertificate",
            Api::ListCertificates => "ListCertificates",
            Api::UpdateCertificate => "UpdateCertificate",
            Api::DeleteCertificate => "DeleteCertificate",
            Api::DetachPolicy => "DetachPolicy",
            Api::DetachThingPrincipal => "DetachThingPrincipal",
            Api::DeleteThing => "DeleteThing",
            Api::RemoveThingFromThingGroup => "RemoveThingFromThingGroup",
            Api::ListPrincipalThings => "ListPrincipalThings",
            Api::ListAttachedPolicies => "ListAttachedPolicies",
        }
    }

    /// AWS IoT Core's default quota for the API, in transactions per second, per account and
    /// Region. Accounts can have them raised, hence `--rate`.
    ///
    /// Source: "AWS IoT Core endpoints and quotas", section "AWS IoT Core API throttling
    /// limits", <https://docs.aws.amazon.com/general/latest/gr/iot-core.html#throttling-limits>.
    /// The thing and thing-principal values are the current Service Quotas defaults (quota
    /// names `<API> API TPS`, service code `iotcore`, e.g. CreateThing L-64CBACAC = 100,
    /// DescribeThing L-0EF0F5EE = 350). The certificate and policy values could not be checked
    /// against the current page; they are the values of the last published AWS IoT Developer
    /// Guide table ("AWS IoT Throttling Limits", 2019), which AWS has only raised since, so
    /// they err on the slow side.
    pub fn default_rate(self) -> f64 {
        match self {
            Api::DescribeThing => 350.0,
            Api::CreateThing
            | Api::AddThingToThingGroup
            | Api::AttachThingPrincipal
            | Api::DetachThingPrincipal
            | Api::DeleteThing
            | Api::RemoveThingFromThingGroup => 100.0,
            Api::ListThingPrincipals => 10.0,
            // Not confirmed against the current page (see above).
            Api::CreateCertificateFromCsr | Api::AttachPolicy | Api::DetachPolicy => 15.0,
            Api::DescribeCertificate
            | Api::ListPrincipalThings
            | Api::ListAttachedPolicies
            | Api::ListCertificates
            | Api::UpdateCertificate
            | Api::DeleteCertificate => 10.0,
        }
    }

    /// The API named `name`, ignoring case (`creatething` is `CreateThing`), so that `--rate`
    /// accepts what people type.
    pub fn from_aws_name(name: &str) -> Option<Api> {
        let name = name.trim();
        Api::ALL
            .into_iter()
            .find(|a| a.aws_name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.aws_name())
    }
}

/// The rate, in requests per second, the job allows itself for each API.
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimits {
    /// Indexed by `Api as usize`.
    rates: [f64; API_COUNT],
}

impl Default for RateLimits {
    /// [`RateLimits::aws_defaults`].
    fn default() -> Self {
        RateLimits::aws_defaults()
    }
}

impl RateLimits {
    /// AWS IoT Core's default quotas ([`Api::default_rate`]).
    pub fn aws_defaults() -> RateLimits {
        RateLimits {
            rates: Api::ALL.map(Api::default_rate),
        }
    }

    /// The rate for `api`, in requests per second.
    pub fn rate(&self, api: Api) -> f64 {
        self.rates[api as usize]
    }

    /// These limits with `--rate API=N` options applied, e.g. `CreateThing=20` or
    /// `creatething=2.5`, for accounts whose quotas were raised, or to leave room for other
    /// callers. The first bad option is reported.
    pub fn with_overrides(mut self, specs: &[String]) -> Result<RateLimits, String> {
        for spec in specs {
            let spec = spec.trim();
            let Some((name, value)) = spec.split_once('=') else {
                return Err(format!(
                    "The option --rate {spec} must look like API=N, for example --rate CreateThing=20."
                ));
            };
            let name = name.trim();
            let Some(api) = Api::from_aws_name(name) else {
                let known: Vec<&str> = Api::ALL.iter().map(|a| a.aws_name()).collect();
                return Err(format!(
                    "Unknown API \"{name}\" in --rate {spec}; known APIs: {}.",
                    known.join(", ")
                ));
            };
            match value.trim().parse::<f64>() {
                Ok(rate) if rate.is_finite() && rate > 0.0 => self.rates[api as usize] = rate,
                _ => {
                    return Err(format!(
                        "The rate in --rate {spec} must be a number greater than 0."
                    ))
                }
            }
        }
        Ok(self)
    }

    /// Every rate times `factor`, e.g. 0.8 to leave a fifth of each quota to other callers
    /// in the account. A factor that is not a finite number greater than 0 leaves the rates
    /// unchanged (it would stop the job or remove the limit).
    pub fn scaled(mut self, factor: f64) -> RateLimits {
        if factor.is_finite() && factor > 0.0 {
            for r in &mut self.rates {
                *r *= factor;
            }
        }
        self
    }
}

/// The lowest rate a throttled bucket slows to, as a fraction of its configured rate: low
/// enough to get under a quota that others share, high enough that the job still moves.
const MIN_RATE_FRACTION: f64 = 0.1;
/// The floor of the lowest rate, in requests per second.
const MIN_RATE_FLOOR: f64 = 0.1;
/// How much of the configured rate each success gives back after throttling: additive
/// increase, multiplicative decrease, as TCP does, so that many callers settle on a fair share.
const RECOVERY_FRACTION: f64 = 0.05;

/// A token bucket for one API, in the reservation style: [`TokenBucket::reserve`] says how
/// long to wait instead of blocking, so an async caller holds its lock only for the call and
/// sleeps outside it. Waiting callers leave the bucket in debt, so each one that comes later
/// gets a later slot, in arrival order.
///
/// Adaptive: [`TokenBucket::throttled`] halves the rate, [`TokenBucket::succeeded`] brings it
/// back a little at a time, never above the configured rate.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenBucket {
    /// The rate asked for, in tokens per second.
    configured: f64,
    /// The rate now, between `min_rate` and `configured`.
    rate: f64,
    min_rate: f64,
    /// The most tokens the bucket holds: how many calls may go at once after a quiet spell.
    burst: f64,
    /// Tokens now; negative while callers are waiting for slots already handed out.
    tokens: f64,
    /// When `tokens` was last brought up to date.
    updated: f64,
}

impl TokenBucket {
    /// A full bucket refilling at `rate_per_sec` and holding at most `burst` tokens, at time
    /// `now` (seconds). A rate that is not a finite number greater than 0 is taken as 1 per
    /// second, and a burst below 1 as 1, since a bucket that never holds a whole token would
    /// never let a call through.
    pub fn new(rate_per_sec: f64, burst: f64, now: f64) -> TokenBucket {
        let configured = if rate_per_sec.is_finite() && rate_per_sec > 0.0 {
            rate_per_sec
        } else {
            1.0
        };
        let burst = if burst.is_finite() && burst >= 1.0 {
            burst
        } else {
            1.0
        };
        // The floor never exceeds the configured rate, so a slow `--rate` stays as asked.
        let min_rate = (configured * MIN_RATE_FRACTION)
            .max(MIN_RATE_FLOOR)
            .min(configured);
        TokenBucket {
            configured,
            rate: configured,
            min_rate,
            burst,
            tokens: burst,
            updated: now,
        }
    }

    /// Take a token for one call at `now` and return how many seconds to wait before making
    /// it: 0 when a token was there, otherwise the time until this call's slot. The token is
    /// taken either way, so call this once per call.
    pub fn reserve(&mut self, now: f64) -> f64 {
        self.refill(now);
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            0.0
        } else {
            -self.tokens / self.rate
        }
    }

    /// AWS throttled a call at `now`: halve the rate, down to the minimum (a tenth of the
    /// configured rate, at least 0.1 per second), and drop any saved-up burst, which is
    /// what got the job over the quota.
    pub fn throttled(&mut self, now: f64) {
        self.refill(now);
        self.rate = (self.rate / 2.0).max(self.min_rate);
        self.tokens = self.tokens.min(0.0);
    }

    /// A call succeeded at `now`: raise the rate by 5% of the configured rate, up to the
    /// configured rate.
    pub fn succeeded(&mut self, now: f64) {
        self.refill(now);
        self.rate = (self.rate + self.configured * RECOVERY_FRACTION).min(self.configured);
    }

    /// The rate now, in calls per second.
    pub fn current_rate(&self) -> f64 {
        self.rate
    }

    /// The rate the bucket was made with, in calls per second.
    pub fn configured_rate(&self) -> f64 {
        self.configured
    }

    /// Add the tokens earned since the last update at the current rate, up to `burst`. A
    /// `now` earlier than the last update (clocks are not ours) adds nothing.
    fn refill(&mut self, now: f64) {
        if now > self.updated {
            self.tokens = (self.tokens + (now - self.updated) * self.rate).min(self.burst);
            self.updated = now;
        }
    }
}

/// How many times the job tries one call before it reports the row as failed.
pub const MAX_ATTEMPTS: u32 = 8;
/// The first back-off's upper bound, in seconds.
pub const BACKOFF_BASE: f64 = 0.1;
/// The largest back-off, in seconds.
pub const BACKOFF_CAP: f64 = 10.0;

/// Seconds to wait before retry number `attempt` (0 for the first retry) of a throttled or
/// failed call: "full jitter", `unit_random × min(cap, base × 2^attempt)` with base 0.1 s and
/// cap 10 s. Spreading retries at random keeps callers that were throttled together from
/// coming back together ("Exponential Backoff And Jitter", AWS Architecture Blog,
/// <https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/>).
///
/// `unit_random` is a random number in `[0, 1)`; values outside are clamped, and one that is
/// not a number counts as 0.
pub fn backoff_delay(attempt: u32, unit_random: f64) -> f64 {
    let unit = if unit_random.is_nan() {
        0.0
    } else {
        unit_random.clamp(0.0, 1.0)
    };
    // 2^64 is far past the cap already; capping the exponent keeps powi in range.
    let ceiling = (BACKOFF_BASE * 2f64.powi(attempt.min(64) as i32)).min(BACKOFF_CAP);
    unit * ceiling
}

#[cfg(test)]
mod tests;
