//! Splicing tags into one text run so that they always nest.
//!
//! Spans are ranked: at every boundary the open tags are compared with the ranked set that
//! should be open next, the tags above their common prefix are closed and the rest opened. A
//! span ranked first (a mention) is therefore never split by a later one (a highlight), and a
//! highlight crossing a mention's edge becomes two marks. Inserts (margin notes) go in at their
//! offset once every tag there is closed, or after the atomic span they fall inside.

use std::ops::Range;

use crate::document::{PlainText, escape_html};

#[derive(Debug, Clone)]
pub struct Span {
    pub range: Range<usize>,
    /// Lower ranks open first and so enclose higher ones.
    pub rank: (u8, usize, std::cmp::Reverse<usize>, usize),
    pub open: String,
    /// Opens the span where it first opens instead of `open`, e.g. with an `id`.
    pub first_open: Option<String>,
    pub close: String,
    /// Must not be split or have anything inserted inside it (a link).
    pub atomic: bool,
}

#[derive(Debug, Clone)]
pub struct Insert {
    pub at: usize,
    pub html: String,
}

/// Writes the text of `run` with every span's tags and every insert's HTML.
/// Inserts are taken when `run.start < at <= run.end`.
pub fn splice(
    out: &mut String,
    text: &PlainText,
    run: Range<usize>,
    spans: &[Span],
    inserts: &[Insert],
) {
    let spans: Vec<&Span> = spans
        .iter()
        .filter(|s| s.range.start < run.end && s.range.end > run.start)
        .collect();
    let inserts: Vec<&Insert> = inserts
        .iter()
        .filter(|i| i.at > run.start && i.at <= run.end)
        .collect();
    let mut points: Vec<usize> = vec![run.start, run.end];
    for s in &spans {
        points.push(s.range.start.max(run.start));
        points.push(s.range.end.min(run.end));
    }
    points.extend(inserts.iter().map(|i| i.at));
    points.sort_unstable();
    points.dedup();

    let mut stack: Vec<usize> = Vec::new();
    let mut pending: Vec<&Insert> = Vec::new();
    for pair in points.windows(2) {
        let (p, q) = (pair[0], pair[1]);
        pending.extend(inserts.iter().filter(|i| i.at == p));
        let mut desired: Vec<usize> = (0..spans.len())
            .filter(|&i| spans[i].range.start <= p && spans[i].range.end > p)
            .collect();
        desired.sort_by_key(|&i| spans[i].rank);
        let atomic_continues = stack
            .iter()
            .any(|i| spans[*i].atomic && desired.contains(i));
        let mut common = stack
            .iter()
            .zip(&desired)
            .take_while(|(a, b)| a == b)
            .count();
        if !pending.is_empty() && !atomic_continues {
            common = 0;
        }
        for &i in stack[common..].iter().rev() {
            out.push_str(&spans[i].close);
        }
        if common == 0 {
            for insert in pending.drain(..) {
                out.push_str(&insert.html);
            }
        }
        for &i in &desired[common..] {
            let span = spans[i];
            match &span.first_open {
                Some(first) if p == span.range.start => out.push_str(first),
                _ => out.push_str(&span.open),
            }
        }
        stack = desired;
        out.push_str(&escape_html(text.slice(p..q)));
    }
    for &i in stack.iter().rev() {
        out.push_str(&spans[i].close);
    }
    pending.extend(inserts.iter().filter(|i| i.at == run.end));
    for insert in pending {
        out.push_str(&insert.html);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Reverse;

    fn span(range: Range<usize>, rank: u8, tag: &str, atomic: bool) -> Span {
        Span {
            rank: (rank, range.start, Reverse(range.end), 0),
            range,
            open: format!("<{tag}>"),
            first_open: None,
            close: format!("</{tag}>"),
            atomic,
        }
    }

    fn run(text: &str, spans: &[Span], inserts: &[Insert]) -> String {
        let plain = PlainText::new(text.to_string());
        let mut out = String::new();
        splice(&mut out, &plain, 0..plain.len(), spans, inserts);
        out
    }

    #[test]
    fn a_mark_crossing_a_link_is_split_and_the_link_kept_whole() {
        let html = run(
            "met Steve Witkoff today",
            &[span(4..17, 0, "a", true), span(0..10, 1, "mark", false)],
            &[],
        );
        assert_eq!(
            html,
            "<mark>met </mark><a><mark>Steve </mark>Witkoff</a> today"
        );
    }

    #[test]
    fn overlapping_marks_nest() {
        let html = run(
            "abcdef",
            &[
                span(0..4, 1, "mark", false),
                Span {
                    rank: (1, 2, Reverse(6), 1),
                    ..span(2..6, 1, "b", false)
                },
            ],
            &[],
        );
        assert_eq!(html, "<mark>ab<b>cd</b></mark><b>ef</b>");
    }

    #[test]
    fn an_insert_inside_a_link_waits_for_its_end() {
        let html = run(
            "Steve Witkoff said",
            &[span(0..13, 0, "a", true), span(0..5, 1, "mark", false)],
            &[Insert {
                at: 5,
                html: "[n]".into(),
            }],
        );
        assert_eq!(html, "<a><mark>Steve</mark> Witkoff</a>[n] said");
    }

    #[test]
    fn an_insert_closes_marks_and_reopens_them() {
        let html = run(
            "abcd",
            &[span(0..4, 1, "mark", false)],
            &[Insert {
                at: 2,
                html: "[n]".into(),
            }],
        );
        assert_eq!(html, "<mark>ab</mark>[n]<mark>cd</mark>");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(run("a<b & c", &[], &[]), "a&lt;b &amp; c");
    }
}
