//! Annotations, users and shares to and from table rows, and the store's work that needs no
//! database: sync plans, change feeds, search patterns, errors and stored times.

use std::collections::{HashMap, HashSet};

use sqlx::types::Json;
use time::format_description::FormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use super::{Changes, Group, Role, Share, StoreError, SyncReport, User};
use crate::annotation::{
    Annotation, Identities, Motivation, Target, TextPosition, TextQuote, TextTarget, Visibility,
};

#[derive(Debug, sqlx::FromRow)]
pub struct AnnotationRow {
    pub id: String,
    pub canonical: Option<String>,
    pub via: String,
    pub article: String,
    pub creator: String,
    pub editorial: bool,
    pub motivation: String,
    pub body: Option<String>,
    pub entity: Option<String>,
    pub tags: String,
    pub visibility: String,
    pub hidden: bool,
    pub reply_to: Option<String>,
    pub exact: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub pos_start: Option<i64>,
    pub pos_end: Option<i64>,
    pub created: String,
    pub modified: String,
    pub group_id: Option<String>,
}

/// The annotation columns in `AnnotationRow` order, as a literal for `concat!`. Selects pass
/// the expressions that read tags and `via` as text (PostgreSQL stores them as JSONB).
macro_rules! annotation_columns {
    () => {
        annotation_columns!("via", "tags")
    };
    ($via:literal, $tags:literal) => {
        concat!(
            "id, canonical, ",
            $via,
            ", article, creator, editorial, motivation, body, entity, ",
            $tags,
            ", visibility, hidden, reply_to, exact, prefix, suffix, pos_start, pos_end, created, ",
            "modified, group_id"
        )
    };
}
pub(crate) use annotation_columns;

impl AnnotationRow {
    pub fn into_annotation(self) -> Result<Annotation, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("annotation {}: {what}", self.id));
        let target = match (&self.reply_to, &self.exact, self.pos_start, self.pos_end) {
            (Some(parent), _, _, _) => Target::Reply(parent.clone()),
            (None, Some(exact), Some(start), Some(end)) => Target::Text(TextTarget {
                quote: TextQuote {
                    exact: exact.clone(),
                    prefix: self.prefix.clone().unwrap_or_default(),
                    suffix: self.suffix.clone().unwrap_or_default(),
                },
                position: TextPosition {
                    start: usize::try_from(start).map_err(|_| corrupt("negative start"))?,
                    end: usize::try_from(end).map_err(|_| corrupt("negative end"))?,
                },
            }),
            (None, Some(exact), None, None) if exact == PAGE_QUOTE => Target::Page,
            _ => return Err(corrupt("no target")),
        };
        Ok(Annotation {
            motivation: Motivation::parse(&self.motivation).ok_or_else(|| corrupt("motivation"))?,
            visibility: Visibility::parse(&self.visibility).ok_or_else(|| corrupt("visibility"))?,
            tags: serde_json::from_str(&self.tags).map_err(|_| corrupt("tags"))?,
            identities: Identities {
                canonical: self.canonical,
                via: serde_json::from_str(&self.via).map_err(|_| corrupt("via"))?,
            },
            created: parse_timestamp(&self.created).ok_or_else(|| corrupt("created"))?,
            modified: parse_timestamp(&self.modified).ok_or_else(|| corrupt("modified"))?,
            target,
            id: self.id,
            article: self.article,
            creator: self.creator,
            editorial: self.editorial,
            hidden: self.hidden,
            body: self.body,
            entity: self.entity,
            group: self.group_id,
        })
    }
}

pub fn to_annotations(rows: Vec<AnnotationRow>) -> Result<Vec<Annotation>, StoreError> {
    rows.into_iter()
        .map(AnnotationRow::into_annotation)
        .collect()
}

/// What a page note stores as its quote: the empty quote, which no passage has (a passage
/// quotes some words), with no position. A note is either a reply or quotes something, as the
/// table's check demands, so this marks the essay as a whole without rebuilding the table.
const PAGE_QUOTE: &str = "";

/// An annotation's columns as a write binds them, borrowed from it.
pub struct Written<'a> {
    pub id: &'a str,
    pub canonical: Option<&'a str>,
    /// JSON, as tags are.
    pub via: Json<&'a [String]>,
    pub article: &'a str,
    pub creator: &'a str,
    pub editorial: bool,
    pub motivation: &'static str,
    pub body: Option<&'a str>,
    pub entity: Option<&'a str>,
    /// JSON, which PostgreSQL stores as JSONB and SQLite as text.
    pub tags: Json<&'a [String]>,
    pub visibility: &'static str,
    pub hidden: bool,
    pub reply_to: Option<&'a str>,
    pub exact: Option<&'a str>,
    pub prefix: Option<&'a str>,
    pub suffix: Option<&'a str>,
    pub pos_start: Option<i64>,
    pub pos_end: Option<i64>,
    pub created: String,
    pub modified: String,
    pub group_id: Option<&'a str>,
}

