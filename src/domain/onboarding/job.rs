//! A bulk onboarding job: its rows and where each one is, the figures the progress page
//! shows (done, failed, remaining, rate, ETA), and the per-row result CSV. Pure: the server
//! keeps these in DynamoDB and runs them; the browser only reads [`JobStatus`].

use crate::domain::csv_cells::neutralise;
use crate::domain::onboarding::plan::OnboardRow;
use serde::{Deserialize, Serialize};

/// Where one row is. The order of the stages is the order of the work; every AWS step
/// between them is idempotent, so a row is safe to run again from any stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowStage {
    /// No certificate has been asked for yet (the thing and its groups may exist already:
    /// CreateThing and AddThingToThingGroup are idempotent).
    Pending,
    /// CreateCertificateFromCsr was called at `at` (Unix seconds) and its answer may have been
    /// lost: a resumed run first looks for a certificate with the CSR's key before asking again.
    CertificateRequested { at: i64 },
    /// Everything is created and attached.
    Done,
}

/// One row of a bulk job as the browser sends it: the CSV line and the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRow {
    pub line: u32,
    pub device: OnboardRow,
}

/// One row of a job: the device to create and how far it got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRow {
    /// 0-based position in the job.
    pub index: u32,
    /// The CSV line the row came from, for the result file.
    pub line: u32,
    /// The device; `csr_pem` is always set (the browser made the missing ones).
    pub device: OnboardRow,
    pub stage: RowStage,
    /// The last attempt's failure, one sentence; cleared when the row is tried again.
    pub error: Option<String>,
    pub thing_arn: Option<String>,
    pub certificate_id: Option<String>,
    pub certificate_arn: Option<String>,
}

impl JobRow {
    pub fn new(index: u32, line: u32, device: OnboardRow) -> JobRow {
        JobRow {
            index,
            line,
            device,
            stage: RowStage::Pending,
            error: None,
            thing_arn: None,
            certificate_id: None,
            certificate_arn: None,
        }
    }

    pub fn is_done(&self) -> bool {
        self.stage == RowStage::Done
    }

    pub fn is_failed(&self) -> bool {
        !self.is_done() && self.error.is_some()
    }

    /// Still to run: neither done nor failed.
    pub fn is_open(&self) -> bool {
        !self.is_done() && self.error.is_none()
    }

    /// The word the result file uses.
    pub fn status_word(&self) -> &'static str {
        if self.is_done() {
            "done"
        } else if self.is_failed() {
            "failed"
        } else {
            "not started"
        }
    }
}

/// A job's lifecycle. `Running` is also what a job is left in when the console stops: the
/// next start resumes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobState {
    Running,
    /// Cancel was asked for; rows already under way are finishing.
    Cancelling,
    Cancelled,
    /// Every row is done or failed.
    Finished,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Running => "running",
            JobState::Cancelling => "cancelling",
            JobState::Cancelled => "cancelled",
            JobState::Finished => "finished",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        [
            JobState::Running,
            JobState::Cancelling,
            JobState::Cancelled,
            JobState::Finished,
        ]
        .into_iter()
        .find(|state| state.as_str() == s)
    }

    pub fn is_over(self) -> bool {
        matches!(self, JobState::Cancelled | JobState::Finished)
    }
}

/// Done, failed and remaining rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobCounts {
    pub total: u32,
    pub done: u32,
    pub failed: u32,
}

impl JobCounts {
    pub fn of(rows: &[JobRow]) -> JobCounts {
        JobCounts {
            total: count(rows.len()),
            done: count(rows.iter().filter(|r| r.is_done()).count()),
            failed: count(rows.iter().filter(|r| r.is_failed()).count()),
        }
    }

    pub fn remaining(&self) -> u32 {
        self.total.saturating_sub(self.done + self.failed)
    }

