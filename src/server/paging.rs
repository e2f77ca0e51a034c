//! Filtered paging over AWS listings: read AWS pages from a cursor, keep the items that
//! match, stop when a page of matches is full (possibly inside an AWS page) or after a bounded
//! number of AWS pages, and say where the next page starts.

use crate::domain::inventory::Cursor;
use futures::future::try_join_all;
use std::future::Future;

/// Concurrent AWS calls one request makes (AWS's per-API rates are 10–100 per second): the
/// one bound every service's fan-out uses.
pub const CONCURRENCY: usize = 8;

/// What one filtered page read: the matches, and the cursor of the next page (`None` at the
/// end of the listing).
pub type Matches<R> = (Vec<R>, Option<Cursor>);

/// `fetch(token)` reads one AWS page: its items and the next token. `keep(item)` resolves an
/// item to what the page shows, or `None` to leave it out; items are kept `concurrency` at a
/// time, so a page costs only the calls it needs and never more than that many at once.
pub async fn collect_matches<C, R, E, F, FF, K, KF>(
    start: &Cursor,
    wanted: usize,
    max_aws_pages: usize,
    concurrency: usize,
    mut fetch: F,
    keep: K,
) -> Result<Matches<R>, E>
where
    F: FnMut(Option<String>) -> FF,
    FF: Future<Output = Result<(Vec<C>, Option<String>), E>>,
    K: Fn(C) -> KF,
    KF: Future<Output = Result<Option<R>, E>>,
{
    let mut cursor = start.clone();
    let mut found = Vec::with_capacity(wanted);
    for _ in 0..max_aws_pages {
        let (items, aws_next) = fetch(cursor.aws_token.clone()).await?;
        let len = items.len();
        let mut remaining = items
            .into_iter()
            .enumerate()
            .skip(cursor.skip as usize)
            .peekable();
        while remaining.peek().is_some() {
            let chunk: Vec<(usize, C)> = remaining.by_ref().take(concurrency.max(1)).collect();
            let (positions, chunk): (Vec<usize>, Vec<C>) = chunk.into_iter().unzip();
            let kept = try_join_all(chunk.into_iter().map(&keep)).await?;
            for (i, item) in positions.into_iter().zip(kept) {
                let Some(item) = item else { continue };
                found.push(item);
                if found.len() == wanted {
                    let next = if i + 1 < len {
                        Some(Cursor {
                            aws_token: cursor.aws_token.clone(),
                            skip: (i + 1) as u32,
                        })
                    } else {
                        aws_next.map(|t| Cursor {
                            aws_token: Some(t),
                            skip: 0,
                        })
                    };
                    return Ok((found, next));
                }
            }
        }
        match aws_next {
            Some(t) => {
                cursor = Cursor {
                    aws_token: Some(t),
                    skip: 0,
                }
            }
            None => return Ok((found, None)),
        }
    }
    Ok((found, Some(cursor)))
}
