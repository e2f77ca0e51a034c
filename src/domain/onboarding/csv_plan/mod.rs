//! Reads a bulk-onboarding CSV and checks every row, without touching AWS.
//!
//! The file: RFC 4180 CSV, comma-separated, UTF-8 (a leading byte-order mark is ignored), LF
//! or CRLF line endings, blank lines ignored, spaces around cells trimmed. The first line is
//! the header (see `columns.rs` for the column names).
//!
//! Cells:
//! - `thingName`: required.
//! - `thingType`: optional; must already exist.
//! - `groups`, `policies`: optional lists separated by `;` (`plant-a;line-3`). `;` is in none
//!   of the alphabets involved: not in thing group names (`[a-zA-Z0-9:_-]`), not in policy
//!   names (`[\w+=,.@-]`, which has `,`), and not in attribute values either, so one
//!   separator serves every list-like cell without quoting; and unlike `,` it needs no CSV
//!   quoting. Spaces around items and empty items (a trailing `;`) are ignored.
//! - `csr`: optional PEM certificate request, usually a quoted multi-line cell.
//! - `attr.<name>`: one attribute per column; an empty cell means the thing does not get
//!   that attribute (AWS allows empty values, but a spreadsheet cannot tell "empty" from
//!   "absent", and absent is what an empty cell almost always means).

use std::collections::{BTreeMap, HashMap};

use super::columns::{read_header, Column, Header};
use super::csr::read_csr;
use super::plan::{Existing, OnboardPlan, OnboardRow, PlannedRow, RowStatus};
use crate::domain::aws_names::{
    check_attribute_count, check_attribute_value, check_group_count, check_policy_name,
    check_thing_group_name, check_thing_name, check_thing_type_name, quote,
};

/// Most device rows one file may hold. Every row is checked in the browser (a CSR parse
/// each) and its problems listed on one page, and the job records one state item per row;
/// 10,000 keeps all of that quick while covering a production batch. Larger fleets split the
/// file into several jobs, which also bounds how much one mistake can create.
pub const MAX_ROWS: u32 = 10_000;
/// Largest file accepted, checked before anything is parsed: 10,000 rows with a CSR each
/// (about 1 KB for EC, 1.7 KB for RSA 4096) and their attributes fit with room.
pub const MAX_FILE_BYTES: usize = 24 * 1024 * 1024;
/// Separator of the items in `groups` and `policies` cells.
pub const LIST_SEPARATOR: char = ';';

/// One row as read, before checks.
struct RawRow {
    line: u32,
    thing_name: String,
    /// A problem with the row's shape; when set, no other check runs (cells may be shifted).
    shape: Option<String>,
    thing_type: String,
    attributes: Vec<(String, String)>,
    groups: String,
    policies: String,
    csr: String,
    /// Values in columns that have no header.
    unnamed: Vec<(usize, String)>,
}

