//! Margin notes: the editors' notes, and readers' notes with their threads of replies.

use askama::Template;

use super::note::note_html;
use super::{Kind, html};
use crate::annotated::{Entry, View, drawn_alike};
use crate::annotation::{Annotation, Visibility};
use crate::library::Entity;

type Thread<'a> = [&'a Entry];

/// A note's body as HTML, made once per version of the note.
fn body_html(entry: &Entry) -> &str {
    entry
        .body_html
        .get_or_init(|| note_html(entry.annotation.body.as_deref().unwrap_or_default()))
}

#[derive(Template)]
#[template(path = "render/margin_note.html")]
struct MarginNote<'a> {
    a: &'a Annotation,
    kind: Kind,
    class: &'static str,
    /// The note a link points at starts open on narrow screens.
    checked: bool,
    content: Content<'a>,
}

/// A note listed after the essay rather than beside a passage: an orphan, or a note on the
/// whole essay.
#[derive(Template)]
#[template(path = "render/listed_note.html")]
struct ListedNote<'a> {
    a: &'a Annotation,
    kind: Kind,
    class: &'static str,
    content: Content<'a>,
}

/// The note's body; then an editor's link to the page of what it is about, or a reader's
/// name, date, tags, a link to flag it and replies.
#[derive(Template)]
#[template(path = "render/note_content.html")]
struct Content<'a> {
    entry: &'a Entry,
    entity: Option<&'a Entity>,
    thread: &'a Thread<'a>,
    /// Who the note is drawn for: their own notes offer no flag.
    view: &'a View<'a>,
}

#[derive(Template)]
#[template(
    source = "{% if a.is_placeholder() %}This note was deleted{% else if a.body.is_none() %}Highlighted by {{ a.creator }}{% else %}{{ self::body_html(entry)|safe }}{% if !a.editorial %} ({{ a.creator }}){% endif %}{% endif %}",
    ext = "html"
)]
struct Footnote<'a> {
    a: &'a Annotation,
    entry: &'a Entry,
}

/// Whether a reader's note carries the link to flag it: all but the viewer's own, save those
/// drawn alike for everyone, which the server refuses to let their creator flag.
fn flag_offered(view: &View, a: &Annotation) -> bool {
    !view.owns(a) || drawn_alike(a)
}

/// The toggle for narrow screens, then the note in the margin. Numbers come from the
/// stylesheet's counter, so a note added above leaves the HTML of later blocks unchanged.
pub fn margin_note(entry: &Entry, entities: &[Entity], view: &View, thread: &Thread) -> String {
    let a = &entry.annotation;
    let entity = a
        .entity
        .as_deref()
        .filter(|_| a.editorial)
        .and_then(|e| entities.iter().find(|x| x.id == e));
    html(&MarginNote {
        a,
        kind: Kind::of(view, a),
        class: match (a.editorial, a.body.is_some()) {
            (true, _) => "sidenote editorial",
            (false, true) => "sidenote",
            (false, false) => "sidenote highlight-note",
        },
        checked: view.focus == Some(a.id.as_str()),
        content: Content {
            entry,
            entity,
            thread,
            view,
        },
    })
}

/// A note whose passage is gone, with the words it was attached to.
pub fn orphan_note(entry: &Entry, view: &View, thread: &Thread) -> String {
    listed_note(entry, view, thread, "orphan-note")
}

/// A note on the essay as a whole, with its thread.
pub fn page_note(entry: &Entry, view: &View, thread: &Thread) -> String {
    listed_note(entry, view, thread, "page-note")
}

fn listed_note(entry: &Entry, view: &View, thread: &Thread, class: &'static str) -> String {
    html(&ListedNote {
        a: &entry.annotation,
        kind: Kind::of(view, &entry.annotation),
        class,
        content: Content {
            entry,
            entity: None,
            thread,
            view,
        },
    })
}

/// The note as printed footnotes list it.
pub fn footnote_html(entry: &Entry) -> String {
    html(&Footnote {
        a: &entry.annotation,
        entry,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use time::macros::datetime;

    use super::*;
    use crate::annotated::Place;
    use crate::annotation::{Motivation, Target};

    fn entry(id: &str, body: Option<&str>, tags: &[&str]) -> Entry {
        let created = datetime!(2025-11-26 12:00 UTC);
        Entry {
            annotation: Annotation {
                id: id.into(),
                identities: Default::default(),
                article: "essay".into(),
                creator: "o'brien".into(),
                editorial: false,
                motivation: Motivation::Commenting,
                body: body.map(Into::into),
                entity: None,
                tags: tags.iter().map(|t| t.to_string()).collect(),
                visibility: Visibility::Private,
                hidden: false,
                group: None,
                target: Target::Reply("parent".into()),
                created,
                modified: created,
            },
            place: Place::Reply,
            body_html: OnceLock::new(),
        }
    }

    /// A newline inside a note would change the essay's plain text, which skips the notes
    /// but not the space between them.
    #[test]
    fn a_readers_note_is_one_line_with_its_words_escaped() {
        let note = entry("n\"1", Some("A *note*."), &["war & \"peace\""]);
        let reply = entry("r1", Some("Agreed."), &[]);
        let html = margin_note(&note, &[], &View::default(), &[&reply]);
        assert!(!html.contains('\n'), "{html}");
        for expected in [
            r#"<label class="note-ref" for="toggle-n&#34;1" data-kind="reader" data-aside>"#,
            r#"id="note-n&#34;1" role="note" data-kind="reader" data-aside data-creator="o&#39;brien">"#,
            r#"<span class="note-body"><span class="np">A <em>note</em>.</span></span>"#,
            r#"<time datetime="2025-11-26">November 26, 2025</time><span class="note-private"> · Private</span>"#,
            r#"<a class="tag" href="/search?tag=war%20%26%20%22peace%22">war &#38; &#34;peace&#34;</a>"#,
            r#"<span class="reply" id="note-r1" data-aside data-creator="o&#39;brien"><span class="note-body"><span class="np">Agreed.</span></span><span class="note-meta">"#,
        ] {
            assert!(html.contains(expected), "{expected} in {html}");
        }
    }

    #[test]
    fn footnotes_name_the_reader() {
        assert_eq!(
            footnote_html(&entry("h", None, &[])),
            "Highlighted by o&#39;brien"
        );
        assert_eq!(
            footnote_html(&entry("n", Some("Yes"), &[])),
            "<span class=\"np\">Yes</span> (o&#39;brien)"
        );
    }
}
