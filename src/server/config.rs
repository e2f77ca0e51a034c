//! The whole configuration: one clap struct, every option also an environment variable.
//! AWS region, credentials and endpoint are not here: they come from the AWS SDK's own chain
//! (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL`, instance roles, …).

use crate::domain::roles::GroupRoleMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address the console listens on.
    #[arg(long, env = "WARDEN_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,
    /// The URL users reach the console at; the OIDC redirect URI and the allowed origin derive from it.
    #[arg(
        long,
        env = "WARDEN_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000"
    )]
    pub public_url: String,
    /// OIDC issuer URL (discovery document at ISSUER/.well-known/openid-configuration).
    #[arg(long, env = "WARDEN_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// OIDC client id registered for the console.
    #[arg(long, env = "WARDEN_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// OIDC client secret. Prefer the _FILE variant outside development.
    #[arg(long, env = "WARDEN_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<Secret>,
    /// File holding the OIDC client secret (trailing newline ignored).
    #[arg(long, env = "WARDEN_OIDC_CLIENT_SECRET_FILE")]
    pub oidc_client_secret_file: Option<PathBuf>,
    /// IdP group → console role, as group=role pairs separated by commas.
    #[arg(
        long,
        env = "WARDEN_ROLE_MAPPING",
        default_value = "warden-admins=admin,warden-onboarding=onboarding,warden-auditors=auditor"
    )]
    pub role_mapping: String,
    /// File holding the key that seals the pending-sign-in cookie (32 bytes or more of random
    /// text). Every replica of one console needs the same; without it each process makes one
    /// at start, and a sign-in under way at a restart must start again.
    #[arg(long, env = "WARDEN_COOKIE_SECRET_FILE")]
    pub cookie_secret_file: Option<PathBuf>,
    /// Sign-ins one client address may start per minute (and at once).
    #[arg(long, env = "WARDEN_SIGN_IN_PER_MINUTE", default_value_t = 20)]
    pub sign_in_per_minute: u32,
    /// Server-function calls one user may make per minute (and at once): keeps one user from
    /// spending the account's AWS IoT request quotas.
    #[arg(long, env = "WARDEN_API_PER_MINUTE", default_value_t = 600)]
    pub api_per_minute: u32,
    /// Accept http:// for the public URL and the issuer. For local development and tests
    /// only: over http a session cookie, and a private key the console hands out, cross the
    /// network in the clear.
    #[arg(long, env = "WARDEN_ALLOW_INSECURE_HTTP")]
    pub allow_insecure_http: bool,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "WARDEN_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u64,
    /// Hours after sign-in after which a session ends however active it is.
    #[arg(long, env = "WARDEN_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: u64,
    /// DynamoDB table holding device security events.
    #[arg(long, env = "WARDEN_EVENTS_TABLE", default_value = "IoTSecurityEvents")]
    pub events_table: String,
    /// DynamoDB table holding sessions and live run status, shared by every replica
    /// (partition key `id`, TTL attribute `expires`).
    #[arg(
        long,
        env = "WARDEN_SESSIONS_TABLE",
        default_value = "iot-warden-sessions"
    )]
    pub sessions_table: String,
    #[command(flatten)]
    pub jobs: JobArgs,
}

/// Bulk onboarding settings, shared by `serve` and `onboard`.
#[derive(clap::Args, Debug, Clone)]
pub struct JobArgs {
    /// DynamoDB table holding bulk onboarding jobs (partition key `job`, sort key `item`).
    #[arg(
        long,
        env = "WARDEN_JOBS_TABLE",
        default_value = "iot-warden-onboarding-jobs"
    )]
    pub jobs_table: String,
    /// DynamoDB table holding onboarding profiles (partition key `name`).
    #[arg(
        long,
        env = "WARDEN_PROFILES_TABLE",
        default_value = "iot-warden-onboarding-profiles"
    )]
    pub profiles_table: String,
    /// Calls per second for one AWS API, as API=N (repeat the flag, or separate with commas in
    /// the variable). Unset APIs keep AWS IoT Core's published default quotas.
    #[arg(
        long = "rate",
        env = "WARDEN_ONBOARD_RATES",
        value_name = "API=N",
        value_delimiter = ','
    )]
    pub rates: Vec<String>,
}

/// The checked bulk onboarding settings.
#[derive(Clone, Debug)]
pub struct JobSettings {
    pub jobs_table: String,
    pub profiles_table: String,
    pub limits: crate::domain::onboarding::pacing::RateLimits,
}

