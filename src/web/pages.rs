//! The reading pages: the list of essays, an essay with its notes, and the fragments of an
//! essay the page swaps in after a change.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::assets::Assets;
use super::auth::Viewer;
use super::body::Params;
use super::cached;
use super::revisions::Lookup;
use crate::annotation::Target;
use crate::app::AppState;
use crate::error::AppError;
use crate::library::Article;
use crate::render::{self, Footnote, Orphan, RenderedArticle, Viewing, format_date};
use crate::store::Share;

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
    preview: Preview,
    /// Said above the essay, e.g. that a shared passage is gone.
    notice: Option<String>,
    revision: i64,
}

/// What link previews (Open Graph, Twitter cards) show of the page.
struct Preview {
    /// The address the preview is of: the share link, the annotation, or the essay.
    url: String,
    canonical: String,
    description: String,
}

/// `?share=CODE` marks a shared passage; `?annotation=ID` opens an annotation's note;
/// `?notes=BLOCK` shows a paragraph with all its notes.
#[derive(Debug, Default, Deserialize)]
pub struct ReadingParams {
    share: Option<String>,
    annotation: Option<String>,
    notes: Option<String>,
}

impl ReadingParams {
    fn is_empty(&self) -> bool {
        self.share.is_none() && self.annotation.is_none() && self.notes.is_none()
    }
}

/// `?notes=BLOCK`, as the page passes it on when it fetches fragments.
#[derive(Debug, Default, Deserialize)]
pub struct FragmentParams {
    notes: Option<String>,
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
    Params(params): Params<ReadingParams>,
    viewer: Viewer,
    request: Request,
) -> Result<Response, AppError> {
    let article = find(&state, &slug)?;
    if viewer.user.is_some() || !params.is_empty() {
        let revision = state.store.revision(&slug).await?;
        // Boxed, here and below: the render's state is large, and kept inline it would make
        // every cached view copy it.
        let html = Box::pin(render_page(&state, article, &viewer, &params, revision)).await?;
        let cache = if viewer.user.is_some() {
            "private, no-cache"
        } else {
            "no-cache"
        };
        return Ok(cached::respond_once(request.headers(), html, cache));
    }
    let revision = match state.revisions.lookup(&slug) {
        Lookup::Trusted(revision) => revision,
        Lookup::Ask(asking) => {
            let revision = state.store.revision(&slug).await?;
            asking.answered(revision);
            revision
        }
    };
    let render = Box::pin(render_page(&state, article, &viewer, &params, revision));
    let page = state.pages.get_or_render(&slug, revision, render).await?;
    Ok(page.respond(request.headers(), "no-cache"))
}

/// The essay as `viewer` sees it: the public notes, and their own private ones.
async fn render_for(
    state: &AppState,
    article: &Article,
    viewer: &Viewer,
    share: Option<&Share>,
    focus: Option<&str>,
    expanded: Option<&str>,
) -> Result<RenderedArticle, AppError> {
    let annotations = state
        .store
        .annotations_for(&article.slug, viewer.username())
        .await?;
    let viewing = Viewing {
        annotations: &annotations,
        viewer: viewer.username(),
        editor: viewer.is_editor(),
        share: share.map(|s| (s.code.as_str(), &s.target)),
        focus,
        expanded,
    };
    Ok(render::article(article, state.library.entities(), &viewing))
}

/// The whole reading page; `revision` is the essay's revision the page shows, so its live
/// stream can catch up on anything written after.
async fn render_page(
    state: &AppState,
    article: &Article,
    viewer: &Viewer,
    params: &ReadingParams,
    revision: i64,
) -> Result<String, AppError> {
    let base = &state.config.public_url;
    let canonical = format!("{base}{}", article.url_path());
    let mut preview = Preview {
        url: canonical.clone(),
        canonical,
        description: article.meta.summary.clone(),
    };
    let share = match &params.share {
        Some(code) => state
            .store
            .share(code)
            .await?
            .filter(|s| s.article == article.slug),
        None => None,
    };
    if let Some(share) = &share {
        preview.url = format!("{base}/s/{}", share.code);
        preview.description = format!("“{}”", clip(&share.target.quote.exact));
    }
    let focus = match &params.annotation {
        Some(id) => state
            .store
            .annotation(id)
            .await?
            .filter(|a| a.article == article.slug && a.visible_to(viewer.username())),
        None => None,
    };
    if let Some(a) = &focus {
        preview.url = format!("{base}/annotations/{}", a.id);
        let quote = match &a.target {
            Target::Text(t) => format!("“{}” ", clip(&t.quote.exact)),
            Target::Reply(_) => String::new(),
        };
        let note = a.body.as_deref().map(clip).unwrap_or_default();
        preview.description = format!("{quote}{}: {note}", a.creator);
    }
    let focus_id = focus.as_ref().map(|a| a.id.as_str());
    let expanded = params.notes.as_deref();
    let rendered = render_for(state, article, viewer, share.as_ref(), focus_id, expanded).await?;
    let notice = match (&params.share, &share, &rendered.share) {
        (Some(_), None, _) => Some("This share link is not known here.".to_string()),
        (_, Some(s), None) => Some(format!(
            "The passage this link pointed to is no longer in the essay: “{}”",
            clip(&s.target.quote.exact)
        )),
        _ => None,
    };
    let page = ArticlePage {
        head: Head::for_viewer(&article.meta.title, &preview.description, viewer),
        article,
        date: format_date(article.meta.date),
        body: rendered.html(),
        footnotes: rendered.footnotes,
        orphans: rendered.orphans,
        preview,
        notice,
        revision,
    };
    Ok(page.render()?)
}

/// At most 200 characters, for previews and notices.
fn clip(text: &str) -> String {
    let mut clipped: String = text.chars().take(200).collect();
    if clipped.len() < text.len() {
        clipped.push('…');
    }
    clipped
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
    Params(params): Params<FragmentParams>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let article = find(&state, &slug)?;
    let expanded = params.notes.as_deref();
    let rendered = render_for(&state, article, &viewer, None, None, expanded).await?;
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
