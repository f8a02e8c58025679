//! A `Document` with its mentions and anchored annotations, drawn as HTML: paragraph ids,
//! `<mark>`s, margin notes, threads and mention cards. The one place where an essay is rendered,
//! for the whole page and for the fragments the page swaps in after a change.

mod card;
mod crowded;
mod layers;
mod note;
mod sidenote;
mod spans;
mod splice;

use std::cmp::Reverse;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;

use askama::Template;
use time::Date;

use crate::annotated::{Annotated, Crowding, Entry, Place, View, note_point};
use crate::annotation::Annotation;
use crate::document::{Block, Segment};
use crate::library::{Article, Entity};
pub use layers::{Kind, Show};
pub use note::note_html;
use splice::{Insert, Span, splice};

/// A note as the print footnotes list it.
#[derive(Debug, Clone)]
pub struct Footnote {
    pub id: String,
    /// Whose note it is, for the layers.
    pub kind: Kind,
    pub html: String,
}

/// One top-level block, ready to swap into a page.
#[derive(Debug, Clone)]
pub struct RenderedBlock {
    pub id: String,
    /// Changes whenever the block's HTML does.
    pub version: String,
    pub html: String,
    /// Its notes as printed footnotes, in the order they stand in the block.
    pub footnotes: Vec<Footnote>,
    /// The blocks whose annotations it was drawn from: itself, and those where the notes of
    /// its marks stand (which decide whether a mark is crowded out).
    pub drawn_from: Vec<usize>,
}

/// An annotation whose passage is no longer in the essay.
#[derive(Debug, Clone)]
pub struct Orphan {
    pub id: String,
    /// Whose note it is, for the layers.
    pub kind: Kind,
    pub quote: String,
    /// The note with its meta and thread, as in the margin.
    pub html: String,
}

/// A note on the essay as a whole.
#[derive(Debug, Clone)]
pub struct PageNote {
    pub id: String,
    /// Whose note it is, for the layers.
    pub kind: Kind,
    /// The note with its meta and thread, as in the margin.
    pub html: String,
}

/// Every block of an essay as one viewer sees it: the whole page from scratch, which the
/// block cache must always equal.
pub fn article(annotated: &Annotated, entities: &[Entity], view: &View) -> Vec<RenderedBlock> {
    (0..annotated.article().document.blocks.len())
        .map(|i| block(annotated, entities, i, view))
        .collect()
}

/// One block with its mentions, the marks and notes `view` sees, and its "more notes" link.
pub fn block(
    annotated: &Annotated,
    entities: &[Entity],
    index: usize,
    view: &View,
) -> RenderedBlock {
    let article = annotated.article();
    let block = &article.document.blocks[index];
    let here = annotated.crowding(view, index);
    let mut elsewhere: HashMap<usize, Crowding> = HashMap::new();
    let mut hidden = |entry: &Entry| match &entry.place {
        Place::Passage { note, .. } if *note == index => here.hides(view, &entry.annotation),
        Place::Passage { note, .. } => elsewhere
            .entry(*note)
            .or_insert_with(|| annotated.crowding(view, *note))
            .hides(view, &entry.annotation),
        Place::Orphan | Place::Reply | Place::Page => true,
    };

    let mut marked: Vec<(&Annotation, Range<usize>)> = annotated
        .marks(index)
        .filter(|e| view.sees(&e.annotation) && !hidden(e))
        .filter_map(|e| Some((&e.annotation, passage(e)?)))
        .collect();
    marked.sort_by(|(a, ra), (b, rb)| {
        (ra.start, Reverse(ra.end), a.created, &a.id).cmp(&(
            rb.start,
            Reverse(rb.end),
            b.created,
            &b.id,
        ))
    });
    let first_mention = article
        .mentions
        .partition_point(|m| m.range.end <= block.range.start);
    let mut spans: Vec<Span> = article.mentions[first_mention..]
        .iter()
        .enumerate()
        .take_while(|(_, m)| m.range.start < block.range.end)
        .map(|(k, m)| spans::mention(first_mention + k + 1, m.range.clone(), &entities[m.entity]))
        .collect();
    spans.extend(
        marked
            .iter()
            .enumerate()
            .map(|(i, (a, range))| spans::mark(i, a, range.clone(), view)),
    );
    if let Some((code, range)) = &view.share {
        spans.push(spans::share(code, range.clone()));
    }

    let mut noted: Vec<(&Entry, Range<usize>, usize)> = annotated
        .notes(index)
        .filter(|e| view.noted(&e.annotation) && !here.hides(view, &e.annotation))
        .filter_map(|e| {
            let range = passage(e)?;
            Some((e, range.clone(), note_point(article, &range)))
        })
        .collect();
    noted.sort_by(|(a, ra, at), (b, rb, bt)| {
        (at, ra.start, &a.annotation.id).cmp(&(bt, rb.start, &b.annotation.id))
    });
    let inserts: Vec<Insert> = noted
        .iter()
        .map(|(e, _, at)| Insert {
            at: *at,
            html: sidenote::margin_note(
                e,
                entities,
                view,
                &annotated.thread(view, &e.annotation.id),
            ),
        })
        .collect();
    let footnotes = noted
        .iter()
        .map(|(e, _, _)| Footnote {
            id: e.annotation.id.clone(),
            kind: Kind::of(view, &e.annotation),
            html: sidenote::footnote_html(e),
        })
        .collect();
    let mut drawn_from: Vec<usize> = elsewhere.into_keys().chain([index]).collect();
    drawn_from.sort_unstable();
    let expanded = view.expanded == Some(block.id.as_str());
    let mut after = String::new();
    write(
        &mut after,
        &crowded::more_link(article, &block.id, here.more, view.expanded),
    );
    if !expanded {
        write(
            &mut after,
            &layers::placeholders(
                article,
                &block.id,
                noted.iter().map(|(e, _, _)| Kind::of(view, &e.annotation)),
                here.more.unwrap_or(0),
            ),
        );
    }
    let (html, version) = render_block(article, block, &spans, &inserts, &after, expanded);
    RenderedBlock {
        id: block.id.clone(),
        version,
        html,
        footnotes,
        drawn_from,
    }
}

