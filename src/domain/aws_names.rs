//! AWS's rules for names and attributes, in one place: things, thing types, thing groups,
//! policies and attributes (each as a check that says in one sentence what is wrong), and the
//! DynamoDB table-name rule the configuration uses.
//!
//! Sources (AWS IoT API Reference and Developer Guide, read for this module):
//! - CreateThing, <https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThing.html>:
//!   `thingName` 1–128 characters, pattern `[a-zA-Z0-9:_-]+`.
//! - CreateThingType, <https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThingType.html>:
//!   `thingTypeName` 1–128, `[a-zA-Z0-9:_-]+`.
//! - CreateThingGroup, <https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThingGroup.html>:
//!   `thingGroupName` 1–128, `[a-zA-Z0-9:_-]+`.
//! - AttributePayload, <https://docs.aws.amazon.com/iot/latest/apireference/API_AttributePayload.html>:
//!   key at most 128, pattern `[a-zA-Z0-9_.,@/:#-]+`; value at most 800, pattern
//!   `[a-zA-Z0-9_.,@/:#=\[\]-]*` (the English page; some translated copies still show the
//!   older value pattern without `=`, `[` and `]`).
//! - CreatePolicy, <https://docs.aws.amazon.com/iot/latest/apireference/API_CreatePolicy.html>:
//!   `policyName` 1–128, pattern `[\w+=,.@-]+` (`\w` is `[a-zA-Z0-9_]` in AWS's Java-style
//!   patterns).
//! - Thing types, <https://docs.aws.amazon.com/iot/latest/developerguide/thing-types.html>:
//!   "Things with a thing type can have up to 50 attributes. Things without a thing type can
//!   have up to three attributes."
//! - AddThingToThingGroup, <https://docs.aws.amazon.com/iot/latest/apireference/API_AddThingToThingGroup.html>
//!   ("when 10-group limit is reached. If a thing belongs to 10 thing groups…") and the
//!   Developer Guide's static thing groups page ("You can add a thing to a maximum of 10
//!   groups").

/// AWS's rule for thing, thing type and group names: 1–128 of `[a-zA-Z0-9:_-]`.
pub fn is_valid_aws_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-'))
}

