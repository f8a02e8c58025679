//! The moderation API: a reader flags a note (`POST /annotations/{id}/flags`), an editor hides
//! it or shows it again (`POST|DELETE /annotations/{id}/hidden`) and reads the queue of flagged
//! notes (`GET /api/moderation`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{QUEUE_LENGTH, flag_note, hide};
use crate::annotation::jsonld;
use crate::error::AppError;
use crate::store::{Flag, Flagged, Moderation};
use crate::web::AppState;
use crate::web::annotations::resolve::passage_url;
use crate::web::annotations::urls;
use crate::web::openapi::annotation::Annotation as AnnotationJson;
use crate::web::openapi::params::{Csrf, Id};
use crate::web::openapi::problems::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, TooManyFlags, TooManyWrites,
    Unauthorized, UnprocessableFlag, UnsupportedMediaType,
};
use crate::web::plumbing::auth::Viewer;
use crate::web::plumbing::body::JsonBody;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(flag))
        .routes(routes!(hide_note, show_note))
        .routes(routes!(queue))
}

/// Why the note should be looked at. Other members are ignored.
#[derive(Deserialize, ToSchema)]
pub struct FlagInput {
    /// 1 to 500 characters, not only white space; else 422.
    #[schema(
        min_length = 1,
        max_length = 500,
        example = "A personal attack on another reader."
    )]
    reason: String,
}

/// A reader's flag on a note.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagJson {
    /// The flagged annotation's absolute id.
    annotation: String,
    /// The reader who flagged it.
    flagger: String,
    reason: String,
    #[schema(format = DateTime)]
    created: String,
}

/// One hide or unhide of a note.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModerationJson {
    /// The editor who did it.
    moderator: String,
    /// `true` when the note was hidden, `false` when it was shown again.
    hidden: bool,
    #[schema(format = DateTime)]
    at: String,
}

/// A flagged (or hidden) note, in its context.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueItem {
    /// The note as the annotation API answers it to its creator.
    #[schema(value_type = AnnotationJson)]
    annotation: Value,
    /// The words of the essay it is on; empty for a reply or a note on the whole essay.
    quote: String,
    /// The essay's title.
    essay: String,
    /// The note on its reading page.
    link: String,
    /// Whether the note is hidden now.
    hidden: bool,
    /// How many readers flagged it.
    flag_count: usize,
    /// The flags, oldest first.
    flags: Vec<FlagJson>,
    /// Every hide and unhide, oldest first.
    moderations: Vec<ModerationJson>,
}

/// The notes flagged or hidden: the most flagged first, then the most recently flagged.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Queue {
    items: Vec<QueueItem>,
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

impl FlagJson {
    fn of(state: &AppState, flag: &Flag) -> FlagJson {
        FlagJson {
            annotation: urls(state).annotation(&flag.annotation),
            flagger: flag.flagger.clone(),
            reason: flag.reason.clone(),
            created: rfc3339(flag.created),
        }
    }
}

impl ModerationJson {
    fn of(moderation: &Moderation) -> ModerationJson {
        ModerationJson {
            moderator: moderation.moderator.clone(),
            hidden: moderation.hidden,
            at: rfc3339(moderation.at),
        }
    }
}

impl QueueItem {
    fn of(state: &AppState, flagged: &Flagged) -> QueueItem {
        let a = &flagged.annotation;
        QueueItem {
            annotation: jsonld::to_jsonld(a, &urls(state)),
            quote: a.target.quote().to_string(),
            essay: state
                .library()
                .article(&a.article)
                .map_or_else(|| a.article.clone(), |e| e.meta.title.clone()),
            link: passage_url(state, a),
            hidden: a.hidden,
            flag_count: flagged.flags.len(),
            flags: flagged
                .flags
                .iter()
                .map(|f| FlagJson::of(state, f))
                .collect(),
            moderations: flagged.moderations.iter().map(ModerationJson::of).collect(),
        }
    }
}

#[utoipa::path(
    post,
    path = "/annotations/{id}/flags",
    operation_id = "flagAnnotation",
    tag = "moderation",
    summary = "Flag a note for the moderators",
    description = "Any signed-in reader but its creator may flag a reader's public note, once. \
        Flags are limited per account (10 in ten minutes).",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(Id, Csrf),
    request_body(
        content((FlagInput = "application/json")),
        description = "At most 64 KiB.",
    ),
    responses(
        (status = 201, description = "Flagged.", body = FlagJson),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableFlag),
        (status = 429, response = TooManyFlags),
    ),
)]
async fn flag(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Response, Response> {
    let input: FlagInput = serde_json::from_value(body.0).map_err(|e| {
        AppError::BadRequest(format!("Send {{\"reason\": \"…\"}}: {e}.")).into_response()
    })?;
    let flag = flag_note(&state, &viewer, &id, &input.reason).await?;
    Ok((StatusCode::CREATED, Json(FlagJson::of(&state, &flag))).into_response())
}

#[utoipa::path(
    post,
    path = "/annotations/{id}/hidden",
    operation_id = "hideAnnotation",
    tag = "moderation",
    summary = "Hide a note (editors; a group's creator for its notes)",
    description = "The note, and the replies under it, disappear for everyone but its creator, \
        who sees it marked as hidden. Hiding a hidden note changes nothing. Recorded with who \
        hid it and when. Counted with the account's writes (`--write-limit`).",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(Id, Csrf),
    responses(
        (status = 204, description = "Hidden."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 429, response = TooManyWrites),
    ),
)]
async fn hide_note(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let wrote = hide(&state, &viewer, &id, true).await?;
    Ok((
        AppendHeaders(wrote.map(|w| (header::SET_COOKIE, w))),
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

#[utoipa::path(
    delete,
    path = "/annotations/{id}/hidden",
    operation_id = "showAnnotation",
    tag = "moderation",
    summary = "Show a hidden note again (editors; a group's creator for its notes)",
    description = "Recorded with who showed it and when. Showing a note that is not hidden \
        changes nothing.",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(Id, Csrf),
    responses(
        (status = 204, description = "Shown again."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 429, response = TooManyWrites),
    ),
)]
async fn show_note(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let wrote = hide(&state, &viewer, &id, false).await?;
    Ok((
        AppendHeaders(wrote.map(|w| (header::SET_COOKIE, w))),
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

#[utoipa::path(
    get,
    path = "/api/moderation",
    operation_id = "moderationQueue",
    tag = "moderation",
    summary = "The flagged notes (editors; groups' creators for theirs)",
    description = "Notes flagged or hidden, the most flagged first, each with its flags (who, \
        when, why), the note in context, whether it is hidden and every hide and unhide.",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    responses(
        (status = 200, description = "The queue.", body = Queue),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
)]
async fn queue(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let scope = super::rule::moderation_scope(&state, &viewer).await?;
    let items = state
        .store
        .moderation_queue(QUEUE_LENGTH)
        .await?
        .iter()
        .filter(|flagged| scope.covers(&flagged.annotation))
        .map(|flagged| QueueItem::of(&state, flagged))
        .collect();
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(Queue { items })).into_response())
}
