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
use super::rules::{
    check_attribute_count, check_attribute_value, check_group_count, check_policy_name,
    check_thing_group_name, check_thing_name, check_thing_type_name, quote,
};

/// Most device rows one file may hold. Every row is checked in the browser (a CSR parse
/// each) and its problems listed on one page, and the job records one state item per row;
/// 10,000 keeps all of that quick while covering a production batch. Larger fleets split the
/// file into several jobs, which also bounds how much one mistake can create.
pub const MAX_ROWS: u32 = 10_000;
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
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The csv crate reports a record's line before it consumes the `\n` of a CRLF, so every
    // row after the first would be one line early; plain `\n` endings keep lines exact.
    let text = text.replace("\r\n", "\n");
    let mut plan = OnboardPlan::default();
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
mod tests {
    use super::*;
    use crate::domain::onboarding::plan::PlanCounts;

    const EC_P256: &str = include_str!("testdata/csr-ec-p256.pem");
    const EC_P384: &str = include_str!("testdata/csr-ec-p384.pem");
    const RSA_1024: &str = include_str!("testdata/csr-rsa-1024.pem");

    fn existing() -> Existing {
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Existing {
            things: set(&["taken-1"]),
            thing_types: set(&["Sensor"]),
            thing_groups: set(&["plant-a", "line-3"]),
            policies: set(&["SensorPolicy", "Telemetry,v2"]),
        }
    }

    fn problems_of(plan: &OnboardPlan, line: u32) -> Vec<String> {
        plan.rows
            .iter()
            .find(|r| r.line == line)
            .unwrap_or_else(|| panic!("no row on line {line}: {plan:#?}"))
            .problems()
            .to_vec()
    }

    #[test]
    fn plans_a_clean_file() {
        let csv = "thingName,thingType,attr.location,attr.serial,groups,policies\n\
                   dev-1,Sensor,hall-7,SN-1,plant-a; line-3,SensorPolicy\n\
                   dev-2,,,,,\"SensorPolicy;Telemetry,v2\"\n";
        let plan = plan_csv(csv, &existing());
        assert!(plan.is_clean(), "{plan:#?}");
        let rows: Vec<&OnboardRow> = plan.valid_rows().collect();
        assert_eq!(
            *rows[0],
            OnboardRow {
                thing_name: "dev-1".into(),
                thing_type: Some("Sensor".into()),
                attributes: vec![
                    ("location".into(), "hall-7".into()),
                    ("serial".into(), "SN-1".into())
                ],
                groups: vec!["plant-a".into(), "line-3".into()],
                policies: vec!["SensorPolicy".into()],
                csr_pem: None,
            }
        );
        assert_eq!(rows[1].thing_type, None);
        assert!(
            rows[1].attributes.is_empty(),
            "empty cells are no attribute"
        );
        assert_eq!(rows[1].policies, ["SensorPolicy", "Telemetry,v2"]);
        assert_eq!(plan.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
    }

    #[test]
    fn reads_quoted_multiline_pem_with_bom_crlf_and_trailing_blank_lines() {
        let csr_crlf = EC_P256.trim_end().replace('\n', "\r\n");
        let csv = format!(
            "\u{feff}thingName,csr,attr.site\r\n\
             dev-1,\"{csr_crlf}\",north\r\n\
             dev-2,,south\r\n\
             \r\n\r\n"
        );
        let plan = plan_csv(&csv, &existing());
        assert!(plan.is_clean(), "{plan:#?}");
        // dev-1 starts on line 2; its 7-line PEM spans lines 2–8, so dev-2 starts on line 9.
        let pem_lines = EC_P256.trim_end().lines().count() as u32;
        assert_eq!(pem_lines, 7);
        assert_eq!(
            plan.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 2 + pem_lines]
        );
        let rows: Vec<&OnboardRow> = plan.valid_rows().collect();
        assert_eq!(
            rows[0].csr_pem.as_deref(),
            Some(EC_P256.trim_end()),
            "stored with \\n endings"
        );
        assert_eq!(
            rows[0].attributes,
            [("site".to_string(), "north".to_string())]
        );
        assert_eq!(
            plan.counts(),
            PlanCounts {
                rows: 2,
                valid: 2,
                invalid: 0,
                with_csr: 1,
                needing_key: 1
            }
        );
    }

