//! `GET /articles/{slug}`: an essay with its notes, as one reader sees it. Signed-out readers
//! of the plain page get a page made once per version and layer; anyone else, the shared
//! blocks with their own few drawn over them.

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use serde::Deserialize;

use super::cache::Version;
use super::essays::{Drawn, Snapshot};
use super::frame::Preview;
use super::layers;
use super::version::{find, known_revision, needed_revision, version_for};
use crate::anchor;
use crate::annotated::View;
use crate::annotation::{Reader, Target};
use crate::error::AppError;
use crate::library::Article;
use crate::prometheus;
use crate::render::Show;
use crate::web::AppState;
use crate::web::plumbing::auth::Viewer;
use crate::web::plumbing::body::Params;
use crate::web::plumbing::encoded::{self, Made};
use crate::web::plumbing::head::Head;
use crate::web::previews::{annotation_picture_url, share_picture_url};

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

pub(super) async fn article(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Params(params): Params<ReadingParams>,
    viewer: Viewer,
    request: Request,
) -> Result<Response, AppError> {
    let headers = request.headers();
    let in_no_group = viewer.groups.ids.is_empty();
    if params.show == Some(Show::Groups) && in_no_group {
        return Err(AppError::BadRequest(
            "You belong to no group, so there are no groups’ notes to show: join a group by its \
             invite link, or choose another layer."
                .into(),
        ));
    }
    // A layer remembered from when the reader was in a group shows everyone's once they are in
    // none.
    let show = match layers::chosen(params.show, headers) {
        Show::Groups if in_no_group => Show::All,
        show => show,
    };
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
    let catalog = state.catalog();
    let (_, essay) = find(&catalog, slug)?;
    let revision = known_revision(state, &catalog, slug).await?;
    let edition = essay.edition();
    if let Some(page) = state.pages.get(slug, show, Version { edition, revision }) {
        prometheus::count!("gloss_page_cache_hits_total", "kind" => "signed_out");
        return Ok(page.respond(headers, "no-cache"));
    }
    let snapshot = essay.at_hand(state, revision).await?;
    // Counted as a hit or a render there: another thread may have made it already.
    let page = snapshot.signed_out(show, &state.config.public_url)?;
    let revision = snapshot.revision();
    state
        .pages
        .put(slug, show, Version { edition, revision }, page.clone());
    // Brotli takes milliseconds on a long page: made in the background once a reader who
    // takes it asks, and only while the version is the newest, since under a stream of writes
    // most versions are gone unread. Until then such readers get gzip.
    if !page.has_brotli() && encoded::takes_brotli(headers) {
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
    let catalog = state.catalog();
    let (article, essay) = find(&catalog, slug)?;
    let needed = needed_revision(essay, viewer, headers, None);
    let snapshot = version_for(state, &catalog, essay, needed).await?;
    let version = Version {
        edition: essay.edition(),
        revision: snapshot.revision(),
    };
    let cache = if viewer.user.is_some() {
        "private, no-cache"
    } else {
        "no-cache"
    };
    let reader = viewer.page_reader();
    let gzipped = encoded::takes_gzip(headers);
    // A signed-in reader's plain page is made from what was drawn for them last time.
    let kept = reader.clone().filter(|_| params.is_empty());
    let made_before = || {
        let reader = kept.as_ref().filter(|_| gzipped)?;
        let gzip = state
            .pages
            .reader(slug, reader, show, version, needed.unwrap_or(0))?;
        prometheus::count!("gloss_page_cache_hits_total", "kind" => "reader");
        Some(encoded::respond_made(headers, Made::Gzip(gzip), cache))
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
    prometheus::count!("gloss_page_renders_total", "kind" => "reader");
    if let Some(reader) = kept {
        let gzip = match &page {
            Made::Gzip(gzip) => Some(gzip.clone()),
            Made::Plain(_) => None,
        };
        state
            .pages
            .put_reader(slug, reader, (show, version), gzip, drawn);
    }
    Ok(encoded::respond_made(headers, page, cache))
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
        preview.image = Some(share_picture_url(base, &share.code));
    }
    let focus = params
        .annotation
        .as_deref()
        .filter(|id| snapshot.annotated.shows(viewer.reader(), id))
        .and_then(|id| snapshot.annotated.entry(id))
        .map(|e| &e.annotation);
    if let Some(a) = focus {
        preview.url = format!("{base}/annotations/{}", a.id);
        let quote = match &a.target {
            Target::Text(t) => format!("“{}” ", clip(&t.quote.exact)),
            Target::Reply(_) | Target::Page => String::new(),
        };
        let note = a.body.as_deref().map(clip).unwrap_or_default();
        preview.description = format!("{quote}{}: {note}", a.creator);
        // Link previews are fetched signed out: a picture only of what they may see.
        preview.image = snapshot
            .annotated
            .shows(Reader::default(), &a.id)
            .then(|| annotation_picture_url(base, &a.id));
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
        groups: &viewer.groups.ids,
        focus: focus.map(|a| a.id.as_str()),
        expanded: params.notes.as_deref(),
        share: shared,
    };
    let (layer, drawn) = snapshot.layer(&view, drawn).await?;
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
