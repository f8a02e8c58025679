//! A `Document` with its mentions and anchored annotations, drawn as HTML: paragraph ids,
//! `<mark>`s, margin notes and mention cards. The one place where a page's essay is rendered.

mod note;
mod splice;

use std::cmp::Reverse;
use std::ops::Range;

use time::Date;

use crate::anchor::Placed;
use crate::annotation::Annotation;
use crate::document::{BLOCK_SEPARATOR, Block, Segment, escape_html};
use crate::library::{Article, Entity, EntityKind};
pub use note::note_html;
use splice::{Insert, Span, splice};

/// A note as the print footnotes list it.
#[derive(Debug, Clone)]
pub struct Footnote {
    pub id: String,
    pub number: usize,
    pub html: String,
}

#[derive(Debug, Clone, Default)]
pub struct RenderedArticle {
    /// The inside of the `<article>`.
    pub html: String,
    pub footnotes: Vec<Footnote>,
}

/// Renders an essay with every placed annotation.
pub fn article(article: &Article, entities: &[Entity], placed: &[Placed]) -> RenderedArticle {
    let mut noted: Vec<&Placed> = placed
        .iter()
        .filter(|p| p.annotation.body.is_some())
        .collect();
    noted.sort_by_key(|p| (p.range.start, p.annotation.id.as_str()));
    let footnotes: Vec<Footnote> = noted
        .iter()
        .enumerate()
        .map(|(i, p)| Footnote {
            id: p.annotation.id.clone(),
            number: i + 1,
            html: note_html(p.annotation.body.as_deref().unwrap_or_default()),
        })
        .collect();

    let mut spans: Vec<Span> = article
        .mentions
        .iter()
        .enumerate()
        .map(|(k, m)| mention_span(k + 1, m.range.clone(), &entities[m.entity]))
        .collect();
    spans.extend(placed.iter().enumerate().map(|(i, p)| mark_span(i, p)));
    let inserts: Vec<Insert> = noted
        .iter()
        .zip(&footnotes)
        .map(|(p, footnote)| Insert {
            at: note_point(article, &p.range),
            html: sidenote(p.annotation, footnote, entities),
        })
        .collect();

    let mut html = String::with_capacity(article.document.text.as_str().len() * 3);
    for (i, block) in article.document.blocks.iter().enumerate() {
        if i > 0 {
            html.push_str(BLOCK_SEPARATOR);
        }
        render_block(&mut html, article, block, &spans, &inserts);
    }
    RenderedArticle { html, footnotes }
}

fn render_block(
    out: &mut String,
    article: &Article,
    block: &Block,
    spans: &[Span],
    inserts: &[Insert],
) {
    out.push_str(&format!(
        "<{} id=\"{}\"{}>",
        block.tag, block.id, block.attrs
    ));
    for segment in &block.segments {
        match segment {
            Segment::Markup(m) => out.push_str(m),
            Segment::Text(run) => splice(out, &article.document.text, run.clone(), spans, inserts),
        }
    }
    out.push_str(&format!("</{}>", block.tag));
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
        close: format!("</a>{}</span>", card_html(card, entity)),
        range,
        atomic: true,
    }
}

fn mark_span(index: usize, placed: &Placed) -> Span {
    let a = placed.annotation;
    let class = if a.editorial {
        "note-mark editorial"
    } else {
        "note-mark"
    };
    Span {
        rank: (1, placed.range.start, Reverse(placed.range.end), index),
        open: format!(
            "<mark class=\"{class}\" data-annotation=\"{}\">",
            escape_html(&a.id)
        ),
        close: "</mark>".to_string(),
        range: placed.range.clone(),
        atomic: false,
    }
}

/// The hover card of one mention: name, role or date, summary.
fn card_html(card: usize, entity: &Entity) -> String {
    let detail = match (entity.kind, &entity.role, entity.date) {
        (EntityKind::Event, _, Some(date)) => format_date(date),
        (_, Some(role), _) => role.clone(),
        (kind, _, _) => kind.label().to_string(),
    };
    format!(
        "<span class=\"card\" id=\"card-{card}\" role=\"tooltip\" data-aside><strong class=\"card-name\">{}</strong> <span class=\"card-role\">{}</span> <span class=\"card-summary\">{}</span> <span class=\"card-more\">Open the page for more</span></span>",
        escape_html(&entity.name),
        escape_html(&detail),
        escape_html(&entity.summary)
    )
}

/// The margin note: a numbered toggle for narrow screens, then the note itself.
fn sidenote(a: &Annotation, footnote: &Footnote, entities: &[Entity]) -> String {
    let id = escape_html(&a.id);
    let n = footnote.number;
    let class = if a.editorial {
        "sidenote editorial"
    } else {
        "sidenote"
    };
    let entity_link = a
        .entity
        .as_deref()
        .and_then(|e| entities.iter().find(|x| x.id == e))
        .map(|e| {
            format!(
                " <a class=\"note-entity\" href=\"{}\">More on {}</a>",
                e.path(),
                escape_html(&e.name)
            )
        })
        .unwrap_or_default();
    format!(
        "<input type=\"checkbox\" class=\"note-toggle-input\" id=\"toggle-{id}\" data-aside><label class=\"note-ref\" for=\"toggle-{id}\" data-aside><span class=\"visually-hidden\">Note </span>{n}</label><span class=\"{class}\" id=\"note-{id}\" role=\"note\" data-aside><span class=\"note-number\">{n}</span> <span class=\"note-body\">{}</span>{entity_link}</span>",
        footnote.html
    )
}

/// `November 26, 2025`.
pub fn format_date(date: Date) -> String {
    format!("{} {}, {}", date.month(), date.day(), date.year())
}
