//! `iot-warden onboard --csv FILE [--profile NAME] [--csr-dir DIR] [--rate API=N …] [--out RESULT.csv]`
//!
//! The console's bulk onboarding engine for factory pipelines: plans the CSV against the
//! account (the same checks the upload page makes), stores the job in DynamoDB, runs it paced
//! per AWS API, prints progress on standard error and writes the per-row result CSV.
//!
//! With `--profile`, every row gets the onboarding profile's thing type, groups and policies
//! where its cells are empty, and a row outside the profile is refused, as on the bulk page;
//! the job is checked against the profile again each time it runs. The command acts with the
//! AWS credentials it is given, so it is bound by what they may do, not by a console role.
//!
//! The job id is a hash of the input, so running the same command again after a crash or a
//! kill resumes the job where it stopped; nothing is created twice.
//!
//! Exit status: 0 every row done; 1 the file has problems (nothing created) or some rows
//! failed (see the result file); 2 the command could not run (arguments, files, AWS).

use super::{found, io_reason, trouble};
use crate::domain::onboarding::job::{duration_words, JobStatus};
use crate::domain::onboarding::profile::{OnboardingProfile, OnboardingReach};
use crate::domain::onboarding::{check_csr_pem, plan_csv, OnboardRow};
use crate::server::aws::{DynamoJobStore, DynamoProfileStore, SdkIot};
use crate::server::config::JobArgs;
use crate::server::onboarding::bulk::{BulkOnboarding, DEFAULT_CONCURRENCY, MAX_NAMES_PER_CHECK};
use crate::server::onboarding::profiles::OnboardingProfiles;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug, Clone)]
pub struct OnboardArgs {
    /// The devices: a CSV with thingName, and optionally thingType, groups, policies
    /// (`;`-separated), csr (PEM) and attr.<name> columns.
    #[arg(long, value_name = "FILE")]
    pub csv: PathBuf,
    /// Directory of CSRs named <thingName>.csr or <thingName>.pem, for rows without a csr cell.
    #[arg(long, value_name = "DIR")]
    pub csr_dir: Option<PathBuf>,
    /// The onboarding profile the devices are made within: its type, groups and policies
    /// fill empty cells, and a row outside it is refused.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Where to write the per-row result (default: FILE with .result.csv).
    #[arg(long, value_name = "RESULT.csv")]
    pub out: Option<PathBuf>,
    /// Leave out the rows with problems instead of stopping.
    #[arg(long)]
    pub exclude_bad_rows: bool,
    /// Rows under way at once (the rates set the pace).
    #[arg(long, default_value_t = DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    #[command(flatten)]
    pub jobs: JobArgs,
}

fn say(message: &str) {
    eprintln!("iot-warden onboard: {message}");
}

