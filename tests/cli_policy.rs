//! `iot-warden lint` and `iot-warden simulate`, run as the real binary on temporary files:
//! exit statuses, output shapes, and a malformed case in the middle of a cases file.
#![cfg(feature = "ssr")]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_iot-warden");

/// A scratch directory under the target dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("iot-warden-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).expect("write scratch file");
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run iot-warden");
    {
        let mut input = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).expect("write stdin");
        }
    }
    child.wait_with_output().expect("wait for iot-warden")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

const SENSOR: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "iot:Connect",
      "Resource": "arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}",
      "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}
    },
    {
      "Effect": "Allow",
      "Action": "iot:Publish",
      "Resource": "arn:aws:iot:*:*:topic/sensors/${iot:Connection.Thing.ThingName}/telemetry"
    }
  ]
}
"#;

const WIDE_OPEN: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "iot:*",
      "Resource": "*"
    }
  ]
}
"#;

#[test]
fn lint_clean_policy_exits_0_with_no_findings() {
    let dir = Scratch::new("clean");
    let f = dir.file("sensor.json", SENSOR);
    let out = run(&["lint", path(&f)], None);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout(&out), "");
}

#[test]
fn lint_text_findings_carry_file_line_and_column() {
    let dir = Scratch::new("text");
    let f = dir.file("open.json", WIDE_OPEN);
    let out = run(&["lint", path(&f)], None);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    // `"Resource": "*"` is on line 7, its value at column 19; `"Action"` on line 6, column 17.
    let p = path(&f);
    assert!(
        lines[0].starts_with(&format!("{p}:7:19: critical wildcard-resource: ")),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(&format!("{p}:6:17: high wildcard-action: ")),
        "{}",
        lines[1]
    );
    assert!(lines.iter().all(|l| l.contains(" Fix: ")));
}

#[test]
fn lint_fail_on_sets_the_threshold() {
    let dir = Scratch::new("failon");
    let f = dir.file("open.json", WIDE_OPEN);
    let critical_only = run(&["lint", "--fail-on", "critical", path(&f)], None);
    assert_eq!(critical_only.status.code(), Some(1));
    // A Subscribe without a Receive is a low finding: fails at low, passes at medium.
    let sub = dir.file(
        "sub.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:*:*:topicfilter/a/b"}]}"#,
    );
    let at_low = run(&["lint", "--fail-on", "low", path(&sub)], None);
    assert_eq!(at_low.status.code(), Some(1));
    assert!(stdout(&at_low).contains("low subscribe-without-receive"));
    let at_medium = run(&["lint", "--fail-on", "medium", path(&sub)], None);
    assert_eq!(at_medium.status.code(), Some(0));
    assert!(stdout(&at_medium).contains("low subscribe-without-receive"));
}

