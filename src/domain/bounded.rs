//! A listing cut at a limit, and whether it was: every list the console reads from AWS is
//! bounded (one user must not spend the account's API quotas), and a page says so when it
//! shows only the first part.

use serde::{Deserialize, Serialize};

/// Listings the pages read whole stop here: the policies and thing groups pages (each row
/// costs calls of its own), a policy's targets.
pub const MAX_LISTED: usize = 1000;
/// Names the onboarding checks read (ListPolicies, ListThingGroups pages only, no call per
/// name).
pub const MAX_NAMES: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bounded<T> {
    pub items: Vec<T>,
    /// More existed than `items` holds.
    pub cut: bool,
}

impl<T> Bounded<T> {
    /// At most `limit` of `items`; an adapter asked for `limit` answers up to `limit + 1`, so
    /// one more than the limit tells that there were more.
    pub fn of(mut items: Vec<T>, limit: usize) -> Bounded<T> {
        let cut = items.len() > limit;
        items.truncate(limit);
        Bounded { items, cut }
    }

    /// "the first 1000 of more": what a page says under a cut list.
    pub fn note(&self, what: &str) -> Option<String> {
        self.cut.then(|| {
            format!(
                "Only the first {} {what} are shown; the account has more.",
                self.items.len()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_over_the_limit_is_cut() {
        let b = Bounded::of(vec![1, 2, 3], 2);
        assert_eq!((b.items.as_slice(), b.cut), (&[1, 2][..], true));
        assert_eq!(
            b.note("policies").as_deref(),
            Some("Only the first 2 policies are shown; the account has more.")
        );
        let b = Bounded::of(vec![1, 2], 2);
        assert!(!b.cut && b.note("policies").is_none());
    }
}