    #[test]
    fn flags_both_rows_of_a_duplicate_name() {
        let csv = "thingName\ndev-1\ndev-2\ndev-1\ndev-3\ndev-1\n";
        let plan = plan_csv(csv, &existing());
        assert_eq!(
            problems_of(&plan, 2),
            ["thingName: \"dev-1\" also appears on lines 4 and 6; each thing name may appear once."]
        );
        assert_eq!(
            problems_of(&plan, 4),
            ["thingName: \"dev-1\" also appears on lines 2 and 6; each thing name may appear once."]
        );
        assert_eq!(
            problems_of(&plan, 6),
            ["thingName: \"dev-1\" also appears on lines 2 and 4; each thing name may appear once."]
        );
        assert!(problems_of(&plan, 3).is_empty());
        assert_eq!(plan.counts().invalid, 3);
        let two = plan_csv("thingName\na\na\n", &existing());
        assert_eq!(
            problems_of(&two, 2),
            ["thingName: \"a\" also appears on line 3; each thing name may appear once."]
        );
    }

    #[test]
    fn lists_many_duplicate_lines_briefly() {
        let csv = format!("thingName\n{}", "same\n".repeat(8));
        let plan = plan_csv(&csv, &existing());
        assert_eq!(
            problems_of(&plan, 2),
            ["thingName: \"same\" also appears on lines 3, 4, 5, 6, 7 and 2 more; each thing name may appear once."]
        );
    }

    // Thing-name rule source: CreateThing, 1–128 of [a-zA-Z0-9:_-]
    // https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThing.html
    #[test]
    fn flags_bad_missing_and_existing_names() {
        let csv = "thingName,attr.x\nbad name,1\n,2\ntaken-1,3\n";
        let plan = plan_csv(csv, &existing());
        assert_eq!(
            problems_of(&plan, 2),
            ["thingName: The thing name \"bad name\" contains a space, but AWS IoT allows only letters, digits and ':' '_' '-'."]
        );
        assert_eq!(
            problems_of(&plan, 3),
            ["thingName: The cell is empty; every row needs a thing name."]
        );
        assert_eq!(
            problems_of(&plan, 4),
            ["thingName: A thing named \"taken-1\" already exists in AWS IoT."]
        );
    }

    // Type and group name rules: CreateThingType / CreateThingGroup, 1–128 of [a-zA-Z0-9:_-];
    // policy names: CreatePolicy, 1–128 of [\w+=,.@-]
    // https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThingType.html
    // https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThingGroup.html
    // https://docs.aws.amazon.com/iot/latest/apireference/API_CreatePolicy.html
    #[test]
    fn flags_unknown_and_invalid_types_groups_and_policies() {
        let csv = "thingName,thingType,groups,policies\n\
                   d1,Camera,plant-a;nope;plant-a,SensorPolicy;Missing\n\
                   d2,Bad/Type,bad group,bad:policy\n";
        let plan = plan_csv(csv, &existing());
        assert_eq!(
            problems_of(&plan, 2),
            [
                "thingType: The thing type \"Camera\" does not exist in AWS IoT; create it first or leave the cell empty.",
                "groups: The thing group \"nope\" does not exist in AWS IoT; create it first.",
                "groups: \"plant-a\" is listed twice.",
                "policies: The policy \"Missing\" does not exist in AWS IoT; create it first.",
            ]
        );
        assert_eq!(
            problems_of(&plan, 3),
            [
                "thingType: The thing type name \"Bad/Type\" contains '/', but AWS IoT allows only letters, digits and ':' '_' '-'.",
                "groups: The thing group name \"bad group\" contains a space, but AWS IoT allows only letters, digits and ':' '_' '-'.",
                "policies: The policy name \"bad:policy\" contains ':', but AWS IoT allows only letters, digits and '_' '+' '=' ',' '.' '@' '-'.",
            ]
        );
    }