/// Reads `text` and checks each row against AWS's rules and what already `existing`s.
pub fn plan_csv(text: &str, existing: &Existing) -> OnboardPlan {
    let mut plan = OnboardPlan::default();
    if text.len() > MAX_FILE_BYTES {
        plan.file_problems.push(format!(
            "The file is {:.1} MB; a file may be at most {} MB ({MAX_ROWS} rows). Split it into smaller files.",
            text.len() as f64 / 1_048_576.0,
            MAX_FILE_BYTES / 1_048_576
        ));
        return plan;
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The csv crate reports a record's line before it consumes the `\n` of a CRLF, so every
    // row after the first would be one line early; plain `\n` endings keep lines exact.
    let text = text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        plan.file_problems
            .push("The file is empty; it needs a header line and at least one device row.".into());
        return plan;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());

    let mut header: Option<Header> = None;
    let mut raws: Vec<RawRow> = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                plan.file_problems
                    .push(format!("The file could not be read as CSV: {e}."));
                break;
            }
        };
        if record.iter().all(str::is_empty) {
            continue; // a blank line, or a spreadsheet's row of empty cells
        }
        let line = record
            .position()
            .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
        let Some(h) = &header else {
            let fields: Vec<&str> = record.iter().collect();
            let h = read_header(&fields);
            plan.file_problems.extend(h.problems.iter().cloned());
            if !h.has_thing_name() {
                return plan;
            }
            header = Some(h);
            continue;
        };
        if raws.len() as u32 == MAX_ROWS {
            plan.file_problems.push(format!(
                "The file has more than {MAX_ROWS} device rows (row {} starts on line {line}); split it into files of at most {MAX_ROWS}.",
                MAX_ROWS + 1
            ));
            break;
        }
        raws.push(read_row(h, &record, line));
    }
    if header.is_some() && raws.is_empty() && plan.file_problems.is_empty() {
        plan.file_problems
            .push("The file has a header but no device rows.".into());
    }

    // Lines on which each thing name and each CSR key appear, for duplicate checks.
    let mut name_lines: HashMap<&str, Vec<u32>> = HashMap::new();
    for r in raws
        .iter()
        .filter(|r| r.shape.is_none() && !r.thing_name.is_empty())
    {
        name_lines
            .entry(r.thing_name.as_str())
            .or_default()
            .push(r.line);
    }
    let csrs: Vec<Option<Result<Vec<u8>, String>>> = raws
        .iter()
        .map(|r| {
            (r.shape.is_none() && !r.csr.is_empty()).then(|| read_csr(&r.csr).map(|(_, key)| key))
        })
        .collect();
    let mut key_lines: BTreeMap<&[u8], Vec<u32>> = BTreeMap::new();
    for (r, csr) in raws.iter().zip(&csrs) {
        if let Some(Ok(key)) = csr {
            key_lines.entry(key.as_slice()).or_default().push(r.line);
        }
    }

    for (r, csr) in raws.iter().zip(&csrs) {
        let status = match &r.shape {
            Some(problem) => RowStatus::Invalid(vec![problem.clone()]),
            None => check_row(r, csr, existing, &name_lines, &key_lines),
        };
        plan.rows.push(PlannedRow {
            line: r.line,
            thing_name: r.thing_name.clone(),
            status,
        });
    }
    plan
}

fn read_row(header: &Header, record: &csv::StringRecord, line: u32) -> RawRow {
    let mut raw = RawRow {
        line,
        thing_name: String::new(),
        shape: None,
        thing_type: String::new(),
        attributes: Vec::new(),
        groups: String::new(),
        policies: String::new(),
        csr: String::new(),
        unnamed: Vec::new(),
    };
    let want = header.columns.len();
    let got = record.len();
    for (i, (column, cell)) in header.columns.iter().zip(record.iter()).enumerate() {
        let cell = cell.to_string();
        match column {
            Column::ThingName => raw.thing_name = cell,
            Column::ThingType => raw.thing_type = cell,
            Column::Groups => raw.groups = cell,
            Column::Policies => raw.policies = cell,
            Column::Csr => raw.csr = cell,
            Column::Attribute(name) => {
                if !cell.is_empty() {
                    raw.attributes.push((name.clone(), cell));
                }
            }
            Column::Unnamed if !cell.is_empty() => raw.unnamed.push((i + 1, cell)),
            Column::Unnamed | Column::Ignored => {}
        }
    }
    if got != want {
        raw.shape = Some(format!(
            "The row has {got} {} but the header has {want} {}; look for a missing or extra comma, or an unclosed quote.",
            plural(got, "cell", "cells"),
            plural(want, "column", "columns"),
        ));
    }
    raw
}

