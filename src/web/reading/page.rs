//! The reading pages: the list of essays, an essay with its notes, and the fragments of an
//! essay the page swaps in after a change.

use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::essays::{Drawn, Essay, Snapshot};
use super::frame::{self, Preview};
use super::layers;
use crate::anchor;
use crate::annotated::View;
use crate::annotation::Target;
use crate::error::AppError;
use crate::library::Article;
use crate::render::{Show, format_date};
use crate::web::AppState;
use crate::web::openapi::params::Slug;
use crate::web::openapi::problems::{BadQuery, InvalidToken, PROBLEM, Problem};
use crate::web::plumbing::auth::Viewer;
use crate::web::plumbing::body::Params;
use crate::web::plumbing::cached::{self, Made};
use crate::web::plumbing::head::Head;
use crate::web::plumbing::revisions::Lookup;
use crate::web::plumbing::written;

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

/// `?share=CODE` marks a shared passage; `?annotation=ID` opens an annotation's note;
/// `?notes=BLOCK` shows a paragraph with all its notes; `?show=LAYER` chooses which notes the
/// page shows, and is remembered.
#[derive(Debug, Default, Deserialize)]
pub struct ReadingParams {
    share: Option<String>,
    annotation: Option<String>,
    notes: Option<String>,
    show: Option<Show>,
}

impl ReadingParams {
    fn is_empty(&self) -> bool {
        self.share.is_none() && self.annotation.is_none() && self.notes.is_none()
    }
}

/// `?notes=BLOCK`, as the page passes it on when it fetches fragments, and `?revision=N`, the
/// revision a live event announced, which the fragments must show.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FragmentParams {
    /// The id of a paragraph to show with all its notes, as the page's own `?notes=` does; other
    /// crowded paragraphs show the newest three readers' notes and a link to the rest.
    #[param(nullable = false, example = "p-let-me-back-up-and-explain")]
    notes: Option<String>,
    /// A revision of the essay the answer must show at least, as a live event announced it: the
    /// answer waits until this instance has caught up with it.
    #[param(nullable = false, minimum = 0, example = 12)]
    revision: Option<i64>,
}

/// Every block of an essay as one viewer sees it, with the orphans and footnotes.
#[derive(Serialize, ToSchema)]
// Described with `additionalProperties: false`: nothing else is sent.
#[serde(deny_unknown_fields)]
pub struct Fragments<'a> {
    /// The essay's revision these fragments show.
    revision: i64,
    blocks: Vec<Fragment<'a>>,
    /// HTML: the annotations whose words are gone.
    orphans: String,
    /// HTML: the notes as footnotes, for print.
    footnotes: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Fragment<'a> {
    /// The block's stable id, e.g. `p-why-not-perhaps-because-ushakov-listened`.
    id: &'a str,
    /// A hash of the block's HTML: swap it in only when it changed.
    v: &'a str,
    /// The block as this viewer sees it, with marks and notes.
    html: &'a str,
}

fn find<'a>(state: &'a AppState, slug: &str) -> Result<(&'a Article, &'a Arc<Essay>), AppError> {
    let missing = || AppError::NotFound(format!("There is no essay called “{slug}”."));
    let article = state.library.article(slug).ok_or_else(missing)?;
    let essay = state.essays.get(slug).ok_or_else(missing)?;
    Ok((article, essay))
}

/// The essay's revision as this instance last learnt it: from its own writes at once, from
/// other instances' within a second.
async fn known_revision(state: &AppState, slug: &str) -> Result<i64, AppError> {
    Ok(match state.revisions.lookup(slug) {
        Lookup::Trusted(revision) => revision,
        Lookup::Ask(asking) => {
            let revision = state.store.revision(slug).await?;
            asking.answered(revision);
            revision
        }
    })
}

/// The revision a view must show: the newest a live event announced to the page, or one the
/// viewer wrote, by what this instance saw or what their browser says.
fn needed_revision(
    essay: &Essay,
    viewer: &Viewer,
    headers: &HeaderMap,
    announced: Option<i64>,
) -> Option<i64> {
    let own = viewer.username().and_then(|user| essay.written_by(user));
    [announced, own, written::revision(headers, essay.slug())]
        .into_iter()
        .flatten()
        .max()
}

/// The version of the essay to show: the version at hand (a newer one is made meanwhile if
/// it is behind), unless it lacks the revision the request must see.
async fn version_for(
    state: &AppState,
    essay: &Arc<Essay>,
    needed: Option<i64>,
) -> Result<Arc<Snapshot>, AppError> {
    match needed {
        Some(needed) if essay.latest().is_none_or(|s| s.revision() < needed) => {
            essay.at_least(state, needed).await
        }
        _ => {
            essay
                .at_hand(state, known_revision(state, essay.slug()).await?)
                .await
        }
    }
}

