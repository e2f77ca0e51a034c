//! Keeps a job under AWS's per-API rates: every call waits for its API's token bucket, and a
//! throttled call slows that API down and is tried again after a jittered back-off.

use crate::domain::onboarding::pacing::{
    backoff_delay, Api, RateLimits, TokenBucket, MAX_ATTEMPTS,
};
use crate::server::aws::{AwsError, AwsErrorKind};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;
// Tokio's clock: the same as std's, except that tests can pause it.
use tokio::time::Instant;

pub struct Pacer {
    buckets: Mutex<HashMap<Api, TokenBucket>>,
    start: Instant,
}

impl Pacer {
    /// One bucket per API, each allowing a second's worth of calls at once.
    pub fn new(limits: &RateLimits) -> Pacer {
        let buckets = Api::ALL
            .into_iter()
            .map(|api| {
                let rate = limits.rate(api);
                (api, TokenBucket::new(rate, rate.max(1.0), 0.0))
            })
            .collect();
        Pacer {
            buckets: Mutex::new(buckets),
            start: Instant::now(),
        }
    }

    fn now(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    fn with_bucket<T>(&self, api: Api, f: impl FnOnce(&mut TokenBucket, f64) -> T) -> T {
        let now = self.now();
        // A poisoned lock only means another call panicked mid-update; the numbers are still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = buckets
            .get_mut(&api)
            .expect("every API has a bucket from Pacer::new");
        f(bucket, now)
    }

    /// Makes the call `call` when `api`'s bucket allows; on throttling, slows the API down and
    /// tries again, at most [`MAX_ATTEMPTS`] times in all.
    pub async fn call<T, F, Fut>(&self, api: Api, mut call: F) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AwsError>>,
    {
        let mut attempt = 0;
        loop {
            let wait = self.with_bucket(api, |b, now| b.reserve(now));
            if wait > 0.0 {
                tokio::time::sleep(Duration::from_secs_f64(wait)).await;
            }
            match call().await {
                Err(e) if e.kind == AwsErrorKind::Throttled && attempt + 1 < MAX_ATTEMPTS => {
                    self.with_bucket(api, |b, now| b.throttled(now));
                    let delay = backoff_delay(attempt, rand::random::<f64>());
                    tracing::debug!(
                        api = api.aws_name(),
                        attempt,
                        delay,
                        "throttled; backing off"
                    );
                    tokio::time::sleep(Duration::from_secs_f64(delay)).await;
                    attempt += 1;
                }
                Ok(v) => {
                    self.with_bucket(api, |b, now| b.succeeded(now));
                    return Ok(v);
                }
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn throttled() -> AwsError {
        AwsError {
            kind: AwsErrorKind::Throttled,
            message: "AWS is throttling the console's requests; try again shortly".into(),
            request_id: None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_throttled_call_is_tried_again_and_slows_its_api() {
        let pacer = Pacer::new(&RateLimits::aws_defaults());
        let calls = AtomicU32::new(0);
        let result = pacer
            .call(Api::CreateThing, || async {
                match calls.fetch_add(1, Ordering::SeqCst) {
                    0 | 1 => Err(throttled()),
                    _ => Ok("made"),
                }
            })
            .await;
        assert_eq!(result, Ok("made"));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        let rate = pacer.with_bucket(Api::CreateThing, |b, _| b.current_rate());
        assert!(rate < Api::CreateThing.default_rate(), "slowed to {rate}");
        let other = pacer.with_bucket(Api::AttachPolicy, |b, _| b.current_rate());
        assert_eq!(
            other,
            Api::AttachPolicy.default_rate(),
            "other APIs keep their pace"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn it_gives_up_after_the_last_attempt_and_passes_other_errors_at_once() {
        let pacer = Pacer::new(&RateLimits::aws_defaults());
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = pacer
            .call(Api::AttachPolicy, || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(throttled())
            })
            .await;
        assert_eq!(result.unwrap_err().kind, AwsErrorKind::Throttled);
        assert_eq!(calls.load(Ordering::SeqCst), MAX_ATTEMPTS);
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = pacer
            .call(Api::AttachPolicy, || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(AwsError::not_found("Policy P does not exist"))
            })
            .await;
        assert_eq!(result.unwrap_err().kind, AwsErrorKind::NotFound);
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "only throttling is retried"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn calls_are_spaced_to_the_rate() {
        let limits = RateLimits::aws_defaults()
            .with_overrides(&["CreateThing=5".to_string()])
            .unwrap();
        let pacer = Pacer::new(&limits);
        let start = tokio::time::Instant::now();
        for _ in 0..15 {
            pacer
                .call(Api::CreateThing, || async { Ok::<_, AwsError>(()) })
                .await
                .unwrap();
        }
        // A burst of 5, then 10 more at 5 a second: about 2 s.
        let took = start.elapsed().as_secs_f64();
        assert!((1.8..2.5).contains(&took), "took {took} s");
    }
}
