use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn specs(s: &[&str]) -> Vec<String> {
    s.iter().map(|s| s.to_string()).collect()
}

#[test]
fn names_round_trip_ignoring_case() {
    for api in Api::ALL {
        assert_eq!(Api::from_aws_name(api.aws_name()), Some(api));
        assert_eq!(
            Api::from_aws_name(&api.aws_name().to_lowercase()),
            Some(api)
        );
        assert_eq!(api.to_string(), api.aws_name());
    }
    assert_eq!(Api::from_aws_name("Foo"), None);
    assert_eq!(Api::from_aws_name(""), None);
    // ALL is in declaration order, so `api as usize` indexes it.
    for (i, api) in Api::ALL.into_iter().enumerate() {
        assert_eq!(api as usize, i);
    }
}

#[test]
fn defaults_are_the_aws_quotas() {
    let d = RateLimits::aws_defaults();
    assert_eq!(d.rate(Api::DescribeThing), 350.0);
    assert_eq!(d.rate(Api::CreateThing), 100.0);
    assert_eq!(d.rate(Api::ListThingPrincipals), 10.0);
    assert_eq!(d.rate(Api::CreateCertificateFromCsr), 15.0);
    assert_eq!(RateLimits::default(), d);
    assert!(Api::ALL.iter().all(|a| a.default_rate() > 0.0));
}

#[test]
fn overrides_set_one_api_each() {
    let r = RateLimits::aws_defaults()
        .with_overrides(&specs(&[
            "CreateThing=20",
            "creatething=2.5",
            " AttachPolicy = 3 ",
        ]))
        .unwrap();
    assert_eq!(r.rate(Api::CreateThing), 2.5);
    assert_eq!(r.rate(Api::AttachPolicy), 3.0);
    assert_eq!(r.rate(Api::DeleteThing), 100.0);
    assert_eq!(
        RateLimits::aws_defaults().with_overrides(&[]),
        Ok(RateLimits::aws_defaults())
    );
}

#[test]
fn bad_overrides_say_what_is_wrong() {
    let err = |s: &str| {
        RateLimits::aws_defaults()
            .with_overrides(&specs(&[s]))
            .unwrap_err()
    };
    let unknown = err("Foo=3");
    assert!(
        unknown.starts_with(
            "Unknown API \"Foo\" in --rate Foo=3; known APIs: DescribeThing, CreateThing, "
        ),
        "{unknown}"
    );
    assert!(
        unknown.ends_with("ListPrincipalThings, ListAttachedPolicies."),
        "{unknown}"
    );
    assert_eq!(
        err("CreateThing=x"),
        "The rate in --rate CreateThing=x must be a number greater than 0."
    );
    assert_eq!(
        err("CreateThing=0"),
        "The rate in --rate CreateThing=0 must be a number greater than 0."
    );
    assert_eq!(
        err("CreateThing=-2"),
        "The rate in --rate CreateThing=-2 must be a number greater than 0."
    );
    assert!(err("CreateThing=inf").contains("greater than 0"));
    assert!(err("CreateThing=NaN").contains("greater than 0"));
    assert!(err("CreateThing=").contains("greater than 0"));
    assert_eq!(
        err("CreateThing"),
        "The option --rate CreateThing must look like API=N, for example --rate CreateThing=20."
    );
}

#[test]
fn scaling_multiplies_every_rate() {
    let half = RateLimits::aws_defaults().scaled(0.5);
    for api in Api::ALL {
        assert!(close(half.rate(api), api.default_rate() / 2.0));
    }
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(
            RateLimits::aws_defaults().scaled(bad),
            RateLimits::aws_defaults()
        );
    }
}

#[test]
fn bucket_admits_the_burst_then_spaces_calls() {
    let mut b = TokenBucket::new(10.0, 3.0, 100.0);
    let waits: Vec<f64> = (0..6).map(|_| b.reserve(100.0)).collect();
    let want = [0.0, 0.0, 0.0, 0.1, 0.2, 0.3];
    for (w, e) in waits.iter().zip(want) {
        assert!(close(*w, e), "{waits:?}");
    }
}

#[test]
fn simultaneous_reservations_queue_one_slot_apart() {
    let r = 4.0;
    let mut b = TokenBucket::new(r, 1.0, 0.0);
    for i in 0..10 {
        assert!(close(b.reserve(0.0), f64::from(i) / r));
    }
    // Callers that sleep their wait and come back find the queue moved on: one arriving
    // at 1.0 s is behind the 10 slots handed out up to 2.25 s.
    assert!(close(b.reserve(1.0), 2.5 - 1.0));
}

