//! The few plain HTML pages the server answers outside the Leptos app (sign-in failures).

use axum::response::Html;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A minimal page with a heading, a sentence and an optional link. No script, so the
/// default strict Content-Security-Policy applies as it is.
pub fn message_page(title: &str, message: &str, link: Option<(&str, &str)>) -> Html<String> {
    let link = link
        .map(|(href, text)| format!(r#"<p><a href="{}">{}</a></p>"#, escape(href), escape(text)))
        .unwrap_or_default();
    Html(format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{t} · IoT Warden</title>
<link rel="stylesheet" href="/pkg/iot-warden.css"></head>
<body><main class="message-page"><h1>{t}</h1><p role="alert">{m}</p>{link}</main></body></html>"#,
        t = escape(title),
        m = escape(message),
    ))
}