impl Written<'_> {
    pub fn of(a: &Annotation) -> Written<'_> {
        let (reply_to, quote, position) = match &a.target {
            Target::Text(t) => (None, Some(&t.quote), Some(t.position)),
            Target::Reply(id) => (Some(id.as_str()), None, None),
            Target::Page => (None, None, None),
        };
        let exact = match &a.target {
            Target::Page => Some(PAGE_QUOTE),
            _ => quote.map(|q| q.exact.as_str()),
        };
        Written {
            id: &a.id,
            canonical: a.identities.canonical.as_deref(),
            via: Json(&a.identities.via),
            article: &a.article,
            creator: &a.creator,
            editorial: a.editorial,
            motivation: a.motivation.as_str(),
            body: a.body.as_deref(),
            entity: a.entity.as_deref(),
            tags: Json(&a.tags),
            visibility: a.visibility.as_str(),
            hidden: a.hidden,
            reply_to,
            exact,
            prefix: quote.map(|q| q.prefix.as_str()),
            suffix: quote.map(|q| q.suffix.as_str()),
            pos_start: position.map(|p| p.start as i64),
            pos_end: position.map(|p| p.end as i64),
            created: timestamp(a.created),
            modified: timestamp(a.modified),
            group_id: a.group.as_deref(),
        }
    }
}

/// The change feed from what one snapshot holds after a revision: the essay's revision then,
/// the rows written since (oldest first) and the ids of the tombstones laid since.
pub fn changes(
    revision: i64,
    written: Vec<AnnotationRow>,
    deleted: Vec<String>,
) -> Result<Changes, StoreError> {
    let written = to_annotations(written)?;
    // Deleted and then written again (as an import may): the row is the newer word.
    let rewritten: HashSet<&str> = written.iter().map(|a| a.id.as_str()).collect();
    let deleted = deleted
        .into_iter()
        .filter(|id| !rewritten.contains(id.as_str()))
        .collect();
    Ok(Changes {
        revision,
        written,
        deleted,
    })
}

/// The writes that make the stored editorial notes of an essay exactly `notes`.
#[derive(Debug, Default)]
pub struct SyncPlan<'a> {
    pub insert: Vec<&'a Annotation>,
    /// Changed in content; the stored creation time is kept.
    pub update: Vec<&'a Annotation>,
    pub delete: Vec<String>,
    pub report: SyncReport,
}

pub fn plan_sync(existing: Vec<Annotation>, notes: &[Annotation]) -> SyncPlan<'_> {
    let mut existing: HashMap<String, Annotation> =
        existing.into_iter().map(|a| (a.id.clone(), a)).collect();
    let mut plan = SyncPlan::default();
    for note in notes {
        match existing.remove(&note.id) {
            None => plan.insert.push(note),
            // Timestamps differ on every start, so only what the editors wrote counts.
            Some(old) if old.same_content(note) => plan.report.unchanged += 1,
            Some(_) => plan.update.push(note),
        }
    }
    plan.delete = existing.into_keys().collect();
    plan.report.inserted = plan.insert.len();
    plan.report.updated = plan.update.len();
    plan.report.deleted = plan.delete.len();
    plan
}

/// Turns a UNIQUE or PRIMARY KEY violation into `Conflict` over `what`.
pub fn conflict(err: sqlx::Error, what: impl FnOnce() -> String) -> StoreError {
    if err
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
    {
        StoreError::Conflict(what())
    } else {
        err.into()
    }
}

/// A LIKE pattern matching `word` anywhere, with `\` as the escape character.
pub fn contains_pattern(word: &str) -> String {
    let escaped = word
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// RFC 3339 in UTC with all nine fraction digits, so stored times sort as text.
const STORED_TIME: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:9]Z");

pub fn timestamp(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(STORED_TIME)
        .expect("any OffsetDateTime formats")
}

pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

#[derive(Debug, sqlx::FromRow)]
pub struct UserRow {
    pub username: String,
    pub password_hash: String,
    pub role: String,
}

impl UserRow {
    pub fn into_user(self) -> Result<User, StoreError> {
        let role = match self.role.as_str() {
            "reader" => Role::Reader,
            "editor" => Role::Editor,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "user {}: role {other:?}",
                    self.username
                )));
            }
        };
        Ok(User {
            username: self.username,
            role,
            password_hash: self.password_hash,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct ShareRow {
    pub code: String,
    pub article: String,
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    pub pos_start: i64,
    pub pos_end: i64,
    pub created: String,
}

impl ShareRow {
    pub fn into_share(self) -> Result<Share, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("share {}: {what}", self.code));
        Ok(Share {
            target: TextTarget {
                quote: TextQuote {
                    exact: self.exact.clone(),
                    prefix: self.prefix.clone(),
                    suffix: self.suffix.clone(),
                },
                position: TextPosition {
                    start: usize::try_from(self.pos_start).map_err(|_| corrupt("start"))?,
                    end: usize::try_from(self.pos_end).map_err(|_| corrupt("end"))?,
                },
            },
            created: parse_timestamp(&self.created).ok_or_else(|| corrupt("created"))?,
            code: self.code,
            article: self.article,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub creator: String,
    pub invite: String,
    pub created: String,
}

impl GroupRow {
    pub fn into_group(self) -> Result<Group, StoreError> {
        let created = parse_timestamp(&self.created)
            .ok_or_else(|| StoreError::Corrupt(format!("group {}: created", self.id)))?;
        Ok(Group {
            id: self.id,
            name: self.name,
            description: self.description,
            creator: self.creator,
            invite: self.invite,
            created,
        })
    }
}
