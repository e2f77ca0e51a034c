//! Where a JSON path points in a policy's source text, so that an editor can show an error or a
//! lint finding at its line.
//!
//! Paths are the ones [`parse_policy`](super::parse_policy) and [`lint`](fn@super::lint) produce:
//! `Statement[1].Action[0]`, `Statement.Condition.StringEquals`, `Statement[0]`, and the empty
//! path for the document itself. Condition keys may themselves contain dots and brackets
//! (`Statement[0].Condition.StringEquals.iot:Connection.Thing.Attributes[location][0]`): at an
//! object, every key that the path continues with is tried.
//!
//! `[0]` on a value that is not an array names the value itself: the parser and the lint write
//! `Action[0]` whether `Action` was written as a string or as an array, and `Statement[0]`
//! whether `Statement` was one object or an array.
//!
//! The scanner is hand-written and tolerant: it is fed half-typed text from the editor, so it
//! never panics, reads as much as it can of a truncated or broken document, and stops at
//! nesting deeper than [`MAX_DEPTH`].

use serde::{Deserialize, Serialize};

/// A place in the text: 1-based line and column; the column counts characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// Nesting deeper than this is not read (policies nest four levels).
pub const MAX_DEPTH: usize = 64;

/// Where a parse error belongs in `text`: its own line and column for a syntax error, else
/// the place its JSON path names.
pub fn error_position(text: &str, error: &super::PolicyError) -> Option<Position> {
    match (error.line, error.column) {
        (Some(line), Some(column)) => Some(Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }),
        _ => locate(text, &error.path),
    }
}

/// The position of what `path` names in `text`: for an object member the opening quote of its
/// key, for an array element the element's first character, for the empty path the document's
/// first non-blank character (1:1 when there is none). `None` when the path names nothing in
/// the text.
pub fn locate(text: &str, path: &str) -> Option<Position> {
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let root = scanner.value(0)?;
    let offset = if path.is_empty() {
        root.start
    } else {
        resolve(&root, path)?
    };
    Some(position(text, offset))
}

/// A scanned JSON value: where it starts, and for containers what they hold.
#[derive(Debug)]
struct Node {
    start: usize,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Scalar,
    Array(Vec<Node>),
    /// Members: decoded key, offset of the key's opening quote, value (None if the text stops
    /// before the value).
    Object(Vec<(String, usize, Option<Node>)>),
}

