//! Policy strings compiled once into runs of literal text, `?`, and variable slots split at
//! each `*`, so that a request is matched with slice comparisons and no allocation.
//!
//! Same syntax and meaning as [`super::vars`] (which reads the string anew for every request):
//! the pieces come from [`super::vars::scan`], a variable's value is literal text, and a
//! variable with no value (or several) matches nothing.

use super::model::Context;
use super::vars::{lookup, matches, scan, with_pattern, Piece, Tok};

/// One element of a run between two `*`.
#[derive(Debug, Clone, PartialEq)]
enum Elem {
    Lit(String),
    /// `?`: exactly one character.
    One,
    /// `${name}`: the context's single value for `name`.
    Var(String),
}

/// The elements between two `*` (or the start or end of the pattern).
#[derive(Debug, Clone, Default, PartialEq)]
struct Run {
    elems: Vec<Elem>,
    /// Bytes of the literal elements, to place a run that must end the text without scanning.
    lit_bytes: usize,
    /// Characters of the literal elements plus one per `?`.
    fixed_chars: usize,
    has_one: bool,
}

/// A compiled policy string.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pattern {
    /// `runs.len()` is the number of `*` plus one.
    runs: Vec<Run>,
    /// The tokens, when there is no variable: case-insensitive matching uses them as they are.
    toks: Option<Vec<Tok>>,
    /// The string as written, for case-insensitive matching with variables.
    src: String,
    vars: bool,
    wildcards: bool,
}

impl Pattern {
    /// `vars`: whether `${...}` is a variable (policy language 2012-10-17); `wildcards`:
    /// whether `*` and `?` are wildcards (false for e.g. `StringEquals`).
    pub(crate) fn new(src: &str, vars: bool, wildcards: bool) -> Pattern {
        let mut runs = vec![Run::default()];
        let mut toks = Vec::new();
        let mut has_var = false;
        let _ = scan(src, vars, wildcards, |piece| {
            let run = runs.last_mut().expect("never empty");
            match piece {
                Piece::Tok(Tok::Star) => runs.push(Run::default()),
                Piece::Tok(Tok::Question) => {
                    run.elems.push(Elem::One);
                    run.fixed_chars += 1;
                    run.has_one = true;
                }
                Piece::Tok(Tok::Lit(c)) => {
                    if let Some(Elem::Lit(s)) = run.elems.last_mut() {
                        s.push(c);
                    } else {
                        run.elems.push(Elem::Lit(c.to_string()));
                    }
                    run.lit_bytes += c.len_utf8();
                    run.fixed_chars += 1;
                }
                Piece::Var(name) => {
                    has_var = true;
                    run.elems.push(Elem::Var(name.to_string()));
                }
            }
            if let Piece::Tok(t) = piece {
                toks.push(t);
            }
            Ok::<(), ()>(())
        });
        Pattern {
            runs,
            toks: (!has_var).then_some(toks),
            src: src.to_string(),
            vars,
            wildcards,
        }
    }

    /// Whether `text` matches, exactly (`fold` false) or ignoring case like
    /// [`super::vars::matches`]. Variables take their values from `ctx`.
    pub(crate) fn is_match(&self, text: &str, ctx: &Context, fold: bool) -> bool {
        if fold {
            // Case folding can change a character's length in bytes, so the byte-based runs
            // do not apply; this path is for the few case-insensitive condition operators.
            return match &self.toks {
                Some(toks) => matches(toks, text, true),
                None => with_pattern(&self.src, self.vars.then_some(ctx), self.wildcards, |p| {
                    matches(p, text, true)
                })
                .unwrap_or(false),
            };
        }
        let last = self.runs.len() - 1;
        let Some(mut pos) = self.runs[0].match_at(text, 0, ctx) else {
            return false;
        };
        if last == 0 {
            return pos == text.len();
        }
        // Between stars, the leftmost place for each run is always the best: it leaves the
        // most text for the runs after it (each run has a fixed length once placed).
        for run in &self.runs[1..last] {
            match run.find(text, pos, ctx) {
                Some(end) => pos = end,
                None => return false,
            }
        }
        self.runs[last].match_suffix(text, pos, ctx)
    }
}

/// The text a variable puts in: exactly one value, as `vars::compile` requires, or the
/// variable's own text where AWS leaves it unsubstituted.
fn resolve<'c>(ctx: &'c Context, name: &str) -> Option<std::borrow::Cow<'c, str>> {
    match lookup(ctx, name) {
        Some(v) if v.len() == 1 => Some(super::vars::substituted(name, &v[0])),
        _ => None,
    }
}

impl Run {
    /// The end of this run when it starts at byte `at` of `text`.
    fn match_at(&self, text: &str, at: usize, ctx: &Context) -> Option<usize> {
        let mut pos = at;
        for e in &self.elems {
            let rest = &text[pos..];
            match e {
                Elem::Lit(s) => {
                    if !rest.starts_with(s.as_str()) {
                        return None;
                    }
                    pos += s.len();
                }
                Elem::One => pos += rest.chars().next()?.len_utf8(),
                Elem::Var(name) => {
                    let v = resolve(ctx, name)?;
                    if !rest.starts_with(&*v) {
                        return None;
                    }
                    pos += v.len();
                }
            }
        }
        Some(pos)
    }

