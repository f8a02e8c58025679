//! `GET /articles/{slug}/fragments`: every block of an essay as the viewer sees it now, which
//! the reading page swaps in after a write or a live event.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::frame;
use super::version::{find, needed_revision, version_for};
use crate::annotated::View;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::openapi::params::Slug;
use crate::web::openapi::problems::{BadQuery, InvalidToken, PROBLEM, Problem};
use crate::web::plumbing::auth::Viewer;
use crate::web::plumbing::body::Params;

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

/// Every block of an essay as one viewer sees it, with the notes on the whole essay, the
/// orphans and footnotes.
#[derive(Serialize, ToSchema)]
// Described with `additionalProperties: false`: nothing else is sent.
#[serde(deny_unknown_fields)]
pub struct Fragments<'a> {
    /// The essay's revision these fragments show.
    revision: i64,
    blocks: Vec<Fragment<'a>>,
    /// HTML: the section of notes on the whole essay, `<section id="page-notes">`.
    page_notes: String,
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
        (
            status = 200,
            description = "The blocks, the notes on the whole essay, orphans and footnotes.",
            body = Fragments,
        ),
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
pub(super) async fn fragments(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Params(params): Params<FragmentParams>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let catalog = state.catalog();
    let (article, essay) = find(&catalog, &slug)?;
    let needed = needed_revision(essay, &viewer, &headers, params.revision);
    let snapshot = version_for(&state, &catalog, essay, needed).await?;
    let view = View {
        viewer: viewer.username(),
        groups: &viewer.groups.ids,
        expanded: params.notes.as_deref(),
        ..View::default()
    };
    let kept = viewer.page_reader().filter(|_| params.notes.is_none());
    let before = kept
        .as_ref()
        .and_then(|reader| state.pages.drawn(&slug, reader));
    let (layer, drawn) = snapshot.layer(&view, before).await?;
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
    // A signed-in reader's section carries the no-script form, with their session's token.
    let writer = viewer
        .username()
        .map(|_| viewer.csrf.as_deref().unwrap_or_default());
    let groups: Vec<(String, String)> = viewer
        .groups
        .iter()
        .map(|(id, name)| (id.to_string(), name.to_string()))
        .collect();
    let fragments = Fragments {
        revision: snapshot.revision(),
        blocks,
        page_notes: frame::page_notes_html(&layer.page_notes, article, writer, &groups)?
            .trim()
            .to_string(),
        orphans: frame::orphans_html(&layer.orphans)?.trim().to_string(),
        footnotes: frame::print_notes_html(&layer.footnotes())?
            .trim()
            .to_string(),
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(fragments)).into_response())
}
