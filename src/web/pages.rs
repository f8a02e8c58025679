//! The reading pages: the list of essays, an essay with its notes, and the fragments of an
//! essay the page swaps in after a change.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use super::assets::Assets;
use super::auth::Viewer;
use crate::app::AppState;
use crate::error::AppError;
use crate::library::Article;
use crate::render::{self, Footnote, Orphan, RenderedArticle, Viewing, format_date};

/// What every page's `<head>` and header need.
pub struct Head {
    pub title: String,
    pub description: String,
    pub assets: &'static Assets,
    /// The signed-in user's name.
    pub user: Option<String>,
    /// The session's CSRF token, for the log-out form and scripts.
    pub csrf: Option<String>,
}

impl Head {
    pub fn new(title: &str, description: &str) -> Head {
        Head {
            title: title.to_string(),
            description: description.to_string(),
            assets: Assets::get(),
            user: None,
            csrf: None,
        }
    }

    pub fn for_viewer(title: &str, description: &str, viewer: &Viewer) -> Head {
        Head {
            user: viewer.username().map(str::to_string),
            csrf: viewer.csrf.clone(),
            ..Head::new(title, description)
        }
    }
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage<'a> {
    head: Head,
    articles: Vec<ArticleCard<'a>>,
}

struct ArticleCard<'a> {
    article: &'a Article,
    date: String,
}

pub async fn index(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Html<String>, AppError> {
    let page = IndexPage {
        head: Head::for_viewer(
            "Gloss",
            "Essays with notes on the people and events they name.",
            &viewer,
        ),
        articles: state
            .library
            .articles()
            .iter()
            .map(|a| ArticleCard {
                article: a,
                date: format_date(a.meta.date),
            })
            .collect(),
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage<'a> {
    head: Head,
    article: &'a Article,
    date: String,
    body: String,
    footnotes: Vec<Footnote>,
    orphans: Vec<Orphan>,
}

fn find<'a>(state: &'a AppState, slug: &str) -> Result<&'a Article, AppError> {
    state
        .library
        .article(slug)
        .map(|a| a.as_ref())
        .ok_or_else(|| AppError::NotFound(format!("There is no essay called “{slug}”.")))
}

pub async fn article(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let article = find(&state, &slug)?;
    let html = if viewer.user.is_some() {
        Bytes::from(render_page(&state, article, &viewer).await?)
    } else {
        let revision = state.store.revision(&slug).await?;
        match state.pages.get(&slug, revision) {
            Some(html) => html,
            None => {
                let html = Bytes::from(render_page(&state, article, &viewer).await?);
                state.pages.put(&slug, revision, html.clone());
                html
            }
        }
    };
    let cache = if viewer.user.is_some() {
        "private, no-cache"
    } else {
        "no-cache"
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, cache),
        ],
        html,
    )
        .into_response())
}

/// The essay as `viewer` sees it: the public notes, and their own private ones.
async fn render_for(
    state: &AppState,
    article: &Article,
    viewer: &Viewer,
) -> Result<RenderedArticle, AppError> {
    let annotations = state
        .store
        .annotations_for(&article.slug, viewer.username())
        .await?;
    let viewing = Viewing {
        annotations: &annotations,
        viewer: viewer.username(),
        editor: viewer.is_editor(),
    };
    Ok(render::article(article, state.library.entities(), &viewing))
}

async fn render_page(
    state: &AppState,
    article: &Article,
    viewer: &Viewer,
) -> Result<String, AppError> {
    let rendered = render_for(state, article, viewer).await?;
    let page = ArticlePage {
        head: Head::for_viewer(&article.meta.title, &article.meta.summary, viewer),
        article,
        date: format_date(article.meta.date),
        body: rendered.html(),
        footnotes: rendered.footnotes,
        orphans: rendered.orphans,
    };
    Ok(page.render()?)
}

#[derive(Template)]
#[template(path = "article_extras.html")]
struct Extras {
    footnotes: Vec<Footnote>,
    orphans: Vec<Orphan>,
}

/// Every block of the essay as the viewer sees it now, for the page to swap in what changed.
pub async fn fragments(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let article = find(&state, &slug)?;
    let rendered = render_for(&state, article, &viewer).await?;
    let blocks: Vec<_> = rendered
        .blocks
        .iter()
        .map(|b| json!({"id": b.id, "v": b.version, "html": b.html}))
        .collect();
    let extras = Extras {
        footnotes: rendered.footnotes,
        orphans: rendered.orphans,
    }
    .render()?;
    let (orphans, footnotes) = extras
        .split_once("<!-- footnotes -->")
        .unwrap_or((extras.as_str(), ""));
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({"blocks": blocks, "orphans": orphans.trim(), "footnotes": footnotes.trim()})),
    )
        .into_response())
}

pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ok".into_response(),
        Err(err) => {
            tracing::error!(error = %err, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unreachable",
            )
                .into_response()
        }
    }
}

pub async fn not_found() -> AppError {
    AppError::not_found()
}