/// Follow `path` from `node`; the byte offset of what it names.
fn resolve(node: &Node, path: &str) -> Option<usize> {
    if path.is_empty() {
        return Some(node.start);
    }
    if let Some(rest) = path.strip_prefix('[') {
        let close = rest.find(']')?;
        let index: usize = rest[..close].trim().parse().ok()?;
        let rest = &rest[close + 1..];
        return match &node.kind {
            Kind::Array(items) => resolve(items.get(index)?, rest),
            // `[0]` on a single value names the value itself.
            _ if index == 0 => resolve(node, rest),
            _ => None,
        };
    }
    let path = path.strip_prefix('.').unwrap_or(path);
    let Kind::Object(members) = &node.kind else {
        return None;
    };
    // Longest keys first, so `a.b` as a key wins over `a` followed by `.b`, and a later
    // duplicate key does not hide an earlier one that also fits.
    let mut candidates: Vec<&(String, usize, Option<Node>)> = members
        .iter()
        .filter(|(key, _, _)| {
            path.strip_prefix(key.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
        .collect();
    candidates.sort_by_key(|(key, _, _)| std::cmp::Reverse(key.len()));
    candidates.into_iter().find_map(|(key, key_at, value)| {
        let rest = &path[key.len()..];
        if rest.is_empty() {
            Some(*key_at)
        } else {
            resolve(value.as_ref()?, rest)
        }
    })
}

/// 1-based line and character column of a byte offset (clamped to the text, and moved back to
/// a character boundary).
fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    }
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// A value at the current position, or None when the text ends (or nests too deep) first.
    fn value(&mut self, depth: usize) -> Option<Node> {
        self.skip_ws();
        let start = self.pos;
        match self.peek()? {
            b'{' if depth < MAX_DEPTH => {
                self.pos += 1;
                Some(Node {
                    start,
                    kind: Kind::Object(self.members(depth)),
                })
            }
            b'[' if depth < MAX_DEPTH => {
                self.pos += 1;
                Some(Node {
                    start,
                    kind: Kind::Array(self.elements(depth)),
                })
            }
            b'{' | b'[' => None,
            b'"' => {
                self.string();
                Some(Node {
                    start,
                    kind: Kind::Scalar,
                })
            }
            _ => {
                // A number, true/false/null, or stray text: up to the next delimiter.
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b':' | b'"' | b'{' | b'[')
                        || b.is_ascii_whitespace()
                    {
                        break;
                    }
                    self.pos += 1;
                }
                if self.pos == start {
                    // A delimiter where a value belongs (`[,`, `{"a":}`): no value here.
                    return None;
                }
                Some(Node {
                    start,
                    kind: Kind::Scalar,
                })
            }
        }
    }

    /// Object members after `{`, up to and including `}` (or the end of the text).
    fn members(&mut self, depth: usize) -> Vec<(String, usize, Option<Node>)> {
        let mut out = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => return out,
                Some(b'}') => {
                    self.pos += 1;
                    return out;
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(b'"') => {}
                Some(_) => {
                    // Not a key: skip one character and try again, to read what follows.
                    self.skip_char();
                    continue;
                }
            }
            let key_at = self.pos;
            let key = self.string();
            self.skip_ws();
            if self.peek() != Some(b':') {
                out.push((key, key_at, None));
                continue;
            }
            self.pos += 1;
            self.skip_ws();
            let before = self.pos;
            let value = self.value(depth + 1);
            if value.is_none() && self.pos == before {
                // Nothing readable as a value (too deep, or a delimiter): skip what is there.
                self.skip_unreadable(b'}');
            }
            out.push((key, key_at, value));
        }
    }

    /// Array elements after `[`, up to and including `]` (or the end of the text).
    fn elements(&mut self, depth: usize) -> Vec<Node> {
        let mut out = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => return out,
                Some(b']') => {
                    self.pos += 1;
                    return out;
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            let before = self.pos;
            match self.value(depth + 1) {
                Some(v) => out.push(v),
                None if self.pos == before => self.skip_unreadable(b']'),
                None => {}
            }
        }
    }

    /// Skip a value that was not read: a too-deep container (balanced brackets, strings
    /// respected) or a single stray character. A comma and `closer` are left to the caller.
    fn skip_unreadable(&mut self, closer: u8) {
        match self.peek() {
            Some(b'{' | b'[') => {
                let mut level = 0usize;
                while let Some(b) = self.peek() {
                    match b {
                        b'"' => {
                            self.string();
                            continue;
                        }
                        b'{' | b'[' => level += 1,
                        b'}' | b']' => {
                            level = level.saturating_sub(1);
                            if level == 0 {
                                self.pos += 1;
                                return;
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
            Some(b',') | None => {}
            Some(b) if b == closer => {}
            Some(_) => self.skip_char(),
        }
    }

    fn skip_char(&mut self) {
        let len = self.text[self.pos..]
            .chars()
            .next()
            .map_or(1, char::len_utf8);
        self.pos += len;
    }

    /// A string starting at `"`; returns its decoded text. Stops at the end of the text if the
    /// string is not closed. Invalid escapes are kept as written.
    fn string(&mut self) -> String {
        let mut out = String::new();
        self.pos += 1; // the opening quote
        while let Some(c) = self.text[self.pos..].chars().next() {
            self.pos += c.len_utf8();
            match c {
                '"' => return out,
                '\\' => {
                    let Some(e) = self.text[self.pos..].chars().next() else {
                        return out;
                    };
                    self.pos += e.len_utf8();
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'u' => out.push(self.unicode_escape()),
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
        out
    }

    /// The rest of `\uXXXX` (and a following low surrogate `\uXXXX` when this is a high one).
    fn unicode_escape(&mut self) -> char {
        let Some(first) = self.hex4() else {
            return char::REPLACEMENT_CHARACTER;
        };
        if (0xD800..0xDC00).contains(&first) && self.text[self.pos..].starts_with("\\u") {
            let save = self.pos;
            self.pos += 2;
            if let Some(second) = self.hex4().filter(|s| (0xDC00..0xE000).contains(s)) {
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
            }
            self.pos = save;
        }
        char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER)
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.pos..self.pos + 4)?;
        let value = u32::from_str_radix(digits, 16).ok()?;
        self.pos += 4;
        Some(value)
    }
}

#[cfg(test)]
mod tests;
