//! `/users/{name}`: the page a reader's creator IRI names, with their public notes.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

use super::AppState;
use super::annotations::resolve::passage_url;
use super::plumbing::auth::Viewer;
use super::plumbing::body::Params;
use super::plumbing::head::Head;
use crate::annotation::{EDITORS, Target};
use crate::error::AppError;
use crate::render::{format_date, note_html};
use crate::store::Query;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/users/{name}", get(user_page))
}

const PER_PAGE: usize = 50;

struct NoteItem {
    href: String,
    quote: String,
    reply: bool,
    body: Option<String>,
    date: String,
    essay: String,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    head: Head,
    username: String,
    total: usize,
    notes: Vec<NoteItem>,
    older: Option<usize>,
    newer: Option<usize>,
}

#[derive(Deserialize)]
pub struct PageParam {
    page: Option<usize>,
}

async fn user_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(name): Path<String>,
    Params(params): Params<PageParam>,
) -> Result<Html<String>, AppError> {
    let unknown = || AppError::NotFound(format!("There is no reader named {name}."));
    // The editors' notes name this page too, though no account writes them.
    let username = if name == EDITORS {
        EDITORS.to_string()
    } else {
        state.store.user(&name).await?.ok_or_else(unknown)?.username
    };
    let page_index = params.page.unwrap_or(0);
    let offset = page_index.checked_mul(PER_PAGE).ok_or_else(unknown)?;
    // Public notes alone, whoever is looking: the page is the reader's public face.
    let query = Query {
        creator: Some(username.clone()),
        offset,
        limit: PER_PAGE,
        ..Query::default()
    };
    let found = state.store.query(&query, None).await?;
    let notes = found
        .items
        .iter()
        .map(|a| NoteItem {
            href: passage_url(&state, a),
            quote: a.target.quote().to_owned(),
            reply: matches!(a.target, Target::Reply(_)),
            body: a.body.as_deref().map(note_html),
            date: format_date(a.created.date()),
            essay: state
                .library()
                .article(&a.article)
                .map_or_else(|| a.article.clone(), |x| x.meta.title.clone()),
        })
        .collect();
    let page = UserPage {
        head: Head::for_viewer(
            &username,
            &format!("The public notes of {username}."),
            &viewer,
        ),
        older: (offset + PER_PAGE < found.total).then_some(page_index + 1),
        newer: page_index.checked_sub(1),
        username,
        total: found.total,
        notes,
    };
    Ok(Html(page.render()?))
}
