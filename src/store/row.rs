//! Annotations to and from table rows, the same on every backend.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Role, Share, StoreError, User};
use crate::annotation::{
    Annotation, Motivation, Target, TextPosition, TextQuote, TextTarget, Visibility,
};

#[derive(Debug, sqlx::FromRow)]
pub struct AnnotationRow {
    pub id: String,
    pub article: String,
    pub creator: String,
    pub editorial: bool,
    pub motivation: String,
    pub body: Option<String>,
    pub entity: Option<String>,
    pub tags: String,
    pub visibility: String,
    pub reply_to: Option<String>,
    pub exact: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub pos_start: Option<i64>,
    pub pos_end: Option<i64>,
    pub created: String,
    pub modified: String,
}

/// The annotation columns in `AnnotationRow` order, as a literal for `concat!`.
macro_rules! annotation_columns {
    () => {
        "id, article, creator, editorial, motivation, body, entity, tags, visibility, reply_to, \
         exact, prefix, suffix, pos_start, pos_end, created, modified"
    };
}
pub(crate) use annotation_columns;

impl AnnotationRow {
    pub fn from_annotation(a: &Annotation) -> AnnotationRow {
        let (reply_to, quote, position) = match &a.target {
            Target::Text(t) => (None, Some(t.quote.clone()), Some(t.position)),
            Target::Reply(id) => (Some(id.clone()), None, None),
        };
        AnnotationRow {
            id: a.id.clone(),
            article: a.article.clone(),
            creator: a.creator.clone(),
            editorial: a.editorial,
            motivation: a.motivation.as_str().to_string(),
            body: a.body.clone(),
            entity: a.entity.clone(),
            tags: serde_json::to_string(&a.tags).expect("a list of strings serializes"),
            visibility: a.visibility.as_str().to_string(),
            reply_to,
            exact: quote.as_ref().map(|q| q.exact.clone()),
            prefix: quote.as_ref().map(|q| q.prefix.clone()),
            suffix: quote.map(|q| q.suffix),
            pos_start: position.map(|p| p.start as i64),
            pos_end: position.map(|p| p.end as i64),
            created: timestamp(a.created),
            modified: timestamp(a.modified),
        }
    }

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
            _ => return Err(corrupt("no target")),
        };
        Ok(Annotation {
            motivation: Motivation::parse(&self.motivation).ok_or_else(|| corrupt("motivation"))?,
            visibility: Visibility::parse(&self.visibility).ok_or_else(|| corrupt("visibility"))?,
            tags: serde_json::from_str(&self.tags).map_err(|_| corrupt("tags"))?,
            created: parse_timestamp(&self.created).ok_or_else(|| corrupt("created"))?,
            modified: parse_timestamp(&self.modified).ok_or_else(|| corrupt("modified"))?,
            target,
            id: self.id,
            article: self.article,
            creator: self.creator,
            editorial: self.editorial,
            body: self.body,
            entity: self.entity,
        })
    }
}

pub fn timestamp(t: OffsetDateTime) -> String {
    t.format(&Rfc3339)
        .expect("any OffsetDateTime formats as RFC 3339")
}

fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
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
