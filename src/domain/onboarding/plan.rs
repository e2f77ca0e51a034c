//! What a bulk onboarding will do: one entry per CSV row, either a row ready to create or
//! the row's problems. These types cross between the server and the browser (WASM), so
//! counts are `u32`, never `usize`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What already exists in the account, as the server (or the browser, from server data)
/// knows it. Names are compared exactly, as AWS stores them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Existing {
    pub things: BTreeSet<String>,
    pub thing_types: BTreeSet<String>,
    pub thing_groups: BTreeSet<String>,
    pub policies: BTreeSet<String>,
}

/// One device to create: a row that passed every check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnboardRow {
    pub thing_name: String,
    pub thing_type: Option<String>,
    /// `(name, value)` in the file's column order; empty cells are left out.
    pub attributes: Vec<(String, String)>,
    pub groups: Vec<String>,
    pub policies: Vec<String>,
    /// The request as given (trimmed, line endings made `\n`); `None` means the browser makes
    /// the key pair.
    pub csr_pem: Option<String>,
}

/// Whether a row can be created, and if not, why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowStatus {
    Valid(OnboardRow),
    /// One sentence per problem, each starting with the column it is about.
    Invalid(Vec<String>),
}

/// One CSV row and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRow {
    /// 1-based line of the file where the row starts (a quoted PEM makes a row span lines).
    pub line: u32,
    /// The thingName cell as written (may be empty or invalid), to show beside problems.
    pub thing_name: String,
    pub status: RowStatus,
}

impl PlannedRow {
    pub fn is_valid(&self) -> bool {
        matches!(self.status, RowStatus::Valid(_))
    }

    pub fn problems(&self) -> &[String] {
        match &self.status {
            RowStatus::Valid(_) => &[],
            RowStatus::Invalid(p) => p,
        }
    }
}

/// The whole file's plan. Nothing may be created while `file_problems` is non-empty; rows with
/// problems are either fixed in the file or left out with [`OnboardPlan::without_bad_rows`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnboardPlan {
    /// Problems with the file as a whole (empty file, header, too many rows).
    pub file_problems: Vec<String>,
    pub rows: Vec<PlannedRow>,
}

/// Summary figures for the review page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCounts {
    pub rows: u32,
    pub valid: u32,
    pub invalid: u32,
    /// Valid rows that bring their own CSR.
    pub with_csr: u32,
    /// Valid rows whose key pair the browser must make.
    pub needing_key: u32,
}

impl OnboardPlan {
    /// True when the job may start as it is: no file problem, no bad row, at least one row.
    pub fn is_clean(&self) -> bool {
        self.file_problems.is_empty()
            && !self.rows.is_empty()
            && self.rows.iter().all(PlannedRow::is_valid)
    }

    /// The rows that passed every check, in file order.
    pub fn valid_rows(&self) -> impl Iterator<Item = &OnboardRow> + '_ {
        self.rows.iter().filter_map(|r| match &r.status {
            RowStatus::Valid(row) => Some(row),
            RowStatus::Invalid(_) => None,
        })
    }

    /// The rows that have problems, in file order.
    pub fn invalid_rows(&self) -> impl Iterator<Item = &PlannedRow> + '_ {
        self.rows.iter().filter(|r| !r.is_valid())
    }

    /// The same plan with the bad rows left out: what the user agrees to when excluding them.
    /// File problems stay, so a broken header still blocks the job.
    pub fn without_bad_rows(&self) -> OnboardPlan {
        OnboardPlan {
            file_problems: self.file_problems.clone(),
            rows: self.rows.iter().filter(|r| r.is_valid()).cloned().collect(),
        }
    }

    pub fn counts(&self) -> PlanCounts {
        let mut c = PlanCounts::default();
        for r in &self.rows {
            c.rows += 1;
            match &r.status {
                RowStatus::Valid(row) => {
                    c.valid += 1;
                    if row.csr_pem.is_some() {
                        c.with_csr += 1;
                    } else {
                        c.needing_key += 1;
                    }
                }
                RowStatus::Invalid(_) => c.invalid += 1,
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, csr: bool) -> OnboardRow {
        OnboardRow {
            thing_name: name.into(),
            thing_type: None,
            attributes: vec![],
            groups: vec![],
            policies: vec![],
            csr_pem: csr.then(|| "PEM".to_string()),
        }
    }

    fn plan() -> OnboardPlan {
        OnboardPlan {
            file_problems: vec![],
            rows: vec![
                PlannedRow {
                    line: 2,
                    thing_name: "a".into(),
                    status: RowStatus::Valid(row("a", true)),
                },
                PlannedRow {
                    line: 3,
                    thing_name: "b c".into(),
                    status: RowStatus::Invalid(vec!["thingName: bad.".into()]),
                },
                PlannedRow {
                    line: 4,
                    thing_name: "d".into(),
                    status: RowStatus::Valid(row("d", false)),
                },
            ],
        }
    }

    #[test]
    fn counts_and_filters_rows() {
        let p = plan();
        assert!(!p.is_clean());
        assert_eq!(
            p.counts(),
            PlanCounts {
                rows: 3,
                valid: 2,
                invalid: 1,
                with_csr: 1,
                needing_key: 1
            }
        );
        let names: Vec<&str> = p.valid_rows().map(|r| r.thing_name.as_str()).collect();
        assert_eq!(names, ["a", "d"]);
        assert_eq!(p.invalid_rows().map(|r| r.line).collect::<Vec<_>>(), [3]);
        assert_eq!(p.rows[1].problems(), ["thingName: bad.".to_string()]);
        assert!(p.rows[0].problems().is_empty());
    }

    #[test]
    fn excluding_bad_rows_makes_a_clean_plan_unless_the_file_is_broken() {
        let p = plan().without_bad_rows();
        assert!(p.is_clean());
        assert_eq!(p.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
        let mut broken = plan();
        broken
            .file_problems
            .push("The header has no thingName column.".into());
        assert!(!broken.without_bad_rows().is_clean());
        assert!(
            !OnboardPlan::default().is_clean(),
            "an empty plan is not ready"
        );
    }

    #[test]
    fn survives_a_json_round_trip() {
        let p = plan();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<OnboardPlan>(&json).unwrap(), p);
        let e: Existing = serde_json::from_str(r#"{"things":["x"]}"#).unwrap();
        assert!(e.things.contains("x") && e.policies.is_empty());
    }
}
