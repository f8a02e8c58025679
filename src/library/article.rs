//! One essay file: TOML front matter between `+++` lines, then Markdown.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use time::Date;

use super::entities::Entity;
use super::error::LoadError;
use super::mentions::{self, Mention};
use super::notes::EditorialNote;
use crate::document::Document;

#[derive(Debug, Clone)]
pub struct Meta {
    pub title: String,
    pub author: String,
    pub publication: Option<String>,
    pub date: Date,
    pub summary: String,
}

#[derive(Debug)]
pub struct Article {
    /// The file name without `.md`; the essay's address is `/articles/{slug}`.
    pub slug: String,
    pub meta: Meta,
    pub document: Document,
    /// Every mention of an entity, in text order.
    pub mentions: Vec<Mention>,
    /// The editors' notes, anchored to this version of the text.
    pub notes: Vec<EditorialNote>,
    pub path: PathBuf,
    /// A hash of the essay's file and its notes, as loaded: tells an essay edited since it was
    /// last loaded from one left alone.
    pub fingerprint: u64,
}

impl Article {
    pub fn url_path(&self) -> String {
        format!("/articles/{}", self.slug)
    }

    /// Takes the editors' notes, loaded with the essay, into the fingerprint.
    pub(super) fn with_notes(mut self, notes: Vec<EditorialNote>) -> Article {
        let mut hasher = DefaultHasher::new();
        (self.fingerprint, &notes).hash(&mut hasher);
        self.fingerprint = hasher.finish();
        self.notes = notes;
        self
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    author: String,
    publication: Option<String>,
    date: toml::value::Datetime,
    summary: String,
}

const FENCE: &str = "+++";

pub fn load(path: &Path, entities: &[Entity]) -> Result<Article, LoadError> {
    let source = std::fs::read_to_string(path).map_err(|e| LoadError::io(path, &e))?;
    let slug = path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| super::entities::is_valid_id(s))
        .ok_or_else(|| {
            LoadError::new(
                path,
                0,
                "file name must be lowercase letters, digits and hyphens",
            )
        })?
        .to_string();
    let (front, body, body_line) = split_front_matter(&source)
        .ok_or_else(|| LoadError::new(path, 1, "expected front matter between +++ lines"))?;
    let front: FrontMatter = toml::from_str(front).map_err(|e| {
        let mut err = LoadError::toml(path, front, &e);
        err.line += 1;
        err
    })?;
    let date = match (front.date.date, front.date.time) {
        (Some(d), None) => time::Month::try_from(d.month)
            .ok()
            .and_then(|m| Date::from_calendar_date(i32::from(d.year), m, d.day).ok()),
        _ => None,
    }
    .ok_or_else(|| LoadError::new(path, 1, "date must be a plain date like 2025-11-26"))?;
    let document =
        Document::parse(body, body_line).map_err(|e| LoadError::new(path, e.line, e.message))?;
    if document.blocks.is_empty() {
        return Err(LoadError::new(path, body_line, "the essay has no text"));
    }
    let mentions = mentions::find(&document, entities);
    let mut hasher = DefaultHasher::new();
    source.hash(&mut hasher);
    Ok(Article {
        slug,
        meta: Meta {
            title: front.title,
            author: front.author,
            publication: front.publication,
            date,
            summary: front.summary,
        },
        document,
        mentions,
        notes: Vec::new(),
        path: path.to_path_buf(),
        fingerprint: hasher.finish(),
    })
}

/// Returns the front matter, the Markdown, and the 1-based line the Markdown starts on.
fn split_front_matter(source: &str) -> Option<(&str, &str, usize)> {
    let rest = source.strip_prefix(FENCE)?.strip_prefix('\n')?;
    let end = rest.find("\n+++\n").map(|i| i + 1).or_else(|| {
        rest.strip_suffix("\n+++")
            .map(|r| r.len() + 1)
            .or_else(|| rest.starts_with("+++\n").then_some(0))
    })?;
    let front = &rest[..end];
    let body = rest[end + FENCE.len()..].strip_prefix('\n').unwrap_or("");
    let body_line = 3 + front.matches('\n').count();
    Some((front, body, body_line))
}
