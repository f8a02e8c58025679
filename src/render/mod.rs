//! A `Document` with its mentions and anchored annotations, drawn as HTML: paragraph ids,
//! `<mark>`s, margin notes, threads and mention cards. The one place where an essay is rendered,
//! for the whole page and for the fragments the page swaps in after a change.

mod card;
mod crowded;
mod note;
mod sidenote;
mod splice;

use std::cmp::Reverse;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;

use time::Date;

use crate::anchor::{self, Placed};
use crate::annotation::{Annotation, Target};
use crate::document::{BLOCK_SEPARATOR, Block, Segment, escape_html};
use crate::library::{Article, Entity};
pub use note::note_html;
pub use sidenote::{Viewing, encode_query};
use splice::{Insert, Span, splice};

/// A note as the print footnotes list it.
#[derive(Debug, Clone)]
pub struct Footnote {
    pub id: String,
    pub number: usize,
    pub html: String,
}

/// One top-level block, ready to swap into a page.
#[derive(Debug, Clone)]
pub struct RenderedBlock {
    pub id: String,
    /// Changes whenever the block's HTML does.
    pub version: String,
    pub html: String,
}

/// An annotation whose passage is no longer in the essay.
#[derive(Debug, Clone)]
pub struct Orphan {
    pub id: String,
    pub quote: String,
    /// The note with its meta and actions, as in the margin.
    pub html: String,
}

#[derive(Debug, Clone, Default)]
pub struct RenderedArticle {
    pub blocks: Vec<RenderedBlock>,
    pub footnotes: Vec<Footnote>,
    pub orphans: Vec<Orphan>,
    /// Where the shared passage anchored, if one was asked for and is still in the essay.
    pub share: Option<Range<usize>>,
}

impl RenderedArticle {
    /// The inside of the `<article>`: the blocks, one separator apart.
    pub fn html(&self) -> String {
        let mut html = String::new();
        for (i, block) in self.blocks.iter().enumerate() {
            if i > 0 {
                html.push_str(BLOCK_SEPARATOR);
            }
            html.push_str(&block.html);
        }
        html
    }
}

/// Renders an essay with the annotations `viewing` may see.
pub fn article(article: &Article, entities: &[Entity], viewing: &Viewing) -> RenderedArticle {
    let placement = anchor::place(&article.document.text, viewing.annotations);
    let threads = threads(viewing.annotations);
    let mut noted: Vec<&Placed> = placement
        .placed
        .iter()
        .filter(|p| p.annotation.body.is_some() || viewing.owns(p.annotation))
        .collect();
    let crowding = crowded::crowding(article, &noted, viewing);
    noted.retain(|p| !crowding.hidden.contains(p.annotation.id.as_str()));
    noted.sort_by_key(|p| (p.range.start, p.annotation.id.as_str()));
    let footnotes: Vec<Footnote> = noted
        .iter()
        .enumerate()
        .map(|(i, p)| Footnote {
            id: p.annotation.id.clone(),
            number: i + 1,
            html: sidenote::footnote_html(p.annotation),
        })
        .collect();

    let mut spans: Vec<Span> = article
        .mentions
        .iter()
        .enumerate()
        .map(|(k, m)| mention_span(k + 1, m.range.clone(), &entities[m.entity]))
        .collect();
    spans.extend(
        placement
            .placed
            .iter()
            .enumerate()
            .filter(|(_, p)| !crowding.hidden.contains(p.annotation.id.as_str()))
            .map(|(i, p)| mark_span(i, p, viewing.focus)),
    );
    let share = viewing.share.and_then(|(code, target)| {
        let found = anchor::anchor(&article.document.text, target)?;
        spans.push(share_span(code, found.range.clone()));
        Some(found.range)
    });
    let inserts: Vec<Insert> = noted
        .iter()
        .zip(&footnotes)
        .map(|(p, footnote)| Insert {
            at: note_point(article, &p.range),
            html: sidenote::margin_note(p.annotation, footnote.number, entities, viewing, &threads),
        })
        .collect();

    let blocks = article
        .document
        .blocks
        .iter()
        .map(|block| {
            let mut html = String::new();
            let more = crowded::more_link(
                article,
                &block.id,
                crowding.more.get(block.id.as_str()).copied(),
                viewing,
            );
            render_block(&mut html, article, block, &spans, &inserts, &more);
            RenderedBlock {
                id: block.id.clone(),
                version: version_of(&html),
                html,
            }
        })
        .collect();
    let orphans = placement
        .orphans
        .iter()
        .map(|a| Orphan {
            id: a.id.clone(),
            quote: match &a.target {
                Target::Text(t) => t.quote.exact.clone(),
                Target::Reply(_) => String::new(),
            },
            html: sidenote::orphan_note(a, viewing, &threads),
        })
        .collect();
    RenderedArticle {
        blocks,
        footnotes,
        orphans,
        share,
    }
}