fn passage(entry: &Entry) -> Option<Range<usize>> {
    match &entry.place {
        Place::Passage { range, .. } => Some(range.clone()),
        Place::Orphan | Place::Reply | Place::Page => None,
    }
}

/// The notes whose passages are gone that `view` sees, with their threads.
pub fn orphans(annotated: &Annotated, view: &View) -> Vec<Orphan> {
    annotated
        .orphans()
        .filter(|e| view.sees(&e.annotation))
        .map(|e| Orphan {
            id: e.annotation.id.clone(),
            kind: Kind::of(view, &e.annotation),
            quote: e.annotation.target.quote().to_owned(),
            html: sidenote::orphan_note(e, view, &annotated.thread(view, &e.annotation.id)),
        })
        .collect()
}

/// The notes on the whole essay that `view` sees, with their threads.
pub fn page_notes(annotated: &Annotated, view: &View) -> Vec<PageNote> {
    annotated
        .page_notes()
        .filter(|e| view.sees(&e.annotation))
        .map(|e| PageNote {
            id: e.annotation.id.clone(),
            kind: Kind::of(view, &e.annotation),
            html: sidenote::page_note(e, view, &annotated.thread(view, &e.annotation.id)),
        })
        .collect()
}

fn version_of(html: &str) -> String {
    let mut hasher = DefaultHasher::new();
    html.hash(&mut hasher);
    format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}

#[derive(Template)]
#[template(
    source = r##"<a class="pilcrow" href="#{{ id }}" data-aside aria-label="Link to this paragraph">¶</a>"##,
    ext = "html"
)]
struct Pilcrow<'a> {
    id: &'a str,
}

/// A paragraph opened with all its notes shows them whatever the reader's layer
/// (`data-reveal`).
#[derive(Template)]
#[template(
    source = r#"<{{ block.tag }} id="{{ block.id }}"{{ block.attrs|safe }} data-v="{{ version }}"{% if revealed %} data-reveal{% endif %}>{{ inner|safe }}</{{ block.tag }}>"#,
    ext = "html"
)]
struct BlockElement<'a> {
    block: &'a Block,
    version: &'a str,
    inner: &'a str,
    revealed: bool,
}

/// The block's HTML, and the version it carries as `data-v`, which the page compares
/// with the fragments' `v` to swap only the blocks that changed.
fn render_block(
    article: &Article,
    block: &Block,
    spans: &[Span],
    inserts: &[Insert],
    after: &str,
    revealed: bool,
) -> (String, String) {
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
    write(&mut inner, &Pilcrow { id: &block.id });
    let version = version_of(&inner);
    // The tags around `inner` are its id and attributes and some 64 bytes more.
    let mut html = String::with_capacity(inner.len() + block.id.len() + block.attrs.len() + 64);
    write(
        &mut html,
        &BlockElement {
            block,
            version: &version,
            inner: &inner,
            revealed,
        },
    );
    (html, version)
}

/// A template's HTML. Writing to a `String` cannot fail, nor can the `Display` of any value
/// these templates show.
fn html(template: &impl Template) -> String {
    template.render().expect(RENDERS)
}

/// Appends a template's HTML to `out`, which cannot fail either.
fn write(out: &mut String, template: &impl Template) {
    template.render_into(out).expect(RENDERS);
}

const RENDERS: &str = "a template of the essay's HTML failed to render";

/// `November 26, 2025`.
pub fn format_date(date: Date) -> String {
    format!("{} {}, {}", date.month(), date.day(), date.year())
}
