//! Paragraphs with more readers' notes than the margin can hold beside them: the newest few
//! are shown, and a link opens the paragraph with all of its notes.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use super::note_point;
use super::sidenote::Viewing;
use crate::anchor::Placed;
use crate::library::Article;

/// Other readers' notes shown beside a paragraph, besides the editors' notes and the viewer's.
pub const READER_NOTES_PER_BLOCK: usize = 3;

#[derive(Debug, Default)]
pub struct Crowding<'a> {
    /// The notes left out, by annotation id.
    pub hidden: HashSet<&'a str>,
    /// How many notes each crowded paragraph leaves out, by block id.
    pub more: HashMap<&'a str, usize>,
}

/// Which notes to leave out: in each paragraph but the one opened in full, other readers'
/// notes past the newest few. The editors' notes, the viewer's own and the one a link points
/// at are always shown.
pub fn crowding<'a>(
    article: &'a Article,
    noted: &[&Placed<'a>],
    viewing: &Viewing,
) -> Crowding<'a> {
    let mut by_block: HashMap<&'a str, Vec<&Placed<'a>>> = HashMap::new();
    for placed in noted {
        let a = placed.annotation;
        if a.editorial || viewing.owns(a) || viewing.focus == Some(a.id.as_str()) {
            continue;
        }
        let Some(block) = article
            .document
            .block_at(note_point(article, &placed.range))
        else {
            continue;
        };
        if viewing.expanded != Some(block.id.as_str()) {
            by_block.entry(block.id.as_str()).or_default().push(placed);
        }
    }
    let mut crowding = Crowding::default();
    for (block, mut notes) in by_block {
        if notes.len() <= READER_NOTES_PER_BLOCK {
            continue;
        }
        notes.sort_by_key(|p| (Reverse(p.annotation.created), p.annotation.id.as_str()));
        let left_out = &notes[READER_NOTES_PER_BLOCK..];
        crowding.more.insert(block, left_out.len());
        crowding
            .hidden
            .extend(left_out.iter().map(|p| p.annotation.id.as_str()));
    }
    crowding
}

/// The link after a crowded paragraph, to the paragraph with all its notes; and after the
/// paragraph opened in full, back to the essay as usual.
pub fn more_link(article: &Article, block: &str, more: Option<usize>, viewing: &Viewing) -> String {
    match more {
        Some(n) => format!(
            "<a class=\"more-notes\" href=\"{}?notes={block}#{block}\" data-aside>{n} more {} on this paragraph</a>",
            article.url_path(),
            if n == 1 { "note" } else { "notes" }
        ),
        None if viewing.expanded == Some(block) => format!(
            "<a class=\"more-notes\" href=\"{}#{block}\" data-aside>Fewer notes</a>",
            article.url_path()
        ),
        None => String::new(),
    }
}