    /// The end of the leftmost occurrence at or after `from`.
    fn find(&self, text: &str, from: usize, ctx: &Context) -> Option<usize> {
        let mut start = from;
        loop {
            if let Some(Elem::Lit(s)) = self.elems.first() {
                start += text[start..].find(s.as_str())?;
            }
            if let Some(end) = self.match_at(text, start, ctx) {
                return Some(end);
            }
            start += text[start..].chars().next()?.len_utf8();
        }
    }

    /// Whether this run, starting at or after `from`, ends exactly at the end of `text`.
    fn match_suffix(&self, text: &str, from: usize, ctx: &Context) -> bool {
        let start = if self.has_one {
            let mut chars = self.fixed_chars;
            for e in &self.elems {
                if let Elem::Var(name) = e {
                    match resolve(ctx, name) {
                        Some(v) => chars += v.chars().count(),
                        None => return false,
                    }
                }
            }
            if chars == 0 {
                text.len()
            } else {
                match text[from..].char_indices().rev().nth(chars - 1) {
                    Some((i, _)) => from + i,
                    None => return false,
                }
            }
        } else {
            let mut bytes = self.lit_bytes;
            for e in &self.elems {
                if let Elem::Var(name) = e {
                    match resolve(ctx, name) {
                        Some(v) => bytes += v.len(),
                        None => return false,
                    }
                }
            }
            match text.len().checked_sub(bytes) {
                Some(s) if s >= from && text.is_char_boundary(s) => s,
                _ => return false,
            }
        };
        self.match_at(text, start, ctx) == Some(text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::super::vars::compile;
    use super::*;

    fn ctx() -> Context {
        let mut c = Context::new();
        c.insert("iot:ClientId".into(), vec!["c-é1".into()]);
        c.insert("iot:Connection.Thing.ThingName".into(), vec!["t*1".into()]);
        c.insert("multi".into(), vec!["a".into(), "b".into()]);
        c
    }

    /// The compiled pattern and the reference matcher agree, and give `want`.
    fn check(pat: &str, text: &str, want: bool) {
        let c = ctx();
        let reference = compile(pat, Some(&c), true).is_ok_and(|p| matches(&p, text, false));
        assert_eq!(reference, want, "reference: {pat} vs {text}");
        let compiled = Pattern::new(pat, true, true).is_match(text, &c, false);
        assert_eq!(compiled, want, "compiled: {pat} vs {text}");
    }

    // "AWS IoT Core policy variables": `*` matches any characters, variables are replaced by
    // their values, and "$(*)" stands for `*` itself; "Using wildcard characters in MQTT and
    // AWS IoT Core policies": `?` is any single character.
    // https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-variables.html
    // https://docs.aws.amazon.com/iot/latest/developerguide/pub-sub-policy.html
    #[test]
    fn runs_wildcards_and_slots() {
        let arn = "arn:aws:iot:us-east-1:123456789012";
        let own = format!("{arn}:topic/sensors/c-é1/telemetry");
        check(
            "arn:aws:iot:*:*:topic/sensors/${iot:ClientId}/telemetry",
            &own,
            true,
        );
        check(
            "arn:aws:iot:*:*:topic/sensors/${iot:ClientId}/*",
            &own,
            true,
        );
        check("arn:aws:iot:*:*:topic/sensors/${iot:ClientId}", &own, false);
        check(
            "arn:aws:iot:*:*:topic/sensors/${iot:ClientId}/telemetr?",
            &own,
            true,
        );
        check(
            "arn:aws:iot:*:*:topic/sensors/??????/telemetry",
            &own,
            false,
        );
        check("arn:aws:iot:*:*:topic/sensors/????/telemetry", &own, true);
        check("*/c-é?/*", &own, true);
        check("*telemetry", &own, true);
        check("*", "", true);
        check("?", "", false);
        check("a**b", "ab", true);
        check("a*b*c", "aXbYbc", true);
        check("a*b?c", "abbXc", true);
        check("a*bc*bc", "abcbcbc", true);
        check("a*?", "a", false);
        check("*?é", "xé", true);
        check("*?é", "é", false);
        // A substituted `*` is literal, so it matches only a `*`.
        check("thing/${iot:Connection.Thing.ThingName}", "thing/t*1", true);
        check(
            "thing/${iot:Connection.Thing.ThingName}",
            "thing/tX1",
            false,
        );
        check("a/$(*)", "a/*", true);
        check("a/$(*)", "a/b", false);
        // No value, or several: nothing matches, not even where the slot is never reached.
        check("x/${iot:Missing}", "x/", false);
        check("*/${multi}", "x/a", false);
        check("${iot:Missing}*", "anything", false);
    }

    // Without "Version": "2012-10-17" variables are literal text ("IAM JSON policy elements:
    // Version"); "IAM JSON policy elements: Condition operators": StringEqualsIgnoreCase ignores
    // case, StringEquals takes `*` literally.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
    #[test]
    fn literal_variables_and_folding() {
        let c = ctx();
        let lit = Pattern::new("c/${iot:ClientId}", false, true);
        assert!(lit.is_match("c/${iot:ClientId}", &c, false));
        assert!(!lit.is_match("c/c-é1", &c, false));
        let folded = Pattern::new("C-${iot:ClientId}", true, false);
        assert!(folded.is_match("c-C-É1", &c, true));
        assert!(!folded.is_match("c-C-É1", &c, false));
        let star = Pattern::new("a*", true, false);
        assert!(star.is_match("a*", &c, false));
        assert!(!star.is_match("ab", &c, false));
    }
}
