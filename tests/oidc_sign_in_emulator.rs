//! The whole sign-in against the real IdP (stack/idp, panva oidc-provider): login redirect,
//! the IdP's form, the callback's code exchange and ID-token verification, the new session
//! id, a re-fetch of the signing keys after the IdP rotated them, and sign-out ending the
//! IdP's session too (RP-initiated logout).
//!
//! Each test runs its own IdP process on a free port, so restarting it (which makes it
//! generate a new signing key) disturbs nothing else.

mod common;

use axum::body::Body;
use axum::http::{header, Request};
use common::body_text;
use common::idp::{absolute, idp_browser, walk_login, Idp};
use iot_warden::server::http::SESSION_COOKIE;

const PUBLIC_URL: &str = "http://127.0.0.1:3999";

async fn app(issuer: &str) -> common::TestApp {
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
}

/// The `name=value` of the `Set-Cookie` named `name`, if the response sets it.
fn set_cookie(res: &axum::http::Response<Body>, name: &str) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_string())
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

/// Signs in through the IdP's form as the browser would, with `browser` holding the IdP's
/// cookies. The callback carries a session cookie an attacker planted before the sign-in
/// (session fixation). Returns the planted cookie and the session cookie after sign-in.
async fn sign_in_with(
    app: &common::TestApp,
    browser: &reqwest::Client,
    idp: &Idp,
    user: &str,
    password: &str,
) -> Result<(String, String), String> {
    let res = app
        .send(Request::get("/auth/login").body(Body::empty()).unwrap())
        .await;
    assert!(
        res.status().is_redirection(),
        "login redirects to the IdP, got {}",
        res.status()
    );
    assert!(
        session_cookie(&res).is_none(),
        "starting a sign-in opens no server session"
    );
    let pending = set_cookie(&res, "warden_login").expect("login hands out the pending sign-in");
    let planted = app.session_for("planted-by-attacker", None, 0).await;
    let url = location(&res);
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

    let callback = walk_login(browser, idp, url, user, password, PUBLIC_URL).await?;
    let res = app
        .send(
            Request::get(&callback)
                .header(header::COOKIE, format!("{planted}; {pending}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        res.headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("warden_login=;")),
        "the callback clears the pending sign-in"
    );
    if !res.status().is_redirection() {
        let status = res.status();
        return Err(format!(
            "callback answered {status}: {}",
            body_text(res).await
        ));
    }
    assert_eq!(location(&res), "/devices");
    let signed_in = session_cookie(&res).expect("the callback sets the session cookie");
    Ok((planted, signed_in))
}

/// A sign-in in a fresh browser (no IdP session yet).
async fn sign_in(
    app: &common::TestApp,
    idp: &Idp,
    user: &str,
    password: &str,
) -> Result<(String, String), String> {
    sign_in_with(app, &idp_browser(), idp, user, password).await
}

async fn viewer(app: &common::TestApp, cookie: &str) -> String {
    body_text(app.current_viewer(PUBLIC_URL, cookie).await).await
}

#[tokio::test]
async fn sign_in_maps_groups_to_roles_and_renews_the_session_id() {
    let idp = Idp::start(common::free_port(), PUBLIC_URL).await;
    let app = app(&idp.issuer()).await;
    for (user, role) in [
        ("admin", "\"admin\""),
        ("onboarder", "\"onboarding\""),
        ("auditor", "\"auditor\""),
        ("nobody", "null"),
    ] {
        let (planted, signed_in) = sign_in(&app, &idp, user, "warden-local-pw").await.unwrap();
        assert_ne!(planted, signed_in, "a new session id at sign-in");
        let who = viewer(&app, &signed_in).await;
        assert!(
            who.contains(&format!("\"username\":\"{user}\""))
                && who.contains(&format!("\"role\":{role}")),
            "{user}: {who}"
        );
        assert_eq!(
            viewer(&app, &planted).await,
            "null",
            "the id planted before sign-in is dead"
        );
    }
    assert!(
        sign_in(&app, &idp, "admin", "wrong").await.is_err(),
        "a wrong password signs nobody in"
    );
}

#[tokio::test]
async fn a_callback_with_a_forged_state_is_refused() {
    let idp = Idp::start(common::free_port(), PUBLIC_URL).await;
    let app = app(&idp.issuer()).await;
    let res = app
        .send(Request::get("/auth/login").body(Body::empty()).unwrap())
        .await;
    let cookie = set_cookie(&res, "warden_login").unwrap();
    let res = app
        .send(
            Request::get("/auth/callback?code=abc&state=forged")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status().as_u16(), 401);
    assert!(
        session_cookie(&res).is_none(),
        "no session from a refused callback"
    );
    let body = body_text(res).await;
    assert!(body.contains("Please sign in again"), "{body}");
    // Without the pending login at all (no cookie): refused too, with a sentence.
    let res = app
        .send(
            Request::get("/auth/callback?code=abc&state=x")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status().as_u16(), 400);
    // An error the IdP (or anyone writing a link) sends: a fixed sentence per code, never
    // the description's text.
    let res = app
        .send(
            Request::get("/auth/callback?error=access_denied&error_description=%3Cb%3ECall%20evil%20support%3C%2Fb%3E")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status().as_u16(), 401);
    let body = body_text(res).await;
    assert!(
        body.contains("cancelled or refused at the sign-in provider"),
        "{body}"
    );
    assert!(
        !body.contains("evil"),
        "the IdP's text is not shown: {body}"
    );
    assert_eq!(
        app.stored_sessions().await,
        0,
        "no refused callback stored a session"
    );
}

#[tokio::test]
async fn keys_are_fetched_again_when_the_idp_rotates_them() {
    let port = common::free_port();
    let idp = Idp::start(port, PUBLIC_URL).await;
    let app = app(&idp.issuer()).await;
    sign_in(&app, &idp, "admin", "warden-local-pw")
        .await
        .expect("first sign-in with the first key");
    // A restarted IdP signs with a new key the console has not seen.
    drop(idp);
    let idp = Idp::start(port, PUBLIC_URL).await;
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
        .send(Request::get("/auth/login").body(Body::empty()).unwrap())
        .await;
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

/// The value of `name="…" value="…"` in an HTML form, as panva's pages write it.
fn input_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let v = tag.split("value=\"").nth(1)?;
    Some(v.split('"').next()?.to_string())
}

#[tokio::test]
async fn sign_out_ends_the_session_here_and_at_the_idp() {
    let idp = Idp::start(common::free_port(), PUBLIC_URL).await;
    let app = app(&idp.issuer()).await;
    let browser = idp_browser();
    let (_, cookie) = sign_in_with(&app, &browser, &idp, "auditor", "warden-local-pw")
        .await
        .unwrap();
    let res = app
        .send(
            Request::post("/auth/logout")
                .header(header::ORIGIN, PUBLIC_URL)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let end_session = location(&res);
    assert!(
        end_session.starts_with(&format!("{}/session/end?", idp.issuer())),
        "sign-out sends the browser to the IdP's end-session endpoint: {end_session}"
    );
    for param in [
        "id_token_hint=",
        "client_id=iot-warden-local",
        "post_logout_redirect_uri=",
    ] {
        assert!(
            end_session.contains(param),
            "{param} missing: {end_session}"
        );
    }
    assert_eq!(
        viewer(&app, &cookie).await,
        "null",
        "the console session is gone"
    );

    // The IdP asks to confirm; confirming sends the browser back to the console's root.
    let html = browser
        .get(&end_session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let action = html
        .split("action=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the IdP's sign-out confirmation form");
    let xsrf = input_value(&html, "xsrf").expect("the form's xsrf field");
    let res = browser
        .post(absolute(&idp.issuer(), action))
        .form(&[("xsrf", xsrf.as_str()), ("logout", "yes")])
        .send()
        .await
        .unwrap();
    let mut back = res.headers()[header::LOCATION.as_str()]
        .to_str()
        .unwrap()
        .to_string();
    for _ in 0..5 {
        if back.starts_with(PUBLIC_URL) {
            break;
        }
        let res = browser
            .get(absolute(&idp.issuer(), &back))
            .send()
            .await
            .unwrap();
        back = res.headers()[header::LOCATION.as_str()]
            .to_str()
            .unwrap()
            .to_string();
    }
    assert_eq!(back, format!("{PUBLIC_URL}/"));

    // The IdP's session ended too: a new sign-in in the same browser meets the password form
    // again instead of being let straight through.
    let res = app
        .send(Request::get("/auth/login").body(Body::empty()).unwrap())
        .await;
    let mut url = location(&res);
    for _ in 0..10 {
        let res = browser.get(&url).send().await.unwrap();
        if !res.status().is_redirection() {
            let html = res.text().await.unwrap();
            assert!(
                html.contains("name=\"password\""),
                "the IdP asks for the password again"
            );
            return;
        }
        url = absolute(
            &idp.issuer(),
            res.headers()[header::LOCATION.as_str()].to_str().unwrap(),
        );
        assert!(
            !url.starts_with(&format!("{PUBLIC_URL}/auth/callback")),
            "the IdP signed the browser in again without asking: its session did not end"
        );
    }
    panic!("the IdP never showed a page");
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_client_address() {
    let idp = Idp::start(common::free_port(), PUBLIC_URL).await;
    let app = common::TestApp::with_args(&[
        "--public-url",
        PUBLIC_URL,
        "--oidc-issuer",
        &idp.issuer(),
        "--oidc-client-id",
        "iot-warden-local",
        "--oidc-client-secret",
        "local-dev-secret-not-for-production",
        "--sign-in-per-minute",
        "3",
    ])
    .await;
    let from = |ip: [u8; 4]| {
        let mut req = Request::get("/auth/login").body(Body::empty()).unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                ip, 40000,
            ))));
        req
    };
    for _ in 0..3 {
        assert!(app
            .send(from([192, 0, 2, 1]))
            .await
            .status()
            .is_redirection());
    }
    let refused = app.send(from([192, 0, 2, 1])).await;
    assert_eq!(refused.status().as_u16(), 429);
    let wait: u64 = refused.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&wait), "retry after {wait} s");
    let body = body_text(refused).await;
    assert!(body.contains("Too many sign-in attempts"), "{body}");
    // The callback counts against the same budget; another address has its own.
    assert_eq!(
        app.send(
            Request::get("/auth/callback?code=a&state=b")
                .extension(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                    [192, 0, 2, 1],
                    1
                ))))
                .body(Body::empty())
                .unwrap()
        )
        .await
        .status()
        .as_u16(),
        429
    );
    assert!(app
        .send(from([192, 0, 2, 2]))
        .await
        .status()
        .is_redirection());
}
