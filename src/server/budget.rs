//! Each signed-in user's request budget: `per_minute` server-function calls at once, then
//! one more each `60 / per_minute` seconds, counted per user (the ID token's `sub`). Most
//! server functions call AWS, and AWS IoT's request quotas are per account: without a
//! budget, one user (an auditor paging a large fleet in a loop, say) could use up the
//! account's quota for everybody, the devices' own control-plane calls included.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;

pub struct RequestBudget {
    limiter: DefaultKeyedRateLimiter<String>,
}

impl RequestBudget {
    pub fn per_minute(per_minute: u32) -> Self {
        let n = NonZeroU32::new(per_minute.max(1)).expect("at least 1");
        RequestBudget {
            limiter: RateLimiter::keyed(Quota::per_minute(n)),
        }
    }

    /// Spends one request of `subject`'s budget; `Err` holds the seconds until the next one.
    pub fn spend(&self, subject: &str) -> Result<(), u64> {
        self.limiter
            .check_key(&subject.to_string())
            .map_err(|not_until| {
                not_until
                    .wait_time_from(DefaultClock::default().now())
                    .as_secs()
                    .max(1)
            })
    }

    /// Forgets users whose budget is whole again, so the limiter's memory stays bounded by
    /// the users active in the last minute. Run every minute.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_user_has_a_budget_of_their_own() {
        let budget = RequestBudget::per_minute(3);
        for _ in 0..3 {
            assert!(budget.spend("alice").is_ok());
        }
        let wait = budget.spend("alice").unwrap_err();
        assert!((1..=20).contains(&wait), "{wait}");
        assert!(budget.spend("bob").is_ok(), "another user is not held back");
    }
}