#[test]
fn bucket_refills_over_time_but_not_beyond_burst() {
    let mut b = TokenBucket::new(2.0, 2.0, 0.0);
    assert_eq!(b.reserve(0.0), 0.0);
    assert_eq!(b.reserve(0.0), 0.0);
    assert!(close(b.reserve(0.0), 0.5));
    // At 0.5 s the debt is paid; at 1.0 s one token is back.
    assert_eq!(b.reserve(1.0), 0.0);
    assert!(close(b.reserve(1.0), 0.5));
    // A long quiet spell refills only up to the burst.
    let mut b = TokenBucket::new(2.0, 2.0, 0.0);
    let waits: Vec<f64> = (0..3).map(|_| b.reserve(1000.0)).collect();
    assert_eq!(&waits[..2], &[0.0, 0.0]);
    assert!(close(waits[2], 0.5));
    // Time going backwards earns nothing.
    let mut b = TokenBucket::new(1.0, 1.0, 10.0);
    assert_eq!(b.reserve(10.0), 0.0);
    assert!(close(b.reserve(5.0), 1.0));
}

#[test]
fn throttling_halves_the_rate_down_to_the_floor() {
    let mut b = TokenBucket::new(100.0, 10.0, 0.0);
    b.throttled(0.0);
    assert!(close(b.current_rate(), 50.0));
    // The saved-up burst is gone: the next call waits.
    assert!(b.reserve(0.0) > 0.0);
    for _ in 0..20 {
        b.throttled(0.0);
    }
    assert!(close(b.current_rate(), 10.0));
    assert!(close(b.configured_rate(), 100.0));
    // A tenth of 0.5/s is below 0.1/s, so the floor is 0.1/s.
    let mut slow = TokenBucket::new(0.5, 1.0, 0.0);
    for _ in 0..20 {
        slow.throttled(0.0);
    }
    assert!(close(slow.current_rate(), 0.1));
    // A rate below the floor stays as configured.
    let mut slower = TokenBucket::new(0.05, 1.0, 0.0);
    slower.throttled(0.0);
    assert!(close(slower.current_rate(), 0.05));
}

#[test]
fn successes_recover_up_to_the_configured_rate() {
    let mut b = TokenBucket::new(100.0, 1.0, 0.0);
    b.throttled(0.0);
    b.throttled(0.0);
    assert!(close(b.current_rate(), 25.0));
    b.succeeded(1.0);
    assert!(close(b.current_rate(), 30.0));
    for _ in 0..100 {
        b.succeeded(1.0);
    }
    assert!(close(b.current_rate(), 100.0));
    let mut fresh = TokenBucket::new(7.0, 1.0, 0.0);
    fresh.succeeded(0.0);
    assert!(close(fresh.current_rate(), 7.0));
}

#[test]
fn slower_rate_spaces_reservations_further() {
    let mut b = TokenBucket::new(10.0, 1.0, 0.0);
    b.throttled(0.0);
    // 5/s now, and the bucket was emptied: slots at 0.2 s, 0.4 s.
    assert!(close(b.reserve(0.0), 0.2));
    assert!(close(b.reserve(0.0), 0.4));
}

#[test]
fn bad_bucket_parameters_are_clamped() {
    let mut b = TokenBucket::new(f64::NAN, 0.0, 0.0);
    assert_eq!(b.current_rate(), 1.0);
    assert_eq!(b.reserve(0.0), 0.0);
    assert!(close(b.reserve(0.0), 1.0));
    assert_eq!(TokenBucket::new(-3.0, 1.0, 0.0).current_rate(), 1.0);
}

#[test]
fn backoff_is_full_jitter_under_a_growing_capped_ceiling() {
    assert_eq!(backoff_delay(0, 0.0), 0.0);
    assert!(close(backoff_delay(0, 0.5), 0.05));
    assert!(close(backoff_delay(3, 0.5), 0.4));
    assert!(close(backoff_delay(6, 0.999), 6.4 * 0.999));
    assert!(close(backoff_delay(7, 0.5), 5.0));
    assert!(close(backoff_delay(u32::MAX, 0.5), 5.0));
    for attempt in 0..=MAX_ATTEMPTS + 2 {
        for u in [0.0, 0.25, 0.9999] {
            let d = backoff_delay(attempt, u);
            assert!((0.0..BACKOFF_CAP).contains(&d), "{attempt} {u} {d}");
        }
        // The ceiling never shrinks with more attempts.
        assert!(backoff_delay(attempt + 1, 0.9) >= backoff_delay(attempt, 0.9));
    }
    // Bad randomness is clamped.
    assert_eq!(backoff_delay(2, -1.0), 0.0);
    assert_eq!(backoff_delay(2, f64::NAN), 0.0);
    assert!(close(backoff_delay(2, 7.0), 0.4));
    assert!(close(backoff_delay(200, f64::INFINITY), BACKOFF_CAP));
}