    // Source: Developer Guide, Thing types: up to 3 attributes without a type, 50 with one.
    // https://docs.aws.amazon.com/iot/latest/developerguide/thing-types.html
    #[test]
    fn flags_too_many_attributes_for_the_type() {
        let csv = "thingName,thingType,attr.a,attr.b,attr.c,attr.d\n\
                   untyped,,1,2,3,4\n\
                   typed,Sensor,1,2,3,4\n\
                   three,,1,2,3,\n";
        let plan = plan_csv(csv, &existing());
        assert_eq!(
            problems_of(&plan, 2),
            ["attributes: The thing has 4 attributes, but AWS IoT allows at most 3 on a thing without a thing type."]
        );
        assert!(problems_of(&plan, 3).is_empty());
        assert!(
            problems_of(&plan, 4).is_empty(),
            "the empty cell is not an attribute"
        );
        let fifty_one: Vec<String> = (0..51).map(|i| format!("attr.a{i}")).collect();
        let csv = format!(
            "thingName,thingType,{}\nt,Sensor,{}\n",
            fifty_one.join(","),
            vec!["v"; 51].join(",")
        );
        assert_eq!(
            problems_of(&plan_csv(&csv, &existing()), 2),
            ["attributes: The thing has 51 attributes, but AWS IoT allows at most 50 on a thing with a thing type."]
        );
    }

    // Source: AttributePayload value, at most 800 of [a-zA-Z0-9_.,@/:#=\[\]-]
    // https://docs.aws.amazon.com/iot/latest/apireference/API_AttributePayload.html
    #[test]
    fn flags_bad_attribute_values() {
        let csv = "thingName,attr.note\nd1,hello world\nd2,k=v[1]\n";
        let plan = plan_csv(csv, &existing());
        assert_eq!(
            problems_of(&plan, 2),
            ["attr.note: The attribute value \"hello world\" contains a space, but AWS IoT allows only letters, digits and '_' '.' ',' '@' '/' ':' '#' '=' '[' ']' '-'."]
        );
        assert!(problems_of(&plan, 3).is_empty());
    }

    // Source: AddThingToThingGroup, "10-group limit"
    // https://docs.aws.amazon.com/iot/latest/apireference/API_AddThingToThingGroup.html
    #[test]
    fn flags_more_than_ten_groups() {
        let names: Vec<String> = (1..=11).map(|i| format!("g{i}")).collect();
        let mut ex = existing();
        ex.thing_groups.extend(names.iter().cloned());
        let csv = format!(
            "thingName,groups\nd1,{}\nd2,{}\n",
            names.join(";"),
            names[..10].join(";")
        );
        let plan = plan_csv(&csv, &ex);
        assert_eq!(
            problems_of(&plan, 2),
            ["groups: The thing would join 11 thing groups, but AWS IoT allows at most 10 per thing."]
        );
        assert!(problems_of(&plan, 3).is_empty());
    }

    // Source: CreateCertificateFromCsr, RSA ≥ 2048 or EC on P-256/P-384/P-521.
    // https://docs.aws.amazon.com/iot/latest/apireference/API_CreateCertificateFromCsr.html
    #[test]
    fn flags_malformed_weak_and_shared_csrs() {
        let csv = format!(
            "thingName,csr\nweak,\"{RSA_1024}\"\njunk,not a pem\na,\"{EC_P256}\"\nb,\"{EC_P384}\"\nc,\"{EC_P256}\"\n"
        );
        let plan = plan_csv(&csv, &existing());
        let line_of = |name: &str| {
            plan.rows
                .iter()
                .find(|r| r.thing_name == name)
                .unwrap()
                .line
        };
        assert_eq!(
            problems_of(&plan, line_of("weak")),
            ["csr: The CSR's RSA key has 1024 bits; AWS IoT requires at least 2048."]
        );
        assert_eq!(
            problems_of(&plan, line_of("junk")),
            ["csr: The CSR is not PEM text: it must start with \"-----BEGIN CERTIFICATE REQUEST-----\"."]
        );
        let (a, c) = (line_of("a"), line_of("c"));
        assert_eq!(
            problems_of(&plan, a),
            [format!(
                "csr: The CSR's key pair is also used on line {c}; each device needs its own key."
            )]
        );
        assert_eq!(
            problems_of(&plan, c),
            [format!(
                "csr: The CSR's key pair is also used on line {a}; each device needs its own key."
            )]
        );
        assert!(problems_of(&plan, line_of("b")).is_empty());
    }

