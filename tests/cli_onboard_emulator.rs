//! `iot-warden onboard` as a factory pipeline runs it: the real binary against the local
//! emulator. Killed mid-run and started again with the same command, it resumes the job and
//! every device ends with exactly one certificate.

mod common;

use aws_sdk_iot::Client;
use common::fleet;
use iot_warden::domain::certificates::device_keys::{build_csr, generate_key_pair, KeyKind};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_iot-warden");
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}"#;

struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(common::unique_name(tag));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn csv_cell(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// A CSV of `n` devices with CSRs in the file, and the CSRs.
fn devices_csv(prefix: &str, policy: &str, n: usize) -> (String, Vec<(String, String)>) {
    let mut text = String::from("thingName,policies,attr.batch,csr\n");
    let mut devices = Vec::new();
    for i in 0..n {
        let name = format!("{prefix}-{i:03}");
        let csr = build_csr(&generate_key_pair(KeyKind::EcP256).unwrap(), &name).unwrap();
        text.push_str(&format!("{name},{policy},b9,{}\n", csv_cell(&csr)));
        devices.push((name, csr));
    }
    (text, devices)
}

fn onboard(csv: &PathBuf, out: &PathBuf, extra: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("onboard")
        .arg("--csv")
        .arg(csv)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

async fn policy(client: &Client, prefix: &str) -> String {
    let name = format!("WardenCliPolicy-{prefix}");
    client
        .create_policy()
        .policy_name(&name)
        .policy_document(POLICY)
        .send()
        .await
        .unwrap();
    name
}

#[tokio::test]
async fn killed_and_run_again_it_finishes_with_one_certificate_per_device() {
    let client = Client::new(&common::emulator_sdk().await);
    let prefix = common::unique_name("cli-kill");
    let policy = policy(&client, &prefix).await;
    let scratch = Scratch::new("cli-onboard");
    let (text, devices) = devices_csv(&prefix, &policy, 30);
    let csv = scratch.0.join("devices.csv");
    let out = scratch.0.join("result.csv");
    std::fs::write(&csv, &text).unwrap();
    // Slow enough (10 certificates a second) to be stopped half way.
    let slow = ["--rate", "CreateCertificateFromCsr=10"];
    let mut child = onboard(&csv, &out, &slow).spawn().unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let started = Instant::now();
    let mut progress_seen = Vec::new();
    for line in stderr.lines() {
        let line = line.unwrap();
        progress_seen.push(line.clone());
        // "iot-warden onboard: 7/30 done, …": stop it once some rows are done, none all.
        let done: Option<u32> = line
            .split_once(": ")
            .and_then(|(_, rest)| rest.split_once('/'))
            .and_then(|(n, _)| n.parse().ok());
        if done.is_some_and(|d| d >= 3) || started.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL: no clean-up, the lease and half-done rows stay.
    let _ = child.wait();
    assert!(
        progress_seen
            .iter()
            .any(|l| l.contains("job cli-") && l.contains("created")),
        "{progress_seen:?}"
    );
    assert!(!out.exists(), "the killed run wrote no result");
    let partly: usize = {
        let mut n = 0;
        for (name, _) in &devices {
            if !fleet::principals(&client, name).await.is_empty() {
                n += 1;
            }
        }
        n
    };
    assert!(
        partly > 0 && partly < devices.len(),
        "killed half way: {partly}"
    );

    // The same command again: it resumes the job (after the dead run's lease ends).
    let again = onboard(&csv, &out, &[]).output().unwrap();
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{said}");
    assert!(said.contains("resuming job cli-"), "{said}");
    assert!(said.contains("30 done, 0 failed of 30"), "{said}");
    let result = std::fs::read_to_string(&out).unwrap();
    assert_eq!(result.lines().count(), 31, "{result}");
    assert!(
        result.lines().skip(1).all(|l| l.contains(",done,")),
        "{result}"
    );

    let pems = fleet::certificate_pems(&client).await;
    for (name, csr) in &devices {
        let principals = fleet::principals(&client, name).await;
        assert_eq!(principals.len(), 1, "{name}: {principals:?}");
        let certs = fleet::certificates_for(csr, &pems);
        assert_eq!(
            certs,
            vec![principals[0].rsplit('/').next().unwrap().to_string()],
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_file_with_problems_creates_nothing() {
    let client = Client::new(&common::emulator_sdk().await);
    let prefix = common::unique_name("cli-bad");
    let policy = policy(&client, &prefix).await;
    let scratch = Scratch::new("cli-onboard-bad");
    let (mut text, devices) = devices_csv(&prefix, &policy, 2);
    text.push_str(&format!("{prefix}-x,NoSuchPolicy-{prefix},b9,\n"));
    let csv = scratch.0.join("devices.csv");
    let out = scratch.0.join("result.csv");
    std::fs::write(&csv, &text).unwrap();
    let run = onboard(&csv, &out, &[]).output().unwrap();
    let said = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{said}");
    assert!(said.contains("nothing was created"), "{said}");
    assert!(said.contains("NoSuchPolicy-"), "{said}");
    for (name, _) in &devices {
        let found = client.describe_thing().thing_name(name).send().await;
        assert!(found.is_err(), "{name} was not created");
    }
    // Bad options are refused before anything runs.
    let bad = onboard(&csv, &out, &["--rate", "CreateWidget=3"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("CreateWidget"));
}

/// `--profile`: empty cells take the profile's groups and policies, a row asking for another
/// policy is a problem (nothing created), and an unknown profile stops the command.
#[tokio::test]
async fn within_a_profile_rows_are_filled_and_the_outside_ones_refused() {
    let sdk = common::emulator_sdk().await;
    let client = Client::new(&sdk);
    let prefix = common::unique_name("cli-profile");
    let given = policy(&client, &prefix).await;
    let other = policy(&client, &format!("{prefix}-other")).await;
    let group = format!("CliProfileGroup-{}", &prefix[prefix.len() - 10..]);
    fleet::create_group(&client, &group).await;
    let profile = format!("cli-{}", &prefix[prefix.len() - 12..]);
    common::profiles_service(&sdk)
        .create(
            iot_warden::domain::onboarding::profile::OnboardingProfile {
                name: profile.clone(),
                groups: vec![group.clone()],
                policies: vec![given.clone()],
                required_attributes: vec!["batch".into()],
                ..Default::default()
            },
            "test",
        )
        .await
        .unwrap();
    let scratch = Scratch::new("cli-onboard-profile");
    let csv = scratch.0.join("devices.csv");
    let out = scratch.0.join("result.csv");

    // The second row asks for another policy beside the profile's.
    let (mut text, devices) = devices_csv(&prefix, "", 2);
    text = text.replacen(
        &format!("{}-001,,", prefix),
        &format!("{}-001,{given};{other},", prefix),
        1,
    );
    std::fs::write(&csv, &text).unwrap();
    let run = onboard(&csv, &out, &["--profile", &profile])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{said}");
    assert!(
        said.contains("nothing was created") && said.contains("gives the policies"),
        "{said}"
    );
    for (name, _) in &devices {
        assert!(client
            .describe_thing()
            .thing_name(name)
            .send()
            .await
            .is_err());
    }

    // The file with empty cells only: both rows get the profile's group and policy.
    let (text, devices) = devices_csv(&format!("{prefix}-ok"), "", 2);
    std::fs::write(&csv, &text).unwrap();
    let run = onboard(&csv, &out, &["--profile", &profile])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{said}");
    for (name, _) in &devices {
        assert_eq!(fleet::groups_of(&client, name).await, vec![group.clone()]);
        let principals = fleet::principals(&client, name).await;
        assert_eq!(principals.len(), 1);
        assert_eq!(
            fleet::policies_of(&client, &principals[0]).await,
            vec![given.clone()]
        );
    }

    let unknown = onboard(&csv, &out, &["--profile", "no-such-profile"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr)
        .contains("There is no onboarding profile named no-such-profile."));
}
