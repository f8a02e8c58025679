//! The reading pages: the list of essays and an essay with its notes.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use super::assets::Assets;
use crate::anchor;
use crate::app::AppState;
use crate::error::AppError;
use crate::library::Article;
use crate::render::{self, Footnote, format_date};

/// What every page's `<head>` needs.
pub struct Head {
    pub title: String,
    pub description: String,
    pub assets: &'static Assets,
}

impl Head {
    pub fn new(title: &str, description: &str) -> Head {
        Head {
            title: title.to_string(),
            description: description.to_string(),
            assets: Assets::get(),
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

pub async fn index(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let page = IndexPage {
        head: Head::new(
            "Gloss",
            "Essays with notes on the people and events they name.",
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
}

pub async fn article(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let article = state
        .library
        .article(&slug)
        .ok_or_else(|| AppError::NotFound(format!("There is no essay called “{slug}”.")))?;
    let revision = state.store.revision(&slug).await?;
    let html = match state.pages.get(&slug, revision) {
        Some(html) => html,
        None => {
            let html = Bytes::from(render_article_page(&state, article).await?);
            state.pages.put(&slug, revision, html.clone());
            html
        }
    };
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

async fn render_article_page(state: &AppState, article: &Article) -> Result<String, AppError> {
    let annotations = state.store.annotations_for(&article.slug, None).await?;
    let placement = anchor::place(&article.document.text, &annotations);
    let rendered = render::article(article, state.library.entities(), &placement.placed);
    let page = ArticlePage {
        head: Head::new(&article.meta.title, &article.meta.summary),
        article,
        date: format_date(article.meta.date),
        body: rendered.html,
        footnotes: rendered.footnotes,
    };
    Ok(page.render()?)
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
    AppError::NotFound("There is no page at this address.".to_string())
}
