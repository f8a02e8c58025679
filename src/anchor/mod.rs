//! Selectors to ranges of an essay's plain text and back.
//!
//! Anchoring tries, in order: the position, accepted only where the text there still equals the
//! quote; the quote wherever it occurs, chosen by its context and nearness to the old position;
//! a fuzzy match with a bounded number of errors, chosen the same way. What none of them finds is
//! an orphan: the caller keeps it and lists it.

mod fuzzy;

use std::ops::Range;

use crate::annotation::{TextPosition, TextQuote, TextTarget};
use crate::document::PlainText;

/// How many characters of context a new selector keeps on each side.
pub const CONTEXT_CHARS: usize = 32;

/// How an anchor was found: the later the method, the more the essay changed around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Position,
    Quote,
    Fuzzy,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub range: Range<usize>,
    pub method: Method,
}

/// Finds the passage a target points at, or `None` for an orphan.
pub fn anchor(text: &PlainText, target: &TextTarget) -> Option<Anchor> {
    let exact = target.quote.exact.as_str();
    if exact.is_empty() {
        return None;
    }
    let TextPosition { start, end } = target.position;
    if start < end && end <= text.len() && text.slice(start..end) == exact {
        return Some(Anchor {
            range: start..end,
            method: Method::Position,
        });
    }
    let exact_len = exact.chars().count();
    let candidates: Vec<Range<usize>> = text
        .as_str()
        .match_indices(exact)
        .map(|(byte, _)| {
            let s = text.char_of(byte);
            s..s + exact_len
        })
        .collect();
    if let Some(range) = best_by_context(text, &target.quote, start, candidates) {
        return Some(Anchor {
            range,
            method: Method::Quote,
        });
    }
    let candidates = fuzzy::candidates(text, exact);
    best_by_context(text, &target.quote, start, candidates).map(|range| Anchor {
        range,
        method: Method::Fuzzy,
    })
}

/// The selectors for a range: the quote with its context, and the position.
pub fn describe(text: &PlainText, range: Range<usize>) -> TextTarget {
    let before = range.start.saturating_sub(CONTEXT_CHARS);
    let after = (range.end + CONTEXT_CHARS).min(text.len());
    TextTarget {
        quote: TextQuote {
            exact: text.slice(range.clone()).to_string(),
            prefix: text.slice(before..range.start).to_string(),
            suffix: text.slice(range.end..after).to_string(),
        },
        position: TextPosition {
            start: range.start,
            end: range.end,
        },
    }
}

/// Among candidate ranges, the one whose surroundings best match the quote's prefix and suffix;
/// ties go to the one nearest the old position.
fn best_by_context(
    text: &PlainText,
    quote: &TextQuote,
    old_start: usize,
    candidates: Vec<Range<usize>>,
) -> Option<Range<usize>> {
    candidates.into_iter().max_by_key(|range| {
        let before =
            text.slice(range.start.saturating_sub(quote.prefix.chars().count())..range.start);
        let after =
            text.slice(range.end..(range.end + quote.suffix.chars().count()).min(text.len()));
        let prefix_score = common_suffix(before, &quote.prefix);
        let suffix_score = common_prefix(after, &quote.suffix);
        let distance = range.start.abs_diff(old_start);
        (prefix_score + suffix_score, std::cmp::Reverse(distance))
    })
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests;
