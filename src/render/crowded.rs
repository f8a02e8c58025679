//! The link after a crowded paragraph, to the paragraph with all its notes (which notes a
//! paragraph leaves out is `annotated::View`'s to say).

use askama::Template;

use crate::library::Article;

/// After a crowded paragraph, the link to it with all its notes; after the paragraph opened in
/// full, the way back to the essay as usual; elsewhere nothing.
#[derive(Template)]
#[template(path = "render/more_link.html")]
pub struct MoreLink<'a> {
    article: &'a Article,
    block: &'a str,
    /// How many notes the paragraph leaves out.
    more: Option<usize>,
    fewer: bool,
}

pub fn more_link<'a>(
    article: &'a Article,
    block: &'a str,
    more: Option<usize>,
    expanded: Option<&str>,
) -> MoreLink<'a> {
    MoreLink {
        article,
        block,
        more,
        fewer: expanded == Some(block),
    }
}
