//! Margin notes: the editors' notes, readers' notes with their threads of replies, and the
//! actions the viewer may take on each.

use std::collections::HashMap;

use super::format_date;
use super::note::note_html;
use crate::annotation::{Annotation, TextTarget, Visibility};
use crate::document::escape_html;
use crate::library::Entity;

/// What is being rendered, for whom.
#[derive(Debug, Clone, Copy, Default)]
pub struct Viewing<'a> {
    /// Everything on the essay the viewer may see, replies included.
    pub annotations: &'a [Annotation],
    pub viewer: Option<&'a str>,
    pub editor: bool,
    /// A shared passage to mark, with its share code.
    pub share: Option<(&'a str, &'a TextTarget)>,
    /// The annotation a permalink points at: its note is shown open.
    pub focus: Option<&'a str>,
    /// The paragraph shown with all its notes, however many (see `crowded`).
    pub expanded: Option<&'a str>,
}

impl Viewing<'_> {
    pub fn owns(&self, a: &Annotation) -> bool {
        !a.editorial && self.viewer == Some(a.creator.as_str())
    }

    fn may_delete(&self, a: &Annotation) -> bool {
        self.owns(a) || (self.editor && !a.editorial)
    }
}

type Threads<'a> = HashMap<&'a str, Vec<&'a Annotation>>;

/// The numbered toggle for narrow screens, then the note in the margin.
pub fn margin_note(
    a: &Annotation,
    number: usize,
    entities: &[Entity],
    viewing: &Viewing,
    threads: &Threads,
) -> String {
    let id = escape_html(&a.id);
    let class = match (a.editorial, a.body.is_some()) {
        (true, _) => "sidenote editorial",
        (false, true) => "sidenote",
        (false, false) => "sidenote highlight-note",
    };
    let checked = if viewing.focus == Some(a.id.as_str()) {
        " checked"
    } else {
        ""
    };
    format!(
        "<input type=\"checkbox\" class=\"note-toggle-input\" id=\"toggle-{id}\" data-aside{checked}><label class=\"note-ref\" for=\"toggle-{id}\" data-aside><span class=\"visually-hidden\">Note </span>{number}</label><span class=\"{class}\" id=\"note-{id}\" role=\"note\" data-aside><span class=\"note-number\">{number}</span> {}</span>",
        content(a, entities, viewing, threads)
    )
}

/// A note whose passage is gone, with the words it was attached to.
pub fn orphan_note(a: &Annotation, viewing: &Viewing, threads: &Threads) -> String {
    format!(
        "<div class=\"orphan-note\" id=\"note-{}\">{}</div>",
        escape_html(&a.id),
        content(a, &[], viewing, threads)
    )
}

/// The note as printed footnotes list it.
pub fn footnote_html(a: &Annotation) -> String {
    match (&a.body, a.editorial) {
        (Some(body), true) => note_html(body),
        (Some(body), false) => format!("{} ({})", note_html(body), escape_html(&a.creator)),
        (None, _) => format!("Highlighted by {}", escape_html(&a.creator)),
    }
}

fn content(a: &Annotation, entities: &[Entity], viewing: &Viewing, threads: &Threads) -> String {
    let mut html = String::new();
    match &a.body {
        Some(body) => html.push_str(&format!(
            "<span class=\"note-body\">{}</span>",
            note_html(body)
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
    html.push_str(&actions(a, viewing, true));
    if let Some(replies) = threads.get(a.id.as_str()) {
        html.push_str("<span class=\"replies\">");
        for reply in replies {
            html.push_str(&format!(
                "<span class=\"reply\" id=\"note-{}\" data-aside><span class=\"note-body\">{}</span>{}{}</span>",
                escape_html(&reply.id),
                note_html(reply.body.as_deref().unwrap_or_default()),
                meta(reply),
                actions(reply, viewing, false)
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

fn actions(a: &Annotation, viewing: &Viewing, root: bool) -> String {
    let id = escape_html(&a.id);
    let button = |action: &str, label: &str| {
        format!(
            "<button type=\"button\" class=\"note-action\" data-action=\"{action}\" data-annotation=\"{id}\">{label}</button>"
        )
    };
    let mut buttons = String::new();
    if root && viewing.viewer.is_some() {
        buttons.push_str(&button("reply", "Reply"));
    }
    if viewing.owns(a) && a.body.is_some() {
        buttons.push_str(&button("edit", "Edit"));
    }
    if viewing.may_delete(a) {
        buttons.push_str(&button("delete", "Delete"));
    }
    if buttons.is_empty() {
        return buttons;
    }
    format!("<span class=\"note-actions\">{buttons}</span>")
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
