//! The CSV header: which column holds what.
//!
//! Fixed columns are `thingName` (required), `thingType`, `groups`, `policies` and `csr`,
//! matched without regard to case because spreadsheets and people capitalise freely.
//! Attribute columns are named `attr.<attribute name>` (`attr.location`). The prefix is what
//! tells an attribute from a typo: a column named `thingname2` or `group` is reported, not
//! silently turned into an attribute that then counts against the thing's three-attribute
//! limit. The name after the prefix is kept exactly as written, since AWS attribute names
//! are case-sensitive strings.

use crate::domain::aws_names::{check_attribute_name, quote};

/// Prefix that marks an attribute column.
pub const ATTRIBUTE_PREFIX: &str = "attr.";

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Column {
    ThingName,
    ThingType,
    Groups,
    Policies,
    Csr,
    /// `attr.<name>` with a valid attribute name.
    Attribute(String),
    /// A column whose header cell is empty (spreadsheets export trailing ones); its cells
    /// must be empty too.
    Unnamed,
    /// Reported as a file problem; its cells are not read.
    Ignored,
}

impl Column {
    /// The column's name as messages show it.
    pub(crate) fn label(&self) -> String {
        match self {
            Column::ThingName => "thingName".into(),
            Column::ThingType => "thingType".into(),
            Column::Groups => "groups".into(),
            Column::Policies => "policies".into(),
            Column::Csr => "csr".into(),
            Column::Attribute(name) => format!("{ATTRIBUTE_PREFIX}{name}"),
            Column::Unnamed | Column::Ignored => String::new(),
        }
    }
}

/// The header as read: one `Column` per field, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub columns: Vec<Column>,
    pub problems: Vec<String>,
}

impl Header {
    pub(crate) fn has_thing_name(&self) -> bool {
        self.columns.contains(&Column::ThingName)
    }
}

/// Reads the header fields (already trimmed). Column numbers in messages are 1-based.
pub(crate) fn read_header(fields: &[&str]) -> Header {
    let mut columns = Vec::with_capacity(fields.len());
    let mut problems = Vec::new();
    for (i, raw) in fields.iter().enumerate() {
        let n = i + 1;
        let column = match raw.to_ascii_lowercase().as_str() {
            "" => Column::Unnamed,
            "thingname" => Column::ThingName,
            "thingtype" => Column::ThingType,
            "groups" => Column::Groups,
            "policies" => Column::Policies,
            "csr" => Column::Csr,
            lower if lower.starts_with(ATTRIBUTE_PREFIX) => {
                let name = &raw[ATTRIBUTE_PREFIX.len()..];
                match check_attribute_name(name) {
                    Ok(()) => Column::Attribute(name.to_string()),
                    Err(why) => {
                        problems.push(format!("Column {n} ({}): {why}", quote(raw)));
                        Column::Ignored
                    }
                }
            }
            _ => {
                problems.push(format!(
                    "Column {n} is named {}, which is not a known column: use thingName, thingType, groups, policies, csr, or {ATTRIBUTE_PREFIX}<name> for an attribute (e.g. {}).",
                    quote(raw),
                    quote(&format!("{ATTRIBUTE_PREFIX}{raw}"))
                ));
                Column::Ignored
            }
        };
        columns.push(column);
    }
    // The same column twice would make one cell silently win over the other.
    for (i, c) in columns.iter().enumerate() {
        if matches!(c, Column::Unnamed | Column::Ignored) {
            continue;
        }
        if let Some(j) = columns[..i].iter().position(|d| d == c) {
            problems.push(format!(
                "Columns {} and {} are both {}; each column may appear once.",
                j + 1,
                i + 1,
                quote(&c.label())
            ));
        }
    }
    if !columns.contains(&Column::ThingName) {
        problems.insert(
            0,
            "The header (the first line) has no thingName column; it must name the columns, thingName among them.".into(),
        );
    }
    Header { columns, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fixed_and_attribute_columns() {
        let h = read_header(&[
            "ThingName",
            "thingType",
            "GROUPS",
            "policies",
            "csr",
            "attr.location",
            "",
        ]);
        assert!(h.problems.is_empty(), "{:?}", h.problems);
        assert_eq!(
            h.columns,
            [
                Column::ThingName,
                Column::ThingType,
                Column::Groups,
                Column::Policies,
                Column::Csr,
                Column::Attribute("location".into()),
                Column::Unnamed,
            ]
        );
        // The prefix is case-insensitive; the attribute name keeps its case.
        assert_eq!(
            read_header(&["thingName", "ATTR.Serial"]).columns[1],
            Column::Attribute("Serial".into())
        );
    }

    #[test]
    fn requires_thing_name() {
        let h = read_header(&["name", "attr.x"]);
        assert!(!h.has_thing_name());
        assert_eq!(
            h.problems[0],
            "The header (the first line) has no thingName column; it must name the columns, thingName among them."
        );
    }

    #[test]
    fn reports_unknown_duplicate_and_invalid_columns() {
        let h = read_header(&[
            "thingName",
            "location",
            "groups",
            "attr.a=b",
            "Groups",
            "attr.",
            "attr.x",
            "attr.x",
        ]);
        assert_eq!(
            h.problems,
            [
                "Column 2 is named \"location\", which is not a known column: use thingName, thingType, groups, policies, csr, or attr.<name> for an attribute (e.g. \"attr.location\").",
                "Column 4 (\"attr.a=b\"): The attribute name \"a=b\" contains '=', but AWS IoT allows only letters, digits and '_' '.' ',' '@' '/' ':' '#' '-'.",
                "Column 6 (\"attr.\"): The attribute name is empty; AWS IoT requires 1 to 128 characters from letters, digits and '_' '.' ',' '@' '/' ':' '#' '-'.",
                "Columns 3 and 5 are both \"groups\"; each column may appear once.",
                "Columns 7 and 8 are both \"attr.x\"; each column may appear once.",
            ]
        );
        assert_eq!(h.columns[1], Column::Ignored);
    }
}
