//! Shared by the integration tests: the real app state over the AWS SDK (pointed at the
//! local emulator by AWS_ENDPOINT_URL, as in production by the SDK chain), sessions planted
//! straight into the session store, and request helpers.

#![allow(dead_code)]

pub mod fleet;
pub mod idp;

use axum::body::Body;
use axum::http::{header, Request, Response};
use axum::Router;
use clap::Parser;
use http_body_util::BodyExt;
use iot_warden::domain::roles::Role;
use iot_warden::server::auth::rate_limit::{self, SignInLimit};
use iot_warden::server::auth::SessionUser;
use iot_warden::server::aws::DynamoSessions;
use iot_warden::server::config::ServeArgs;
use iot_warden::server::http::{router, SESSION_COOKIE};
use iot_warden::server::run::build_state;
use std::collections::HashMap;
use std::sync::Arc;
use tower::ServiceExt;
use tower_sessions::session::{Id, Record};
use tower_sessions::SessionStore;

pub const ORIGIN: &str = "http://127.0.0.1:3000";

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    serve: ServeArgs,
}

/// Fails with a clear message when the emulator is not configured, instead of timing out.
pub fn require_emulator() {
    assert!(
        std::env::var("AWS_ENDPOINT_URL").is_ok(),
        "integration tests need the local stack: run `stack/start.sh` and `source stack/env.sh` (the README's test command does both)"
    );
}

/// The SDK configuration from the standard chain (the emulator, by AWS_ENDPOINT_URL).
pub async fn emulator_sdk() -> aws_config::SdkConfig {
    require_emulator();
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}

/// The bulk jobs' DynamoDB table the stack seeds (`WARDEN_JOBS_TABLE`, as the console reads it).
pub fn jobs_table() -> String {
    std::env::var("WARDEN_JOBS_TABLE").unwrap_or_else(|_| "iot-warden-onboarding-jobs".into())
}

/// The onboarding profiles' DynamoDB table the stack seeds (`WARDEN_PROFILES_TABLE`).
pub fn profiles_table() -> String {
    std::env::var("WARDEN_PROFILES_TABLE")
        .unwrap_or_else(|_| "iot-warden-onboarding-profiles".into())
}

/// The onboarding profiles service over the real SDK, as the console builds it.
pub fn profiles_service(
    sdk: &aws_config::SdkConfig,
) -> std::sync::Arc<iot_warden::server::onboarding::profiles::OnboardingProfiles> {
    use iot_warden::server::aws::{DynamoProfileStore, SdkIot};
    use std::sync::Arc;
    let iot = Arc::new(SdkIot::new(sdk));
    Arc::new(
        iot_warden::server::onboarding::profiles::OnboardingProfiles::new(
            Arc::new(DynamoProfileStore::new(sdk, profiles_table())),
            iot.clone(),
            iot,
        ),
    )
}

/// The bulk onboarding engine over the real SDK, as the console builds it, with `limits` and
/// eight rows at a time.
pub fn bulk_engine(
    sdk: &aws_config::SdkConfig,
    limits: &iot_warden::domain::onboarding::pacing::RateLimits,
) -> iot_warden::server::onboarding::bulk::BulkOnboarding {
    use iot_warden::server::aws::{DynamoJobStore, SdkIot};
    use std::sync::Arc;
    let iot = Arc::new(SdkIot::new(sdk));
    iot_warden::server::onboarding::bulk::BulkOnboarding::new(
        iot,
        Arc::new(DynamoJobStore::new(sdk, jobs_table())),
        profiles_service(sdk),
        limits,
        8,
    )
}

/// A port on 127.0.0.1 free right now, for a server a test starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `tag` and the time in nanoseconds: names no other run has used, so tests can share a
/// stack that is in use.
pub fn unique_name(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{tag}-{nanos}")
}

/// Parses `serve` options as the command line would.
pub fn serve_args(args: &[&str]) -> ServeArgs {
    Cli::parse_from(std::iter::once("iot-warden").chain(args.iter().copied())).serve
}

pub struct TestApp {
    pub router: Router,
    /// The app's sessions, in a sessions table of its own (so counting them counts this
    /// test's only).
    pub store: DynamoSessions,
    pub sessions_table: String,
    pub sign_in_limit: Arc<SignInLimit>,
}

/// Creates an empty sessions table as the stack's seed does (key `id`).
pub async fn create_sessions_table(sdk: &aws_config::SdkConfig, table: &str) {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    };
    aws_sdk_dynamodb::Client::new(sdk)
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("the sessions table is created");
}

