//! Two console processes (the real binary) on two ports against one stack, as two replicas
//! behind a load balancer: the load balancer's address is replica A's, and replica B answers
//! requests made for that address (Origin and callback URL are A's). They share the sessions
//! table and the cookie key, and nothing else.
//!
//! A sign-in started on B finishes on A, and the session works on B; a device run on A is
//! watched to its end from B; sign-out on B ends the session on A; a bulk job started on A
//! is watched from B, and when A is killed (SIGKILL) B takes it up once A's lease runs out and
//! finishes it, each device with exactly one certificate.

mod common;

use aws_sdk_iot::Client;
use common::fleet;
use common::idp::{idp_browser, walk_login, Idp};
use iot_warden::domain::certificates::device_keys::{build_csr, generate_key_pair, KeyKind};
use iot_warden::domain::onboarding::job::{JobState, JobStatus};
use iot_warden::domain::runs::{LiveRun, RunState};
use iot_warden::server::http::SESSION_COOKIE;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_iot-warden");
const PASSWORD: &str = "warden-local-pw";

/// A console process, killed when dropped.
struct Replica {
    child: Child,
    url: String,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Shared {
    public_url: String,
    issuer: String,
    sessions_table: String,
    cookie_secret: std::path::PathBuf,
}

async fn replica(port: u16, shared: &Shared) -> Replica {
    let child = Command::new(BIN)
        .arg("serve")
        .env("WARDEN_LISTEN", format!("127.0.0.1:{port}"))
        .env("WARDEN_PUBLIC_URL", &shared.public_url)
        .env("WARDEN_OIDC_ISSUER", &shared.issuer)
        .env("WARDEN_OIDC_CLIENT_ID", "iot-warden-local")
        .env(
            "WARDEN_OIDC_CLIENT_SECRET",
            "local-dev-secret-not-for-production",
        )
        .env("WARDEN_SESSIONS_TABLE", &shared.sessions_table)
        .env("WARDEN_COOKIE_SECRET_FILE", &shared.cookie_secret)
        .env("WARDEN_ALLOW_INSECURE_HTTP", "true")
        // Two certificates a second: the kill lands mid-job.
        .env("WARDEN_ONBOARD_RATES", "CreateCertificateFromCsr=2")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log_file(port))
        .spawn()
        .expect("start the console");
    // Owned at once: a replica that never answers is killed when the panic drops it.
    let replica = Replica {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..100 {
        if reqwest::get(format!("{}/healthz", replica.url))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return replica;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("replica on port {port} did not answer within 10 s");
}

/// The replica's log, kept in the test log folder (target/test-logs/replica-<port>.log).
fn log_file(port: u16) -> Stdio {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-logs");
    std::fs::create_dir_all(&dir).ok();
    std::fs::File::create(dir.join(format!("replica-{port}.log")))
        .map(Stdio::from)
        .unwrap_or_else(|_| Stdio::null())
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn cookie_named(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")) && !c.starts_with(&format!("{name}=;")))
        .map(|c| c.split(';').next().unwrap().to_string())
}

/// A server function on `replica`, called as the page at the public URL calls it: JSON for
/// the functions that take it, form-encoded (`body` a form string) for the rest.
async fn call(
    replica: &Replica,
    shared: &Shared,
    cookie: &str,
    function: &str,
    body: Value,
) -> (u16, String) {
    let (content_type, body) = match body {
        Value::String(form) => ("application/x-www-form-urlencoded", form),
        json => ("application/json", json.to_string()),
    };
    let res = http()
        .post(format!("{}/api/{function}", replica.url))
        .header("Origin", &shared.public_url)
        .header("Cookie", cookie)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Starts the sign-in on `start`, walks the IdP's form as `user`, and ends it on `finish`:
/// the session cookie.
async fn sign_in(
    start: &Replica,
    finish: &Replica,
    shared: &Shared,
    idp: &Idp,
    user: &str,
) -> String {
    let res = http()
        .get(format!("{}/auth/login", start.url))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let pending = cookie_named(&res, "warden_login").expect("the pending sign-in cookie");
    let to_idp = res.headers()["location"].to_str().unwrap().to_string();
    let callback = walk_login(
        &idp_browser(),
        idp,
        to_idp,
        user,
        PASSWORD,
        &shared.public_url,
    )
    .await
    .unwrap();
    let res = http()
        .get(format!("{}{callback}", finish.url))
        .header("Cookie", &pending)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let session = cookie_named(&res, SESSION_COOKIE);
    assert!(
        status.is_redirection() && session.is_some(),
        "the callback on the other replica answered {status}: {}",
        res.text().await.unwrap_or_default()
    );
    session.unwrap()
}

/// The bulk job's status as `replica` tells it.
async fn job_status(replica: &Replica, shared: &Shared, session: &str, id: &str) -> JobStatus {
    let form = json!(format!("id={id}"));
    let (status, text) = call(replica, shared, session, "bulk_job_status", form).await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

fn csr_for(name: &str) -> String {
    build_csr(&generate_key_pair(KeyKind::EcP256).unwrap(), name).unwrap()
}

#[tokio::test]
async fn two_replicas_share_sessions_runs_and_jobs() {
    let sdk = common::emulator_sdk().await;
    let client = Client::new(&sdk);
    let prefix = common::unique_name("replicas");
    let sessions_table = format!("{prefix}-sessions");
    common::create_sessions_table(&sdk, &sessions_table).await;
    let cookie_secret = std::env::temp_dir().join(format!("{prefix}-cookie-secret"));
    std::fs::write(
        &cookie_secret,
        format!("{prefix}-a-secret-both-replicas-share"),
    )
    .unwrap();
    let (port_a, port_b) = (common::free_port(), common::free_port());
    let public_url = format!("http://127.0.0.1:{port_a}");
    let idp = Idp::start(common::free_port(), &public_url).await;
    let shared = Shared {
        public_url,
        issuer: idp.issuer(),
        sessions_table,
        cookie_secret,
    };
    let a = replica(port_a, &shared).await;
    let b = replica(port_b, &shared).await;

    // Sign in: started on B (its pending cookie sealed with the shared key), ended on A.
    let session = sign_in(&b, &a, &shared, &idp, "admin").await;
    let (status, viewer) = call(&b, &shared, &session, "current_viewer", json!("")).await;
    assert_eq!(status, 200, "{viewer}");
    assert!(
        viewer.contains("\"admin\""),
        "B knows the session A opened: {viewer}"
    );

    // A device made on A; its run watched from B, to its end.
    let policy = format!("WardenReplicaPolicy-{prefix}");
    fleet::create_policy(&client, &policy).await;
    let thing = format!("{prefix}-wizard");
    let run_id = "run-replica-01";
    let request = json!({"run_id": run_id, "profile": null, "request": {
        "thing_name": thing, "thing_type": null, "attributes": [], "groups": [],
        "policies": [policy], "certificate": {"Csr": csr_for(&thing)}}});
    let (status, made) = call(&a, &shared, &session, "provision_device", request).await;
    assert_eq!(status, 200, "{made}");
    let (status, seen) = call(
        &b,
        &shared,
        &session,
        "device_run_status",
        json!(format!("run_id={run_id}")),
    )
    .await;
    assert_eq!(status, 200, "{seen}");
    let run: Option<LiveRun> = serde_json::from_str(&seen).unwrap();
    let run = run.expect("B shows the run A made");
    assert_eq!(run.thing_name, thing);
    assert_eq!(run.state, RunState::Succeeded, "{run:?}");

    // A bulk job started on A, watched from B.
    let rows: Vec<Value> = (0..16u32)
        .map(|i| {
            let name = format!("{prefix}-{i:02}");
            json!({"line": i + 2, "device": {
                "thing_name": name, "thing_type": null, "attributes": [], "groups": [],
                "policies": [policy], "csr_pem": csr_for(&name)}})
        })
        .collect();
    let (status, started) = call(
        &a,
        &shared,
        &session,
        "start_bulk_job",
        json!({"rows": rows, "profile": null}),
    )
    .await;
    assert_eq!(status, 200, "{started}");
    let job: JobStatus = serde_json::from_str(&started).unwrap();
    let began = Instant::now();
    let mut seen = job_status(&b, &shared, &session, &job.id).await;
    while seen.counts.done < 3 && began.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        seen = job_status(&b, &shared, &session, &job.id).await;
    }
    assert!(seen.counts.done >= 3, "B sees A's progress: {seen:?}");

    // A dies mid-job; B takes the job up once A's lease runs out, and finishes it.
    drop(a);
    let at_kill = job_status(&b, &shared, &session, &job.id).await;
    assert!(at_kill.counts.done < 16, "killed mid-job: {at_kill:?}");
    let began = Instant::now();
    let mut seen = at_kill;
    while seen.state != JobState::Finished && began.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        seen = job_status(&b, &shared, &session, &job.id).await;
    }
    assert_eq!(seen.state, JobState::Finished, "{seen:?}");
    assert_eq!((seen.counts.done, seen.counts.failed), (16, 0), "{seen:?}");
    let pems = fleet::certificate_pems(&client).await;
    for row in &rows {
        let name = row["device"]["thing_name"].as_str().unwrap();
        let principals = fleet::principals(&client, name).await;
        assert_eq!(principals.len(), 1, "{name}: {principals:?}");
        let csr = row["device"]["csr_pem"].as_str().unwrap();
        assert_eq!(fleet::certificates_for(csr, &pems).len(), 1, "{name}");
    }

    // Sign-out on B ends the session everywhere.
    let res = http()
        .post(format!("{}/auth/logout", b.url))
        .header("Origin", &shared.public_url)
        .header("Cookie", &session)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let a = replica(port_a, &shared).await;
    let (status, after) = call(&a, &shared, &session, "current_viewer", json!("")).await;
    assert!(
        !after.contains("\"admin\""),
        "A still knows the session B ended ({status}): {after}"
    );
    std::fs::remove_file(&shared.cookie_secret).ok();
}
