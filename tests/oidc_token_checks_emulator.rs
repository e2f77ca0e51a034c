//! The ID token checks the sign-in relies on, against an IdP that misbehaves on purpose: a
//! small OIDC provider in this test (discovery, keys, token endpoint) whose token endpoint
//! answers with an ID token that has a wrong nonce, a wrong audience, a wrong issuer, an
//! expiry in the past, or a signature by a key it does not publish. Each must be refused and
//! open no session; the same flow with a correct token signs in (so the refusals are the
//! checks speaking, not a broken set-up).

mod common;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Request};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use iot_warden::domain::certificates::device_keys::{generate_key_pair, KeyKind};
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use std::sync::{Arc, Mutex};

const CLIENT_ID: &str = "warden-test-client";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Flaw {
    None,
    WrongNonce,
    WrongAudience,
    WrongIssuer,
    Expired,
    ForeignKey,
}

struct Provider {
    issuer: String,
    key: rsa::PrivateKey,
    foreign: rsa::PrivateKey,
    /// The nonce of the sign-in under way and what is wrong with the next token.
    next: Mutex<(String, Flaw)>,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn rsa_key() -> rsa::PrivateKey {
    let pem = generate_key_pair(KeyKind::Rsa2048).unwrap().private_key_pem;
    rsa::PrivateKey::from_pkcs8_pem(&pem).unwrap()
}

fn unsigned(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

impl Provider {
    fn id_token(&self) -> String {
        let (nonce, flaw) = self.next.lock().unwrap().clone();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let claims = serde_json::json!({
            "iss": if flaw == Flaw::WrongIssuer { "https://other-idp.example".to_string() } else { self.issuer.clone() },
            "sub": "user-1",
            "aud": if flaw == Flaw::WrongAudience { "someone-else" } else { CLIENT_ID },
            "iat": now - 30,
            "exp": if flaw == Flaw::Expired { now - 600 } else { now + 600 },
            "nonce": if flaw == Flaw::WrongNonce { "not-the-nonce".to_string() } else { nonce },
            "preferred_username": "mallory",
            "groups": ["warden-admins"],
        });
        let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": "k1"});
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let key = if flaw == Flaw::ForeignKey {
            &self.foreign
        } else {
            &self.key
        };
        let signer = rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha256>::new(key.clone());
        let signature = signer.sign(input.as_bytes()).to_vec();
        format!("{input}.{}", b64(&signature))
    }
}

async fn discovery(State(p): State<Arc<Provider>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "issuer": p.issuer,
        "authorization_endpoint": format!("{}/auth", p.issuer),
        "token_endpoint": format!("{}/token", p.issuer),
        "jwks_uri": format!("{}/jwks", p.issuer),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

async fn jwks(State(p): State<Arc<Provider>>) -> Json<serde_json::Value> {
    let public = p.key.to_public_key();
    Json(serde_json::json!({"keys": [{
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": "k1",
        "n": b64(unsigned(&public.n_bytes())), "e": b64(unsigned(&public.e_bytes())),
    }]}))
}

async fn token(State(p): State<Arc<Provider>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "access_token": "at", "token_type": "Bearer", "expires_in": 600, "id_token": p.id_token(),
    }))
}

/// A query parameter of `url`.
fn param(url: &str, name: &str) -> String {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap()
}

#[tokio::test]
async fn id_tokens_with_a_wrong_nonce_audience_issuer_expiry_or_key_are_refused() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let provider = Arc::new(Provider {
        issuer: issuer.clone(),
        key: rsa_key(),
        foreign: rsa_key(),
        next: Mutex::new((String::new(), Flaw::None)),
    });
    let idp = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/token", post(token))
        .with_state(provider.clone());
    let server = tokio::spawn(async move { axum::serve(listener, idp).await });
    let app = common::TestApp::with_args(&[
        "--oidc-issuer",
        &issuer,
        "--oidc-client-id",
        CLIENT_ID,
        "--oidc-client-secret",
        "s",
    ])
    .await;

    let attempt = |flaw: Flaw| {
        let app = &app;
        let provider = provider.clone();
        async move {
            let res = app
                .send(Request::get("/auth/login").body(Body::empty()).unwrap())
                .await;
            let url = res.headers()[header::LOCATION]
                .to_str()
                .unwrap()
                .to_string();
            let cookie = res.headers()[header::SET_COOKIE]
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string();
            *provider.next.lock().unwrap() = (param(&url, "nonce"), flaw);
            let callback = format!("/auth/callback?code=c&state={}", param(&url, "state"));
            let res = app
                .send(
                    Request::get(callback)
                        .header(header::COOKIE, cookie)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            let status = res.status().as_u16();
            (status, common::body_text(res).await)
        }
    };
    for flaw in [
        Flaw::WrongNonce,
        Flaw::WrongAudience,
        Flaw::WrongIssuer,
        Flaw::Expired,
        Flaw::ForeignKey,
    ] {
        let (status, body) = attempt(flaw).await;
        assert_eq!(status, 401, "{flaw:?}: {body}");
        assert!(body.contains("could not be verified"), "{flaw:?}: {body}");
        assert_eq!(app.stored_sessions().await, 0, "{flaw:?} opened a session");
    }
    let (status, body) = attempt(Flaw::None).await;
    assert_eq!(status, 303, "a correct token signs in: {body}");
    assert_eq!(app.stored_sessions().await, 1);
    server.abort();
}
