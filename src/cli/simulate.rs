//! `iot-warden simulate --cases FILE.jsonl [--allow-errors]`
//!
//! Reads cases as JSON Lines (`-` for standard input), decides each with
//! [`run_case`](crate::domain::policies::engine::run_case) and writes one JSON line per case to standard
//! output as it goes; blank lines are skipped. A line that cannot be decided (bad JSON, no
//! request, an invalid policy) gives `{"id": …, "error": "…"}` and the run goes on.
//!
//! Exit status: 0 when every case was decided; 1 when some line gave an error (so a pipeline
//! notices), or 0 even then with `--allow-errors`; 2 when the file cannot be read.

use super::{display_name, found, io_reason, is_stdin, trouble};
use crate::domain::policies::engine::run_case;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug, Clone)]
pub struct SimulateArgs {
    /// Cases, one JSON object per line; `-` reads standard input.
    #[arg(long, value_name = "FILE.jsonl")]
    pub cases: PathBuf,
    /// Exit with status 0 even when some lines could not be decided.
    #[arg(long)]
    pub allow_errors: bool,
}

pub fn run(args: &SimulateArgs) -> ExitCode {
    let name = display_name(&args.cases);
    let input: Box<dyn BufRead> = if is_stdin(&args.cases) {
        Box::new(io::stdin().lock())
    } else {
        match File::open(&args.cases) {
            Ok(f) => Box::new(BufReader::new(f)),
            Err(e) => {
                eprintln!("iot-warden: cannot read {name}: {}.", io_reason(&e));
                return trouble();
            }
        }
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match simulate(input, &mut out) {
        Ok((cases, errors)) => {
            if errors > 0 {
                eprintln!(
                    "iot-warden: {errors} of {cases} case{} in {name} could not be decided; see the lines with \"error\".",
                    if cases == 1 { "" } else { "s" }
                );
            }
            if errors > 0 && !args.allow_errors {
                found()
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(Failure::Read(e)) => {
            eprintln!("iot-warden: cannot read {name}: {}.", io_reason(&e));
            trouble()
        }
        // The reader went away (`| head`): stop quietly.
        Err(Failure::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => trouble(),
        Err(Failure::Write(e)) => {
            eprintln!("iot-warden: cannot write the results: {}.", io_reason(&e));
            trouble()
        }
    }
}

pub enum Failure {
    Read(io::Error),
    Write(io::Error),
}

/// Decide every line of `input`, writing one result line each to `out` (flushed per line, so
/// results stream). Returns (cases, cases with errors).
pub fn simulate(mut input: impl BufRead, out: &mut impl Write) -> Result<(usize, usize), Failure> {
    let (mut cases, mut errors) = (0, 0);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf).map_err(Failure::Read)? == 0 {
            break;
        }
        let result = match std::str::from_utf8(&buf) {
            Ok(line) => match run_case(line) {
                Some(r) => r,
                None => continue,
            },
            Err(_) => crate::domain::policies::engine::CaseResult::Failed {
                id: serde_json::Value::Null,
                error: "The line is not valid UTF-8.".to_string(),
            },
        };
        cases += 1;
        if result.is_error() {
            errors += 1;
        }
        writeln!(out, "{}", result.to_json_line()).map_err(Failure::Write)?;
        out.flush().map_err(Failure::Write)?;
    }
    Ok((cases, errors))
}