pub async fn article(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Params(params): Params<ReadingParams>,
    viewer: Viewer,
    request: Request,
) -> Result<Response, AppError> {
    let headers = request.headers();
    let show = layers::chosen(params.show, headers);
    let mut response = if viewer.user.is_none() && params.is_empty() {
        signed_out(&state, &slug, show, headers).await?
    } else {
        Box::pin(personal(&state, &slug, &params, show, &viewer, headers)).await?
    };
    if let Some(asked) = params.show {
        let cookie = layers::remember(asked, state.config.secure_cookies());
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// The page a signed-out reader of the plain page gets: made once per version and layer.
async fn signed_out(
    state: &AppState,
    slug: &str,
    show: Show,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let (_, essay) = find(state, slug)?;
    let revision = known_revision(state, slug).await?;
    if let Some(page) = state.pages.get(slug, show, revision) {
        return Ok(page.respond(headers, "no-cache"));
    }
    let snapshot = essay.at_hand(state, revision).await?;
    let page = snapshot.signed_out(show, &state.config.public_url)?;
    state
        .pages
        .put(slug, show, snapshot.revision(), page.clone());
    // Brotli takes milliseconds on a long page: made in the background once a reader who
    // takes it asks, and only while the version is the newest, since under a stream of writes
    // most versions are gone unread. Until then such readers get gzip.
    if !page.has_brotli() && cached::takes_brotli(headers) {
        let (essay, page) = (Arc::clone(essay), page.clone());
        tokio::task::spawn_blocking(move || {
            if essay.latest().is_some_and(|l| Arc::ptr_eq(&l, &snapshot)) {
                page.make_brotli();
            }
        });
    }
    Ok(page.respond(headers, "no-cache"))
}

/// The page as one reader sees it: signed in, or with a passage, note or paragraph asked for.
async fn personal(
    state: &AppState,
    slug: &str,
    params: &ReadingParams,
    show: Show,
    viewer: &Viewer,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let (article, essay) = find(state, slug)?;
    let needed = needed_revision(essay, viewer, headers, None);
    let snapshot = version_for(state, essay, needed).await?;
    let cache = if viewer.user.is_some() {
        "private, no-cache"
    } else {
        "no-cache"
    };
    let reader = viewer
        .username()
        .map(|user| (user.to_string(), viewer.csrf.clone().unwrap_or_default()));
    let gzipped = cached::takes_gzip(headers);
    // A signed-in reader's plain page is made from what was drawn for them last time.
    let kept = reader.clone().filter(|_| params.is_empty());
    let made_before = || {
        let reader = kept.as_ref().filter(|_| gzipped)?;
        let gzip =
            state
                .pages
                .reader(slug, reader, show, snapshot.revision(), needed.unwrap_or(0))?;
        Some(cached::respond_made(headers, Made::Gzip(gzip), cache))
    };
    if let Some(page) = made_before() {
        return Ok(page);
    }
    // Requests of one reader that come while their page is made wait for it, then take it.
    let turn = kept.as_ref().map(|reader| state.pages.turn(slug, reader));
    let _turn = match &turn {
        Some(turn) => Some(turn.lock().await),
        None => None,
    };
    if let Some(page) = made_before() {
        return Ok(page);
    }
    let drawn = kept
        .as_ref()
        .and_then(|reader| state.pages.drawn(slug, reader));
    let page = Page {
        article,
        snapshot: &snapshot,
        viewer,
        params,
        show,
    };
    let (page, drawn) = reading_page(state, page, gzipped, drawn).await?;
    if let Some(reader) = kept {
        let gzip = match &page {
            Made::Gzip(gzip) => Some(gzip.clone()),
            Made::Plain(_) => None,
        };
        let made = (show, snapshot.revision());
        state.pages.put_reader(slug, reader, made, gzip, drawn);
    }
    Ok(cached::respond_made(headers, page, cache))
}

/// What a reader's page is made of.
struct Page<'a> {
    article: &'a Article,
    snapshot: &'a Arc<Snapshot>,
    viewer: &'a Viewer,
    params: &'a ReadingParams,
    show: Show,
}

/// The reading page as `viewer` sees it, with what the parameters ask for: the shared blocks,
/// and the few that differ for this reader drawn for them.
async fn reading_page(
    state: &AppState,
    page: Page<'_>,
    gzipped: bool,
    drawn: Option<Arc<Drawn>>,
) -> Result<(Made, Drawn), AppError> {
    let Page {
        article,
        snapshot,
        viewer,
        params,
        show,
    } = page;
    let mut preview = Preview::of(article, &state.config.public_url);
    let base = &state.config.public_url;
    let share = match &params.share {
        Some(code) => state
            .store
            .share(code)
            .await?
            .filter(|s| s.article == article.slug),
        None => None,
    };
    let shared = share.as_ref().and_then(|s| {
        let found = anchor::anchor(&article.document.text, &s.target)?;
        Some((s.code.as_str(), found.range))
    });
    if let Some(share) = &share {
        preview.url = format!("{base}/s/{}", share.code);
        preview.description = format!("“{}”", clip(&share.target.quote.exact));
    }
    let focus = params
        .annotation
        .as_deref()
        .and_then(|id| snapshot.annotated.entry(id))
        .map(|e| &e.annotation)
        .filter(|a| a.visible_to(viewer.username()));
    if let Some(a) = focus {
        preview.url = format!("{base}/annotations/{}", a.id);
        let quote = match &a.target {
            Target::Text(t) => format!("“{}” ", clip(&t.quote.exact)),
            Target::Reply(_) => String::new(),
        };
        let note = a.body.as_deref().map(clip).unwrap_or_default();
        preview.description = format!("{quote}{}: {note}", a.creator);
    }
    let notice = match (&params.share, &share, &shared) {
        (Some(_), None, _) => Some("This share link is not known here.".to_string()),
        (_, Some(s), None) => Some(format!(
            "The passage this link pointed to is no longer in the essay: “{}”",
            clip(&s.target.quote.exact)
        )),
        _ => None,
    };
    let view = View {
        viewer: viewer.username(),
        focus: focus.map(|a| a.id.as_str()),
        expanded: params.notes.as_deref(),
        share: shared,
    };
    let (layer, drawn) = snapshot.layer(&state.library, &view, drawn).await?;
    let head = Head::for_viewer(&article.meta.title, &preview.description, viewer);
    let frame = layer.frame(
        head,
        article,
        &preview,
        notice.as_deref(),
        snapshot.revision(),
        show,
    )?;
    let page = if gzipped {
        Made::Gzip(layer.gzip(&frame, snapshot))
    } else {
        Made::Plain(layer.html(&frame))
    };
    Ok((page, drawn))
}

/// At most 200 characters, for previews and notices.
fn clip(text: &str) -> String {
    let mut clipped: String = text.chars().take(200).collect();
    if clipped.len() < text.len() {
        clipped.push('…');
    }
    clipped
}

/// Every block of the essay as the viewer sees it now, for the page to swap in what changed.
#[utoipa::path(
    get,
    path = "/articles/{slug}/fragments",
    operation_id = "articleFragments",
    tag = "reading",
    summary = "Every block of an essay as the viewer sees it",
    description = "For the reading page to swap in what changed after a write or a live event. \
        Sent with `Cache-Control: no-store`.",
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    params(Slug, FragmentParams),
    responses(
        (status = 200, description = "The blocks, orphans and footnotes.", body = Fragments),
        (status = 400, response = BadQuery),
        (status = 401, response = InvalidToken),
        (
            status = 404,
            description = "There is no essay with this slug.",
            body = Problem,
            content_type = PROBLEM,
        ),
    ),
)]
pub async fn fragments(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Params(params): Params<FragmentParams>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (_, essay) = find(&state, &slug)?;
    let needed = needed_revision(essay, &viewer, &headers, params.revision);
    let snapshot = version_for(&state, essay, needed).await?;
    let view = View {
        viewer: viewer.username(),
        expanded: params.notes.as_deref(),
        ..View::default()
    };
    let kept = viewer
        .username()
        .filter(|_| params.notes.is_none())
        .map(|user| (user.to_string(), viewer.csrf.clone().unwrap_or_default()));
    let before = kept
        .as_ref()
        .and_then(|reader| state.pages.drawn(&slug, reader));
    let (layer, drawn) = snapshot.layer(&state.library, &view, before).await?;
    if let Some(reader) = kept {
        state.pages.put_drawn(&slug, reader, drawn);
    }
    let blocks = layer
        .blocks
        .iter()
        .map(|b| Fragment {
            id: &b.rendered.id,
            v: &b.rendered.version,
            html: &b.rendered.html,
        })
        .collect();
    let fragments = Fragments {
        revision: snapshot.revision(),
        blocks,
        orphans: frame::orphans_html(&layer.orphans)?.trim().to_string(),
        footnotes: frame::print_notes_html(&layer.footnotes())?
            .trim()
            .to_string(),
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(fragments)).into_response())
}
