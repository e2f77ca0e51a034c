//! Typed condition values: numbers, dates and IP address ranges.
//!
//! "IAM JSON policy elements: Condition operators" (Numeric, Date and IP address condition
//! operators), <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>

use std::cmp::Ordering;
use std::net::IpAddr;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A number written as an integer or a decimal.
pub(crate) fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

pub(crate) fn compare_numbers(a: &str, b: &str) -> Option<Ordering> {
    number(a)?.partial_cmp(&number(b)?)
}

/// A date as ISO 8601 / RFC 3339 (`2026-11-23T09:00:00Z`), a calendar day (`2026-11-23`,
/// taken as midnight UTC), or UNIX epoch seconds. Returns nanoseconds since the epoch.
pub(crate) fn date(s: &str) -> Option<i128> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.unix_timestamp_nanos());
    }
    if let Ok(d) = time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")) {
        return Some(d.midnight().assume_utc().unix_timestamp_nanos());
    }
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i128>().ok().map(|secs| secs * 1_000_000_000);
    }
    None
}

pub(crate) fn compare_dates(a: &str, b: &str) -> Option<Ordering> {
    Some(date(a)?.cmp(&date(b)?))
}

/// Whether `addr` lies in `cidr` (`203.0.113.0/24`, `2001:db8::/32`, or a single address).
/// `None` when either side does not parse.
pub(crate) fn in_cidr(addr: &str, cidr: &str) -> Option<bool> {
    let addr: IpAddr = addr.trim().parse().ok()?;
    let (net, bits) = match cidr.trim().split_once('/') {
        Some((n, b)) => (n.parse::<IpAddr>().ok()?, Some(b.parse::<u32>().ok()?)),
        None => (cidr.trim().parse::<IpAddr>().ok()?, None),
    };
    let (a, n, width) = match (addr, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => (u32::from(a) as u128, u32::from(n) as u128, 32),
        (IpAddr::V6(a), IpAddr::V6(n)) => (u128::from(a), u128::from(n), 128),
        _ => return Some(false),
    };
    let bits = bits.unwrap_or(width);
    if bits > width {
        return None;
    }
    if bits == 0 {
        return Some(true);
    }
    let shift = width - bits;
    Some(a >> shift == n >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dates_and_ranges() {
        assert_eq!(compare_numbers("10", "9.5"), Some(Ordering::Greater));
        assert_eq!(compare_numbers("x", "1"), None);
        assert_eq!(
            compare_dates("2026-11-23T09:00:00Z", "2026-11-23T10:00:00+01:00"),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare_dates("2026-11-23", "2026-11-23T00:00:00Z"),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare_dates("1795424400", "2026-11-23T09:00:00Z"),
            Some(Ordering::Equal)
        );
        assert_eq!(in_cidr("203.0.113.10", "203.0.113.0/24"), Some(true));
        assert_eq!(in_cidr("203.0.114.10", "203.0.113.0/24"), Some(false));
        assert_eq!(in_cidr("203.0.113.10", "203.0.113.10"), Some(true));
        assert_eq!(in_cidr("2001:db8::1", "2001:db8::/32"), Some(true));
        assert_eq!(in_cidr("2001:db9::1", "2001:db8::/32"), Some(false));
        assert_eq!(in_cidr("203.0.113.10", "2001:db8::/32"), Some(false));
        assert_eq!(in_cidr("203.0.113.10", "0.0.0.0/0"), Some(true));
        assert_eq!(in_cidr("nope", "0.0.0.0/0"), None);
        assert_eq!(in_cidr("203.0.113.10", "203.0.113.0/33"), None);
    }
}
