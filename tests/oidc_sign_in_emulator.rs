//! The whole sign-in against the real IdP (stack/idp, panva oidc-provider): login redirect,
//! the IdP's form, the callback's code exchange and ID-token verification, the new session
//! id, and a re-fetch of the signing keys after the IdP rotated them.
//!
//! Each test runs its own IdP process on a free port, so restarting it (which makes it
//! generate a new signing key) disturbs nothing else.

mod common;

use axum::body::Body;
use axum::http::{header, Request};
use axum::Router;
use common::body_text;
use iot_warden::server::http::SESSION_COOKIE;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tower::ServiceExt;

const PUBLIC_URL: &str = "http://127.0.0.1:3999";

/// An IdP process, stopped when dropped.
struct Idp {
    child: Child,
    port: u16,
}

impl Idp {
    async fn start(port: u16) -> Idp {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("stack/idp");
        let child = Command::new("node")
            .arg("server.js")
            .current_dir(&dir)
            .env("IDP_PORT", port.to_string())
            .env("IDP_REDIRECT_URIS", format!("{PUBLIC_URL}/auth/callback"))
            .env_remove("IDP_JWKS_FILE")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "node runs stack/idp/server.js (scripts/install-tools.sh installs its packages)",
            );
        let idp = Idp { child, port };
        let url = format!("{}/.well-known/openid-configuration", idp.issuer());
        for _ in 0..100 {
            if reqwest::get(&url)
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return idp;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the IdP did not answer on port {port} within 10 s");
    }

    fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn app(issuer: &str) -> Router {
    common::TestApp::with_args(&[
        "--public-url",
        PUBLIC_URL,
        "--oidc-issuer",
        issuer,
        "--oidc-client-id",
        "iot-warden-local",
        "--oidc-client-secret",
        "local-dev-secret-not-for-production",
    ])
    .await
    .router
}

fn session_cookie(res: &axum::http::Response<Body>) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{SESSION_COOKIE}=")))
        .map(|c| c.split(';').next().unwrap().to_string())
}

fn location(res: &axum::http::Response<Body>) -> String {
    res.headers()
        .get(header::LOCATION)
        .expect("a redirect")
        .to_str()
        .unwrap()
        .to_string()
}

