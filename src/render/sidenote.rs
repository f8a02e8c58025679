//! Margin notes: the editors' notes, and readers' notes with their threads of replies.

use super::note::note_html;
use super::{format_date, kind};
use crate::annotated::{Entry, View};
use crate::annotation::{Annotation, Visibility};
use crate::document::escape_html;
use crate::library::Entity;

type Thread<'a> = [&'a Entry];

/// A note's body as HTML, made once per version of the note.
fn body_html(entry: &Entry) -> &str {
    entry
        .body_html
        .get_or_init(|| note_html(entry.annotation.body.as_deref().unwrap_or_default()))
}

/// The toggle for narrow screens, then the note in the margin. Numbers come from the
/// stylesheet's counter, so a note added above leaves the HTML of later blocks unchanged.
pub fn margin_note(entry: &Entry, entities: &[Entity], view: &View, thread: &Thread) -> String {
    let a = &entry.annotation;
    let id = escape_html(&a.id);
    let class = match (a.editorial, a.body.is_some()) {
        (true, _) => "sidenote editorial",
        (false, true) => "sidenote",
        (false, false) => "sidenote highlight-note",
    };
    let checked = if view.focus == Some(a.id.as_str()) {
        " checked"
    } else {
        ""
    };
    let kind = kind(view, a);
    format!(
        "<input type=\"checkbox\" class=\"note-toggle-input\" id=\"toggle-{id}\" data-kind=\"{kind}\" data-aside{checked}><label class=\"note-ref\" for=\"toggle-{id}\" data-kind=\"{kind}\" data-aside><span class=\"visually-hidden\">Note </span></label><span class=\"{class}\" id=\"note-{id}\" role=\"note\" data-kind=\"{kind}\" data-aside{}><span class=\"note-number\"></span> {}</span>",
        creator_attr(a),
        content(entry, entities, thread)
    )
}

/// A note whose passage is gone, with the words it was attached to.
pub fn orphan_note(entry: &Entry, view: &View, thread: &Thread) -> String {
    let a = &entry.annotation;
    format!(
        "<div class=\"orphan-note\" id=\"note-{}\" data-kind=\"{}\"{}>{}</div>",
        escape_html(&a.id),
        kind(view, a),
        creator_attr(a),
        content(entry, &[], thread)
    )
}

/// Who wrote a reader's note, and whether it is a bare highlight: the page's script offers
/// Reply, Edit and Delete to whoever may use them, so the HTML is the same for every reader.
fn creator_attr(a: &Annotation) -> String {
    match (a.editorial, &a.body) {
        (true, _) => String::new(),
        (false, Some(_)) => format!(" data-creator=\"{}\"", escape_html(&a.creator)),
        (false, None) => format!(
            " data-creator=\"{}\" data-highlight",
            escape_html(&a.creator)
        ),
    }
}

/// The note as printed footnotes list it.
pub fn footnote_html(entry: &Entry) -> String {
    let a = &entry.annotation;
    match (&a.body, a.editorial) {
        (Some(_), true) => body_html(entry).to_string(),
        (Some(_), false) => format!("{} ({})", body_html(entry), escape_html(&a.creator)),
        (None, _) => format!("Highlighted by {}", escape_html(&a.creator)),
    }
}

fn content(entry: &Entry, entities: &[Entity], thread: &Thread) -> String {
    let a = &entry.annotation;
    let mut html = String::new();
    match &a.body {
        Some(_) => html.push_str(&format!(
            "<span class=\"note-body\">{}</span>",
            body_html(entry)
        )),
        None => html.push_str("<span class=\"note-body\">Highlight</span>"),
    }
    if a.editorial {
        if let Some(entity) = a
            .entity
            .as_deref()
            .and_then(|e| entities.iter().find(|x| x.id == e))
        {
            html.push_str(&format!(
                " <a class=\"note-entity\" href=\"{}\">More on {}</a>",
                entity.path(),
                escape_html(&entity.name)
            ));
        }
        return html;
    }
    html.push_str(&meta(a));
    if !a.tags.is_empty() {
        html.push_str("<span class=\"note-tags\">");
        for tag in &a.tags {
            html.push_str(&format!(
                "<a class=\"tag\" href=\"/search?tag={}\">{}</a>",
                encode_query(tag),
                escape_html(tag)
            ));
        }
        html.push_str("</span>");
    }
    if !thread.is_empty() {
        html.push_str("<span class=\"replies\">");
        for entry in thread {
            let reply = &entry.annotation;
            html.push_str(&format!(
                "<span class=\"reply\" id=\"note-{}\" data-aside{}><span class=\"note-body\">{}</span>{}</span>",
                escape_html(&reply.id),
                creator_attr(reply),
                body_html(entry),
                meta(reply),
            ));
        }
        html.push_str("</span>");
    }
    html
}

fn meta(a: &Annotation) -> String {
    let private = if a.visibility == Visibility::Private {
        "<span class=\"note-private\"> · Private</span>"
    } else {
        ""
    };
    format!(
        "<span class=\"note-meta\"><span class=\"note-author\">{}</span> · <time datetime=\"{}\">{}</time>{private}</span>",
        escape_html(&a.creator),
        a.created.date(),
        format_date(a.created.date())
    )
}

/// Percent-encodes a query parameter value.
pub fn encode_query(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
