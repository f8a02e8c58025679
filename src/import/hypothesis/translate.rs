//! One Hypothesis annotation as a Gloss one: anchored in the essay by its quote, or kept as an
//! orphan; a reply under its note; a note on the essay as a whole when it has no passage.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::shape::{Row, Selector};
use crate::anchor;
use crate::annotation::jsonld::{MAX_BODY_CHARS, MAX_QUOTE_CHARS, MAX_TAG_CHARS, MAX_TAGS};
use crate::annotation::{
    Annotation, Identities, Motivation, Target, TextPosition, TextQuote, TextTarget, Visibility,
};
use crate::document::PlainText;
use crate::import::Skip;

/// Where a note landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    Anchored,
    Orphaned,
    Page,
    Reply,
}

/// The Gloss id of a Hypothesis note: its own id, marked as Hypothesis's so it cannot meet a
/// Gloss id, and the same at every import, which makes importing again add nothing.
pub fn gloss_id(hypothesis_id: &str) -> String {
    format!("hypothesis-{hypothesis_id}")
}

/// The Gloss account of a Hypothesis user, `acct:NAME@AUTHORITY`: `NAME@AUTHORITY`, a name
/// Gloss's sign-up refuses (it has an `@`), so no reader can take an author's name first.
pub fn account(user: &str) -> Option<String> {
    let acct = user.strip_prefix("acct:")?;
    let (name, authority) = acct.split_once('@')?;
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    let authority_ok = !authority.is_empty()
        && authority
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
    (name_ok && authority_ok).then(|| acct.to_string())
}

/// `row` as a note on the essay `article`, whose plain text is `text`.
pub fn translate(row: &Row, article: &str, text: &PlainText) -> Result<(Annotation, Placed), Skip> {
    if row.hidden {
        return Err(Skip::Hidden);
    }
    let creator = account(&row.user).ok_or_else(|| {
        Skip::Unreadable(format!("the user {:?} is not acct:NAME@HOST", row.user))
    })?;
    let body = row
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    if body
        .as_ref()
        .is_some_and(|b| b.chars().count() > MAX_BODY_CHARS)
    {
        return Err(Skip::TooLong);
    }
    let (motivation, target, placed) = match row.references.last() {
        Some(parent) if body.is_some() => (
            Motivation::Replying,
            Target::Reply(gloss_id(parent)),
            Placed::Reply,
        ),
        Some(_) => return Err(Skip::Empty),
        None => {
            let (target, placed) = place(row.selectors(), text, body.is_some())?;
            let motivation = match (&target, &body) {
                (Target::Text(_), None) => Motivation::Highlighting,
                _ => Motivation::Commenting,
            };
            (motivation, target, placed)
        }
    };
    Ok((
        Annotation {
            id: gloss_id(&row.id),
            identities: Identities::default(),
            article: article.to_string(),
            creator,
            editorial: false,
            motivation,
            body,
            entity: None,
            tags: tags(row.tags.as_deref().unwrap_or_default()),
            visibility: if row.is_public() {
                Visibility::Public
            } else {
                Visibility::Private
            },
            target,
            // Notes Hypothesis's moderators hid are skipped, not brought in hidden.
            hidden: false,
            // A Hypothesis group is not a Gloss one: its notes come in private to their author.
            group: None,
            created: time(&row.created, "created")?,
            modified: time(&row.updated, "updated")?,
        },
        placed,
    ))
}

/// The passage the selectors name, found in the essay by the quote (the position counts
/// another page's text, so it only breaks ties); the essay as a whole when there are none.
fn place(
    selectors: &[Selector],
    text: &PlainText,
    has_body: bool,
) -> Result<(Target, Placed), Skip> {
    if selectors.is_empty() {
        return if has_body {
            Ok((Target::Page, Placed::Page))
        } else {
            Err(Skip::Empty)
        };
    }
    let quote = selectors
        .iter()
        .find_map(|s| match s {
            Selector::TextQuote {
                exact,
                prefix,
                suffix,
            } => Some(TextQuote {
                exact: exact.clone(),
                prefix: prefix.clone(),
                suffix: suffix.clone(),
            }),
            _ => None,
        })
        .filter(|q| !q.exact.trim().is_empty())
        .ok_or(Skip::NoQuote)?;
    if quote.exact.chars().count() > MAX_QUOTE_CHARS {
        return Err(Skip::TooLong);
    }
    let position = selectors
        .iter()
        .find_map(|s| match s {
            Selector::TextPosition { start, end } => Some(TextPosition {
                start: *start,
                end: *end,
            }),
            _ => None,
        })
        .unwrap_or_default();
    let theirs = TextTarget { quote, position };
    Ok(match anchor::anchor(text, &theirs) {
        Some(found) => (
            Target::Text(anchor::describe(text, found.range)),
            Placed::Anchored,
        ),
        None => (Target::Text(theirs), Placed::Orphaned),
    })
}

/// The tags Gloss can keep, in their order, each once.
fn tags(theirs: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for tag in theirs.iter().map(|t| t.trim()) {
        let fits = !tag.is_empty()
            && tag.chars().count() <= MAX_TAG_CHARS
            && !tag.chars().any(char::is_control);
        if fits && !kept.iter().any(|k| k == tag) && kept.len() < MAX_TAGS {
            kept.push(tag.to_string());
        }
    }
    kept
}

fn time(value: &str, field: &str) -> Result<OffsetDateTime, Skip> {
    OffsetDateTime::parse(value, &Rfc3339)
        .map_err(|_| Skip::Unreadable(format!("{field} {value:?} is not an RFC 3339 time")))
}
