//! `<slug>.notes.toml`: the editors' notes, each attached to a passage by its exact words.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::entities::{Entity, is_valid_id};
use super::error::{LoadError, line_of};
use crate::document::PlainText;

#[derive(Debug, Clone, Hash)]
pub struct EditorialNote {
    /// The note's id in its file; stable across edits of the note.
    pub key: String,
    pub entity: Option<String>,
    /// Its passage in the essay's plain text, in code points.
    pub range: Range<usize>,
    /// Markdown.
    pub body: String,
}

impl EditorialNote {
    /// The id of the annotation that carries this note in the store.
    pub fn annotation_id(&self, slug: &str) -> String {
        format!("ed-{slug}-{}", self.key)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotesFile {
    #[serde(default)]
    notes: Vec<Spanned<NoteSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteSpec {
    id: String,
    entity: Option<Spanned<String>>,
    quote: Spanned<String>,
    prefix: Option<String>,
    body: String,
}

/// The notes in `path` on the essay at `essay` whose plain text is `text`; every quote must
/// be in it, and every entity known.
pub fn load(
    path: &Path,
    essay: &Path,
    text: &PlainText,
    entities: &[Entity],
) -> Result<Vec<EditorialNote>, LoadError> {
    let source = std::fs::read_to_string(path).map_err(|e| LoadError::io(path, &e))?;
    let file: NotesFile =
        toml::from_str(&source).map_err(|e| LoadError::toml(path, &source, &e))?;
    let mut keys = HashSet::new();
    let mut notes = Vec::new();
    for spanned in file.notes {
        let note_line = line_of(&source, spanned.span().start);
        let spec = spanned.into_inner();
        if !is_valid_id(&spec.id) || !keys.insert(spec.id.clone()) {
            return Err(LoadError::new(
                path,
                note_line,
                format!(
                    "note id {:?} must be unique, lowercase letters, digits and hyphens",
                    spec.id
                ),
            ));
        }
        if let Some(entity) = &spec.entity
            && !entities.iter().any(|e| &e.id == entity.get_ref())
        {
            return Err(LoadError::new(
                path,
                line_of(&source, entity.span().start),
                format!(
                    "note {:?} names an unknown entity {:?}",
                    spec.id,
                    entity.get_ref()
                ),
            ));
        }
        if spec.body.trim().is_empty() {
            return Err(LoadError::new(
                path,
                note_line,
                format!("note {:?} has no body", spec.id),
            ));
        }
        let quote_line = line_of(&source, spec.quote.span().start);
        let quote = spec.quote.into_inner();
        let range = locate(text.as_str(), &quote, spec.prefix.as_deref())
            .map(|bytes| text.char_of(bytes.start)..text.char_of(bytes.end))
            .ok_or_else(|| {
                let what = match &spec.prefix {
                    Some(p) => format!("{p:?} followed by {quote:?}"),
                    None => format!("{quote:?}"),
                };
                LoadError::new(
                    path,
                    quote_line,
                    format!(
                        "note {:?}: the passage {what} is not in {}",
                        spec.id,
                        essay.display()
                    ),
                )
            })?;
        notes.push(EditorialNote {
            key: spec.id,
            entity: spec.entity.map(Spanned::into_inner),
            range,
            body: spec.body.trim().to_string(),
        });
    }
    Ok(notes)
}

/// The byte range of the first `quote` (after `prefix`, when one is given).
fn locate(text: &str, quote: &str, prefix: Option<&str>) -> Option<Range<usize>> {
    if quote.is_empty() {
        return None;
    }
    match prefix {
        None => text.find(quote).map(|at| at..at + quote.len()),
        Some(prefix) => {
            let needle = format!("{prefix}{quote}");
            text.find(&needle)
                .map(|at| at + prefix.len()..at + needle.len())
        }
    }
}
