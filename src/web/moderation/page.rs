//! `/moderation`, the editors' queue of flagged notes with a Hide or Show button each, and
//! `/annotations/{id}/flag`, a reader's form to flag a note. Both work without JavaScript
//! (POST, then a redirect) and carry the session's CSRF token as the log-in form does.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

use super::{QUEUE_LENGTH, flag_note, hide, rule};
use crate::accounts;
use crate::error::AppError;
use crate::render::{format_date, note_html};
use crate::store::Flagged;
use crate::web::AppState;
use crate::web::annotations::access::visible;
use crate::web::annotations::resolve::passage_url;
use crate::web::plumbing::auth::{Memberships, Viewer};
use crate::web::plumbing::head::Head;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .route("/moderation", get(queue_page))
        .route("/moderation/{id}", axum::routing::post(hide_form))
        .route("/annotations/{id}/flag", get(flag_page).post(flag_form))
}

struct FlagItem {
    flagger: String,
    reason: String,
    date: String,
}

struct ModerationItem {
    moderator: String,
    hidden: bool,
    date: String,
}

struct QueueItem {
    id: String,
    author: String,
    quote: String,
    body: String,
    essay: String,
    /// The group the note was posted to, by name; `None` for a public note.
    group: Option<String>,
    href: String,
    hidden: bool,
    flags: Vec<FlagItem>,
    moderations: Vec<ModerationItem>,
}

impl QueueItem {
    /// The note `flagged`, in a group of `groups` (a group's creator moderates it as a member)
    /// or public.
    fn of(state: &AppState, flagged: &Flagged, groups: &Memberships) -> QueueItem {
        let a = &flagged.annotation;
        let group = a.group.as_deref().map(|id| {
            groups
                .iter()
                .find(|(member_of, _)| *member_of == id)
                .map_or(id, |(_, name)| name)
                .to_string()
        });
        QueueItem {
            id: a.id.clone(),
            author: a.creator.clone(),
            quote: a.target.quote().to_string(),
            body: a.body.as_deref().map(note_html).unwrap_or_default(),
            essay: state
                .library()
                .article(&a.article)
                .map_or_else(|| a.article.clone(), |e| e.meta.title.clone()),
            group,
            href: passage_url(state, a),
            hidden: a.hidden,
            flags: flagged
                .flags
                .iter()
                .map(|f| FlagItem {
                    flagger: f.flagger.clone(),
                    reason: f.reason.clone(),
                    date: format_date(f.created.date()),
                })
                .collect(),
            moderations: flagged
                .moderations
                .iter()
                .map(|m| ModerationItem {
                    moderator: m.moderator.clone(),
                    hidden: m.hidden,
                    date: format_date(m.at.date()),
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "moderation.html")]
struct QueuePage {
    head: Head,
    csrf: String,
    items: Vec<QueueItem>,
}

#[derive(Template)]
#[template(path = "flag.html")]
struct FlagPage {
    head: Head,
    csrf: String,
    id: String,
    author: String,
    quote: String,
    body: String,
    back: String,
}

fn to_login(next: &str) -> Response {
    let next = percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC);
    Redirect::to(&format!("/login?next={next}")).into_response()
}

async fn queue_page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    if viewer.user.is_none() {
        return Ok(to_login("/moderation"));
    }
    let scope = rule::moderation_scope(&state, &viewer).await?;
    let items = state
        .store
        .moderation_queue(QUEUE_LENGTH)
        .await?
        .iter()
        .filter(|flagged| scope.covers(&flagged.annotation))
        .map(|flagged| QueueItem::of(&state, flagged, &viewer.groups))
        .collect();
    let page = QueuePage {
        head: Head::for_viewer(
            "Moderation",
            "The notes readers flagged, the most flagged first.",
            &viewer,
        ),
        csrf: viewer.csrf.clone().unwrap_or_default(),
        items,
    };
    Ok(Html(page.render()?).into_response())
}

/// The form's token is the session's: a page of another site cannot know it.
fn from_our_page(viewer: &Viewer, csrf: &str) -> Result<(), AppError> {
    if viewer.user.is_none() {
        return Err(AppError::Unauthorized("Log in first.".into()));
    }
    if viewer
        .csrf
        .as_deref()
        .is_some_and(|c| accounts::same(c, csrf))
    {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "The form expired: reload the page and try again.".into(),
        ))
    }
}

/// A browser's form is trusted as a script's request with the token would be.
fn as_writer(viewer: &Viewer) -> Viewer {
    Viewer {
        may_write: true,
        ..viewer.clone()
    }
}

#[derive(Deserialize)]
pub struct HideForm {
    #[serde(default)]
    csrf: String,
    /// `true` to hide, `false` to show again.
    hidden: bool,
}

async fn hide_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HideForm>,
) -> Result<Response, AppError> {
    from_our_page(&viewer, &form.csrf)?;
    let wrote = hide(&state, &as_writer(&viewer), &id, form.hidden).await?;
    Ok((
        AppendHeaders(wrote.map(|w| (header::SET_COOKIE, w))),
        Redirect::to(&format!("/moderation#flagged-{id}")),
    )
        .into_response())
}

async fn flag_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    if viewer.user.is_none() {
        return Ok(to_login(&format!("/annotations/{id}/flag")));
    }
    let note = visible(&state, &viewer, &id).await?;
    rule::may_flag(&as_writer(&viewer), &note)?;
    let page = FlagPage {
        head: Head::for_viewer(
            "Flag a note",
            "Ask the moderators to look at a note.",
            &viewer,
        ),
        csrf: viewer.csrf.clone().unwrap_or_default(),
        author: note.creator.clone(),
        quote: note.target.quote().to_string(),
        body: note.body.as_deref().map(note_html).unwrap_or_default(),
        back: passage_url(&state, &note),
        id: note.id,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct FlagForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

async fn flag_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<FlagForm>,
) -> Result<Response, Response> {
    from_our_page(&viewer, &form.csrf).map_err(IntoResponse::into_response)?;
    let flag = flag_note(&state, &as_writer(&viewer), &id, &form.reason).await?;
    let note = visible(&state, &viewer, &flag.annotation)
        .await
        .map_err(IntoResponse::into_response)?;
    Ok(Redirect::to(&passage_url(&state, &note)).into_response())
}
