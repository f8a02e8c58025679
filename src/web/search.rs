//! `/search`: full text over the annotations the viewer may see, by words, tag and user.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

use super::AppState;
use super::feeds;
use super::plumbing::auth::Viewer;
use super::plumbing::body::Params;
use super::plumbing::head::Head;
use crate::error::AppError;
use crate::render::{format_date, note_html};
use crate::store;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/search", get(search))
}

const RESULTS: usize = 50;
/// Every word is one more condition in the query; a real search needs few.
const MAX_WORDS: usize = 20;

/// The words to search for, if any; too many is a bad request.
pub fn search_words(q: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
        return Ok(None);
    };
    if q.split_whitespace().count() > MAX_WORDS {
        return Err(AppError::BadRequest(format!(
            "Search for at most {MAX_WORDS} words at once."
        )));
    }
    Ok(Some(q.to_string()))
}

#[derive(Debug, Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    user: String,
}

struct Hit {
    href: String,
    quote: String,
    body: Option<String>,
    creator: String,
    date: String,
    tags: Vec<String>,
    essay: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    head: Head,
    q: String,
    tag: String,
    user: String,
    searched: bool,
    total: usize,
    hits: Vec<Hit>,
    /// The feed of the tag searched for, if one is.
    tag_feed: Option<String>,
}

async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(params): Params<SearchParams>,
) -> Result<Html<String>, AppError> {
    let nonempty = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let query = store::Query {
        article: None,
        text: search_words(Some(&params.q))?,
        tag: nonempty(&params.tag),
        creator: nonempty(&params.user),
        group: None,
        offset: 0,
        limit: RESULTS,
    };
    let searched = query.text.is_some() || query.tag.is_some() || query.creator.is_some();
    let page = if searched {
        state.store.query(&query, viewer.username()).await?
    } else {
        store::Page::default()
    };
    let hits = page
        .items
        .iter()
        .map(|a| Hit {
            href: format!("/annotations/{}", a.id),
            quote: a.target.quote().to_owned(),
            body: a.body.as_deref().map(note_html),
            creator: a.creator.clone(),
            date: format_date(a.created.date()),
            tags: a.tags.clone(),
            essay: state
                .library()
                .article(&a.article)
                .map_or_else(|| a.article.clone(), |x| x.meta.title.clone()),
        })
        .collect();
    let tag_feed = query.tag.as_deref().map(feeds::tag_feed_path);
    let page = SearchPage {
        head: Head::for_viewer("Search", "Search the notes and highlights.", &viewer),
        q: params.q,
        tag: params.tag,
        user: params.user,
        searched,
        total: page.total,
        hits,
        tag_feed,
    };
    Ok(Html(page.render()?))
}
