//! The tags spliced around passages of the text: mentions with their cards, the marks of
//! notes, and the shared passage.

use std::cmp::Reverse;
use std::ops::Range;

use askama::Template;

use super::card::Card;
use super::splice::Span;
use super::{Kind, html};
use crate::annotated::View;
use crate::annotation::Annotation;
use crate::library::Entity;

#[derive(Template)]
#[template(
    source = r#"<span class="mention"><a class="mention-link" href="{{ entity.path() }}" data-entity="{{ entity.id }}" aria-describedby="card-{{ card }}">"#,
    ext = "html"
)]
struct MentionOpen<'a> {
    card: usize,
    entity: &'a Entity,
}

/// The card follows the link, inside the mention, so hovering either shows it.
#[derive(Template)]
#[template(source = "</a>{{ card|safe }}</span>", ext = "html")]
struct MentionClose<'a> {
    card: Card<'a>,
}

#[derive(Template)]
#[template(
    source = r#"<mark class="{{ class }}" data-kind="{{ kind }}" data-annotation="{{ id }}">"#,
    ext = "html"
)]
struct MarkOpen<'a> {
    class: &'static str,
    kind: Kind,
    id: &'a str,
}

/// Where the shared passage first opens it carries the id the share link lands on.
#[derive(Template)]
#[template(
    source = r#"<mark class="shared" data-share="{{ code }}"{% if first %} id="share-{{ code }}" tabindex="-1"{% endif %}>"#,
    ext = "html"
)]
struct ShareOpen<'a> {
    code: &'a str,
    first: bool,
}

/// An entity's name, linked to its page, with its card; `card` numbers the essay's mentions.
pub fn mention(card: usize, range: Range<usize>, entity: &Entity) -> Span {
    Span {
        rank: (0, range.start, Reverse(range.end), 0),
        open: html(&MentionOpen { card, entity }),
        first_open: None,
        close: html(&MentionClose {
            card: Card::new(card, entity),
        }),
        range,
        atomic: true,
    }
}

/// The passage of a note `view` sees; `index` orders marks that start and end together.
pub fn mark(index: usize, a: &Annotation, range: Range<usize>, view: &View) -> Span {
    let class = match (a.editorial, view.focus == Some(a.id.as_str())) {
        (true, false) => "note-mark editorial",
        (true, true) => "note-mark editorial is-target",
        (false, false) => "note-mark",
        (false, true) => "note-mark is-target",
    };
    Span {
        rank: (1, range.start, Reverse(range.end), index),
        open: html(&MarkOpen {
            class,
            kind: Kind::of(view, a),
            id: &a.id,
        }),
        first_open: None,
        close: "</mark>".to_string(),
        range,
        atomic: false,
    }
}

/// The shared passage: marked above every note, its first piece the landing point.
pub fn share(code: &str, range: Range<usize>) -> Span {
    Span {
        rank: (1, 0, Reverse(usize::MAX), 0),
        open: html(&ShareOpen { code, first: false }),
        first_open: Some(html(&ShareOpen { code, first: true })),
        close: "</mark>".to_string(),
        range,
        atomic: false,
    }
}
