//! Web security for every response: the cross-origin guard (Leptos has no CSRF protection
//! of its own) and the security headers. The per-response CSP nonce of rendered pages is set
//! by the app shell, which knows the nonce; everything else gets the strict default here.

use crate::server::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The policy of responses that carry no script of ours (server functions, auth pages, files).
pub const STRICT_CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The policy of a rendered page whose inline scripts carry `nonce`. `'wasm-unsafe-eval'`
/// lets the browser compile the app's WASM; nothing permits inline script without the nonce.
///
/// `idp_origin`: the sign-out form's response redirects to the IdP's end-session endpoint, and
/// browsers hold a form's redirects to `form-action` too, so that one origin is named there.
pub fn page_csp(nonce: &str, idp_origin: Option<&str>) -> String {
    let idp = idp_origin.map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'{idp}; frame-ancestors 'none'"
    )
}

/// Refuses (403) every state-changing request that does not come from the console's own
/// origin. Browsers send `Origin` on every POST; `Referer` is the fallback for old ones.
pub async fn same_origin_guard(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if is_same_origin(req.headers(), &state.config.public_origin()) {
        next.run(req).await
    } else {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), origin = ?req.headers().get(header::ORIGIN), "cross-origin request refused");
        (StatusCode::FORBIDDEN, "Cross-origin requests are refused.").into_response()
    }
}

pub fn is_same_origin(headers: &HeaderMap, own_origin: &str) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN) {
        return origin.as_bytes() == own_origin.as_bytes();
    }
    headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .is_some_and(|r| r.origin().ascii_serialization() == own_origin)
}

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(STRICT_CSP));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // `same-origin` (not `no-referrer`): browsers then still send our own Origin on form
    // POSTs, which the guard above relies on.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if state.config.is_https() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    // Pages and server-function answers hold fleet data: never cache them.
    if !is_static {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn origin_must_match_exactly() {
        let own = "http://127.0.0.1:3000";
        assert!(is_same_origin(&headers(&[(header::ORIGIN, own)]), own));
        assert!(!is_same_origin(
            &headers(&[(header::ORIGIN, "http://evil.example")]),
            own
        ));
        assert!(!is_same_origin(
            &headers(&[(header::ORIGIN, "http://127.0.0.1:3001")]),
            own
        ));
        assert!(!is_same_origin(&headers(&[(header::ORIGIN, "null")]), own));
    }

    #[test]
    fn referer_is_the_fallback_and_absence_is_refused() {
        let own = "http://127.0.0.1:3000";
        assert!(is_same_origin(
            &headers(&[(header::REFERER, "http://127.0.0.1:3000/devices?x=1")]),
            own
        ));
        assert!(!is_same_origin(
            &headers(&[(header::REFERER, "http://127.0.0.1.evil.example/")]),
            own
        ));
        assert!(!is_same_origin(&HeaderMap::new(), own));
        // An Origin header wins over a Referer that would pass.
        assert!(!is_same_origin(
            &headers(&[
                (header::ORIGIN, "http://evil.example"),
                (header::REFERER, "http://127.0.0.1:3000/")
            ]),
            own
        ));
    }

    #[test]
    fn page_policy_allows_wasm_but_no_inline_script() {
        let csp = page_csp("abc", Some("https://idp.example"));
        assert!(
            csp.contains("form-action 'self' https://idp.example;"),
            "{csp}"
        );
        assert!(csp.contains("script-src 'nonce-abc' 'self' 'wasm-unsafe-eval'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