/// DynamoDB's rule for table names: 3–255 of `[a-zA-Z0-9_.-]`.
pub fn is_valid_table_name(s: &str) -> bool {
    (3..=255).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// Policy names: "[\w+=,.@-]+", 1 to 128 characters (CreatePolicy, AWS IoT API Reference,
/// <https://docs.aws.amazon.com/iot/latest/apireference/API_CreatePolicy.html>).
pub fn is_valid_policy_name(name: &str) -> bool {
    (1..=128).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}

/// Longest thing, thing type and thing group name (CreateThing, CreateThingType,
/// CreateThingGroup). `is_valid_aws_name` enforces the same number; a test below
/// keeps the two in step.
pub const NAME_MAX_CHARS: u32 = 128;
/// Longest attribute name (AttributePayload, key length constraint).
pub const ATTRIBUTE_NAME_MAX_CHARS: u32 = 128;
/// Longest attribute value (AttributePayload, value length constraint).
pub const ATTRIBUTE_VALUE_MAX_CHARS: u32 = 800;
/// Longest policy name (CreatePolicy); [`is_valid_policy_name`] enforces it.
pub const POLICY_NAME_MAX_CHARS: u32 = 128;
/// Attributes a thing may have without a thing type (Developer Guide, Thing types).
pub const MAX_ATTRIBUTES_WITHOUT_TYPE: u32 = 3;
/// Attributes a thing may have with a thing type (Developer Guide, Thing types).
pub const MAX_ATTRIBUTES_WITH_TYPE: u32 = 50;
/// Thing groups one thing may belong to (AddThingToThingGroup, "10-group limit").
pub const MAX_GROUPS_PER_THING: u32 = 10;
/// Policies one certificate may carry (AWS IoT Core quotas, "Maximum number of policies
/// attached to a certificate").
pub const MAX_POLICIES_PER_CERTIFICATE: usize = 10;

/// The characters, beyond ASCII letters and digits, each AWS pattern allows.
const NAME_EXTRA: &str = ":_-";
const ATTRIBUTE_NAME_EXTRA: &str = "_.,@/:#-";
const ATTRIBUTE_VALUE_EXTRA: &str = "_.,@/:#=[]-";
const POLICY_NAME_EXTRA: &str = "_+=,.@-";

/// A thing name: 1–128 of `[a-zA-Z0-9:_-]` (CreateThing).
pub fn check_thing_name(name: &str) -> Result<(), String> {
    check_aws_name("thing name", name)
}

/// A thing type name: 1–128 of `[a-zA-Z0-9:_-]` (CreateThingType).
pub fn check_thing_type_name(name: &str) -> Result<(), String> {
    check_aws_name("thing type name", name)
}

/// A thing group name: 1–128 of `[a-zA-Z0-9:_-]` (CreateThingGroup).
pub fn check_thing_group_name(name: &str) -> Result<(), String> {
    check_aws_name("thing group name", name)
}

/// Thing, thing type and group names share one rule; `is_valid_aws_name` is its single
/// source, and this only explains a `false` from it.
fn check_aws_name(what: &str, name: &str) -> Result<(), String> {
    if is_valid_aws_name(name) {
        return Ok(());
    }
    Err(explain(what, name, 1, NAME_MAX_CHARS, NAME_EXTRA))
}

/// A policy name: 1–128 of `[\w+=,.@-]` (CreatePolicy). `is_valid_policy_name` decides.
pub fn check_policy_name(name: &str) -> Result<(), String> {
    if is_valid_policy_name(name) {
        return Ok(());
    }
    Err(explain(
        "policy name",
        name,
        1,
        POLICY_NAME_MAX_CHARS,
        POLICY_NAME_EXTRA,
    ))
}

/// An attribute name: 1–128 of `[a-zA-Z0-9_.,@/:#-]` (AttributePayload key).
pub fn check_attribute_name(name: &str) -> Result<(), String> {
    check_alphabet(
        "attribute name",
        name,
        1,
        ATTRIBUTE_NAME_MAX_CHARS,
        ATTRIBUTE_NAME_EXTRA,
    )
}

/// An attribute value: at most 800 of `[a-zA-Z0-9_.,@/:#=\[\]-]` (AttributePayload value).
/// AWS allows the empty value; the CSV reading treats an empty cell as "no attribute".
pub fn check_attribute_value(value: &str) -> Result<(), String> {
    check_alphabet(
        "attribute value",
        value,
        0,
        ATTRIBUTE_VALUE_MAX_CHARS,
        ATTRIBUTE_VALUE_EXTRA,
    )
}

/// How many attributes one thing may carry: 3 without a thing type, 50 with one.
pub fn check_attribute_count(count: u32, has_thing_type: bool) -> Result<(), String> {
    let (max, with) = if has_thing_type {
        (MAX_ATTRIBUTES_WITH_TYPE, "with")
    } else {
        (MAX_ATTRIBUTES_WITHOUT_TYPE, "without")
    };
    if count <= max {
        return Ok(());
    }
    Err(format!(
        "The thing has {count} attributes, but AWS IoT allows at most {max} on a thing {with} a thing type."
    ))
}

/// How many thing groups one thing may join: at most 10.
pub fn check_group_count(count: u32) -> Result<(), String> {
    if count <= MAX_GROUPS_PER_THING {
        return Ok(());
    }
    Err(format!(
        "The thing would join {count} thing groups, but AWS IoT allows at most {MAX_GROUPS_PER_THING} per thing."
    ))
}

fn allowed(c: char, extra: &str) -> bool {
    c.is_ascii_alphanumeric() || extra.contains(c)
}

fn check_alphabet(what: &str, s: &str, min: u32, max: u32, extra: &str) -> Result<(), String> {
    let len = s.chars().count();
    if len >= min as usize && len <= max as usize && s.chars().all(|c| allowed(c, extra)) {
        Ok(())
    } else {
        Err(explain(what, s, min, max, extra))
    }
}

/// One sentence on why `s` breaks the rule "min..=max characters from letters, digits and
/// `extra`": the first broken part, in the order empty, bad character, too long.
fn explain(what: &str, s: &str, min: u32, max: u32, extra: &str) -> String {
    let alphabet = describe_alphabet(extra);
    let len = s.chars().count();
    if len < min as usize {
        return format!(
            "The {what} is empty; AWS IoT requires 1 to {max} characters from {alphabet}."
        );
    }
    if let Some(bad) = s.chars().find(|&c| !allowed(c, extra)) {
        return format!(
            "The {what} {} contains {}, but AWS IoT allows only {alphabet}.",
            quote(s),
            describe_char(bad)
        );
    }
    format!(
        "The {what} {} is {len} characters long; AWS IoT allows at most {max}.",
        quote(s)
    )
}

/// "letters, digits and ':', '_', '-'" for the extra characters of a pattern.
fn describe_alphabet(extra: &str) -> String {
    let list: Vec<String> = extra.chars().map(|c| format!("'{c}'")).collect();
    format!("letters, digits and {}", list.join(" "))
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        '\t' => "a tab".to_string(),
        '\n' | '\r' => "a line break".to_string(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("'{c}'"),
    }
}

/// A value in a message: quoted, and cut after 40 characters so a 900-character mistake
/// does not bury the sentence.
pub(crate) fn quote(s: &str) -> String {
    const SHOWN: usize = 40;
    if s.chars().count() <= SHOWN {
        format!("\"{s}\"")
    } else {
        let head: String = s.chars().take(SHOWN).collect();
        format!("\"{head}…\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_aws_rules() {
        assert!(is_valid_aws_name("sensor-001"));
        assert!(is_valid_aws_name("a:b_c-d"));
        assert!(!is_valid_aws_name(""));
        assert!(!is_valid_aws_name("has space"));
        assert!(!is_valid_aws_name(&"x".repeat(129)));
    }

    // Source: CreateThing, thingName: "Minimum length of 1. Maximum length of 128.
    // Pattern: [a-zA-Z0-9:_-]+"
    // https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThing.html
    #[test]
    fn thing_names_follow_create_thing() {
        assert_eq!(check_thing_name("sensor-001"), Ok(()));
        assert_eq!(check_thing_name("a:b_c-D9"), Ok(()));
        assert_eq!(check_thing_name(&"x".repeat(128)), Ok(()));
        assert_eq!(
            check_thing_name(""),
            Err("The thing name is empty; AWS IoT requires 1 to 128 characters from letters, digits and ':' '_' '-'.".into())
        );
        assert_eq!(
            check_thing_name("has space"),
            Err("The thing name \"has space\" contains a space, but AWS IoT allows only letters, digits and ':' '_' '-'.".into())
        );
        assert!(check_thing_name("dot.ted").unwrap_err().contains("'.'"));
        assert!(check_thing_name("café").unwrap_err().contains("'é'"));
        let long = "x".repeat(129);
        let err = check_thing_name(&long).unwrap_err();
        assert!(
            err.contains("is 129 characters long; AWS IoT allows at most 128."),
            "{err}"
        );
        assert!(
            err.contains("\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\""),
            "{err}"
        );
    }

    // The thing-name rule has one source, inventory::is_valid_aws_name; this pins our
    // constant and its boundary to it (CreateThing, as above).
    #[test]
    fn name_max_agrees_with_is_valid_aws_name() {
        let n = NAME_MAX_CHARS as usize;
        assert!(is_valid_aws_name(&"a".repeat(n)));
        assert!(!is_valid_aws_name(&"a".repeat(n + 1)));
        for c in NAME_EXTRA.chars() {
            assert!(is_valid_aws_name(&c.to_string()), "{c}");
        }
    }

    // Source: CreateThingType, thingTypeName: 1–128, [a-zA-Z0-9:_-]+
    // https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThingType.html
    #[test]
    fn thing_type_names_follow_create_thing_type() {
        assert_eq!(check_thing_type_name("Sensor:v2"), Ok(()));
        let err = check_thing_type_name("Sensor/v2").unwrap_err();
        assert_eq!(
            err,
            "The thing type name \"Sensor/v2\" contains '/', but AWS IoT allows only letters, digits and ':' '_' '-'."
        );
    }

    // Source: CreateThingGroup, thingGroupName: 1–128, [a-zA-Z0-9:_-]+
    // https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThingGroup.html
    #[test]
    fn thing_group_names_follow_create_thing_group() {
        assert_eq!(check_thing_group_name("plant_a-line:3"), Ok(()));
        assert!(check_thing_group_name("")
            .unwrap_err()
            .starts_with("The thing group name is empty"));
        assert!(check_thing_group_name(&"g".repeat(129))
            .unwrap_err()
            .contains("at most 128"));
    }

    // Source: AttributePayload, key: "Maximum length of 128. Key Pattern: [a-zA-Z0-9_.,@/:#-]+"
    // https://docs.aws.amazon.com/iot/latest/apireference/API_AttributePayload.html
    #[test]
    fn attribute_names_follow_attribute_payload() {
        assert_eq!(check_attribute_name("serial.no,v@x/y:z#1-_"), Ok(()));
        assert_eq!(check_attribute_name(&"k".repeat(128)), Ok(()));
        assert!(check_attribute_name(&"k".repeat(129))
            .unwrap_err()
            .contains("is 129 characters long; AWS IoT allows at most 128."));
        assert!(check_attribute_name("")
            .unwrap_err()
            .starts_with("The attribute name is empty"));
        // '=' and brackets are allowed in values but not in names.
        assert_eq!(
            check_attribute_name("a=b"),
            Err("The attribute name \"a=b\" contains '=', but AWS IoT allows only letters, digits and '_' '.' ',' '@' '/' ':' '#' '-'.".into())
        );
        assert!(check_attribute_name("x[0]").unwrap_err().contains("'['"));
    }

    // Source: AttributePayload, value: "Maximum length of 800. Value Pattern:
    // [a-zA-Z0-9_.,@/:#=\[\]-]*"
    // https://docs.aws.amazon.com/iot/latest/apireference/API_AttributePayload.html
    #[test]
    fn attribute_values_follow_attribute_payload() {
        assert_eq!(check_attribute_value(""), Ok(()));
        assert_eq!(check_attribute_value("a=b[1],c@d/e:f#g.h_i-j"), Ok(()));
        assert_eq!(check_attribute_value(&"v".repeat(800)), Ok(()));
        assert!(check_attribute_value(&"v".repeat(801))
            .unwrap_err()
            .contains("is 801 characters long; AWS IoT allows at most 800."));
        assert_eq!(
            check_attribute_value("a;b"),
            Err("The attribute value \"a;b\" contains ';', but AWS IoT allows only letters, digits and '_' '.' ',' '@' '/' ':' '#' '=' '[' ']' '-'.".into())
        );
        assert!(check_attribute_value("two words")
            .unwrap_err()
            .contains("a space"));
    }

    // Source: CreatePolicy, policyName: "Minimum length of 1. Maximum length of 128.
    // Pattern: [\w+=,.@-]+"
    // https://docs.aws.amazon.com/iot/latest/apireference/API_CreatePolicy.html
    #[test]
    fn policy_names_follow_create_policy() {
        assert_eq!(check_policy_name("Sensor_Policy+v1=a,b.c@d-e"), Ok(()));
        assert_eq!(check_policy_name(&"p".repeat(128)), Ok(()));
        assert!(check_policy_name(&"p".repeat(129))
            .unwrap_err()
            .contains("at most 128"));
        assert_eq!(
            check_policy_name("a:b"),
            Err("The policy name \"a:b\" contains ':', but AWS IoT allows only letters, digits and '_' '+' '=' ',' '.' '@' '-'.".into())
        );
        assert!(check_policy_name("")
            .unwrap_err()
            .starts_with("The policy name is empty"));
    }

    // Source: Developer Guide, Thing types: "Things with a thing type can have up to 50
    // attributes. Things without a thing type can have up to three attributes."
    // https://docs.aws.amazon.com/iot/latest/developerguide/thing-types.html
    #[test]
    fn attribute_counts_follow_thing_types_page() {
        assert_eq!(check_attribute_count(3, false), Ok(()));
        assert_eq!(
            check_attribute_count(4, false),
            Err("The thing has 4 attributes, but AWS IoT allows at most 3 on a thing without a thing type.".into())
        );
        assert_eq!(check_attribute_count(50, true), Ok(()));
        assert_eq!(
            check_attribute_count(51, true),
            Err("The thing has 51 attributes, but AWS IoT allows at most 50 on a thing with a thing type.".into())
        );
    }

    // Source: AddThingToThingGroup, overrideDynamicGroups: "when 10-group limit is reached"
    // https://docs.aws.amazon.com/iot/latest/apireference/API_AddThingToThingGroup.html
    #[test]
    fn group_counts_follow_add_thing_to_thing_group() {
        assert_eq!(check_group_count(10), Ok(()));
        assert_eq!(
            check_group_count(11),
            Err(
                "The thing would join 11 thing groups, but AWS IoT allows at most 10 per thing."
                    .into()
            )
        );
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        assert_eq!(quote("short"), "\"short\"");
        assert_eq!(quote(&"y".repeat(41)), format!("\"{}…\"", "y".repeat(40)));
    }
}