    /// Share of rows settled (done or failed), 0–100.
    pub fn percent(&self) -> u32 {
        if self.total == 0 {
            return 100;
        }
        ((u64::from(self.done + self.failed) * 100) / u64::from(self.total)) as u32
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What the progress page shows, refreshed by polling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobStatus {
    pub id: String,
    pub state: JobState,
    pub created_by: String,
    /// Unix seconds.
    pub created_at: i64,
    pub counts: JobCounts,
    /// Rows settled per second since this run of the job began (0 before the first).
    pub rate_per_second: f64,
    /// Seconds until every row is settled at the current rate; `None` when there is no rate yet.
    pub eta_seconds: Option<u64>,
    /// The latest failures, newest first: (thing name, sentence).
    pub recent_failures: Vec<(String, String)>,
}

/// A job in the list of recent jobs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSummary {
    pub id: String,
    pub state: JobState,
    pub created_by: String,
    /// Unix seconds.
    pub created_at: i64,
    pub total: u32,
}

/// Rate and ETA: `settled` rows in `elapsed` seconds, `remaining` to go.
pub fn rate_and_eta(settled: u32, elapsed: f64, remaining: u32) -> (f64, Option<u64>) {
    if settled == 0 || elapsed <= 0.0 || !elapsed.is_finite() {
        return (0.0, if remaining == 0 { Some(0) } else { None });
    }
    let rate = f64::from(settled) / elapsed;
    let eta = (f64::from(remaining) / rate).ceil();
    (rate, Some(eta as u64))
}

/// "1 h 02 min", "3 min 05 s", "12 s": an ETA for people.
pub fn duration_words(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    if h > 0 {
        format!("{h} h {m:02} min")
    } else if m > 0 {
        format!("{m} min {s:02} s")
    } else {
        format!("{s} s")
    }
}

/// The columns of the result file.
pub const RESULT_HEADER: [&str; 6] = [
    "line",
    "thingName",
    "certificateId",
    "certificateArn",
    "status",
    "error",
];

/// The per-row result file: one line per row in job order, with the certificate each
/// device got and, for a failed row, why. Every cell is safe to open in a spreadsheet
/// ([`neutralise`]): a thing name may begin with `-` and an error quotes what AWS said.
pub fn result_csv(rows: &[JobRow]) -> String {
    let mut out = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to a Vec cannot fail; a record of plain strings always serializes.
    let _ = out.write_record(RESULT_HEADER);
    for r in rows {
        let line = r.line.to_string();
        let cells = [
            line.as_str(),
            r.device.thing_name.as_str(),
            r.certificate_id.as_deref().unwrap_or(""),
            r.certificate_arn.as_deref().unwrap_or(""),
            r.status_word(),
            if r.is_failed() {
                r.error.as_deref().unwrap_or("")
            } else {
                ""
            },
        ];
        let _ = out.write_record(cells.map(neutralise).iter().map(|c| c.as_ref()));
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A job id: what the console makes (`job-` and 26 lowercase letters or digits) or a CLI run's
/// content hash. Checked before it reaches a DynamoDB key or a log line.
pub fn is_valid_job_id(id: &str) -> bool {
    (4..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(index: u32, name: &str) -> JobRow {
        JobRow::new(
            index,
            index + 2,
            OnboardRow {
                thing_name: name.into(),
                thing_type: None,
                attributes: vec![],
                groups: vec![],
                policies: vec!["P".into()],
                csr_pem: Some("CSR".into()),
            },
        )
    }

    #[test]
    fn counts_done_failed_and_remaining() {
        let mut rows = vec![row(0, "a"), row(1, "b"), row(2, "c"), row(3, "d")];
        rows[0].stage = RowStage::Done;
        rows[1].error = Some("Thing b already exists".into());
        rows[2].stage = RowStage::CertificateRequested { at: 5 };
        let c = JobCounts::of(&rows);
        assert_eq!((c.total, c.done, c.failed, c.remaining()), (4, 1, 1, 2));
        assert_eq!(c.percent(), 50);
        assert!(rows[2].is_open() && rows[3].is_open() && !rows[1].is_open());
        assert_eq!(JobCounts::default().percent(), 100);
    }

    #[test]
    fn rate_and_eta_from_progress() {
        assert_eq!(rate_and_eta(0, 10.0, 5), (0.0, None));
        assert_eq!(rate_and_eta(0, 10.0, 0), (0.0, Some(0)));
        let (rate, eta) = rate_and_eta(50, 10.0, 12);
        assert!((rate - 5.0).abs() < 1e-9);
        assert_eq!(eta, Some(3), "12 rows at 5/s take 2.4 s, shown as 3");
        assert_eq!(rate_and_eta(3, f64::NAN, 1), (0.0, None));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_words(12), "12 s");
        assert_eq!(duration_words(185), "3 min 05 s");
        assert_eq!(duration_words(3720), "1 h 02 min");
    }

    #[test]
    fn result_csv_has_a_line_per_row_and_quotes_errors() {
        let mut rows = vec![row(0, "a"), row(1, "b"), row(2, "c")];
        rows[0].stage = RowStage::Done;
        rows[0].certificate_id = Some("abc".into());
        rows[0].certificate_arn = Some("arn:aws:iot:r:1:cert/abc".into());
        rows[1].error = Some("Attach policy P failed: Policy P does not exist, \"P\"".into());
        let text = result_csv(&rows);
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("line,thingName,certificateId,certificateArn,status,error")
        );
        assert_eq!(lines.next(), Some("2,a,abc,arn:aws:iot:r:1:cert/abc,done,"));
        assert_eq!(
            lines.next(),
            Some("3,b,,,failed,\"Attach policy P failed: Policy P does not exist, \"\"P\"\"\"")
        );
        assert_eq!(lines.next(), Some("4,c,,,not started,"));
        assert_eq!(lines.next(), None);
    }

    #[test]
    fn result_csv_cells_cannot_start_a_formula() {
        let mut rows = vec![row(0, "-sensor")];
        rows[0].error = Some("=HYPERLINK(\"http://evil\",\"x\")".into());
        let text = result_csv(&rows);
        let record = text.lines().nth(1).unwrap();
        assert_eq!(
            record,
            "2,'-sensor,,,failed,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""
        );
    }

    #[test]
    fn job_states_round_trip_and_ids_are_checked() {
        for s in [
            JobState::Running,
            JobState::Cancelling,
            JobState::Cancelled,
            JobState::Finished,
        ] {
            assert_eq!(JobState::parse(s.as_str()), Some(s));
        }
        assert_eq!(JobState::parse("RUNNING"), None);
        assert!(is_valid_job_id("job-0123456789abcdefghijklmnop"));
        assert!(!is_valid_job_id("job"));
        assert!(!is_valid_job_id("Job-1234"));
        assert!(!is_valid_job_id("job-12/../x"));
    }
}