/// Signs in through the IdP's form as the browser would. Returns the session cookie before
/// sign-in and the one after.
async fn sign_in(
    app: &Router,
    idp: &Idp,
    user: &str,
    password: &str,
) -> Result<(String, String), String> {
    let res = app
        .clone()
        .oneshot(Request::get("/auth/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert!(
        res.status().is_redirection(),
        "login redirects to the IdP, got {}",
        res.status()
    );
    let pre_login = session_cookie(&res).expect("login starts a session for the pending state");
    let mut url = location(&res);
    assert!(url.starts_with(&idp.issuer()), "{url}");
    for param in [
        "code_challenge_method=S256",
        "nonce=",
        "state=",
        "scope=openid",
    ] {
        assert!(
            url.contains(param),
            "authorization URL lacks {param}: {url}"
        );
    }

    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut form_posted = false;
    for _ in 0..10 {
        // With the slash: an IdP on port 39990-39999 would otherwise look like the console.
        if url.starts_with(&format!("{PUBLIC_URL}/")) {
            break;
        }
        let res = browser.get(&url).send().await.unwrap();
        if res.status().is_redirection() {
            url = absolute(
                &idp.issuer(),
                res.headers()[header::LOCATION.as_str()].to_str().unwrap(),
            );
            continue;
        }
        let html = res.text().await.unwrap();
        if form_posted {
            return Err(format!(
                "the IdP showed a page again instead of redirecting: {}",
                &html[..html.len().min(300)]
            ));
        }
        let action = html
            .split("action=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("a login form");
        let res = browser
            .post(absolute(&idp.issuer(), action))
            .form(&[("username", user), ("password", password)])
            .send()
            .await
            .unwrap();
        form_posted = true;
        if !res.status().is_redirection() {
            return Err(format!("the IdP refused the login ({})", res.status()));
        }
        url = absolute(
            &idp.issuer(),
            res.headers()[header::LOCATION.as_str()].to_str().unwrap(),
        );
    }
    let callback = url
        .strip_prefix(PUBLIC_URL)
        .expect("the IdP redirects to the console's callback")
        .to_string();
    let res = app
        .clone()
        .oneshot(
            Request::get(&callback)
                .header(header::COOKIE, &pre_login)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    if !res.status().is_redirection() {
        let status = res.status();
        return Err(format!(
            "callback answered {status}: {}",
            body_text(res).await
        ));
    }
    assert_eq!(location(&res), "/devices");
    let signed_in = session_cookie(&res).expect("the callback sets the session cookie");
    Ok((pre_login, signed_in))
}

fn absolute(base: &str, href: &str) -> String {
    if href.starts_with("http") {
        href.to_string()
    } else {
        format!("{base}{href}")
    }
}

async fn viewer(app: &Router, cookie: &str) -> String {
    let res = app
        .clone()
        .oneshot(
            Request::post("/api/current_viewer")
                .header(header::ORIGIN, PUBLIC_URL)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    body_text(res).await
}

#[tokio::test]
async fn sign_in_maps_groups_to_roles_and_renews_the_session_id() {
    let idp = Idp::start(common::free_port()).await;
    let app = app(&idp.issuer()).await;
    for (user, role) in [
        ("admin", "\"admin\""),
        ("onboarder", "\"onboarding\""),
        ("auditor", "\"auditor\""),
        ("nobody", "null"),
    ] {
        let (pre_login, signed_in) = sign_in(&app, &idp, user, "warden-local-pw").await.unwrap();
        assert_ne!(pre_login, signed_in, "a new session id at sign-in");
        let who = viewer(&app, &signed_in).await;
        assert!(
            who.contains(&format!("\"username\":\"{user}\""))
                && who.contains(&format!("\"role\":{role}")),
            "{user}: {who}"
        );
        assert_eq!(
            viewer(&app, &pre_login).await,
            "null",
            "the pre-login id is dead"
        );
    }
    assert!(
        sign_in(&app, &idp, "admin", "wrong").await.is_err(),
        "a wrong password signs nobody in"
    );
}

#[tokio::test]
async fn a_callback_with_a_forged_state_is_refused() {
    let idp = Idp::start(common::free_port()).await;
    let app = app(&idp.issuer()).await;
    let res = app
        .clone()
        .oneshot(Request::get("/auth/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let cookie = session_cookie(&res).unwrap();
    let res = app
        .clone()
        .oneshot(
            Request::get("/auth/callback?code=abc&state=forged")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let body = body_text(res).await;
    assert!(body.contains("Please sign in again"), "{body}");
    // Without the pending login at all (no cookie): refused too, with a sentence.
    let res = app
        .clone()
        .oneshot(
            Request::get("/auth/callback?code=abc&state=x")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
}

#[tokio::test]
async fn keys_are_fetched_again_when_the_idp_rotates_them() {
    let port = common::free_port();
    let idp = Idp::start(port).await;
    let app = app(&idp.issuer()).await;
    sign_in(&app, &idp, "admin", "warden-local-pw")
        .await
        .expect("first sign-in with the first key");
    // A restarted IdP signs with a new key the console has not seen.
    drop(idp);
    let idp = Idp::start(port).await;
    let (_, cookie) = sign_in(&app, &idp, "admin", "warden-local-pw")
        .await
        .expect("sign-in after the key rotation");
    assert!(viewer(&app, &cookie).await.contains("\"role\":\"admin\""));
}

#[tokio::test]
async fn sign_in_says_so_when_the_idp_is_down() {
    // Nothing listens on this port: the console must answer with a sentence, not an error dump.
    let app = app(&format!("http://127.0.0.1:{}", common::free_port())).await;
    let res = app
        .clone()
        .oneshot(Request::get("/auth/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 503);
    let body = body_text(res).await;
    assert!(
        body.contains("The sign-in provider did not answer"),
        "{body}"
    );
    assert!(
        !body.to_lowercase().contains("reqwest") && !body.contains("error sending"),
        "no internals: {body}"
    );
}
