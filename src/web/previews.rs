//! Link-preview pictures, for the `og:image` of a shared passage and of a note:
//! `/s/{code}/preview.png` and `/annotations/{id}/preview.png`. Each is drawn once for what it
//! shows and kept in memory by that content's tag, which is also its ETag. A note that a
//! signed-out reader may not see (private, hidden by the moderators, or under a hidden note)
//! has no picture (404, as the note is to them): link previews are fetched signed out, and
//! pictures may sit in shared caches.

use std::collections::{HashMap, VecDeque};
use std::sync::{LazyLock, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use super::annotations::access::visible;
use super::plumbing::auth::Viewer;
use super::plumbing::conditional::none_match;
use crate::annotation::{Annotation, Target};
use crate::error::AppError;
use crate::library::Article;
use crate::preview::{self, Card};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{code}/preview.png", get(share_picture))
        .route("/annotations/{id}/preview.png", get(annotation_picture))
}

/// The picture of a shared passage, absolute.
pub fn share_picture_url(public_url: &str, code: &str) -> String {
    format!("{public_url}/s/{code}/preview.png")
}

/// The picture of a note, absolute.
pub fn annotation_picture_url(public_url: &str, id: &str) -> String {
    format!("{public_url}/annotations/{id}/preview.png")
}

async fn share_picture(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let unknown = || AppError::NotFound(format!("There is no share link {code}."));
    let share = state.store.share(&code).await?.ok_or_else(unknown)?;
    let library = state.library();
    let article = library.article(&share.article).ok_or_else(unknown)?;
    let card = Card {
        quote: Some(share.target.quote.exact),
        note: None,
        ..essay_card(article)
    };
    respond(&headers, card).await
}

async fn annotation_picture(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let note = visible(&state, &Viewer::default(), &id).await?;
    let library = state.library();
    let article = library
        .article(&note.article)
        .ok_or_else(|| AppError::NotFound(format!("There is no annotation {id}.")))?;
    let public = |a: Option<Annotation>| a.filter(|a| a.is_public() && !a.is_placeholder());
    // A reply shows the passage of the note it answers, when that is public too.
    let quote = match &note.target {
        Target::Text(passage) => Some(passage.quote.exact.clone()),
        Target::Reply(parent) => public(state.store.annotation(parent).await?)
            .map(|p| p.target.quote().to_string())
            .filter(|q| !q.is_empty()),
        Target::Page => None,
    };
    let said = note
        .body
        .as_deref()
        .map(|body| (note.creator.clone(), preview::plain_words(body)));
    let card = Card {
        quote,
        note: said,
        ..essay_card(article)
    };
    respond(&headers, card).await
}

/// The card of an essay alone: its title and byline.
fn essay_card(article: &Article) -> Card {
    let meta = &article.meta;
    let byline = match &meta.publication {
        Some(publication) => format!("{} · {publication}", meta.author),
        None => meta.author.clone(),
    };
    Card {
        quote: None,
        note: None,
        title: meta.title.clone(),
        byline,
    }
}

/// Long enough for a crawler to come back, short enough for an edited note to show soon.
const CACHE_CONTROL: &str = "public, max-age=600";

async fn respond(headers: &HeaderMap, card: Card) -> Result<Response, AppError> {
    let key = card.key();
    let etag = HeaderValue::from_str(&format!("\"{key}\""))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let cache = HeaderValue::from_static(CACHE_CONTROL);
    if none_match(headers, &etag) {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response());
    }
    let png = match kept(&key) {
        Some(png) => png,
        None => {
            // Tens of milliseconds of drawing: off the serving thread.
            let png = tokio::task::spawn_blocking(move || preview::png(&card))
                .await
                .map_err(|e| AppError::Internal(format!("drawing a preview: {e}")))?
                .map_err(|e| AppError::Internal(e.to_string()))?;
            keep(key, Bytes::from(png))
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache),
        ],
        png,
    )
        .into_response())
}

/// How many pictures are kept: the newest drawn, enough for what is being shared at a time.
const KEPT: usize = 64;

/// Pictures by their content's tag, and the order they were drawn in.
#[derive(Default)]
struct Pictures {
    by_key: HashMap<String, Bytes>,
    drawn: VecDeque<String>,
}

/// The same content makes the same picture whatever app asks, so one store serves the process.
static PICTURES: LazyLock<Mutex<Pictures>> = LazyLock::new(Mutex::default);

fn kept(key: &str) -> Option<Bytes> {
    let pictures = PICTURES.lock().unwrap_or_else(|e| e.into_inner());
    pictures.by_key.get(key).cloned()
}

fn keep(key: String, png: Bytes) -> Bytes {
    let mut pictures = PICTURES.lock().unwrap_or_else(|e| e.into_inner());
    if pictures.by_key.insert(key.clone(), png.clone()).is_none() {
        pictures.drawn.push_back(key);
    }
    while pictures.drawn.len() > KEPT {
        if let Some(oldest) = pictures.drawn.pop_front() {
            pictures.by_key.remove(&oldest);
        }
    }
    png
}
