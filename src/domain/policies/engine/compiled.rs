//! A set of policies compiled once, for deciding many requests fast (the simulator's matrix,
//! impact previews, fleet-wide checks).
//!
//! The decision and the deciding statements are exactly those of [`evaluate`], which stays
//! the explaining path: it also says which context values were missing and which operators
//! are not supported. Here every policy string is compiled once ([`Pattern`]), condition
//! operators are parsed once, typed condition values are parsed once, and a request is
//! decided without allocating.
//!
//! [`evaluate`]: super::evaluate

use super::actions::has_wildcard;
use super::eval::NamedPolicy;
use super::model::{
    ActionBlock, Condition, Context, Decision, Effect, Request, ResourceBlock, Statement,
    StatementRef,
};
use super::operators::{parse_op, Cmp, Op, SetOp};
use super::pattern::Pattern;
use super::values;
use super::vars::{arn_matches, compile, lookup, matches, with_pattern, Tok};

/// Policies compiled for deciding requests; owns everything it needs.
#[derive(Debug, Clone)]
pub struct PolicySet {
    names: Vec<String>,
    /// Deny statements, then Allow statements, each in policy order then document order,
    /// which is the order [`evaluate`](super::evaluate) reports them in.
    denies: Vec<CompiledStatement>,
    allows: Vec<CompiledStatement>,
}

#[derive(Debug, Clone)]
struct CompiledStatement {
    /// Index into `PolicySet::names`.
    policy: usize,
    index: usize,
    sid: Option<String>,
    actions: Actions,
    /// `NotResource` when true.
    not_resource: bool,
    resources: Vec<Pattern>,
    conditions: Vec<CompiledCondition>,
}

/// An `Action` or `NotAction` list. Action names are case-insensitive ("IAM JSON policy
/// elements: Action"), and variables are not read in actions (see `vars::compile`).
#[derive(Debug, Clone)]
pub(crate) struct Actions {
    negated: bool,
    /// The list has `*`.
    any: bool,
    literals: Vec<String>,
    globs: Vec<Vec<Tok>>,
}

#[derive(Debug, Clone)]
enum CompiledCondition {
    /// An operator this engine does not evaluate (or does not know): never holds.
    Never,
    Op {
        set: Option<SetOp>,
        op: Op,
        if_exists: bool,
        keys: Vec<(String, Vec<Wanted>)>,
    },
}

/// One of the policy's values for a condition key, parsed for its operator.
#[derive(Debug, Clone)]
enum Wanted {
    Text(Pattern),
    /// `None`: not a number, so it matches nothing.
    Number(Option<f64>),
    /// Nanoseconds since the epoch; `None`: not a date.
    Date(Option<i128>),
    Ip(String),
    /// An ARN pattern, compiled per request: its variables may hold colons, so it is split
    /// into components only once they are filled in. `vars`: whether `${...}` is a variable.
    Arn {
        src: String,
        vars: bool,
    },
    /// `Null`'s value: `Some(true)` tests absence, `Some(false)` presence.
    Null(Option<bool>),
}

impl PolicySet {
    /// Compile `policies`; they are not needed afterwards.
    pub fn new(policies: &[NamedPolicy<'_>]) -> PolicySet {
        let mut set = PolicySet {
            names: Vec::with_capacity(policies.len()),
            denies: Vec::new(),
            allows: Vec::new(),
        };
        for (policy, p) in policies.iter().enumerate() {
            set.names.push(p.name.to_string());
            // Policy variables exist only in policy language 2012-10-17.
            let vars = p.document.version.as_deref() == Some("2012-10-17");
            for (index, st) in p.document.statements.iter().enumerate() {
                let compiled = CompiledStatement::new(policy, index, st, vars);
                match st.effect {
                    Effect::Allow => set.allows.push(compiled),
                    Effect::Deny => set.denies.push(compiled),
                }
            }
        }
        set
    }

    /// The decision for `request`, as [`evaluate`](super::evaluate) makes it.
    pub fn decide(&self, request: &Request) -> Decision {
        if self.denies.iter().any(|s| s.applies(request)) {
            Decision::ExplicitDeny
        } else if self.allows.iter().any(|s| s.applies(request)) {
            Decision::Allowed
        } else {
            Decision::ImplicitDeny
        }
    }

    /// The decision and its statements, as [`evaluate`](super::evaluate) reports them: the
    /// matching Deny statements for `EXPLICIT_DENY`, the matching Allow statements for
    /// `ALLOWED`, none for `IMPLICIT_DENY`.
    pub fn decide_with_statements(&self, request: &Request) -> (Decision, Vec<StatementRef>) {
        let denies = self.matching(&self.denies, request);
        if !denies.is_empty() {
            return (Decision::ExplicitDeny, denies);
        }
        let allows = self.matching(&self.allows, request);
        if !allows.is_empty() {
            return (Decision::Allowed, allows);
        }
        (Decision::ImplicitDeny, Vec::new())
    }

    fn matching(&self, statements: &[CompiledStatement], request: &Request) -> Vec<StatementRef> {
        statements
            .iter()
            .filter(|s| s.applies(request))
            .map(|s| StatementRef {
                policy: self.names[s.policy].clone(),
                index: s.index,
                sid: s.sid.clone(),
            })
            .collect()
    }
}

impl CompiledStatement {
    fn new(policy: usize, index: usize, st: &Statement, vars: bool) -> CompiledStatement {
        let (not_resource, list) = match &st.resource {
            ResourceBlock::Resource(l) => (false, l),
            ResourceBlock::NotResource(l) => (true, l),
        };
        CompiledStatement {
            policy,
            index,
            sid: st.sid.clone(),
            actions: Actions::new(&st.action),
            not_resource,
            resources: list.iter().map(|r| Pattern::new(r, vars, true)).collect(),
            conditions: st
                .conditions
                .iter()
                .map(|c| CompiledCondition::new(c, vars))
                .collect(),
        }
    }

