//! The link after a crowded paragraph, to the paragraph with all its notes (which notes a
//! paragraph leaves out is `annotated::View`'s to say).

use crate::library::Article;

/// After a crowded paragraph, the link to it with all its notes; after the paragraph opened in
/// full, the way back to the essay as usual.
pub fn more_link(
    article: &Article,
    block: &str,
    more: Option<usize>,
    expanded: Option<&str>,
) -> String {
    match more {
        Some(n) => format!(
            "<a class=\"more-notes\" href=\"{}?notes={block}#{block}\" data-kind=\"reader\" data-more=\"{n}\" data-aside>{n} more {} on this paragraph</a>",
            article.url_path(),
            if n == 1 { "note" } else { "notes" }
        ),
        None if expanded == Some(block) => format!(
            "<a class=\"more-notes\" href=\"{}#{block}\" data-aside>Fewer notes</a>",
            article.url_path()
        ),
        None => String::new(),
    }
}
