//! What a statement reaches, as the lint rules read it: the known actions its `Action` list
//! covers, its resources parsed into type and name, how far a name reaches (this device's
//! resources, a family of them, or all), and whether two names can stand for the same text.

use super::super::actions::{arn_fields, has_wildcard, KNOWN_ACTIONS};
use super::super::model::{ActionBlock, ResourceBlock, Statement};
use super::super::vars::{compile, matches, Tok};

/// What a statement's action list covers, with its resources parsed.
pub(super) struct StatementInfo<'a> {
    pub(super) st: &'a Statement,
    /// The known actions the statement's `Action` list matches; None for `NotAction`.
    pub(super) actions: Option<Vec<&'static str>>,
    /// The `Resource` values, parsed; empty for `NotResource`.
    pub(super) resources: Vec<(usize, &'a str, Res<'a>)>,
}

impl<'a> StatementInfo<'a> {
    pub(super) fn new(st: &'a Statement) -> StatementInfo<'a> {
        let actions = match &st.action {
            ActionBlock::Action(list) => {
                let mut hit: Vec<&'static str> = KNOWN_ACTIONS
                    .iter()
                    .copied()
                    .filter(|k| list.iter().any(|a| action_pattern_matches(a, k)))
                    .collect();
                hit.dedup();
                Some(hit)
            }
            ActionBlock::NotAction(_) => None,
        };
        let resources = match &st.resource {
            ResourceBlock::Resource(list) => list
                .iter()
                .enumerate()
                .map(|(j, r)| (j, r.as_str(), Res::parse(r)))
                .collect(),
            ResourceBlock::NotResource(_) => Vec::new(),
        };
        StatementInfo {
            st,
            actions,
            resources,
        }
    }

    /// Whether the statement's Action list grants `action` (false for NotAction).
    pub(super) fn has(&self, action: &str) -> bool {
        self.actions.as_ref().is_some_and(|a| a.contains(&action))
    }
}

/// Action names are case-insensitive and take `*`/`?` ("IAM JSON policy elements: Action").
pub(super) fn action_pattern_matches(pattern: &str, action: &str) -> bool {
    pattern == "*" || compile(pattern, None, true).is_ok_and(|p| matches(&p, action, true))
}

/// A `Resource` value, as far as the lint needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Res<'a> {
    /// `*`, or an IoT ARN whose resource part starts with a wildcard (`arn:aws:iot:*:*:*`):
    /// every resource.
    Any,
    /// `arn:<partition>:iot:<region>:<account>:<type>/<name>`. `ty` is None when the type
    /// itself has a wildcard or variable.
    Iot { ty: Option<&'a str>, name: &'a str },
    /// Cannot be the ARN of an AWS IoT resource, so it matches no request.
    NotIot(&'static str),
}

impl<'a> Res<'a> {
    pub(super) fn parse(r: &'a str) -> Res<'a> {
        if r == "*" {
            return Res::Any;
        }
        let fields = arn_fields(r);
        let fits = |field: &str, want: &str| {
            compile(field, None, true).is_ok_and(|p| matches(&p, want, false))
        };
        if !fits(fields[0], "arn") {
            return Res::NotIot("it does not start with `arn:`");
        }
        if fields.len() >= 3 && !fits(fields[2], "iot") {
            return Res::NotIot("its service is not `iot`");
        }
        if fields.len() < 6 {
            // `arn:aws:iot:*` — a wildcard in the last field can stand for the rest.
            return if has_wildcard(fields[fields.len() - 1]) {
                Res::Any
            } else {
                Res::NotIot("it lacks the region, account or resource part")
            };
        }
        let rest = fields[5];
        if rest.starts_with(['*', '?']) {
            return if rest.starts_with('*') {
                Res::Any
            } else {
                Res::Iot {
                    ty: None,
                    name: rest,
                }
            };
        }
        match rest.split_once('/') {
            Some((ty, name)) if !has_wildcard(ty) && !ty.contains("${") => {
                Res::Iot { ty: Some(ty), name }
            }
            Some(_) => Res::Iot {
                ty: None,
                name: rest,
            },
            None if has_wildcard(rest) || rest.contains("${") => Res::Iot {
                ty: None,
                name: rest,
            },
            None => Res::NotIot("it has no `type/name` resource part"),
        }
    }
}

/// Policy variables that name the connecting device itself ("Basic AWS IoT Core policy
/// variables" and "Thing policy variables",
/// <https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-variables.html>).
pub(super) const DEVICE_VARIABLES: &[&str] =
    &["${iot:ClientId}", "${iot:Connection.Thing.ThingName}"];

/// How far a resource name reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reach {
    /// No wildcard before a device variable: this device's resource(s), or named ones.
    Own,
    /// Starts with a wildcard: every resource of the type.
    All,
    /// A wildcard after some fixed text and before any device variable: a family of other
    /// devices' resources.
    Prefix,
}

pub(super) fn reach(name: &str) -> Reach {
    let wildcard = name.find(['*', '?']);
    let variable = DEVICE_VARIABLES.iter().filter_map(|v| name.find(v)).min();
    match (wildcard, variable) {
        (None, _) => Reach::Own,
        (Some(w), Some(v)) if v < w => Reach::Own,
        (Some(0), _) => Reach::All,
        (Some(_), _) => Reach::Prefix,
    }
}

/// Compile a name for overlap tests: variables stay literal text (the same variable lines up
/// with itself); with `mqtt`, the MQTT wildcards `+` and `#` of a topic filter stand for any
/// text, as they do when the broker matches topics against the filter.
pub(super) fn glob(name: &str, mqtt: bool) -> Vec<Tok> {
    compile(name, None, true)
        .unwrap_or_default()
        .into_iter()
        .map(|t| match t {
            Tok::Lit('+' | '#') if mqtt => Tok::Star,
            other => other,
        })
        .collect()
}

/// Whether some text matches both patterns.
pub(super) fn overlap(a: &[Tok], b: &[Tok]) -> bool {
    let w = b.len() + 1;
    let mut seen = vec![false; (a.len() + 1) * w];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        if std::mem::replace(&mut seen[i * w + j], true) {
            continue;
        }
        if i == a.len() && j == b.len() {
            return true;
        }
        let mut push = |i: usize, j: usize| {
            if i <= a.len() && j <= b.len() && !seen[i * w + j] {
                stack.push((i, j));
            }
        };
        match (a.get(i), b.get(j)) {
            (Some(Tok::Star), _) | (_, Some(Tok::Star)) => {
                if a.get(i) == Some(&Tok::Star) {
                    push(i + 1, j);
                    if j < b.len() {
                        push(i, j + 1);
                    }
                }
                if b.get(j) == Some(&Tok::Star) {
                    push(i, j + 1);
                    if i < a.len() {
                        push(i + 1, j);
                    }
                }
            }
            (Some(x), Some(y)) => {
                let fits = match (x, y) {
                    (Tok::Lit(p), Tok::Lit(q)) => p == q,
                    _ => true,
                };
                if fits {
                    push(i + 1, j + 1);
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether every value `value` can stand for is matched by the pattern `p` (certain cases only).
pub(super) fn covers(p: &str, value: &str, fold: bool) -> bool {
    let special = |s: &str| has_wildcard(s) || s.contains("${") || s.contains("$(");
    if p == "*" {
        return true;
    }
    if p.contains("${") || p.contains("$(") {
        return p == value;
    }
    if !special(value) {
        return compile(p, None, true).is_ok_and(|t| matches(&t, value, fold));
    }
    // A fixed prefix followed by one trailing `*` covers everything that starts with it.
    if let Some(prefix) = p.strip_suffix('*').filter(|x| !has_wildcard(x)) {
        let fixed_end = value
            .find(['*', '?'])
            .into_iter()
            .chain(value.find("${"))
            .chain(value.find("$("))
            .min()
            .unwrap_or(value.len());
        let fixed = &value[..fixed_end];
        return if fold {
            fixed.len() >= prefix.len()
                && fixed.is_char_boundary(prefix.len())
                && fixed[..prefix.len()].eq_ignore_ascii_case(prefix)
        } else {
            fixed.starts_with(prefix)
        };
    }
    p == value
}
