//! Policy variables and wildcard patterns.
//!
//! A policy string such as `arn:aws:iot:*:*:topic/sensors/${iot:ClientId}/x` is compiled into
//! a sequence of tokens. `*` and `?` written in the policy are wildcards; text substituted
//! from a variable and the escapes `$(*)`, `$(?)`, `$($)` are literal characters, so a client
//! id that happens to contain `*` cannot widen a grant. MQTT `+` and `#` are plain characters.

use super::model::Context;

/// One token of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    Lit(char),
    Star,
    Question,
}

/// Why a policy string could not be turned into a pattern for this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unresolved {
    /// `${name}` with no value (or several values) in the context.
    Missing(String),
}

/// The values of a context key. Context key names are not case-sensitive ("IAM JSON policy
/// elements: Condition", <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html>),
/// so an exact match is tried first, then a case-insensitive one.
pub(crate) fn lookup<'a>(ctx: &'a Context, key: &str) -> Option<&'a Vec<String>> {
    ctx.get(key).or_else(|| {
        ctx.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// Characters that, in a certificate attribute, stop AWS from substituting its variable.
const CERTIFICATE_WILDCARDS: [char; 5] = ['*', '$', '+', '?', '#'];
/// The longest certificate attribute value AWS substitutes, in characters.
const CERTIFICATE_VALUE_MAX: usize = 1024;

/// True when AWS leaves variable `name` in the policy as the text `${name}` instead of
/// putting `value` in: an X.509 certificate policy variable whose certificate attribute holds
/// a wildcard character (`*`, `$`, `+`, `?` or `#`) or more than 1024 characters. "Using X.509
/// certificate policy variables", section "X.509 Certificate policy variable limitations":
/// <https://docs.aws.amazon.com/iot/latest/developerguide/use-policy-variables.html#policy-limits>.
/// The text then matches only itself, so such a certificate is refused what the policy gives
/// by way of the variable.
pub(crate) fn left_as_written(name: &str, value: &str) -> bool {
    const PREFIX: &str = "iot:Certificate.";
    name.get(..PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
        && (value.contains(CERTIFICATE_WILDCARDS) || value.chars().count() > CERTIFICATE_VALUE_MAX)
}

/// The text a variable puts into a policy string: its value, or `${name}` itself when AWS
/// leaves it unsubstituted ([`left_as_written`]).
pub(crate) fn substituted<'v>(name: &str, value: &'v str) -> std::borrow::Cow<'v, str> {
    if left_as_written(name, value) {
        std::borrow::Cow::Owned(format!("${{{name}}}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// Substitute variables from `ctx` and compile. `wildcards` is false for operators such as
/// `StringEquals`, where `*` and `?` are ordinary characters. With `ctx` None, variables are
/// not recognised and `${...}` is literal text: that is how a policy without
/// `"Version": "2012-10-17"` is read ("IAM JSON policy elements: Version",
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html>),
/// and how `Action` values are read (variables belong in `Resource` and `Condition`,
/// "AWS IoT Core policy variables").
pub(crate) fn compile(
    src: &str,
    ctx: Option<&Context>,
    wildcards: bool,
) -> Result<Vec<Tok>, Unresolved> {
    let mut out = Vec::with_capacity(src.len());
    compile_into(src, ctx, wildcards, &mut out)?;
    Ok(out)
}

/// [`compile`] into a caller's buffer (cleared first), to reuse its allocation.
pub(crate) fn compile_into(
    src: &str,
    ctx: Option<&Context>,
    wildcards: bool,
    out: &mut Vec<Tok>,
) -> Result<(), Unresolved> {
    out.clear();
    scan(src, ctx.is_some(), wildcards, |piece| {
        match piece {
            Piece::Tok(t) => out.push(t),
            Piece::Var(name) => match ctx.and_then(|c| lookup(c, name)) {
                Some(values) if values.len() == 1 => {
                    out.extend(substituted(name, &values[0]).chars().map(Tok::Lit))
                }
                _ => return Err(Unresolved::Missing(name.to_string())),
            },
        }
        Ok(())
    })
}

/// `src` with each variable `value_of` knows replaced by its value; the others, and all the
/// text, stay as written (for showing a policy string as a given device will see it).
pub(crate) fn substitute_known(src: &str, value_of: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(src.len());
    // Wildcards on, so a literal `*` or `?` (written `$(*)`, `$(?)`) is told from a wildcard
    // and shown as written.
    let _ = scan::<()>(src, true, true, |piece| {
        match piece {
            Piece::Tok(Tok::Lit(c @ ('*' | '?'))) => {
                out.push_str("$(");
                out.push(c);
                out.push(')');
            }
            Piece::Tok(Tok::Lit(c)) => out.push(c),
            Piece::Tok(Tok::Star) => out.push('*'),
            Piece::Tok(Tok::Question) => out.push('?'),
            Piece::Var(name) => match value_of(name) {
                Some(v) => out.push_str(&substituted(name, &v)),
                None => {
                    out.push_str("${");
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
        Ok(())
    });
    out
}

/// One piece of a policy string before substitution: a token, or a variable's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Tok(Tok),
    Var(&'a str),
}

/// The syntax of policy strings, in one place: hands each piece of `src` to `f` in order and
/// stops at the first error `f` returns. With `vars` false, `${...}` and the escapes are
/// literal text (see [`compile`]).
pub(crate) fn scan<'a, E>(
    src: &'a str,
    vars: bool,
    wildcards: bool,
    mut f: impl FnMut(Piece<'a>) -> Result<(), E>,
) -> Result<(), E> {
    let mut rest = src;
    while let Some(c) = rest.chars().next() {
        if vars {
            if let Some(after) = rest.strip_prefix("${") {
                if let Some(end) = after.find('}') {
                    f(Piece::Var(after[..end].trim()))?;
                    rest = &after[end + 1..];
                    continue;
                }
            }
            if let Some(esc) = ["$(*)", "$(?)", "$($)"]
                .iter()
                .find(|e| rest.starts_with(**e))
            {
                f(Piece::Tok(Tok::Lit(esc.as_bytes()[2] as char)))?;
                rest = &rest[esc.len()..];
                continue;
            }
        }
        f(Piece::Tok(match c {
            '*' if wildcards => Tok::Star,
            '?' if wildcards => Tok::Question,
            other => Tok::Lit(other),
        }))?;
        rest = &rest[c.len_utf8()..];
    }
    Ok(())
}

/// ArnEquals / ArnLike ("IAM JSON policy elements: Condition operators", Amazon Resource
/// Name (ARN) condition operators): case-sensitive; each of the six colon-delimited
/// components is matched on its own, so `*` and `?` never reach past a colon, and a value
/// with fewer than six components matches nothing. The resource, the sixth, keeps any
/// colons of its own.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN>
pub(crate) fn arn_matches(pat: &[Tok], text: &str) -> bool {
    let wanted: Vec<&[Tok]> = pat.splitn(6, |t| *t == Tok::Lit(':')).collect();
    let actual: Vec<&str> = text.splitn(6, ':').collect();
    wanted.len() == 6
        && actual.len() == 6
        && wanted
            .iter()
            .zip(&actual)
            .all(|(p, t)| matches(p, t, false))
}

/// Glob match of `text` against `pat`; `fold` compares case-insensitively.
/// Works on byte offsets into `text`, without allocating.
pub(crate) fn matches(pat: &[Tok], text: &str, fold: bool) -> bool {
    let eq = |p: char, t: char| {
        p == t || (fold && (p.eq_ignore_ascii_case(&t) || p.to_lowercase().eq(t.to_lowercase())))
    };
    let at = |i: usize| text[i..].chars().next().map(|c| (c, c.len_utf8()));
    // Iterative wildcard match with single-star backtracking: O(n·m) worst case.
    let (mut p, mut t) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while let Some((c, len)) = at(t) {
        match pat.get(p) {
            Some(Tok::Question) => {
                p += 1;
                t += len;
            }
            Some(Tok::Lit(l)) if eq(*l, c) => {
                p += 1;
                t += len;
            }
            Some(Tok::Star) => {
                star = Some(p);
                mark = t;
                p += 1;
            }
            _ => match star {
                Some(s) => {
                    p = s + 1;
                    mark += at(mark).map_or(1, |(_, l)| l);
                    t = mark;
                }
                None => return false,
            },
        }
    }
    pat[p.min(pat.len())..].iter().all(|t| *t == Tok::Star)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(pairs: &[(&str, &str)]) -> Context {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
            .collect()
    }

    fn m(pat: &str, text: &str, c: &Context) -> bool {
        compile(pat, Some(c), true).is_ok_and(|p| matches(&p, text, false))
    }

    // "AWS IoT Core policy variables": "Inserting an * (asterik) in the string can be treated
    // as a wildcard, matching any characters"; "Using wildcard characters in MQTT and AWS IoT
    // Core policies": ? represents any single character.
    // https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-variables.html
    // https://docs.aws.amazon.com/iot/latest/developerguide/pub-sub-policy.html
    #[test]
    fn star_and_question_are_wildcards() {
        let c = Context::new();
        assert!(m("topic/a/*", "topic/a/b/c", &c));
        assert!(m("topic/a/?", "topic/a/b", &c));
        assert!(!m("topic/a/?", "topic/a/bc", &c));
        assert!(m("*", "", &c));
        assert!(m("a*b*c", "aXXbYYc", &c));
        assert!(!m("a*b*c", "aXXbYY", &c));
        assert!(m("capteur-é?/*", "capteur-éà/temp", &c));
        assert!(!m("capteur-é", "capteur-e", &c));
    }

    // "AWS IoT Core policy variables": "The characters + and # are treated as literal strings
    // in a policy." https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-variables.html
    #[test]
    fn mqtt_wildcards_are_literal() {
        let c = Context::new();
        assert!(!m("topicfilter/a/+", "topicfilter/a/b", &c));
        assert!(!m("topicfilter/a/#", "topicfilter/a/b/c", &c));
        assert!(m("topicfilter/a/+", "topicfilter/a/+", &c));
        assert!(m("topicfilter/a/#", "topicfilter/a/#", &c));
    }

    // "AWS IoT Core policy variables": predefined variables $(*), $(?), $($) represent the
    // special characters themselves.
    // https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-variables.html
    #[test]
    fn escapes_are_literal() {
        let c = Context::new();
        assert!(m("a/$(*)", "a/*", &c));
        assert!(!m("a/$(*)", "a/b", &c));
        assert!(m("a/$(?)/$($)", "a/?/$", &c));
    }

    // "AWS IoT Core policy variables": policy variables are replaced by actual values, e.g.
    // iot:ClientId by the client id. https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-variables.html
    #[test]
    fn variables_are_substituted_literally() {
        let c = ctx(&[
            ("iot:ClientId", "100-234-3456"),
            ("iot:Connection.Thing.Attributes[x]", "*"),
        ]);
        assert!(m("client/${iot:ClientId}", "client/100-234-3456", &c));
        assert!(!m("client/${iot:ClientId}", "client/other", &c));
        // A substituted value is not a wildcard.
        assert!(m("t/${iot:Connection.Thing.Attributes[x]}", "t/*", &c));
        assert!(!m(
            "t/${iot:Connection.Thing.Attributes[x]}",
            "t/anything",
            &c
        ));
        assert_eq!(
            compile("client/${iot:ClientId}", Some(&Context::new()), true),
            Err(Unresolved::Missing("iot:ClientId".into()))
        );
        // Without variables (Version other than 2012-10-17), `${...}` is literal text.
        let lit = compile("client/${iot:ClientId}", None, true).unwrap();
        assert!(matches(&lit, "client/${iot:ClientId}", false));
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Vec<Tok>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Compile `src` into a per-thread buffer and hand the pattern to `f`: no allocation per
/// call once the buffer has grown. `f` must not call back into `with_pattern`.
pub(crate) fn with_pattern<R>(
    src: &str,
    ctx: Option<&Context>,
    wildcards: bool,
    f: impl FnOnce(&[Tok]) -> R,
) -> Result<R, Unresolved> {
    SCRATCH.with(|cell| {
        let mut buf = cell.borrow_mut();
        compile_into(src, ctx, wildcards, &mut buf)?;
        Ok(f(&buf))
    })
}
