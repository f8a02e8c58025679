//! Finding where an essay names its entities: whole-word, case-sensitive matches of each
//! entity's phrases and their possessives, the longest phrase winning where two overlap.

use std::ops::Range;

use super::entities::Entity;
use crate::document::Document;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Code point range in the plain text, always inside one text run.
    pub range: Range<usize>,
    /// Index into the library's entities.
    pub entity: usize,
}

const POSSESSIVES: [&str; 2] = ["’s", "'s"];

pub fn find(document: &Document, entities: &[Entity]) -> Vec<Mention> {
    let text = &document.text;
    let mut found: Vec<Mention> = Vec::new();
    for block in &document.blocks {
        for run in block.text_runs() {
            let run_text = text.slice(run.clone());
            let run_start_byte = text.byte_of(run.start);
            let mut hits: Vec<(usize, usize, usize)> = Vec::new();
            for (index, entity) in entities.iter().enumerate() {
                for phrase in &entity.mentions {
                    for (at, _) in run_text.match_indices(phrase.as_str()) {
                        let mut end = at + phrase.len();
                        if !is_word_edge(run_text, at, end) {
                            continue;
                        }
                        if let Some(p) = POSSESSIVES
                            .iter()
                            .find(|p| run_text[end..].starts_with(**p))
                        {
                            end += p.len();
                        }
                        hits.push((at, end, index));
                    }
                }
            }
            hits.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
            let mut taken_until = 0;
            for (start, end, entity) in hits {
                if start < taken_until {
                    continue;
                }
                taken_until = end;
                found.push(Mention {
                    range: text.char_of(run_start_byte + start)..text.char_of(run_start_byte + end),
                    entity,
                });
            }
        }
    }
    found
}

fn is_word_edge(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// A mention with the sentence around it, for entity pages and the timeline.
#[derive(Debug, Clone)]
pub struct InContext {
    pub block_id: String,
    pub before: String,
    pub hit: String,
    pub after: String,
}

/// The sentence of `document` that holds `range`, split around it.
pub fn in_context(document: &Document, range: Range<usize>) -> Option<InContext> {
    let block = document.block_at(range.start)?;
    let text = &document.text;
    let block_text: Vec<char> = text.slice(block.range.clone()).chars().collect();
    let (start, end) = (
        range.start - block.range.start,
        range.end - block.range.start,
    );
    // A sentence ends at . ? or ! (perhaps inside a closing quote) followed by a space.
    let sentence_start = (2..=start)
        .rev()
        .find(|&i| block_text[i - 1] == ' ' && ends_sentence(&block_text, i - 2))
        .unwrap_or(0);
    let sentence_end = (end..block_text.len())
        .find(|&i| ends_sentence(&block_text, i) && block_text.get(i + 1).is_none_or(|c| *c == ' '))
        .map_or(block_text.len(), |i| i + 1);
    let collect = |r: Range<usize>| block_text[r].iter().collect::<String>();
    Some(InContext {
        block_id: block.id.clone(),
        before: collect(sentence_start..start),
        hit: collect(start..end),
        after: collect(end..sentence_end),
    })
}

fn ends_sentence(text: &[char], i: usize) -> bool {
    match text[i] {
        '.' | '?' | '!' => true,
        '”' | '"' | ')' => i > 0 && matches!(text[i - 1], '.' | '?' | '!'),
        _ => false,
    }
}