    #[test]
    fn flags_rows_of_the_wrong_shape_and_stray_cells() {
        let csv = "thingName,attr.x,\nd1,1\nd2,1,,extra\nd3,1,stray\nd4,1,\n";
        let plan = plan_csv(csv, &existing());
        assert_eq!(
            problems_of(&plan, 2),
            ["The row has 2 cells but the header has 3 columns; look for a missing or extra comma, or an unclosed quote."]
        );
        assert_eq!(
            problems_of(&plan, 3),
            ["The row has 4 cells but the header has 3 columns; look for a missing or extra comma, or an unclosed quote."]
        );
        assert_eq!(
            problems_of(&plan, 4),
            ["Column 3 has no name in the header, yet this row puts \"stray\" in it."]
        );
        assert!(
            problems_of(&plan, 5).is_empty(),
            "a trailing unnamed empty column is harmless"
        );
        let one = plan_csv("thingName,attr.x\nd1\n", &existing());
        assert!(
            problems_of(&one, 2)[0].starts_with("The row has 1 cell but the header has 2 columns")
        );
    }

    #[test]
    fn reports_empty_files_and_missing_rows() {
        for empty in ["", "\u{feff}", "  \r\n\n"] {
            assert_eq!(
                plan_csv(empty, &existing()).file_problems,
                ["The file is empty; it needs a header line and at least one device row."]
            );
        }
        let header_only = plan_csv("thingName,attr.x\n\n,\n", &existing());
        assert_eq!(
            header_only.file_problems,
            ["The file has a header but no device rows."]
        );
        assert!(!header_only.is_clean());
    }

    #[test]
    fn a_header_without_thing_name_stops_the_plan() {
        let plan = plan_csv("name,attr.x\nd1,1\n", &existing());
        assert_eq!(plan.file_problems.len(), 2, "{:?}", plan.file_problems);
        assert!(plan.file_problems[0]
            .starts_with("The header (the first line) has no thingName column"));
        assert!(plan.file_problems[1].starts_with("Column 1 is named \"name\""));
        assert!(plan.rows.is_empty());
    }

    #[test]
    fn other_header_problems_block_the_file_but_rows_are_still_checked() {
        let plan = plan_csv("thingName,location\nd1,x\nbad name,y\n", &existing());
        assert_eq!(plan.file_problems.len(), 1);
        assert!(plan.rows[0].is_valid());
        assert!(!plan.rows[1].is_valid());
        assert!(
            !plan.without_bad_rows().is_clean(),
            "the header must be fixed"
        );
    }

    #[test]
    fn caps_the_number_of_rows() {
        let mut csv = String::from("thingName\n");
        for i in 0..=MAX_ROWS {
            csv.push_str(&format!("d{i}\n"));
        }
        let plan = plan_csv(&csv, &existing());
        assert_eq!(plan.rows.len() as u32, MAX_ROWS);
        assert_eq!(
            plan.file_problems,
            ["The file has more than 10000 device rows (row 10001 starts on line 10002); split it into files of at most 10000."]
        );
        // Exactly at the limit is fine.
        let at_limit: String = std::iter::once("thingName\n".to_string())
            .chain((0..MAX_ROWS).map(|i| format!("d{i}\n")))
            .collect();
        assert!(plan_csv(&at_limit, &existing()).is_clean());
    }
}
