//! Approximate search for a quote whose words changed: Sellers' edit-distance search, which
//! finds where in the text the quote matches with the fewest insertions, deletions and
//! substitutions. It costs text length × quote length, so long quotes are matched by their two
//! ends instead of in full.

use std::ops::Range;

use crate::document::PlainText;

/// Quotes longer than this are found by their head and tail.
const FULL_MATCH_LIMIT: usize = 256;
/// The length of the head and tail used for long quotes.
const END_LEN: usize = 64;

/// The ranges where `exact` matches with the fewest errors, if that is few enough.
pub fn candidates(text: &PlainText, exact: &str) -> Vec<Range<usize>> {
    let haystack: Vec<char> = text.as_str().chars().collect();
    let pattern: Vec<char> = exact.chars().collect();
    if pattern.len() <= FULL_MATCH_LIMIT {
        return best_matches(&haystack, &pattern);
    }
    let heads = best_matches(&haystack, &pattern[..END_LEN]);
    let tails = best_matches(&haystack, &pattern[pattern.len() - END_LEN..]);
    let (min_len, max_len) = (pattern.len() * 3 / 4, pattern.len() * 5 / 4);
    heads
        .iter()
        .flat_map(|head| {
            tails.iter().filter_map(move |tail| {
                let len = tail.end.saturating_sub(head.start);
                (tail.end > head.start && (min_len..=max_len).contains(&len))
                    .then_some(head.start..tail.end)
            })
        })
        .collect()
}

/// Allowed errors: a quarter of the quote, at least one.
fn max_errors(pattern_len: usize) -> usize {
    (pattern_len / 4).max(1)
}

#[derive(Clone, Copy)]
struct Cell {
    cost: usize,
    start: usize,
}

fn best_matches(text: &[char], pattern: &[char]) -> Vec<Range<usize>> {
    let m = pattern.len();
    if m == 0 {
        return Vec::new();
    }
    let limit = max_errors(m);
    let mut prev: Vec<Cell> = (0..=m).map(|j| Cell { cost: j, start: 0 }).collect();
    let mut cur = prev.clone();
    let mut best_cost = limit + 1;
    let mut found: Vec<Range<usize>> = Vec::new();
    for (i, &t) in text.iter().enumerate() {
        cur[0] = Cell {
            cost: 0,
            start: i + 1,
        };
        for j in 1..=m {
            let substitute = Cell {
                cost: prev[j - 1].cost + usize::from(pattern[j - 1] != t),
                start: prev[j - 1].start,
            };
            let skip_text = Cell {
                cost: prev[j].cost + 1,
                start: prev[j].start,
            };
            let skip_pattern = Cell {
                cost: cur[j - 1].cost + 1,
                start: cur[j - 1].start,
            };
            cur[j] = [substitute, skip_text, skip_pattern]
                .into_iter()
                .min_by_key(|c| c.cost)
                .expect("three cells");
        }
        let end = cur[m];
        if end.cost < best_cost {
            best_cost = end.cost;
            found.clear();
        }
        if end.cost == best_cost && !found.iter().any(|r| r.start == end.start) {
            found.push(end.start..i + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str, quote: &str) -> Vec<String> {
        let plain = PlainText::new(text.to_string());
        candidates(&plain, quote)
            .into_iter()
            .map(|r| plain.slice(r).to_string())
            .collect()
    }

    #[test]
    fn finds_a_quote_with_a_changed_word() {
        let found = find(
            "Witkoff spoke with Yuri Ushakov, a senior Russian official, on October 14.",
            "spoke with Yuri Ushakov, a Russian official",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0],
            "spoke with Yuri Ushakov, a senior Russian official"
        );
    }

    #[test]
    fn refuses_a_quote_too_far_from_anything() {
        assert!(
            find(
                "The call lasted for more than two hours.",
                "Budapest summit"
            )
            .is_empty()
        );
    }

    #[test]
    fn matches_long_quotes_by_their_ends() {
        let sentence = "word ".repeat(80);
        let text = format!("Before. {sentence}changed. After.");
        let quote = format!("{sentence}edited.");
        let found = find(&text, &quote);
        assert!(!found.is_empty());
        assert!(found.iter().all(|f| f.len() > 300));
    }
}
