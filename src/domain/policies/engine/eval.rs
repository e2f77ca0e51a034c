//! Deciding a request against a set of named policies.
//!
//! Order: an explicit Deny anywhere wins, then any Allow, otherwise the request is implicitly
//! denied ("The difference between explicit and implicit denies", IAM User Guide,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html>).

use super::actions::has_wildcard;
use super::model::{
    ActionBlock, Condition, Context, Decision, Effect, EvalNote, Evaluation, PolicyDocument,
    Request, ResourceBlock, Statement, StatementRef,
};
use super::operators::{parse_op, Op, SetOp};
use super::values;
use super::vars::{arn_matches, lookup, matches, with_pattern, Unresolved};

/// A policy under a name (the AWS policy name, or a draft's label).
#[derive(Debug, Clone, Copy)]
pub struct NamedPolicy<'a> {
    pub name: &'a str,
    pub document: &'a PolicyDocument,
}

/// Decide `request` against `policies`.
pub fn evaluate(policies: &[NamedPolicy<'_>], request: &Request) -> Evaluation {
    let mut allows = Vec::new();
    let mut denies = Vec::new();
    let mut notes = Vec::new();
    for p in policies {
        // Policy variables exist only in policy language 2012-10-17.
        let vars =
            (p.document.version.as_deref() == Some("2012-10-17")).then_some(&request.context);
        for (index, st) in p.document.statements.iter().enumerate() {
            let at = || StatementRef {
                policy: p.name.to_string(),
                index,
                sid: st.sid.clone(),
            };
            let mut messages = Vec::new();
            if statement_applies(st, request, vars, &mut messages) {
                match st.effect {
                    Effect::Allow => allows.push(at()),
                    Effect::Deny => denies.push(at()),
                }
            }
            notes.extend(messages.into_iter().map(|message| EvalNote {
                statement: at(),
                message,
            }));
        }
    }
    let (decision, statements) = if !denies.is_empty() {
        (Decision::ExplicitDeny, denies)
    } else if !allows.is_empty() {
        (Decision::Allowed, allows)
    } else {
        (Decision::ImplicitDeny, Vec::new())
    };
    Evaluation {
        decision,
        statements,
        notes,
    }
}

/// Whether the statement matches the request. Notes are only produced for statements whose
/// action matches, so that the notes are about statements that could have mattered.
fn statement_applies(
    st: &Statement,
    req: &Request,
    vars: Option<&Context>,
    notes: &mut Vec<String>,
) -> bool {
    if !action_matches(&st.action, &req.action) {
        return false;
    }
    let resource_ok = match &st.resource {
        ResourceBlock::Resource(list) => any_resource(list, &req.resource, vars, notes),
        ResourceBlock::NotResource(list) => !any_resource(list, &req.resource, vars, notes),
    };
    // Conditions are evaluated even when the resource did not match, so that the notes list
    // every context value the statement needs.
    let mut conditions_ok = true;
    for c in &st.conditions {
        conditions_ok &= condition_holds(c, &req.context, vars, notes);
    }
    resource_ok && conditions_ok
}

// Action names are case-insensitive ("IAM JSON policy elements: Action").
fn action_matches(block: &ActionBlock, action: &str) -> bool {
    let hit = |list: &[String]| {
        list.iter().any(|a| {
            if a == "*" {
                true
            } else if !has_wildcard(a) {
                a.eq_ignore_ascii_case(action)
            } else {
                with_pattern(a, None, true, |p| matches(p, action, true)).unwrap_or(false)
            }
        })
    };
    match block {
        ActionBlock::Action(list) => hit(list),
        ActionBlock::NotAction(list) => !hit(list),
    }
}

fn any_resource(
    list: &[String],
    resource: &str,
    vars: Option<&Context>,
    notes: &mut Vec<String>,
) -> bool {
    let mut hit = false;
    for r in list {
        match with_pattern(r, vars, true, |p| matches(p, resource, false)) {
            Ok(m) => hit |= m,
            Err(u) => notes.push(unresolved_note(&u, r)),
        }
    }
    hit
}

fn unresolved_note(u: &Unresolved, value: &str) -> String {
    let Unresolved::Missing(name) = u;
    format!("`{value}` needs the policy variable `{name}`, which the context does not provide (or gives several values for), so it matches nothing.")
}

/// AND across operators and keys, OR across the policy's values for a key, NOR for negated
/// operators ("Conditions with multiple context keys or values", IAM User Guide,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html>).
///
/// Set operators ("Single-valued vs. multivalued context keys", IAM User Guide,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>):
/// `ForAllValues` holds when every request value matches (and when the key is absent);
/// `ForAnyValue` holds when at least one request value matches.
fn condition_holds(
    c: &Condition,
    ctx: &Context,
    vars: Option<&Context>,
    notes: &mut Vec<String>,
) -> bool {
    let (set, op, if_exists) = match parse_op(&c.operator) {
        Ok(x) => x,
        Err(note) => {
            notes.push(note);
            return false;
        }
    };
    let mut all = true;
    for (key, wanted) in &c.keys {
        let present = lookup(ctx, key).filter(|v| !v.is_empty());
        // One request value against the policy's values: OR, or NOR for a negated operator.
        let one = |v: &[String], notes: &mut Vec<String>| {
            let any = wanted.iter().any(|w| value_matches(op, w, v, vars, notes));
            any != op.negated()
        };
        let holds = match (set, op, present) {
            (_, Op::Null, _) => wanted
                .iter()
                .any(|w| match w.to_ascii_lowercase().as_str() {
                    "true" => present.is_none(),
                    "false" => present.is_some(),
                    _ => false,
                }),
            (Some(SetOp::ForAllValues), _, None) => true,
            (Some(SetOp::ForAllValues), _, Some(actual)) => {
                actual.iter().all(|v| one(std::slice::from_ref(v), notes))
            }
            (Some(SetOp::ForAnyValue), _, None) => {
                if !if_exists {
                    notes.push(format!(
                        "Condition `{}` needs `{key}`, which the context does not provide.",
                        c.operator
                    ));
                }
                if_exists
            }
            (Some(SetOp::ForAnyValue), _, Some(actual)) => {
                actual.iter().any(|v| one(std::slice::from_ref(v), notes))
            }
            // "IAM JSON policy elements: Condition operators": an absent key makes the condition
            // false, except that a negated operator (StringNotLike, ...) is then true, and
            // ...IfExists is true.
            (None, _, None) => {
                if !if_exists && !op.negated() {
                    notes.push(format!(
                        "Condition `{}` needs `{key}`, which the context does not provide.",
                        c.operator
                    ));
                }
                if_exists || op.negated()
            }
            (None, _, Some(actual)) => one(actual, notes),
        };
        all &= holds;
    }
    all
}

fn value_matches(
    op: Op,
    wanted: &str,
    actual: &[String],
    vars: Option<&Context>,
    notes: &mut Vec<String>,
) -> bool {
    // Numeric, Date and IP address operators take no policy variables and no wildcards
    // ("IAM JSON policy elements: Condition operators"); a value that does not parse
    // matches nothing.
    let typed = |cmp: &dyn Fn(&str, &str) -> Option<bool>, kind: &str, notes: &mut Vec<String>| {
        let mut any = false;
        for a in actual {
            match cmp(a, wanted) {
                Some(hit) => any |= hit,
                None => notes.push(format!(
                    "Cannot compare `{a}` with `{wanted}` as {kind}, so they do not match."
                )),
            }
        }
        any
    };
    match op {
        Op::Numeric(c) => {
            let cmp = move |a: &str, w: &str| Some(c.holds(values::compare_numbers(a, w)?));
            return typed(&cmp, "numbers", notes);
        }
        Op::Date(c) => {
            let cmp = move |a: &str, w: &str| Some(c.holds(values::compare_dates(a, w)?));
            return typed(&cmp, "dates", notes);
        }
        Op::IpAddress | Op::NotIpAddress => return typed(&values::in_cidr, "IP addresses", notes),
        _ => {}
    }
    let arn = matches!(op, Op::Arn | Op::ArnNot);
    let (wildcards, fold) = op.text_mode();
    match with_pattern(wanted, vars, wildcards, |p| {
        actual.iter().any(|a| {
            if arn {
                arn_matches(p, a)
            } else {
                matches(p, a, fold)
            }
        })
    }) {
        Ok(m) => m,
        Err(u) => {
            notes.push(unresolved_note(&u, wanted));
            false
        }
    }
}
