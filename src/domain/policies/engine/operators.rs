//! Condition operators: reading an operator name (`ForAnyValue:StringEqualsIfExists`) into
//! its set prefix, base operator and `IfExists` flag ("IAM JSON policy elements: Condition
//! operators", <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>).
//!
//! Its own module because three others need it: the parser (to warn about unknown
//! operators), the explaining evaluator and the compiled policy set.

use std::cmp::Ordering;

/// The operators implemented so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    Bool,
    Null,
    Numeric(Cmp),
    Date(Cmp),
    IpAddress,
    NotIpAddress,
    /// ArnEquals and ArnLike, which behave alike: see [`super::vars::arn_matches`].
    Arn,
    /// ArnNotEquals and ArnNotLike.
    ArnNot,
}

/// The comparison of a Numeric or Date operator. `NotEquals` matches on equality and is
/// negated like the other Not operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Equals,
    NotEquals,
    LessThan,
    LessThanEquals,
    GreaterThan,
    GreaterThanEquals,
}

impl Cmp {
    fn parse(s: &str) -> Option<Cmp> {
        Some(match s {
            "Equals" => Cmp::Equals,
            "NotEquals" => Cmp::NotEquals,
            "LessThan" => Cmp::LessThan,
            "LessThanEquals" => Cmp::LessThanEquals,
            "GreaterThan" => Cmp::GreaterThan,
            "GreaterThanEquals" => Cmp::GreaterThanEquals,
            _ => return None,
        })
    }

    /// `request` compared with `policy`, e.g. LessThan: request < policy.
    pub(crate) fn holds(self, o: Ordering) -> bool {
        match self {
            Cmp::Equals | Cmp::NotEquals => o == Ordering::Equal,
            Cmp::LessThan => o == Ordering::Less,
            Cmp::LessThanEquals => o != Ordering::Greater,
            Cmp::GreaterThan => o == Ordering::Greater,
            Cmp::GreaterThanEquals => o != Ordering::Less,
        }
    }
}

impl Op {
    /// (wildcards, case-insensitive) for a string-like operator, for both evaluators.
    pub(crate) fn text_mode(self) -> (bool, bool) {
        match self {
            Op::StringLike | Op::StringNotLike | Op::Arn | Op::ArnNot => (true, false),
            Op::StringEqualsIgnoreCase | Op::StringNotEqualsIgnoreCase | Op::Bool => (false, true),
            _ => (false, false),
        }
    }

    pub(crate) fn negated(self) -> bool {
        matches!(
            self,
            Op::StringNotEquals
                | Op::StringNotEqualsIgnoreCase
                | Op::StringNotLike
                | Op::Numeric(Cmp::NotEquals)
                | Op::Date(Cmp::NotEquals)
                | Op::NotIpAddress
                | Op::ArnNot
        )
    }
}

/// Operator names AWS defines but this engine does not evaluate yet.
const NOT_YET: &[&str] = &["BinaryEquals"];

/// A set operator prefix for multivalued context keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetOp {
    ForAllValues,
    ForAnyValue,
}

/// Splits `ForAnyValue:StringEqualsIfExists` into (set operator, operator, if_exists);
/// Err is the note to show.
pub(crate) fn parse_op(name: &str) -> Result<(Option<SetOp>, Op, bool), String> {
    let (set, rest) = match name.split_once(':') {
        Some(("ForAllValues", rest)) => (Some(SetOp::ForAllValues), rest),
        Some(("ForAnyValue", rest)) => (Some(SetOp::ForAnyValue), rest),
        Some(_) => {
            return Err(format!(
            "Unknown condition operator `{name}`, so this condition is treated as not satisfied."
        ))
        }
        None => (None, name),
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    let op = match base {
        "StringEquals" => Op::StringEquals,
        "StringNotEquals" => Op::StringNotEquals,
        "StringEqualsIgnoreCase" => Op::StringEqualsIgnoreCase,
        "StringNotEqualsIgnoreCase" => Op::StringNotEqualsIgnoreCase,
        "StringLike" => Op::StringLike,
        "StringNotLike" => Op::StringNotLike,
        "Bool" => Op::Bool,
        "IpAddress" => Op::IpAddress,
        "NotIpAddress" => Op::NotIpAddress,
        "ArnEquals" | "ArnLike" => Op::Arn,
        "ArnNotEquals" | "ArnNotLike" => Op::ArnNot,
        _ if base.strip_prefix("Numeric").and_then(Cmp::parse).is_some() => {
            Op::Numeric(base.strip_prefix("Numeric").and_then(Cmp::parse).expect("checked"))
        }
        _ if base.strip_prefix("Date").and_then(Cmp::parse).is_some() => {
            Op::Date(base.strip_prefix("Date").and_then(Cmp::parse).expect("checked"))
        }
        "Null" if !if_exists && set.is_none() => Op::Null,
        _ if NOT_YET.contains(&base) => {
            return Err(format!(
                "Unsupported condition operator `{name}`: it is not evaluated yet, so this condition is treated as not satisfied."
            ))
        }
        _ => {
            return Err(format!(
                "Unknown condition operator `{name}`, so this condition is treated as not satisfied."
            ))
        }
    };
    Ok((set, op, if_exists))
}
