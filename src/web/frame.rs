//! The reading page around its blocks: head, essay header, orphans and print notes. Rendered
//! once per reader and version, with holes where the blocks and the footnotes go, so the page
//! is put together from cached pieces.

use std::sync::LazyLock;

use askama::Template;

use super::deflate::Piece;
use super::pages::Head;
use crate::accounts;
use crate::error::AppError;
use crate::library::Article;
use crate::render::{Footnote, Orphan, Show, format_date};

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
#[template(path = "article.html")]
struct ArticlePage<'a> {
    head: Head,
    article: &'a Article,
    date: String,
    body: &'a str,
    orphans: &'a [Orphan],
    has_footnotes: bool,
    footnotes: &'a str,
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
    chosen: bool,
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

/// Stand in for the blocks and the footnotes while the frame renders: random for each run of
/// the server, so no reader's words (a note quoted in the page's preview) can forge one.
static HOLES: LazyLock<(String, String)> = LazyLock::new(|| {
    let token = accounts::new_token();
    (
        format!("<!--blocks {token}-->"),
        format!("<!--notes {token}-->"),
    )
});

/// A reading page without its blocks and footnotes.
pub struct Frame {
    /// From the doctype to the article's opening tag.
    pub top: Piece,
    /// From the article's end to the print notes' list.
    pub middle: Piece,
    /// The rest.
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
    pub has_footnotes: bool,
}

impl Frame {
    pub fn render(s: Surround) -> Result<Frame, AppError> {
        let (blocks_hole, notes_hole) = (HOLES.0.as_str(), HOLES.1.as_str());
        let page = ArticlePage {
            head: s.head,
            article: s.article,
            date: format_date(s.article.meta.date),
            body: blocks_hole,
            orphans: s.orphans,
            has_footnotes: s.has_footnotes,
            footnotes: notes_hole,
            preview: s.preview,
            notice: s.notice,
            revision: s.revision,
            show: s.show,
            layers: Show::EVERY
                .into_iter()
                .map(|show| LayerChoice {
                    name: show.name(),
                    label: show.label(),
                    chosen: show == s.show,
                })
                .collect(),
        }
        .render()?;
        let hole = |text: &'_ str, hole: &str| -> Result<(usize, usize), AppError> {
            let at = text
                .find(hole)
                .ok_or_else(|| AppError::Internal(format!("the reading page lost {hole:?}")))?;
            Ok((at, at + hole.len()))
        };
        let (top_end, blocks_end) = hole(&page, blocks_hole)?;
        let (middle_end, notes_end) = if s.has_footnotes {
            hole(&page, notes_hole)?
        } else {
            (page.len(), page.len())
        };
        Ok(Frame {
            top: Piece::new(page[..top_end].to_string()),
            middle: Piece::new(page[blocks_end..middle_end].to_string()),
            end: Piece::new(page[notes_end..].to_string()),
        })
    }
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