    fn applies(&self, req: &Request) -> bool {
        if !self.actions.hit(&req.action) {
            return false;
        }
        let ctx = &req.context;
        let hit = self
            .resources
            .iter()
            .any(|p| p.is_match(&req.resource, ctx, false));
        hit != self.not_resource && self.conditions.iter().all(|c| c.holds(ctx))
    }
}

impl Actions {
    pub(crate) fn new(block: &ActionBlock) -> Actions {
        let (negated, list) = match block {
            ActionBlock::Action(l) => (false, l),
            ActionBlock::NotAction(l) => (true, l),
        };
        let mut a = Actions {
            negated,
            any: false,
            literals: Vec::new(),
            globs: Vec::new(),
        };
        for s in list {
            if s == "*" {
                a.any = true;
            } else if !has_wildcard(s) {
                a.literals.push(s.clone());
            } else {
                a.globs.push(compile(s, None, true).unwrap_or_default());
            }
        }
        a
    }

    /// Whether the block covers `action`.
    pub(crate) fn hit(&self, action: &str) -> bool {
        let hit = self.any
            || self.literals.iter().any(|l| l.eq_ignore_ascii_case(action))
            || self.globs.iter().any(|g| matches(g, action, true));
        hit != self.negated
    }
}

impl CompiledCondition {
    fn new(c: &Condition, vars: bool) -> CompiledCondition {
        let Ok((set, op, if_exists)) = parse_op(&c.operator) else {
            return CompiledCondition::Never;
        };
        let (wildcards, _) = op.text_mode();
        let wanted = |w: &String| match op {
            Op::Null => Wanted::Null(match w.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            }),
            Op::Numeric(_) => Wanted::Number(values::number(w)),
            Op::Date(_) => Wanted::Date(values::date(w)),
            Op::IpAddress | Op::NotIpAddress => Wanted::Ip(w.clone()),
            Op::Arn | Op::ArnNot => Wanted::Arn {
                src: w.clone(),
                vars,
            },
            _ => Wanted::Text(Pattern::new(w, vars, wildcards)),
        };
        CompiledCondition::Op {
            set,
            op,
            if_exists,
            keys: c
                .keys
                .iter()
                .map(|(k, ws)| (k.clone(), ws.iter().map(wanted).collect()))
                .collect(),
        }
    }

    /// Same rules as `eval::condition_holds` (AND across keys, OR across values, NOR for a
    /// negated operator, set operators, absent keys), without the notes.
    fn holds(&self, ctx: &Context) -> bool {
        let CompiledCondition::Op {
            set,
            op,
            if_exists,
            keys,
        } = self
        else {
            return false;
        };
        let (op, if_exists) = (*op, *if_exists);
        keys.iter().all(|(key, wanted)| {
            let present = lookup(ctx, key).filter(|v| !v.is_empty());
            let one = |actual: &[String]| {
                wanted.iter().any(|w| value_matches(op, w, actual, ctx)) != op.negated()
            };
            match (set, op, present) {
                (_, Op::Null, _) => wanted.iter().any(|w| match w {
                    Wanted::Null(Some(absent)) => *absent == present.is_none(),
                    _ => false,
                }),
                (Some(SetOp::ForAllValues), _, None) => true,
                (Some(SetOp::ForAllValues), _, Some(actual)) => {
                    actual.iter().all(|v| one(std::slice::from_ref(v)))
                }
                (Some(SetOp::ForAnyValue), _, None) => if_exists,
                (Some(SetOp::ForAnyValue), _, Some(actual)) => {
                    actual.iter().any(|v| one(std::slice::from_ref(v)))
                }
                (None, _, None) => if_exists || op.negated(),
                (None, _, Some(actual)) => one(actual),
            }
        })
    }
}

fn value_matches(op: Op, wanted: &Wanted, actual: &[String], ctx: &Context) -> bool {
    let cmp = |c: Cmp, o: Option<std::cmp::Ordering>| o.is_some_and(|o| c.holds(o));
    match (op, wanted) {
        (Op::Numeric(c), Wanted::Number(w)) => actual.iter().any(|a| {
            let o = w.and_then(|w| values::number(a)?.partial_cmp(&w));
            cmp(c, o)
        }),
        (Op::Date(c), Wanted::Date(w)) => actual.iter().any(|a| {
            let o = w.and_then(|w| Some(values::date(a)?.cmp(&w)));
            cmp(c, o)
        }),
        (_, Wanted::Ip(w)) => actual
            .iter()
            .any(|a| values::in_cidr(a, w).unwrap_or(false)),
        // Component by component; an unresolved variable matches nothing, as in `eval`.
        (_, Wanted::Arn { src, vars }) => with_pattern(src, vars.then_some(ctx), true, |p| {
            actual.iter().any(|a| arn_matches(p, a))
        })
        .unwrap_or(false),
        (_, Wanted::Text(p)) => {
            let (_, fold) = op.text_mode();
            actual.iter().any(|a| p.is_match(a, ctx, fold))
        }
        _ => false,
    }
}
