//! The commands of the `iot-warden` binary besides `serve`: the policy commands `lint` and
//! `simulate`, and `onboard` (bulk onboarding from a CSV). Thin shells over the
//! pure engine in [`crate::domain::policies`]; `src/main.rs` only dispatches here.
//!
//! Exit status, for both: 0 all good; 1 something to look at (a finding at or above
//! `--fail-on`, an invalid policy file, a case line that could not be decided); 2 the command
//! could not run as asked (bad arguments, unreadable file).

pub mod lint;
pub mod onboard;
pub mod simulate;

use std::io::{self, Read};
use std::path::Path;
use std::process::ExitCode;

/// Exit status 1: something was found.
pub(crate) fn found() -> ExitCode {
    ExitCode::from(1)
}

/// Exit status 2: usage or I/O error.
pub(crate) fn trouble() -> ExitCode {
    ExitCode::from(2)
}

/// `-` is standard input.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The whole text of a file, or of standard input for `-`.
pub(crate) fn read_text(path: &Path) -> io::Result<String> {
    if is_stdin(path) {
        let mut s = String::new();
        io::stdin().read_to_string(&mut s)?;
        Ok(s)
    } else {
        std::fs::read_to_string(path)
    }
}

/// How a file is named in messages.
pub(crate) fn display_name(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// An I/O error as the end of a sentence: "No such file or directory (os error 2)" → "no such
/// file or directory".
pub(crate) fn io_reason(e: &io::Error) -> String {
    let s = e.to_string();
    let s = match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => s,
    }
}