#[test]
fn lint_json_lines() {
    let dir = Scratch::new("json");
    let a = dir.file("open.json", WIDE_OPEN);
    let b = dir.file("sensor.json", SENSOR);
    let out = run(&["lint", "--format", "json", path(&a), path(&b)], None);
    assert_eq!(out.status.code(), Some(1));
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["file"], path(&a));
    assert_eq!(rows[0]["line"], 7);
    assert_eq!(rows[0]["column"], 19);
    assert_eq!(rows[0]["rule"], "wildcard-resource");
    assert_eq!(rows[0]["severity"], "critical");
    assert_eq!(rows[0]["statement"], 0);
    assert_eq!(rows[0]["path"], "Statement[0].Resource[0]");
    assert!(rows[0]["suggestion"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
}

#[test]
fn lint_invalid_policy_is_a_finding_with_its_place() {
    let dir = Scratch::new("invalid");
    let syntax = dir.file(
        "syntax.json",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n",
    );
    let out = run(&["lint", "--fail-on", "critical", path(&syntax)], None);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = stdout(&out);
    assert!(text.starts_with(&format!("{}:4:", path(&syntax))), "{text}");
    assert!(
        text.contains("high invalid-policy: The document is not valid JSON"),
        "{text}"
    );
    let structure = dir.file(
        "effect.json",
        "{\"Version\": \"2012-10-17\",\n \"Statement\": {\"Effect\": \"Permit\", \"Action\": \"iot:Publish\", \"Resource\": \"*\"}}",
    );
    let out = run(&["lint", path(&structure)], None);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    // The structural error is placed with `locate`: `"Effect"` on line 2, column 16.
    assert!(
        text.starts_with(&format!("{}:2:16: high invalid-policy: ", path(&structure))),
        "{text}"
    );
}

#[test]
fn lint_usage_and_io_errors_exit_2() {
    let dir = Scratch::new("io");
    let good = dir.file("sensor.json", SENSOR);
    let missing = dir.0.join("missing.json");
    let out = run(&["lint", path(&good), path(&missing)], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read") && err.contains("missing.json"),
        "{err}"
    );
    assert_eq!(run(&["lint"], None).status.code(), Some(2));
    assert_eq!(
        run(&["lint", "--fail-on", "severe", path(&good)], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["lint", "--format", "xml", path(&good)], None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn lint_reads_stdin() {
    let out = run(&["lint", "-"], Some(WIDE_OPEN));
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("<stdin>:7:19: critical wildcard-resource"));
}

fn case(id: &str, resource: &str) -> String {
    let policy: serde_json::Value = serde_json::from_str(SENSOR).unwrap();
    serde_json::json!({
        "id": id,
        "policies": [policy],
        "request": {
            "action": "iot:Publish",
            "resource": format!("arn:aws:iot:us-east-1:123456789012:topic/{resource}"),
            "context": {"iot:ClientId": "sensor-001", "iot:Connection.Thing.ThingName": "sensor-001"}
        }
    })
    .to_string()
}

#[test]
fn simulate_streams_one_result_per_case_and_survives_a_bad_line() {
    let dir = Scratch::new("simulate");
    let cases = format!(
        "{}\n\n{{\"id\": \"broken\", \"policies\": [\n{}\n{}\n",
        case("own", "sensors/sensor-001/telemetry"),
        r#"{"id": "no-request", "policies": []}"#,
        case("other", "sensors/sensor-002/telemetry"),
    );
    let f = dir.file("cases.jsonl", &cases);
    let out = run(&["simulate", "--cases", path(&f)], None);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(
        rows,
        vec![
            serde_json::json!({"id": "own", "decision": "ALLOWED",
                "statements": [{"policy": 0, "index": 1, "sid": null}]}),
            serde_json::json!({"id": null,
                "error": "The line is not valid JSON (EOF while parsing a list)."}),
            serde_json::json!({"id": "no-request", "error": "The case has no `request`."}),
            serde_json::json!({"id": "other", "decision": "IMPLICIT_DENY", "statements": []}),
        ]
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 of 4 cases"), "{err}");
    // --allow-errors: same output, status 0.
    let lenient = run(&["simulate", "--cases", path(&f), "--allow-errors"], None);
    assert_eq!(lenient.status.code(), Some(0));
    assert_eq!(lenient.stdout, out.stdout);
}

#[test]
fn simulate_from_stdin_and_io_errors() {
    let input = format!("{}\n", case("own", "sensors/sensor-001/status"));
    let out = run(&["simulate", "--cases", "-"], Some(&input));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        stdout(&out),
        "{\"id\":\"own\",\"decision\":\"IMPLICIT_DENY\",\"statements\":[]}\n"
    );
    let out = run(&["simulate", "--cases", "/nonexistent/cases.jsonl"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(run(&["simulate"], None).status.code(), Some(2));
}

/// The three rules the engine once got wrong, decided by the command line too: an empty list
/// of condition values, ArnEquals, and a certificate variable whose value holds a wildcard.
#[test]
fn simulate_decides_empty_value_lists_arn_operators_and_unsubstituted_certificate_variables() {
    let acct = "arn:aws:iot:us-east-1:123456789012";
    let connect_only_default = serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "iot:Connect", "Resource": format!("{acct}:client/*"),
        "Condition": {"ForAllValues:StringEquals": {"iot:ConnectAttributes": []}}}]});
    let last_will = serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "iot:Connect", "Resource": format!("{acct}:client/*"),
        "Condition": {"ArnEquals": {"iot:LastWillTopic": format!("{acct}:topic/will/*")}}}]});
    let by_cn = serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "iot:Publish",
        "Resource": format!("{acct}:topic/d/${{iot:Certificate.Subject.CommonName}}")}]});
    let case = |id: &str,
                policy: &serde_json::Value,
                action: &str,
                resource: &str,
                context: serde_json::Value| {
        serde_json::json!({"id": id, "policies": [policy],
            "request": {"action": action, "resource": format!("{acct}:{resource}"), "context": context}})
        .to_string()
    };
    let cases = [
        case(
            "default-connect",
            &connect_only_default,
            "iot:Connect",
            "client/c1",
            serde_json::json!({}),
        ),
        case(
            "persistent-connect",
            &connect_only_default,
            "iot:Connect",
            "client/c1",
            serde_json::json!({"iot:ConnectAttributes": ["PersistentConnect"]}),
        ),
        case(
            "will-ok",
            &last_will,
            "iot:Connect",
            "client/c1",
            serde_json::json!({"iot:LastWillTopic": format!("{acct}:topic/will/c1")}),
        ),
        case(
            "will-elsewhere",
            &last_will,
            "iot:Connect",
            "client/c1",
            serde_json::json!({"iot:LastWillTopic": format!("{acct}:topic/other/c1")}),
        ),
        case(
            "cn-plain",
            &by_cn,
            "iot:Publish",
            "topic/d/dev1",
            serde_json::json!({"iot:Certificate.Subject.CommonName": "dev1"}),
        ),
        case(
            "cn-hash",
            &by_cn,
            "iot:Publish",
            "topic/d/dev#1",
            serde_json::json!({"iot:Certificate.Subject.CommonName": "dev#1"}),
        ),
    ]
    .join("\n");
    let out = run(&["simulate", "--cases", "-"], Some(&cases));
    let decisions: Vec<(String, String)> = stdout(&out)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["decision"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("default-connect", "ALLOWED"),
        ("persistent-connect", "IMPLICIT_DENY"),
        ("will-ok", "ALLOWED"),
        ("will-elsewhere", "IMPLICIT_DENY"),
        ("cn-plain", "ALLOWED"),
        ("cn-hash", "IMPLICIT_DENY"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(decisions, want, "{out:?}");
}
