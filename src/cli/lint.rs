//! `iot-warden lint [--fail-on SEVERITY] [--format text|json] POLICY.json…`
//!
//! Lints each policy file with [`lint`] and prints one finding per line on standard output,
//! placed with [`locate`]. A file that does not parse gives its parse errors as findings of
//! the rule `invalid-policy` (severity high) and makes the exit status 1 whatever `--fail-on`
//! says.
//!
//! Text: `FILE:LINE:COLUMN: SEVERITY RULE: MESSAGE Fix: SUGGESTION` (`FILE:` alone when the
//! place is not found). JSON: one object per line (JSON Lines) with `file`, `line`, `column`
//! (null when not found) and the [`Finding`] fields.

use super::{display_name, found, io_reason, read_text, trouble};
use crate::domain::policies::engine::{
    error_position, lint, locate, parse_policy, statement_of, Finding, Position, Severity,
};
use serde::Serialize;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug, Clone)]
pub struct LintArgs {
    /// Exit with status 1 when a finding is at or above this severity
    /// (info, low, medium, high, critical).
    #[arg(long, value_name = "SEVERITY", default_value = "high")]
    pub fail_on: Severity,
    /// Output: one line per finding as text, or one JSON object per line.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Policy documents to lint; `-` reads standard input.
    #[arg(value_name = "POLICY.json", required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// One output record: a finding and where it is.
#[derive(Serialize)]
struct Located<'a> {
    file: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    #[serde(flatten)]
    finding: &'a Finding,
}

/// The rule id of parse errors.
pub const INVALID_POLICY: &str = "invalid-policy";

pub fn run(args: &LintArgs) -> ExitCode {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let (mut unreadable, mut invalid, mut total, mut failing) = (false, false, 0usize, 0usize);
    for path in &args.files {
        let name = display_name(path);
        let text = match read_text(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("iot-warden: cannot read {name}: {}.", io_reason(&e));
                unreadable = true;
                continue;
            }
        };
        let located = check(&text);
        invalid |= located.iter().any(|(f, _)| f.rule == INVALID_POLICY);
        for (finding, pos) in &located {
            total += 1;
            if finding.severity >= args.fail_on {
                failing += 1;
            }
            let line = match args.format {
                Format::Text => text_line(&name, finding, *pos),
                Format::Json => serde_json::to_string(&Located {
                    file: &name,
                    line: pos.map(|p| p.line),
                    column: pos.map(|p| p.column),
                    finding,
                })
                .unwrap_or_default(),
            };
            if let Err(e) = writeln!(out, "{line}") {
                if e.kind() == io::ErrorKind::BrokenPipe {
                    return trouble();
                }
                eprintln!("iot-warden: cannot write the findings: {}.", io_reason(&e));
                return trouble();
            }
        }
    }
    if args.format == Format::Text {
        let files = args.files.len();
        eprintln!(
            "iot-warden: {total} finding{} in {files} file{}, {failing} at or above {}.",
            plural(total),
            plural(files),
            args.fail_on
        );
    }
    if unreadable {
        trouble()
    } else if invalid || failing > 0 {
        found()
    } else {
        ExitCode::SUCCESS
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The findings for one document's text, each with its place: lint findings for a valid
/// policy, `invalid-policy` findings for the parse errors of an invalid one.
pub fn check(text: &str) -> Vec<(Finding, Option<Position>)> {
    match parse_policy(text) {
        Ok(parsed) => lint(&parsed)
            .into_iter()
            .map(|f| {
                let pos = locate(text, &f.path);
                (f, pos)
            })
            .collect(),
        Err(errors) => errors
            .into_iter()
            .map(|e| {
                let pos = error_position(text, &e);
                let statement = statement_of(&e.path);
                let finding = Finding {
                    rule: INVALID_POLICY.to_string(),
                    severity: Severity::High,
                    statement,
                    sid: None,
                    path: e.path,
                    message: e.message,
                    suggestion: "Correct the document; AWS IoT rejects a policy with this error."
                        .to_string(),
                };
                (finding, pos)
            })
            .collect(),
    }
}

fn text_line(file: &str, f: &Finding, pos: Option<Position>) -> String {
    let place = match pos {
        Some(p) => format!("{file}:{}:{}", p.line, p.column),
        None => file.to_string(),
    };
    format!(
        "{place}: {} {}: {} Fix: {}",
        f.severity, f.rule, f.message, f.suggestion
    )
}
