//! The real IdP (stack/idp, panva oidc-provider) as a process of a test's own, and its login
//! form walked the way a browser walks it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// An IdP process that sends users back to `public_url`'s callback; stopped when dropped.
pub struct Idp {
    child: Child,
    pub port: u16,
}

impl Idp {
    pub async fn start(port: u16, public_url: &str) -> Idp {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("stack/idp");
        let child = Command::new("node")
            .arg("server.js")
            .current_dir(&dir)
            .env("IDP_PORT", port.to_string())
            .env("IDP_REDIRECT_URIS", format!("{public_url}/auth/callback"))
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

    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser for the IdP's pages: keeps the IdP's cookies, follows no redirect by itself.
pub fn idp_browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn absolute(base: &str, href: &str) -> String {
    if href.starts_with("http") {
        href.to_string()
    } else {
        format!("{base}{href}")
    }
}

/// From the console's redirect to the IdP (`url`), through the IdP's login form as `user`,
/// to the redirect back to `public_url`: returns that callback's path and query.
pub async fn walk_login(
    browser: &reqwest::Client,
    idp: &Idp,
    mut url: String,
    user: &str,
    password: &str,
    public_url: &str,
) -> Result<String, String> {
    let mut form_posted = false;
    for _ in 0..10 {
        // With the slash: an IdP on port 39990-39999 would otherwise look like the console.
        if url.starts_with(&format!("{public_url}/")) {
            break;
        }
        let res = browser.get(&url).send().await.unwrap();
        if res.status().is_redirection() {
            url = absolute(
                &idp.issuer(),
                res.headers()[reqwest::header::LOCATION.as_str()]
                    .to_str()
                    .unwrap(),
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
            res.headers()[reqwest::header::LOCATION.as_str()]
                .to_str()
                .unwrap(),
        );
    }
    Ok(url
        .strip_prefix(public_url)
        .expect("the IdP redirects to the console's callback")
        .to_string())
}