/// Replies by the id of the note at the root of their thread, oldest first.
fn threads(annotations: &[Annotation]) -> HashMap<&str, Vec<&Annotation>> {
    let by_id: HashMap<&str, &Annotation> =
        annotations.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut threads: HashMap<&str, Vec<&Annotation>> = HashMap::new();
    for reply in annotations {
        let mut root = reply;
        let mut hops = 0;
        while let Target::Reply(parent) = &root.target {
            match by_id.get(parent.as_str()) {
                Some(p) if hops < annotations.len() => root = p,
                _ => break,
            }
            hops += 1;
        }
        if !std::ptr::eq(root, reply) && matches!(root.target, Target::Text(_)) {
            threads.entry(root.id.as_str()).or_default().push(reply);
        }
    }
    for replies in threads.values_mut() {
        replies.sort_by_key(|r| (r.created, r.id.as_str()));
    }
    threads
}

fn version_of(html: &str) -> String {
    let mut hasher = DefaultHasher::new();
    html.hash(&mut hasher);
    format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}

fn render_block(
    out: &mut String,
    article: &Article,
    block: &Block,
    spans: &[Span],
    inserts: &[Insert],
    after: &str,
) {
    let mut inner = String::new();
    for segment in &block.segments {
        match segment {
            Segment::Markup(m) => inner.push_str(m),
            Segment::Text(run) => splice(
                &mut inner,
                &article.document.text,
                run.clone(),
                spans,
                inserts,
            ),
        }
    }
    inner.push_str(after);
    inner.push_str(&format!(
        "<a class=\"pilcrow\" href=\"#{}\" data-aside aria-label=\"Link to this paragraph\">¶</a>",
        block.id
    ));
    out.push_str(&format!(
        "<{} id=\"{}\"{} data-v=\"{}\">{inner}</{}>",
        block.tag,
        block.id,
        block.attrs,
        version_of(&inner),
        block.tag
    ));
}

/// Where a note goes: right after its passage, but never past the end of the passage's block.
fn note_point(article: &Article, range: &Range<usize>) -> usize {
    let last = range.end.saturating_sub(1).max(range.start);
    article
        .document
        .block_at(last)
        .map_or(range.end, |b| range.end.min(b.range.end))
}

fn mention_span(card: usize, range: Range<usize>, entity: &Entity) -> Span {
    Span {
        rank: (0, range.start, Reverse(range.end), 0),
        open: format!(
            "<span class=\"mention\"><a class=\"mention-link\" href=\"{}\" data-entity=\"{}\" aria-describedby=\"card-{card}\">",
            entity.path(),
            entity.id
        ),
        first_open: None,
        close: format!("</a>{}</span>", card::card_html(card, entity)),
        range,
        atomic: true,
    }
}

fn mark_span(index: usize, placed: &Placed, focus: Option<&str>) -> Span {
    let a = placed.annotation;
    let class = match (a.editorial, focus == Some(a.id.as_str())) {
        (true, false) => "note-mark editorial",
        (true, true) => "note-mark editorial is-target",
        (false, false) => "note-mark",
        (false, true) => "note-mark is-target",
    };
    Span {
        rank: (1, placed.range.start, Reverse(placed.range.end), index),
        open: format!(
            "<mark class=\"{class}\" data-annotation=\"{}\">",
            escape_html(&a.id)
        ),
        first_open: None,
        close: "</mark>".to_string(),
        range: placed.range.clone(),
        atomic: false,
    }
}

/// The shared passage: marked above every note, its first piece the landing point.
fn share_span(code: &str, range: Range<usize>) -> Span {
    let code = escape_html(code);
    Span {
        rank: (1, 0, Reverse(usize::MAX), 0),
        open: format!("<mark class=\"shared\" data-share=\"{code}\">"),
        first_open: Some(format!(
            "<mark class=\"shared\" data-share=\"{code}\" id=\"share-{code}\" tabindex=\"-1\">"
        )),
        close: "</mark>".to_string(),
        range,
        atomic: false,
    }
}

/// `November 26, 2025`.
pub fn format_date(date: Date) -> String {
    format!("{} {}, {}", date.month(), date.day(), date.year())
}
