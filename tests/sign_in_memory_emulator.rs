//! Anonymous sign-in starts cost the server no memory that stays (security review, finding
//! 1: each `GET /auth/login` used to store a pending login in a new, never-deleted session).
//!
//! The console serves on 127.0.0.1 in this process, the only test in its binary so that no
//! other test's allocations move the figure; 20,000 sign-in starts then must leave the
//! session store empty and resident memory within a few megabytes of where it was.

mod common;

use futures::StreamExt;
use std::net::SocketAddr;

/// This process's resident set, in KiB (Linux).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line")
}

async fn sign_in_starts(client: &reqwest::Client, url: &str, n: usize) {
    let answers: Vec<u16> = futures::stream::iter(0..n)
        .map(|_| async { client.get(url).send().await.map(|r| r.status().as_u16()) })
        .buffer_unordered(16)
        .map(|r| r.expect("the console answers"))
        .collect()
        .await;
    assert!(
        answers.iter().all(|s| *s == 303),
        "every start redirects to the IdP: {:?}",
        answers.iter().find(|s| **s != 303)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_thousand_anonymous_sign_in_starts_leave_memory_bounded() {
    let issuer = std::env::var("WARDEN_OIDC_ISSUER")
        .expect("the local stack's IdP (source stack/env.sh; the README's test command does)");
    let app = common::TestApp::with_args(&[
        "--oidc-issuer",
        &issuer,
        "--oidc-client-id",
        "iot-warden-local",
        "--oidc-client-secret",
        "local-dev-secret-not-for-production",
        // The rate limit is not what is under test here: every request must reach the handler.
        "--sign-in-per-minute",
        "1000000",
    ])
    .await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/auth/login", listener.local_addr().unwrap());
    let router = app.router.clone();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Warm-up: discovery, connection pools, allocator arenas.
    sign_in_starts(&client, &url, 2_000).await;
    let before = rss_kib();
    sign_in_starts(&client, &url, 20_000).await;
    let after = rss_kib();
    server.abort();
    eprintln!(
        "resident memory: {:.1} MB before, {:.1} MB after 20,000 sign-in starts ({:+.1} MB)",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        (after as f64 - before as f64) / 1024.0
    );
    assert_eq!(
        app.stored_sessions().await,
        0,
        "a sign-in start stores no session"
    );
    // The unfixed console grew by about 23 MB over 20,000 starts (75 → 98 MB) and kept it.
    assert!(
        after.saturating_sub(before) < 6 * 1024,
        "resident memory grew from {before} KiB to {after} KiB"
    );
}