/// The rows to run, or the sentences saying why not.
fn planned_rows(
    text: &str,
    existing: &crate::domain::onboarding::Existing,
    csr_dir: Option<&Path>,
    exclude_bad_rows: bool,
) -> Result<Vec<(u32, OnboardRow)>, Vec<String>> {
    let plan = plan_csv(text, existing);
    let mut problems: Vec<String> = plan.file_problems.clone();
    let mut rows = Vec::new();
    for planned in &plan.rows {
        match &planned.status {
            crate::domain::onboarding::RowStatus::Invalid(p) => {
                if !exclude_bad_rows {
                    problems.extend(p.iter().map(|p| format!("line {}: {p}", planned.line)));
                }
            }
            crate::domain::onboarding::RowStatus::Valid(row) => {
                let mut row = row.clone();
                if row.csr_pem.is_none() {
                    match csr_from_dir(csr_dir, &row.thing_name) {
                        Ok(csr) => row.csr_pem = Some(csr),
                        Err(p) if exclude_bad_rows => {
                            say(&format!("leaving out line {}: {p}", planned.line));
                            continue;
                        }
                        Err(p) => {
                            problems.push(format!("line {}: {p}", planned.line));
                            continue;
                        }
                    }
                }
                rows.push((planned.line, row));
            }
        }
    }
    if exclude_bad_rows {
        let left_out = plan.invalid_rows().count();
        if left_out > 0 {
            say(&format!("leaving out {left_out} row(s) with problems"));
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push("no row to onboard".into());
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

fn csr_from_dir(dir: Option<&Path>, thing: &str) -> Result<String, String> {
    let Some(dir) = dir else {
        return Err(format!(
            "{thing} has no CSR: fill its csr cell, or give --csr-dir with {thing}.csr in it"
        ));
    };
    for ext in ["csr", "pem"] {
        let path = dir.join(format!("{thing}.{ext}"));
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                check_csr_pem(&text).map_err(|e| format!("{}: {e}", path.display()))?;
                return Ok(text.trim().replace("\r\n", "\n"));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot read {}: {}", path.display(), io_reason(&e))),
        }
    }
    Err(format!(
        "{thing} has no CSR: no csr cell, and neither {thing}.csr nor {thing}.pem in {}",
        dir.display()
    ))
}

/// The same input gives the same job: the file, the profile, and the CSR files its names
/// have in the CSR directory.
fn job_id(text: &str, profile: Option<&str>, csr_dir: Option<&Path>) -> String {
    let mut hash = Sha256::new();
    hash.update(text.as_bytes());
    if let Some(profile) = profile {
        hash.update(b"\0profile\0");
        hash.update(profile.as_bytes());
    }
    if let Some(dir) = csr_dir {
        let plan = plan_csv(text, &crate::domain::onboarding::Existing::default());
        for row in &plan.rows {
            for ext in ["csr", "pem"] {
                if let Ok(bytes) = std::fs::read(dir.join(format!("{}.{ext}", row.thing_name))) {
                    hash.update(row.thing_name.as_bytes());
                    hash.update(&bytes);
                }
            }
        }
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().take(14).map(|b| format!("{b:02x}")).collect();
    format!("cli-{hex}")
}

fn progress_line(s: &JobStatus, started: Instant) -> String {
    let c = s.counts;
    let elapsed = started.elapsed().as_secs_f64();
    let eta = s
        .eta_seconds
        .map(|e| format!(", about {} left", duration_words(e)))
        .unwrap_or_default();
    format!(
        "{}/{} done, {} failed, {} remaining, {:.1} devices/s{eta} ({:.0} s)",
        c.done,
        c.total,
        c.failed,
        c.remaining(),
        s.rate_per_second,
        elapsed
    )
}

pub async fn run(args: OnboardArgs) -> ExitCode {
    let settings = match args.jobs.clone().validate() {
        Ok(s) => s,
        Err(e) => {
            say(&e.to_string());
            return trouble();
        }
    };
    // The size first: a file far too large is refused before it is read into memory.
    if let Ok(meta) = std::fs::metadata(&args.csv) {
        let max = crate::domain::onboarding::csv_plan::MAX_FILE_BYTES as u64;
        if meta.len() > max {
            say(&format!(
                "{} is {} MB; a file may be at most {} MB. Split it into smaller files.",
                args.csv.display(),
                meta.len() / 1_048_576,
                max / 1_048_576
            ));
            return trouble();
        }
    }
    let text = match std::fs::read_to_string(&args.csv) {
        Ok(t) => t,
        Err(e) => {
            say(&format!(
                "cannot read {}: {}.",
                args.csv.display(),
                io_reason(&e)
            ));
            return trouble();
        }
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.csv.with_extension("result.csv"));
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    if sdk.region().is_none() {
        say("no AWS region is configured; set AWS_REGION (or a region in your AWS profile).");
        return trouble();
    }
    let iot = Arc::new(SdkIot::new(&sdk));
    let store = Arc::new(DynamoJobStore::new(&sdk, settings.jobs_table.clone()));
    let profiles = Arc::new(OnboardingProfiles::new(
        Arc::new(DynamoProfileStore::new(
            &sdk,
            settings.profiles_table.clone(),
        )),
        iot.clone(),
        iot.clone(),
    ));
    let profile = match profiles
        .binding(OnboardingReach::Free, args.profile.as_deref())
        .await
    {
        Ok(p) => p,
        Err(e) => {
            say(&e.to_string());
            return trouble();
        }
    };
    let engine = BulkOnboarding::new(iot, store, profiles, &settings.limits, args.concurrency);

    let id = job_id(&text, args.profile.as_deref(), args.csr_dir.as_deref());
    match engine.record(&id).await {
        Ok(_) => {
            say(&format!(
                "resuming job {id} for this input; failed rows are tried again"
            ));
            if let Err(e) = engine.reopen(&id).await {
                say(&format!("cannot resume job {id}: {e}"));
                return trouble();
            }
        }
        Err(crate::server::service_error::ServiceError::NotFound(_)) => {
            let rows = match plan_against_account(&engine, &text, &args, profile.as_ref()).await {
                Ok(rows) => rows,
                Err(Refusal::Problems(p)) => return refuse(&args.csv, &p),
                Err(Refusal::Trouble(e)) => {
                    say(&e);
                    return trouble();
                }
            };
            let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
            if let Err(e) = engine
                .create(id.clone(), rows, &format!("cli:{user}"), profile.as_ref())
                .await
            {
                say(&format!("the job could not be stored: {e}"));
                return trouble();
            }
            say(&format!("job {id} created"));
        }
        Err(e) => {
            say(&format!("cannot read the job store: {e}"));
            return trouble();
        }
    }
    let started = Instant::now();
    let last = Mutex::new(Instant::now() - Duration::from_secs(10));
    let report = |s: &JobStatus| {
        let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
        if last.elapsed() >= Duration::from_secs(1) || s.counts.remaining() == 0 {
            *last = Instant::now();
            say(&progress_line(s, started));
        }
    };
    let status = match engine.run(&id, &report).await {
        Ok(s) => s,
        Err(e) => {
            say(&format!("the job stopped: {e}"));
            return trouble();
        }
    };
    let csv = match engine.result_csv(&id).await {
        Ok(c) => c,
        Err(e) => {
            say(&format!("cannot read the results: {e}"));
            return trouble();
        }
    };
    if let Err(e) = std::fs::write(&out, csv) {
        say(&format!(
            "cannot write {}: {}.",
            out.display(),
            io_reason(&e)
        ));
        return trouble();
    }
    let c = status.counts;
    let seconds = started.elapsed().as_secs_f64();
    say(&format!(
        "{} done, {} failed of {} in {:.1} s; results in {}",
        c.done,
        c.failed,
        c.total,
        seconds,
        out.display()
    ));
    if c.failed > 0 || c.remaining() > 0 {
        found()
    } else {
        ExitCode::SUCCESS
    }
}

enum Refusal {
    Problems(Vec<String>),
    Trouble(String),
}

/// The plan against the account: its types, groups, policies and which names are taken;
/// then each row within `profile`, when there is one.
async fn plan_against_account(
    engine: &BulkOnboarding,
    text: &str,
    args: &OnboardArgs,
    profile: Option<&OnboardingProfile>,
) -> Result<Vec<(u32, OnboardRow)>, Refusal> {
    let trouble = |e: crate::server::service_error::ServiceError| {
        Refusal::Trouble(format!("cannot read the account: {e}"))
    };
    let mut existing = engine.catalog().await.map_err(trouble)?;
    let names: Vec<String> = plan_csv(text, &crate::domain::onboarding::Existing::default())
        .rows
        .iter()
        .map(|r| r.thing_name.clone())
        .filter(|n| crate::domain::aws_names::check_thing_name(n).is_ok())
        .collect();
    for (i, chunk) in names.chunks(MAX_NAMES_PER_CHECK).enumerate() {
        existing
            .things
            .extend(engine.taken_names(chunk).await.map_err(trouble)?);
        if names.len() > MAX_NAMES_PER_CHECK {
            say(&format!(
                "checked {} of {} names against the account",
                (i * MAX_NAMES_PER_CHECK + chunk.len()),
                names.len()
            ));
        }
    }
    let rows = planned_rows(
        text,
        &existing,
        args.csr_dir.as_deref(),
        args.exclude_bad_rows,
    )
    .map_err(Refusal::Problems)?;
    let Some(profile) = profile else {
        return Ok(rows);
    };
    let mut fitted = Vec::with_capacity(rows.len());
    let mut problems = Vec::new();
    for (line, row) in rows {
        let thing = row.thing_name.clone();
        match profile.fit(row) {
            Ok(row) => fitted.push((line, row)),
            Err(_) if args.exclude_bad_rows => {
                say(&format!(
                    "leaving out line {line} ({thing}): outside the profile {}",
                    profile.name
                ));
            }
            Err(d) => problems.extend(d.into_iter().map(|d| format!("line {line}: {d}"))),
        }
    }
    if fitted.is_empty() && problems.is_empty() {
        problems.push("no row to onboard".into());
    }
    if problems.is_empty() {
        Ok(fitted)
    } else {
        Err(Refusal::Problems(problems))
    }
}

fn refuse(csv: &Path, problems: &[String]) -> ExitCode {
    say(&format!(
        "{} has {} problem(s); nothing was created:",
        csv.display(),
        problems.len()
    ));
    for p in problems {
        eprintln!("  {p}");
    }
    found()
}