impl TestApp {
    /// The app with an IdP nobody reaches: for tests that plant their sessions directly.
    pub async fn new() -> TestApp {
        TestApp::with_settings(&[]).await
    }

    /// As [`TestApp::new`], with more `serve` arguments.
    pub async fn with_settings(extra: &[&str]) -> TestApp {
        let mut args = vec![
            "--oidc-issuer",
            "http://127.0.0.1:9",
            "--oidc-client-id",
            "test",
            "--oidc-client-secret",
            "test",
        ];
        args.extend_from_slice(extra);
        TestApp::with_args(&args).await
    }

    /// The app configured by `serve` command-line arguments (plain http allowed: the local
    /// IdP and the console's test address are http).
    pub async fn with_args(args: &[&str]) -> TestApp {
        require_emulator();
        let sdk = emulator_sdk().await;
        let sessions_table = unique_name("sessions");
        create_sessions_table(&sdk, &sessions_table).await;
        let mut args = args.to_vec();
        args.extend(["--allow-insecure-http", "--sessions-table", &sessions_table]);
        let args = serve_args(&args);
        let options = leptos::config::LeptosOptions::builder()
            .output_name("iot-warden")
            .build();
        let (state, store) = build_state(args.validate().unwrap(), options)
            .await
            .expect("state builds");
        let sign_in_limit = rate_limit::sign_in_limit(state.config.sign_in_per_minute);
        TestApp {
            router: router(state, store.clone(), sign_in_limit.clone()),
            store,
            sessions_table,
            sign_in_limit,
        }
    }

    /// Sessions the app's table holds, expired ones included until TTL deletes them.
    pub async fn stored_sessions(&self) -> i32 {
        aws_sdk_dynamodb::Client::new(&emulator_sdk().await)
            .scan()
            .table_name(&self.sessions_table)
            .select(aws_sdk_dynamodb::types::Select::Count)
            .send()
            .await
            .expect("the sessions table is readable")
            .count()
    }

    /// A session as the callback would leave it, and the cookie that names it.
    pub async fn session_for(
        &self,
        username: &str,
        role: Option<Role>,
        signed_in_secs_ago: i64,
    ) -> String {
        self.session_expiring(
            username,
            role,
            signed_in_secs_ago,
            time::Duration::hours(1),
            SESSION_COOKIE,
        )
        .await
    }

    /// A session whose record expires `expires_in` from now, under cookie name `cookie_name`.
    pub async fn session_expiring(
        &self,
        username: &str,
        role: Option<Role>,
        signed_in_secs_ago: i64,
        expires_in: time::Duration,
        cookie_name: &str,
    ) -> String {
        let user = SessionUser {
            subject: format!("sub-{username}"),
            username: username.into(),
            name: None,
            role,
            signed_in_at: time::OffsetDateTime::now_utc().unix_timestamp() - signed_in_secs_ago,
        };
        let mut record = Record {
            id: Id::default(),
            data: HashMap::from([("user".to_string(), serde_json::to_value(&user).unwrap())]),
            expiry_date: time::OffsetDateTime::now_utc() + expires_in,
        };
        self.store.create(&mut record).await.unwrap();
        format!("{cookie_name}={}", record.id)
    }

    pub async fn send(&self, req: Request<Body>) -> Response<Body> {
        self.router.clone().oneshot(req).await.unwrap()
    }

    /// When the session named by `cookie` ("name=id") expires in the store.
    pub async fn session_expiry(&self, cookie: &str) -> Option<time::OffsetDateTime> {
        let id: Id = cookie.split_once('=')?.1.parse().ok()?;
        self.store.load(&id).await.unwrap().map(|r| r.expiry_date)
    }

    /// `current_viewer` as the page at `origin` asks it with session cookie `cookie`: the
    /// whole response, for tests that read its `Set-Cookie` as well as who it names.
    pub async fn current_viewer(&self, origin: &str, cookie: &str) -> Response<Body> {
        self.send(
            Request::post("/api/current_viewer")
                .header(header::ORIGIN, origin)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// POST to a server function the way the browser does: form-encoded (JSON when the body
    /// starts with `{`, for functions taking structured input), own Origin.
    pub async fn call(&self, path: &str, body: &str, cookie: Option<&str>) -> (u16, String) {
        let content_type = if body.starts_with('{') {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        };
        let mut req = Request::post(path)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::ORIGIN, ORIGIN)
            .header(header::ACCEPT, "application/json");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let res = self
            .send(req.body(Body::from(body.to_string())).unwrap())
            .await;
        let status = res.status().as_u16();
        (status, body_text(res).await)
    }
}

pub async fn body_text(res: Response<Body>) -> String {
    String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).into_owned()
}
