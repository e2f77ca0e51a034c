use super::*;
use crate::domain::onboarding::plan::PlanCounts;

const EC_P256: &str = include_str!("../testdata/csr-ec-p256.pem");
const EC_P384: &str = include_str!("../testdata/csr-ec-p384.pem");
const RSA_1024: &str = include_str!("../testdata/csr-rsa-1024.pem");

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
    assert!(problems_of(&one, 2)[0].starts_with("The row has 1 cell but the header has 2 columns"));
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
    assert!(
        plan.file_problems[0].starts_with("The header (the first line) has no thingName column")
    );
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

// Security review finding 10: bulk input is refused on its size and row count before rows
// are checked one by one (each check parses and verifies a CSR).
#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_parsed() {
    let huge = format!("thing_name\n{}", "x".repeat(MAX_FILE_BYTES));
    let plan = plan_csv(&huge, &existing());
    assert_eq!(plan.file_problems.len(), 1, "{:?}", plan.file_problems);
    assert!(
        plan.file_problems[0].contains("at most 24 MB"),
        "{:?}",
        plan.file_problems
    );
    assert!(plan.rows.is_empty());
}

#[test]
fn a_job_over_the_row_limit_is_refused_without_checking_its_rows() {
    use crate::domain::onboarding::request::row_problems;
    let row = OnboardRow {
        thing_name: "t".into(),
        thing_type: None,
        attributes: vec![],
        groups: vec![],
        policies: vec![],
        // Unreadable: were the rows checked, every one would add a problem.
        csr_pem: Some("not a csr".into()),
    };
    let rows: Vec<(u32, OnboardRow)> = (0..=MAX_ROWS).map(|i| (i + 2, row.clone())).collect();
    let problems = row_problems(&rows, 0);
    assert_eq!(
        problems,
        vec![format!(
            "The job has {} rows; a job takes at most {MAX_ROWS}.",
            MAX_ROWS + 1
        )]
    );
}
