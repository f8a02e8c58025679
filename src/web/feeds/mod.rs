//! Atom feeds of public notes: an essay's (`/feeds/articles/{slug}.atom`), a reader's
//! (`/feeds/users/{name}.atom`) and a tag's (`/feeds/tags/{tag}.atom`), the newest first.

mod atom;
mod entries;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use time::{Date, OffsetDateTime};

use super::AppState;
use super::plumbing::conditional;
use crate::annotation::EDITORS;
use crate::error::AppError;
use crate::store::NotesOf;
use atom::{Feed, MEDIA_TYPE, date_time};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/feeds/articles/{file}", get(article_feed))
        .route("/feeds/users/{file}", get(user_feed))
        .route("/feeds/tags/{file}", get(tag_feed))
}

/// As many as a feed reader looks at; older notes are on the pages.
const ENTRIES: usize = 50;

/// A name as one segment of a path or one value of a query: everything but the unreserved
/// characters escaped, `/` and `&` included.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn component(name: &str) -> impl std::fmt::Display {
    utf8_percent_encode(name, COMPONENT)
}

/// Where the feed of an essay's public notes is.
pub fn article_feed_path(slug: &str) -> String {
    format!("/feeds/articles/{}.atom", component(slug))
}

/// Where the feed of a tag's public notes is.
pub fn tag_feed_path(tag: &str) -> String {
    format!("/feeds/tags/{}.atom", component(tag))
}

/// Where the feed of a reader's public notes is.
pub fn user_feed_path(name: &str) -> String {
    format!("/feeds/users/{}.atom", component(name))
}

/// What a feed follows, apart from its notes.
struct Subject {
    path: String,
    title: String,
    /// The page that shows the same notes.
    alternate: String,
    /// The feed's date while it has no entry.
    quiet_since: OffsetDateTime,
}

async fn article_feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request: HeaderMap,
) -> Result<Response, AppError> {
    let slug = atom_name(&file)?;
    let library = state.library();
    let article = library.article(slug).ok_or_else(AppError::not_found)?;
    let subject = Subject {
        path: article_feed_path(slug),
        title: format!("Notes on “{}”", article.meta.title),
        alternate: article.url_path(),
        quiet_since: midnight(article.meta.date),
    };
    answer(
        &state,
        subject,
        NotesOf::Article(slug.to_string()),
        &request,
    )
    .await
}

async fn user_feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request: HeaderMap,
) -> Result<Response, AppError> {
    let name = atom_name(&file)?;
    // The editors' notes come from files, not an account, yet have a creator IRI like anyone's.
    let name = if name == EDITORS {
        name.to_string()
    } else {
        let user = state.store.user(name).await?;
        user.ok_or_else(AppError::not_found)?.username
    };
    let subject = Subject {
        path: user_feed_path(&name),
        title: format!("Notes by {name}"),
        alternate: format!("/users/{}", component(&name)),
        quiet_since: newest_essay(&state),
    };
    answer(&state, subject, NotesOf::Creator(name), &request).await
}

async fn tag_feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request: HeaderMap,
) -> Result<Response, AppError> {
    let tag = atom_name(&file)?;
    let subject = Subject {
        path: tag_feed_path(tag),
        title: format!("Notes tagged “{tag}”"),
        alternate: format!("/search?tag={}", component(tag)),
        quiet_since: newest_essay(&state),
    };
    answer(&state, subject, NotesOf::Tag(tag.to_string()), &request).await
}

/// The name a feed's file is for: `{name}.atom`.
fn atom_name(file: &str) -> Result<&str, AppError> {
    file.strip_suffix(".atom")
        .filter(|name| !name.is_empty())
        .ok_or_else(AppError::not_found)
}

fn midnight(date: Date) -> OffsetDateTime {
    date.midnight().assume_utc()
}

/// The date of the newest essay: for a feed with no entries, a date that stays put.
fn newest_essay(state: &AppState) -> OffsetDateTime {
    state
        .library()
        .articles()
        .iter()
        .map(|article| midnight(article.meta.date))
        .max()
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

async fn answer(
    state: &AppState,
    subject: Subject,
    of: NotesOf,
    request: &HeaderMap,
) -> Result<Response, AppError> {
    let notes = state.store.public_notes(&of, ENTRIES).await?;
    let updated = notes
        .iter()
        .map(|note| note.modified)
        .max()
        .unwrap_or(subject.quiet_since);
    let base = &state.config.public_url;
    let feed = Feed {
        id: format!("{base}{}", subject.path),
        title: format!("{} · Gloss", subject.title),
        alternate: format!("{base}{}", subject.alternate),
        updated: date_time(updated),
        entries: entries::entries(state, &notes).await?,
    };
    Ok(respond(request, atom::write(&feed)?))
}

/// The feed, or 304 when the reader already holds these bytes.
fn respond(request: &HeaderMap, xml: String) -> Response {
    let etag = conditional::etag_of(xml.as_bytes());
    let fresh = conditional::none_match(request, &etag);
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::ETAG, etag);
    if fresh {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    (headers, xml).into_response()
}
