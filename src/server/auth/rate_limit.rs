//! The sign-in endpoints' rate limit, per client address (tower_governor): one address may
//! start `per_minute` sign-ins at once, then one more each `60 / per_minute` seconds.
//!
//! The address is the TCP peer's, never a header (an `X-Forwarded-For` is the client's to
//! write). IPv6 clients are limited per /64, the block one subscriber gets, so that walking
//! through one's own addresses buys nothing. Behind a reverse proxy every client shares the
//! proxy's address: raise the limit there, or limit at the proxy.

use crate::server::pages::message_page;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use governor::middleware::NoOpMiddleware;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};

/// The highest setting: one a minute per microsecond, far past any real need.
pub const MAX_PER_MINUTE: u32 = 1_000_000;

/// The client a request counts against.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress;

impl KeyExtractor for ClientAddress {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        // In-process requests (tests driving the router directly) have no peer: they share
        // one budget, the unspecified address.
        let ip = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        Ok(limited_block(ip))
    }
}

/// The address itself for IPv4, its /64 for IPv6 (an IPv4-mapped IPv6 address is its IPv4).
fn limited_block(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

pub type SignInLimit = GovernorConfig<ClientAddress, NoOpMiddleware>;

/// The limit's configuration; `per_minute` is 1 to [`MAX_PER_MINUTE`] (the configuration
/// checks it; out-of-range values are clamped here).
pub fn sign_in_limit(per_minute: u32) -> Arc<SignInLimit> {
    let per_minute = per_minute.clamp(1, MAX_PER_MINUTE);
    Arc::new(
        GovernorConfigBuilder::default()
            .key_extractor(ClientAddress)
            .period(Duration::from_nanos(60_000_000_000 / u64::from(per_minute)))
            .burst_size(per_minute)
            .finish()
            .expect("a non-zero period and burst"),
    )
}

/// The layer for the sign-in routes, answering a refused request with a page that says when
/// to try again.
pub fn layer(limit: Arc<SignInLimit>) -> GovernorLayer<ClientAddress, NoOpMiddleware, Body> {
    GovernorLayer::new(limit).error_handler(refused)
}

fn refused(e: GovernorError) -> Response<Body> {
    match e {
        GovernorError::TooManyRequests { wait_time, .. } => {
            let wait = wait_time.max(1);
            let mut res = (
                StatusCode::TOO_MANY_REQUESTS,
                message_page(
                    "Too many sign-in attempts",
                    &format!(
                        "Too many sign-in attempts came from your network. Wait {wait} seconds, then sign in again."
                    ),
                    None,
                ),
            )
                .into_response();
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
            res
        }
        other => {
            tracing::error!(error = %other, "sign-in rate limit failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The console could not start a sign-in.",
            )
                .into_response()
        }
    }
}

/// Forgets addresses that have their whole budget back, so the limiter's own memory stays
/// bounded by the addresses seen in the last minute or so. Run every minute.
pub fn forget_idle_clients(limit: &SignInLimit) {
    limit.limiter().retain_recent();
    limit.limiter().shrink_to_fit();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_share_their_slash_64_and_mapped_ipv4_is_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(limited_block(a), limited_block(b));
        assert_ne!(limited_block(a), limited_block(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(
            limited_block(mapped),
            "192.0.2.7".parse::<IpAddr>().unwrap()
        );
    }
}