impl JobArgs {
    pub fn validate(self) -> Result<JobSettings, ConfigError> {
        for (setting, table) in [
            ("WARDEN_JOBS_TABLE (--jobs-table)", &self.jobs_table),
            (
                "WARDEN_PROFILES_TABLE (--profiles-table)",
                &self.profiles_table,
            ),
        ] {
            if !crate::domain::aws_names::is_valid_table_name(table) {
                return Err(ConfigError(format!(
                    "{setting} = {table:?} is not a valid DynamoDB table name (3–255 of a-z A-Z 0-9 _ - .)."
                )));
            }
        }
        let rates: Vec<String> = self
            .rates
            .into_iter()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        let limits = crate::domain::onboarding::pacing::RateLimits::aws_defaults()
            .with_overrides(&rates)
            .map_err(ConfigError)?;
        Ok(JobSettings {
            jobs_table: self.jobs_table,
            profiles_table: self.profiles_table,
            limits,
        })
    }
}

/// A secret that never shows in logs or debug output.
#[derive(Clone)]
pub struct Secret(String);

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Configuration that passed every check.
#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub public_url: Url,
    pub oidc_issuer: Url,
    pub oidc_client_id: String,
    pub oidc_client_secret: Secret,
    /// 64 bytes for the pending-sign-in cookie's key: SHA-512 of the configured secret, or
    /// random for this process.
    pub cookie_key: CookieKey,
    pub sign_in_per_minute: u32,
    pub api_per_minute: u32,
    pub role_map: GroupRoleMap,
    pub session_idle: Duration,
    pub session_max: Duration,
    pub events_table: String,
    pub sessions_table: String,
    pub jobs: JobSettings,
}

/// Key material that never shows in debug output.
#[derive(Clone)]
pub struct CookieKey(pub [u8; 64]);

impl fmt::Debug for CookieKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CookieKey(…)")
    }
}

impl Config {
    /// The IdP's origin: sign-out's form may be sent on there (RP-initiated logout), so the
    /// pages' `form-action` names it.
    pub fn idp_origin(&self) -> String {
        self.oidc_issuer.origin().ascii_serialization()
    }

    /// The origin (scheme://host[:port]) browsers send in the `Origin` header for this console.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }

    pub fn is_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    pub fn redirect_url(&self) -> String {
        let mut u = self.public_url.clone();
        u.set_path("/auth/callback");
        u.set_query(None);
        u.to_string()
    }
}

/// One sentence naming the setting that is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

fn missing(env: &str, flag: &str) -> ConfigError {
    ConfigError(format!(
        "{env} (--{flag}) is not set; the console cannot start without it."
    ))
}

