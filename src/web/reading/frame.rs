//! The reading page around its blocks: head, essay header, the notes on the whole essay,
//! orphans and print notes. Rendered once per reader and version in three pieces, the blocks
//! and the footnotes going between them, so the page is put together from cached pieces.

use askama::Template;

use crate::error::AppError;
use crate::library::Article;
use crate::render::{Footnote, Orphan, PageNote, Show, format_date};
use crate::web::plumbing::deflate::Piece;
use crate::web::plumbing::head::Head;

/// What link previews (Open Graph, Twitter cards) show of the page.
pub struct Preview {
    /// The address the preview is of: the share link, the annotation, or the essay.
    pub url: String,
    pub canonical: String,
    pub description: String,
}

impl Preview {
    /// The essay's own preview.
    pub fn of(article: &Article, public_url: &str) -> Preview {
        let canonical = format!("{public_url}{}", article.url_path());
        Preview {
            url: canonical.clone(),
            canonical,
            description: article.meta.summary.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "reading/top.html")]
struct Top<'a> {
    head: Head,
    article: &'a Article,
    date: String,
    preview: &'a Preview,
    /// Said above the essay, e.g. that a shared passage is gone.
    notice: Option<&'a str>,
    /// The essay's revision the page shows, so its live stream can catch up from there.
    revision: i64,
    /// The layer shown, and the choices of the control that changes it.
    show: Show,
    layers: Vec<LayerChoice>,
}

struct LayerChoice {
    name: &'static str,
    label: &'static str,
    /// What the label goes on to name: the reader's groups, for the layer that shows them.
    naming: Option<String>,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "reading/middle.html")]
struct Middle<'a> {
    notes: &'a [PageNote],
    article: &'a Article,
    writer: Option<&'a str>,
    groups: &'a [(String, String)],
    orphans: &'a [Orphan],
    has_footnotes: bool,
}

/// The section of notes on the whole essay, with what the reader may do there: write one
/// (signed in: the form, with the session's CSRF token for when scripts are off) or log in.
#[derive(Template)]
#[template(path = "page_notes.html")]
struct PageNotes<'a> {
    notes: &'a [PageNote],
    article: &'a Article,
    /// The session's CSRF token when a reader is signed in.
    writer: Option<&'a str>,
    /// The reader's groups, by id and name, which the form offers to post to.
    groups: &'a [(String, String)],
}

#[derive(Template)]
#[template(path = "reading/end.html")]
struct End {
    has_footnotes: bool,
}

#[derive(Template)]
#[template(path = "orphans.html")]
struct Orphans<'a> {
    orphans: &'a [Orphan],
}

#[derive(Template)]
#[template(path = "print_notes.html")]
struct PrintNotes<'a> {
    has_footnotes: bool,
    footnotes: &'a str,
}

#[derive(Template)]
#[template(path = "footnotes.html")]
struct Footnotes<'a> {
    footnotes: &'a [Footnote],
}

/// A reading page without its blocks and footnotes.
pub struct Frame {
    /// From the doctype to the article's opening tag.
    pub top: Piece,
    /// From the article's end to where the footnotes go: the notes on the whole essay (with
    /// what this reader may do there), the orphans, and the print notes' opening when there
    /// are footnotes.
    pub middle: Piece,
    /// The rest, from the print notes' closing to the end of the page.
    pub end: Piece,
}

/// What a frame shows besides the blocks.
pub struct Surround<'a> {
    pub head: Head,
    pub article: &'a Article,
    pub preview: &'a Preview,
    pub notice: Option<&'a str>,
    pub revision: i64,
    pub show: Show,
    pub orphans: &'a [Orphan],
    pub page_notes: &'a [PageNote],
    pub has_footnotes: bool,
}

impl Frame {
    pub fn render(s: Surround) -> Result<Frame, AppError> {
        let middle = Middle {
            notes: s.page_notes,
            article: s.article,
            writer: writer(&s.head),
            groups: &s.head.groups,
            orphans: s.orphans,
            has_footnotes: s.has_footnotes,
        }
        .render()?;
        let group_names = s
            .head
            .groups
            .iter()
            .map(|(_, name)| name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let top = Top {
            head: s.head,
            article: s.article,
            date: format_date(s.article.meta.date),
            preview: s.preview,
            notice: s.notice,
            revision: s.revision,
            show: s.show,
            // A reader with no group has no groups' notes to show.
            layers: Show::EVERY
                .into_iter()
                .filter(|&show| show != Show::Groups || !group_names.is_empty())
                .map(|show| LayerChoice {
                    name: show.name(),
                    label: show.label(),
                    naming: (show == Show::Groups).then(|| group_names.clone()),
                    chosen: show == s.show,
                })
                .collect(),
        };
        let end = End {
            has_footnotes: s.has_footnotes,
        };
        Ok(Frame {
            top: Piece::new(top.render()?),
            middle: Piece::new(middle),
            end: Piece::new(end.render()?),
        })
    }
}

/// The CSRF token of a signed-in reader's session, who may write on the page.
fn writer(head: &Head) -> Option<&str> {
    head.user
        .as_ref()
        .map(|_| head.csrf.as_deref().unwrap_or_default())
}

/// The section of notes on the whole essay, for the page to swap in.
pub fn page_notes_html(
    notes: &[PageNote],
    article: &Article,
    writer: Option<&str>,
    groups: &[(String, String)],
) -> Result<String, AppError> {
    Ok(PageNotes {
        notes,
        article,
        writer,
        groups,
    }
    .render()?)
}

/// The orphans' section, for the page to swap in.
pub fn orphans_html(orphans: &[Orphan]) -> Result<String, AppError> {
    Ok(Orphans { orphans }.render()?)
}

/// The print notes' section around the footnotes' items, for the page to swap in.
pub fn print_notes_html(footnotes: &str) -> Result<String, AppError> {
    Ok(PrintNotes {
        has_footnotes: !footnotes.is_empty(),
        footnotes,
    }
    .render()?)
}

/// A block's footnotes as list items.
pub fn footnote_items(footnotes: &[Footnote]) -> Result<String, AppError> {
    Ok(Footnotes { footnotes }.render()?)
}