fn check_row(
    r: &RawRow,
    csr: &Option<Result<Vec<u8>, String>>,
    existing: &Existing,
    name_lines: &HashMap<&str, Vec<u32>>,
    key_lines: &BTreeMap<&[u8], Vec<u32>>,
) -> RowStatus {
    let mut problems = Vec::new();

    // thingName
    if r.thing_name.is_empty() {
        problems.push("thingName: The cell is empty; every row needs a thing name.".to_string());
    } else if let Err(why) = check_thing_name(&r.thing_name) {
        problems.push(format!("thingName: {why}"));
    } else {
        if existing.things.contains(&r.thing_name) {
            problems.push(format!(
                "thingName: A thing named {} already exists in AWS IoT.",
                quote(&r.thing_name)
            ));
        }
        if let Some(others) = other_lines(name_lines.get(r.thing_name.as_str()), r.line) {
            problems.push(format!(
                "thingName: {} also appears on {others}; each thing name may appear once.",
                quote(&r.thing_name)
            ));
        }
    }

    // thingType
    let thing_type = (!r.thing_type.is_empty()).then(|| r.thing_type.clone());
    if let Some(t) = &thing_type {
        if let Err(why) = check_thing_type_name(t) {
            problems.push(format!("thingType: {why}"));
        } else if !existing.thing_types.contains(t) {
            problems.push(format!(
                "thingType: The thing type {} does not exist in AWS IoT; create it first or leave the cell empty.",
                quote(t)
            ));
        }
    }

    // Attributes
    for (name, value) in &r.attributes {
        if let Err(why) = check_attribute_value(value) {
            problems.push(format!("attr.{name}: {why}"));
        }
    }
    if let Err(why) = check_attribute_count(r.attributes.len() as u32, thing_type.is_some()) {
        problems.push(format!("attributes: {why}"));
    }

    // groups and policies
    let groups = split_list(&r.groups);
    check_list(
        "groups",
        &groups,
        "thing group",
        check_thing_group_name,
        &existing.thing_groups,
        &mut problems,
    );
    if let Err(why) = check_group_count(groups.len() as u32) {
        problems.push(format!("groups: {why}"));
    }
    let policies = split_list(&r.policies);
    check_list(
        "policies",
        &policies,
        "policy",
        check_policy_name,
        &existing.policies,
        &mut problems,
    );

    // csr
    match csr {
        Some(Err(why)) => problems.push(format!("csr: {why}")),
        Some(Ok(key)) => {
            if let Some(others) = other_lines(key_lines.get(key.as_slice()), r.line) {
                problems.push(format!(
                    "csr: The CSR's key pair is also used on {others}; each device needs its own key."
                ));
            }
        }
        None => {}
    }

    for (column, value) in &r.unnamed {
        problems.push(format!(
            "Column {column} has no name in the header, yet this row puts {} in it.",
            quote(value)
        ));
    }

    if !problems.is_empty() {
        return RowStatus::Invalid(problems);
    }
    RowStatus::Valid(OnboardRow {
        thing_name: r.thing_name.clone(),
        thing_type,
        attributes: r.attributes.clone(),
        groups,
        policies,
        csr_pem: (!r.csr.is_empty()).then(|| r.csr.clone()),
    })
}

/// The items of a `;`-separated cell, trimmed, empty ones dropped.
fn split_list(cell: &str) -> Vec<String> {
    cell.split(LIST_SEPARATOR)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn check_list(
    column: &str,
    items: &[String],
    what: &str,
    check: fn(&str) -> Result<(), String>,
    known: &std::collections::BTreeSet<String>,
    problems: &mut Vec<String>,
) {
    for (i, item) in items.iter().enumerate() {
        if items[..i].contains(item) {
            problems.push(format!("{column}: {} is listed twice.", quote(item)));
        } else if let Err(why) = check(item) {
            problems.push(format!("{column}: {why}"));
        } else if !known.contains(item) {
            problems.push(format!(
                "{column}: The {what} {} does not exist in AWS IoT; create it first.",
                quote(item)
            ));
        }
    }
}

/// "line 7", "lines 7 and 9", "lines 3, 4, 5, 6, 7 and 2 more": the other lines where the
/// same thing appears, or `None` when there are none.
fn other_lines(lines: Option<&Vec<u32>>, this: u32) -> Option<String> {
    const SHOWN: usize = 5;
    let others: Vec<u32> = lines?.iter().copied().filter(|&l| l != this).collect();
    match others.as_slice() {
        [] => None,
        [one] => Some(format!("line {one}")),
        many => {
            let shown: Vec<String> = many.iter().take(SHOWN).map(u32::to_string).collect();
            if many.len() <= SHOWN {
                let (last, rest) = shown.split_last().expect("two or more");
                Some(format!("lines {} and {last}", rest.join(", ")))
            } else {
                Some(format!(
                    "lines {} and {} more",
                    shown.join(", "),
                    many.len() - SHOWN
                ))
            }
        }
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests;
