//! The pending sign-in (state, nonce, PKCE verifier) between `/auth/login` and
//! `/auth/callback`, carried by the browser in an encrypted, authenticated, short-lived
//! cookie instead of a server-side session: an anonymous request then stores nothing on the
//! server, so a flood of sign-in starts cannot grow the process.
//!
//! The cookie is AES-256-GCM sealed (the `cookie` crate's private jar: a changed or forged
//! value does not open), and carries its own issue time, checked here, because `Max-Age` is
//! only a request to the browser.

use super::oidc::PendingLogin;
use axum::http::{header, HeaderMap, HeaderValue};
use cookie::{Cookie, CookieJar, Key, SameSite};
use serde::{Deserialize, Serialize};

/// How long a sign-in may take between the redirect to the IdP and the return.
pub const PENDING_LOGIN_LIFETIME_SECS: i64 = 10 * 60;

#[derive(Serialize, Deserialize)]
struct Sealed {
    login: PendingLogin,
    /// Unix seconds.
    issued_at: i64,
}

/// Seals and opens the pending-sign-in cookie.
#[derive(Clone)]
pub struct PendingLoginCookie {
    key: Key,
    https: bool,
}

impl std::fmt::Debug for PendingLoginCookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLoginCookie")
            .field("name", &self.name())
            .finish_non_exhaustive()
    }
}

impl PendingLoginCookie {
    /// `key_material`: 64 bytes or more (the first 64 are used: 32 to encrypt, 32 kept by the
    /// crate for signing).
    pub fn new(key_material: &[u8], https: bool) -> Self {
        PendingLoginCookie {
            key: Key::from(key_material),
            https,
        }
    }

    /// The cookie's name: `__Host-` under https, so that no subdomain can plant or read it.
    pub fn name(&self) -> &'static str {
        if self.https {
            "__Host-warden_login"
        } else {
            "warden_login"
        }
    }

    /// The `Set-Cookie` value that hands `login` to the browser.
    pub fn seal(&self, login: PendingLogin, now: i64) -> HeaderValue {
        let value = serde_json::to_string(&Sealed {
            login,
            issued_at: now,
        })
        .expect("a pending login serialises");
        let mut jar = CookieJar::new();
        jar.private_mut(&self.key)
            .add(self.build(value, PENDING_LOGIN_LIFETIME_SECS));
        let sealed = jar
            .get(self.name())
            .expect("the cookie was just added")
            .to_string();
        HeaderValue::from_str(&sealed).expect("a sealed cookie is base64 and ASCII attributes")
    }

    /// The `Set-Cookie` value that deletes the cookie (the callback uses it once, whatever
    /// happens).
    pub fn clear(&self) -> HeaderValue {
        let c = self.build(String::new(), 0);
        HeaderValue::from_str(&c.to_string()).expect("ASCII")
    }

    /// The pending login the request's cookie carries, if it opens and is not too old.
    pub fn open(&self, headers: &HeaderMap, now: i64) -> Option<PendingLogin> {
        let mut jar = CookieJar::new();
        for value in headers.get_all(header::COOKIE) {
            let Ok(value) = value.to_str() else { continue };
            for c in Cookie::split_parse(value.to_string()).flatten() {
                if c.name() == self.name() {
                    jar.add_original(c);
                }
            }
        }
        let opened = jar.private(&self.key).get(self.name())?;
        let sealed: Sealed = serde_json::from_str(opened.value()).ok()?;
        let age = now - sealed.issued_at;
        (0..=PENDING_LOGIN_LIFETIME_SECS)
            .contains(&age)
            .then_some(sealed.login)
    }

    fn build(&self, value: String, max_age_secs: i64) -> Cookie<'static> {
        Cookie::build((self.name(), value))
            .http_only(true)
            .secure(self.https)
            // Lax: the IdP's redirect back is a cross-site top-level navigation and must carry it.
            .same_site(SameSite::Lax)
            .path("/")
            .max_age(cookie::time::Duration::seconds(max_age_secs))
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> PendingLogin {
        PendingLogin {
            state: "s".into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
        }
    }

    fn request_with(set_cookie: &HeaderValue) -> HeaderMap {
        let pair = set_cookie.to_str().unwrap().split(';').next().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("other=1; {pair}")).unwrap(),
        );
        h
    }

    #[test]
    fn a_sealed_login_opens_within_its_lifetime_only() {
        let c = PendingLoginCookie::new(&[7; 64], false);
        let set = c.seal(login(), 1_000);
        let text = set.to_str().unwrap();
        assert!(text.starts_with("warden_login="), "{text}");
        assert!(
            text.contains("HttpOnly") && text.contains("Max-Age=600"),
            "{text}"
        );
        assert!(!text.contains("\"s\""), "the value is encrypted: {text}");
        let req = request_with(&set);
        assert_eq!(c.open(&req, 1_000 + 599).unwrap().nonce, "n");
        assert!(c.open(&req, 1_000 + 601).is_none(), "too old");
        assert!(c.open(&req, 999).is_none(), "from the future");
    }

    #[test]
    fn a_changed_or_foreign_cookie_does_not_open() {
        let c = PendingLoginCookie::new(&[7; 64], false);
        let set = c.seal(login(), 1_000);
        let other_key = PendingLoginCookie::new(&[8; 64], false);
        assert!(other_key.open(&request_with(&set), 1_000).is_none());
        let tampered = set
            .to_str()
            .unwrap()
            .replacen("warden_login=", "warden_login=A", 1);
        let tampered = HeaderValue::from_str(&tampered).unwrap();
        assert!(c.open(&request_with(&tampered), 1_000).is_none());
        assert!(c.open(&HeaderMap::new(), 1_000).is_none());
    }

    #[test]
    fn under_https_the_cookie_is_host_only_and_secure() {
        let c = PendingLoginCookie::new(&[7; 64], true);
        let set = c.seal(login(), 1_000);
        let text = set.to_str().unwrap();
        assert!(text.starts_with("__Host-warden_login="), "{text}");
        assert!(text.contains("Secure") && text.contains("Path=/"), "{text}");
        assert!(!text.contains("Domain"), "{text}");
        assert_eq!(c.open(&request_with(&set), 1_000).unwrap().state, "s");
        assert!(c.clear().to_str().unwrap().contains("Max-Age=0"));
    }
}
