//! What the policy editor shows as the admin types: parse errors and lint findings, each at
//! the line it belongs to. Runs in the browser on every keystroke.

use crate::domain::policies::engine::{error_position, lint, locate, parse_policy, Severity};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// "error" for a document AWS would refuse, else the finding's severity.
    pub level: String,
    /// 1-based; `None` when the problem belongs to the whole document.
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub path: String,
    pub message: String,
    pub suggestion: Option<String>,
    pub rule: Option<String>,
}

/// Every problem of `text`, errors first, then findings by severity.
pub fn diagnose(text: &str) -> (bool, Vec<Diagnostic>) {
    match parse_policy(text) {
        Err(errors) => (
            false,
            errors
                .into_iter()
                .map(|e| {
                    let at = error_position(text, &e).map(|p| (p.line, p.column));
                    Diagnostic {
                        level: "error".into(),
                        line: at.map(|a| a.0),
                        column: at.map(|a| a.1),
                        path: e.path,
                        message: e.message,
                        suggestion: None,
                        rule: None,
                    }
                })
                .collect(),
        ),
        Ok(parsed) => (
            true,
            lint(&parsed)
                .into_iter()
                .map(|f| {
                    let at = locate(text, &f.path);
                    Diagnostic {
                        level: f.severity.to_string(),
                        line: at.map(|a| a.line),
                        column: at.map(|a| a.column),
                        path: f.path,
                        message: f.message,
                        suggestion: Some(f.suggestion).filter(|s| !s.is_empty()),
                        rule: Some(f.rule),
                    }
                })
                .collect(),
        ),
    }
}

/// The offset, in UTF-16 code units as browsers count them in a text box, of 1-based
/// `line` and `column` (a column counts characters); clamped to the text's end.
pub fn utf16_offset(text: &str, line: u32, column: u32) -> u32 {
    let mut offset = 0u32;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let before: u32 = l
                .chars()
                .take(column.saturating_sub(1) as usize)
                .map(|c| c.len_utf16() as u32)
                .sum();
            return offset + before;
        }
        offset += l.chars().map(|c| c.len_utf16() as u32).sum::<u32>();
    }
    offset
}

/// Whether any diagnostic is at or above `severity` (errors always are).
pub fn blocks(diagnostics: &[Diagnostic], severity: Severity) -> bool {
    diagnostics
        .iter()
        .any(|d| d.level == "error" || d.level.parse::<Severity>().is_ok_and(|s| s >= severity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_utf16_units_per_line() {
        let t = "ab\n\u{1F600}x\nz";
        assert_eq!(utf16_offset(t, 1, 1), 0);
        assert_eq!(utf16_offset(t, 2, 1), 3);
        assert_eq!(utf16_offset(t, 2, 2), 5, "the emoji is two UTF-16 units");
        assert_eq!(utf16_offset(t, 3, 1), 7);
        assert_eq!(utf16_offset(t, 9, 1), 8, "past the end: the end");
    }

    #[test]
    fn errors_and_findings_point_at_their_lines() {
        let (ok, d) = diagnose("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"iot:*\", \"Resource\": \"*\"}\n  ]\n}");
        assert!(ok);
        assert!(!d.is_empty(), "a wildcard policy has findings");
        assert!(d.iter().all(|x| x.line == Some(4)), "{d:?}");
        let (ok, d) = diagnose("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Maybe\", \"Action\": \"iot:Connect\", \"Resource\": \"*\"}\n}");
        assert!(!ok);
        assert_eq!(d[0].level, "error");
        assert_eq!(d[0].line, Some(3), "{d:?}");
        let (ok, d) = diagnose("{\"Version\": ");
        assert!(!ok);
        assert_eq!(d[0].line, Some(1));
    }
}