fn http_url(value: &str, env: &str, flag: &str, allow_http: bool) -> Result<Url, ConfigError> {
    let url = Url::parse(value)
        .map_err(|e| ConfigError(format!("{env} (--{flag}) = {value:?} is not a URL: {e}.")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(ConfigError(format!(
            "{env} (--{flag}) = {value:?} must be an http:// or https:// URL."
        )));
    }
    if url.scheme() == "http" && !allow_http {
        return Err(ConfigError(format!(
            "{env} (--{flag}) = {value:?} is plain http: sessions and device keys would cross the network in the clear. Use https://, or pass --allow-insecure-http (WARDEN_ALLOW_INSECURE_HTTP=true) for local development."
        )));
    }
    Ok(url)
}

fn cookie_key(file: Option<PathBuf>) -> Result<CookieKey, ConfigError> {
    use sha2::Digest;
    let Some(path) = file else {
        let mut key = [0u8; 64];
        rand::Rng::fill(&mut rand::rng(), &mut key[..]);
        return Ok(CookieKey(key));
    };
    let secret = std::fs::read(&path).map_err(|e| {
        ConfigError(format!(
            "WARDEN_COOKIE_SECRET_FILE = {} cannot be read: {e}.",
            path.display()
        ))
    })?;
    let secret = secret.trim_ascii_end();
    if secret.len() < 32 {
        return Err(ConfigError(format!(
            "WARDEN_COOKIE_SECRET_FILE = {} holds {} bytes; it needs 32 or more of random text.",
            path.display(),
            secret.len()
        )));
    }
    Ok(CookieKey(sha2::Sha512::digest(secret).into()))
}

impl ServeArgs {
    pub fn validate(self) -> Result<Config, ConfigError> {
        let insecure = self.allow_insecure_http;
        let public_url = http_url(
            &self.public_url,
            "WARDEN_PUBLIC_URL",
            "public-url",
            insecure,
        )?;
        let issuer = self
            .oidc_issuer
            .ok_or_else(|| missing("WARDEN_OIDC_ISSUER", "oidc-issuer"))?;
        let oidc_issuer = http_url(&issuer, "WARDEN_OIDC_ISSUER", "oidc-issuer", insecure)?;
        let oidc_client_id = self
            .oidc_client_id
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| missing("WARDEN_OIDC_CLIENT_ID", "oidc-client-id"))?;
        let secret = match (self.oidc_client_secret, self.oidc_client_secret_file) {
            (Some(_), Some(_)) => return Err(ConfigError(
                "Set either WARDEN_OIDC_CLIENT_SECRET or WARDEN_OIDC_CLIENT_SECRET_FILE, not both."
                    .into(),
            )),
            (Some(s), None) => s.0,
            (None, Some(path)) => std::fs::read_to_string(&path)
                .map_err(|e| {
                    ConfigError(format!(
                        "WARDEN_OIDC_CLIENT_SECRET_FILE = {} cannot be read: {e}.",
                        path.display()
                    ))
                })?
                .trim_end_matches(['\r', '\n'])
                .to_string(),
            (None, None) => return Err(missing("WARDEN_OIDC_CLIENT_SECRET", "oidc-client-secret")),
        };
        if secret.is_empty() {
            return Err(ConfigError("The OIDC client secret is empty.".into()));
        }
        let role_map = GroupRoleMap::parse(&self.role_mapping)
            .map_err(|e| ConfigError(format!("WARDEN_ROLE_MAPPING (--role-mapping): {e}.")))?;
        if self.session_idle_minutes == 0 || self.session_max_hours == 0 {
            return Err(ConfigError(
                "WARDEN_SESSION_IDLE_MINUTES and WARDEN_SESSION_MAX_HOURS must be at least 1."
                    .into(),
            ));
        }
        if self.session_idle_minutes > self.session_max_hours * 60 {
            return Err(ConfigError(
                "WARDEN_SESSION_IDLE_MINUTES is longer than WARDEN_SESSION_MAX_HOURS; the idle timeout would never apply.".into(),
            ));
        }
        for (setting, table) in [
            ("WARDEN_EVENTS_TABLE", &self.events_table),
            ("WARDEN_SESSIONS_TABLE", &self.sessions_table),
        ] {
            if !crate::domain::aws_names::is_valid_table_name(table) {
                return Err(ConfigError(format!(
                    "{setting} = {table:?} is not a valid DynamoDB table name (3–255 of a-z A-Z 0-9 _ - .)."
                )));
            }
        }
        let max_rate = crate::server::auth::rate_limit::MAX_PER_MINUTE;
        if !(1..=max_rate).contains(&self.sign_in_per_minute) {
            return Err(ConfigError(format!(
                "WARDEN_SIGN_IN_PER_MINUTE must be between 1 and {max_rate}."
            )));
        }
        if !(1..=max_rate).contains(&self.api_per_minute) {
            return Err(ConfigError(format!(
                "WARDEN_API_PER_MINUTE must be between 1 and {max_rate}."
            )));
        }
        Ok(Config {
            listen: self.listen,
            public_url,
            oidc_issuer,
            oidc_client_id,
            oidc_client_secret: Secret(secret),
            cookie_key: cookie_key(self.cookie_secret_file)?,
            sign_in_per_minute: self.sign_in_per_minute,
            api_per_minute: self.api_per_minute,
            role_map,
            session_idle: Duration::from_secs(self.session_idle_minutes * 60),
            session_max: Duration::from_secs(self.session_max_hours * 3600),
            events_table: self.events_table,
            sessions_table: self.sessions_table,
            jobs: self.jobs.validate()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        serve: ServeArgs,
    }

    /// clap also reads WARDEN_* from the environment, and a shell that sourced stack/env.sh
    /// has some set: these tests must see only their own arguments. Only these tests read
    /// WARDEN_* in this test binary, and each clears them (once) before parsing.
    fn without_warden_env() {
        static CLEAR: std::sync::Once = std::sync::Once::new();
        CLEAR.call_once(|| {
            for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("WARDEN_")) {
                std::env::remove_var(key);
            }
        });
    }

    fn parse(args: &[&str]) -> Result<Config, ConfigError> {
        without_warden_env();
        let mut argv = vec!["iot-warden"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv)
            .expect("clap accepts the flags")
            .serve
            .validate()
    }

    const OK: [&str; 7] = [
        "--oidc-issuer",
        "http://127.0.0.1:9400",
        "--oidc-client-id",
        "c",
        "--oidc-client-secret",
        "s",
        "--allow-insecure-http",
    ];

    #[test]
    fn accepts_a_complete_configuration() {
        let c = parse(&OK).unwrap();
        assert_eq!(c.public_origin(), "http://127.0.0.1:3000");
        assert_eq!(c.redirect_url(), "http://127.0.0.1:3000/auth/callback");
        assert!(!c.is_https());
        assert!(
            !format!("{c:?}").contains("\"s\""),
            "secret must not show in debug output"
        );
    }

    #[test]
    fn names_the_missing_setting() {
        let e = parse(&[
            "--oidc-client-id",
            "c",
            "--oidc-client-secret",
            "s",
            "--allow-insecure-http",
        ])
        .unwrap_err();
        assert!(e.to_string().contains("WARDEN_OIDC_ISSUER"), "{e}");
        let e = parse(&[
            "--oidc-issuer",
            "http://x",
            "--oidc-client-id",
            "c",
            "--allow-insecure-http",
        ])
        .unwrap_err();
        assert!(e.to_string().contains("WARDEN_OIDC_CLIENT_SECRET"), "{e}");
    }

    #[test]
    fn names_the_invalid_setting() {
        let mut a = OK.to_vec();
        a.extend(["--public-url", "ftp://x"]);
        assert!(parse(&a)
            .unwrap_err()
            .to_string()
            .contains("WARDEN_PUBLIC_URL"));
        let mut a = OK.to_vec();
        a.extend(["--role-mapping", "admins=root"]);
        assert!(parse(&a)
            .unwrap_err()
            .to_string()
            .contains("WARDEN_ROLE_MAPPING"));
        let mut a = OK.to_vec();
        a.extend(["--session-idle-minutes", "999", "--session-max-hours", "1"]);
        assert!(parse(&a).unwrap_err().to_string().contains("IDLE"));
        let mut a = OK.to_vec();
        a.extend(["--events-table", "x"]);
        assert!(parse(&a)
            .unwrap_err()
            .to_string()
            .contains("WARDEN_EVENTS_TABLE"));
    }

    #[test]
    fn plain_http_is_refused_without_the_development_flag() {
        let base = ["--oidc-client-id", "c", "--oidc-client-secret", "s"];
        let mut a = base.to_vec();
        a.extend([
            "--oidc-issuer",
            "https://idp.example",
            "--public-url",
            "http://console.example",
        ]);
        let e = parse(&a).unwrap_err().to_string();
        assert!(
            e.contains("WARDEN_PUBLIC_URL") && e.contains("plain http"),
            "{e}"
        );
        let mut a = base.to_vec();
        a.extend([
            "--oidc-issuer",
            "http://idp.example",
            "--public-url",
            "https://console.example",
        ]);
        let e = parse(&a).unwrap_err().to_string();
        assert!(e.contains("WARDEN_OIDC_ISSUER"), "{e}");
        let mut a = base.to_vec();
        a.extend([
            "--oidc-issuer",
            "https://idp.example",
            "--public-url",
            "https://console.example",
        ]);
        let c = parse(&a).unwrap();
        assert!(c.is_https());
        assert_eq!(c.idp_origin(), "https://idp.example");
    }

    #[test]
    fn the_cookie_key_comes_from_its_file_or_is_random() {
        let path = std::env::temp_dir().join(format!("warden-cookie-{}", std::process::id()));
        let mut a = OK.to_vec();
        let p = path.to_str().unwrap().to_string();
        a.extend(["--cookie-secret-file", &p]);
        std::fs::write(&path, "too short\n").unwrap();
        assert!(parse(&a).unwrap_err().to_string().contains("32 or more"));
        std::fs::write(&path, "0123456789abcdef0123456789abcdef\n").unwrap();
        let (k1, k2) = (parse(&a).unwrap().cookie_key, parse(&a).unwrap().cookie_key);
        assert_eq!(k1.0, k2.0, "replicas with the same file share the key");
        assert_ne!(
            parse(&OK).unwrap().cookie_key.0,
            parse(&OK).unwrap().cookie_key.0
        );
        assert!(!format!("{k1:?}").contains('0'));
        std::fs::remove_file(path).ok();
    }

    #[test]
    fn reads_the_secret_from_a_file() {
        let path = std::env::temp_dir().join(format!("warden-secret-{}", std::process::id()));
        std::fs::write(&path, "from-file\n").unwrap();
        let p = path.to_str().unwrap();
        let c = parse(&[
            "--oidc-issuer",
            "http://x",
            "--oidc-client-id",
            "c",
            "--oidc-client-secret-file",
            p,
            "--allow-insecure-http",
        ])
        .unwrap();
        assert_eq!(c.oidc_client_secret.expose(), "from-file");
        std::fs::remove_file(path).ok();
    }
}
