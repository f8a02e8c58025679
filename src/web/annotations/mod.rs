//! The W3C Web Annotation Protocol at `/annotations/`: create, read, update, delete, with
//! ETags, If-Match and the headers the protocol asks for; a browser opening an annotation's
//! id is sent to its passage.

pub mod access;
pub mod container;
mod page_note_form;
mod prefer;
pub mod resolve;
pub mod written;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;
use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::openapi::annotation::Annotation as AnnotationJson;
use super::openapi::draft::{self, AnnotationInput};
use super::openapi::literals::{AnnotationMethods, StrongETag};
use super::openapi::params::{Csrf, Id, IfMatch, IfNoneMatch};
use super::openapi::problems::{
    BadRequest, Forbidden, IdentityChanged, InvalidToken, NotFound, PayloadTooLarge,
    PreconditionFailed, TooManyWrites, Unauthorized, UnprocessableAnnotation, UnsupportedMediaType,
};
use super::plumbing::auth::Viewer;
use super::plumbing::body::JsonBody;
use super::plumbing::conditional;
use super::plumbing::errors::accepts_html;
use super::plumbing::limit;
use crate::annotation::jsonld::{self, MEDIA_TYPE, Urls};
use crate::annotation::{Annotation, Target, Visibility};
use crate::error::AppError;
use crate::live::Change;
use crate::store::Guarded;
use access::{audience, visible};
use written::written;

pub(super) fn router() -> OpenApiRouter<AppState> {
    let container = OpenApiRouter::default()
        .routes(routes!(container::container, create, container::options))
        .layer(axum::middleware::map_response(container::link_every_answer));
    OpenApiRouter::default()
        .merge(container)
        .routes(routes!(read, replace, remove, options))
        .route(
            "/articles/{slug}/page-notes",
            axum::routing::post(page_note_form::post),
        )
}

pub fn urls(state: &AppState) -> Urls {
    Urls {
        base: state.config.public_url.clone(),
    }
}

/// A strong validator that changes with every modification.
pub fn etag(a: &Annotation) -> String {
    format!("\"{:x}\"", a.modified.unix_timestamp_nanos())
}

/// The media type to answer JSON in: JSON-LD unless the client asked for plain JSON only.
pub fn json_media(headers: &HeaderMap) -> &'static str {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains("application/json") && !accept.contains("ld+json") && !accept.contains("*/*")
    {
        "application/json"
    } else {
        MEDIA_TYPE
    }
}

fn annotation_response(
    state: &AppState,
    headers: &HeaderMap,
    a: &Annotation,
    status: StatusCode,
) -> Response {
    let mut response = (status, Json(jsonld::to_jsonld(a, &urls(state)))).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(json_media(headers)),
    );
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&etag(a)).expect("an ETag is ASCII"),
    );
    describe_annotation(h);
    response
}

/// What every answer about an annotation says of it: an LDP resource, the methods it takes,
/// and that its representation depends on `Accept`.
fn describe_annotation(h: &mut HeaderMap) {
    h.insert(header::LINK, HeaderValue::from_static(RESOURCE_LINK));
    h.insert(header::ALLOW, HeaderValue::from_static(ANNOTATION_METHODS));
    h.insert(header::VARY, HeaderValue::from_static("Accept"));
}

const RESOURCE_LINK: &str = "<http://www.w3.org/ns/ldp#Resource>; rel=\"type\"";
const ANNOTATION_METHODS: &str = "GET, HEAD, OPTIONS, PUT, DELETE";

/// A reader's annotation as sent: "describing" belongs to the editors' notes alone.
fn reader_draft(body: &Value) -> Result<jsonld::Draft, AppError> {
    let draft = jsonld::from_jsonld(body).map_err(AppError::BadRequest)?;
    if draft.motivation == crate::annotation::Motivation::Describing {
        return Err(AppError::Unprocessable(
            "\"motivation\" must be commenting, highlighting or replying.".into(),
        ));
    }
    Ok(draft)
}

#[utoipa::path(
    post,
    path = "/annotations/",
    operation_id = "createAnnotation",
    tag = "annotations",
    summary = "Create an annotation",
    description = "Anchors the target in the essay, stores the annotation under a new id and \
        answers it with its absolute `id`, the server's selectors (both a quote with its context \
        and a position), `creator`, `created` and `modified`. A `canonical` IRI is kept as \
        sent, and an absolute IRI sent as `id` is kept in `via`, as the protocol asks. Writes \
        are limited per account (`--write-limit`, 120 a minute by default).",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(Csrf),
    request_body(
        description = "At most 64 KiB.",
        content(
            (AnnotationInput = MEDIA_TYPE, examples(
                ("comment" = (
                    summary = "A comment on a passage, with a tag",
                    value = json!(draft::comment())
                )),
                ("highlight" = (
                    summary = "A highlight: no comment body",
                    value = json!(draft::highlight())
                )),
                ("reply" = (
                    summary = "A reply to another annotation",
                    value = json!(draft::reply())
                )),
                ("page-note" = (
                    summary = "A note on the whole essay",
                    value = json!(draft::page_note())
                )),
            )),
            (AnnotationInput = "application/json"),
        ),
    ),
    responses(
        (
            status = 201,
            description = "Created.",
            headers(
                ("Location" = String, description = "The annotation's absolute id."),
                (
                    "ETag" = inline(StrongETag),
                    description = "A strong validator of this version; send it back as `If-Match`."
                ),
                (
                    "Link" = String,
                    description = "`<http://www.w3.org/ns/ldp#Resource>; rel=\"type\"`"
                ),
                ("Allow" = String, description = "`GET, HEAD, OPTIONS, PUT, DELETE`"),
                ("Vary" = String),
            ),
            content((AnnotationJson = MEDIA_TYPE), (AnnotationJson = "application/json")),
            links(
                ("read" = (
                    operation_id = "readAnnotation",
                    parameters(("id" = "$response.header.Location#regex:/annotations/([^/?#]+)$")),
                )),
                ("replace" = (
                    operation_id = "replaceAnnotation",
                    description = "Send the annotation back as it was answered: the server accepts \
                        its own form.",
                    parameters(
                        ("id" = "$response.header.Location#regex:/annotations/([^/?#]+)$"),
                        ("header.If-Match" = "$response.header.ETag"),
                    ),
                    request_body = "$response.body",
                )),
                ("delete" = (
                    operation_id = "deleteAnnotation",
                    parameters(
                        ("id" = "$response.header.Location#regex:/annotations/([^/?#]+)$"),
                        ("header.If-Match" = "$response.header.ETag"),
                    ),
                )),
            ),
        ),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableAnnotation),
        (status = 429, response = TooManyWrites),
    ),
)]
async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, AppError> {
    let user = viewer.writer()?;
    limit::check_writes(&state, &user.username).await?;
    let mut draft = reader_draft(&body.0)?;
    jsonld::keep_sent_id(&body.0, &mut draft.identities).map_err(AppError::BadRequest)?;
    let (annotation, wrote) = insert(&state, &viewer, &user.username, draft).await?;
    let mut response = annotation_response(&state, &headers, &annotation, StatusCode::CREATED);
    response.headers_mut().append(header::SET_COOKIE, wrote);
    let location = HeaderValue::from_str(&urls(&state).annotation(&annotation.id))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // The body is the new annotation, not the container: Content-Location says so, and makes
    // it the context of the Link header's type (RFC 8288, section 3.2).
    response
        .headers_mut()
        .insert(header::CONTENT_LOCATION, location.clone());
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// Stores a new annotation of `creator`'s; returns it and the cookie by which their next view
/// shows it.
async fn insert(
    state: &AppState,
    viewer: &Viewer,
    creator: &str,
    draft: jsonld::Draft,
) -> Result<(Annotation, HeaderValue), AppError> {
    let now = OffsetDateTime::now_utc();
    let (article, target) = resolve::target(state, viewer, &draft.target).await?;
    let group = audience(state, creator, &draft, &target).await?;
    let annotation = Annotation {
        id: uuid::Uuid::now_v7().to_string(),
        identities: draft.identities,
        article,
        creator: creator.to_string(),
        editorial: false,
        motivation: draft.motivation,
        body: draft.body,
        entity: None,
        tags: draft.tags,
        visibility: draft.visibility,
        group,
        target,
        hidden: false,
        created: now,
        modified: now,
    };
    let revision = state.store.create(&annotation).await?;
    let wrote = written(state, creator, &annotation, Change::Created, revision).await;
    Ok((annotation, wrote))
}

#[utoipa::path(
    get,
    path = "/annotations/{id}",
    operation_id = "readAnnotation",
    tag = "annotations",
    summary = "Read an annotation",
    description = "A browser (`Accept` containing `text/html`) is redirected (303) to the \
        annotation's passage in its essay instead.",
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    params(Id, IfNoneMatch),
    responses(
        (
            status = 200,
            description = "The annotation.",
            headers(
                (
                    "ETag" = inline(StrongETag),
                    description = "A strong validator of this version; send it back as `If-Match`."
                ),
                (
                    "Link" = String,
                    description = "`<http://www.w3.org/ns/ldp#Resource>; rel=\"type\"`"
                ),
                ("Allow" = String, description = "`GET, HEAD, OPTIONS, PUT, DELETE`"),
                ("Vary" = String),
            ),
            content((AnnotationJson = MEDIA_TYPE), (AnnotationJson = "application/json")),
            links(
                ("replace" = (
                    operation_id = "replaceAnnotation",
                    parameters(
                        ("id" = "$request.path.id"),
                        ("header.If-Match" = "$response.header.ETag"),
                    ),
                    request_body = "$response.body",
                )),
                ("delete" = (
                    operation_id = "deleteAnnotation",
                    parameters(
                        ("id" = "$request.path.id"),
                        ("header.If-Match" = "$response.header.ETag"),
                    ),
                )),
            ),
        ),
        (
            status = 304,
            description = "Not modified: `If-None-Match` named the current `ETag`.",
            headers(("ETag" = inline(StrongETag))),
        ),
        (
            status = 303,
            description = "Only when `Accept` contains `text/html`: the passage, \
                `/articles/{slug}?annotation={id}#…`.",
            headers(("Location" = String)),
        ),
        (status = 401, response = InvalidToken),
        (status = 404, response = NotFound),
    ),
)]
async fn read(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let a = visible(&state, &viewer, &id).await?;
    if accepts_html(&headers) {
        return Ok(Redirect::to(&resolve::passage_url(&state, &a)).into_response());
    }
    let version = HeaderValue::from_str(&etag(&a)).expect("an ETag is ASCII");
    if conditional::none_match(&headers, &version) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        describe_annotation(response.headers_mut());
        response.headers_mut().insert(header::ETAG, version);
        return Ok(response);
    }
    Ok(annotation_response(&state, &headers, &a, StatusCode::OK))
}

/// Checks `If-Match` against the current version: absent or `*` matches anything.
fn check_if_match(headers: &HeaderMap, current: &Annotation) -> Result<(), AppError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(());
    };
    let value = value.to_str().unwrap_or("");
    let tag = etag(current);
    let matches = value
        .split(',')
        .map(|v| v.trim().trim_start_matches("W/"))
        .any(|v| v == "*" || v == tag);
    if matches {
        Ok(())
    } else {
        Err(AppError::PreconditionFailed)
    }
}

#[utoipa::path(
    put,
    path = "/annotations/{id}",
    operation_id = "replaceAnnotation",
    tag = "annotations",
    summary = "Replace an annotation (its creator only)",
    description = "Replaces the note, tags, visibility, motivation and passage; the annotation \
        stays on its essay and a reply stays a reply. `canonical` and `via`, once set, are kept \
        when left out and cannot change (409). With `If-Match`, only if it has not changed \
        since.",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(Id, IfMatch, Csrf),
    request_body(
        description = "At most 64 KiB.",
        content(
            (AnnotationInput = MEDIA_TYPE, examples(
                ("comment" = (
                    summary = "A comment on a passage, with a tag",
                    value = json!(draft::comment())
                )),
                ("highlight" = (
                    summary = "A highlight: no comment body",
                    value = json!(draft::highlight())
                )),
            )),
            (AnnotationInput = "application/json"),
        ),
    ),
    responses(
        (
            status = 200,
            description = "Replaced: the annotation as it is now, with its new `ETag`.",
            headers(
                (
                    "ETag" = inline(StrongETag),
                    description = "A strong validator of this version; send it back as `If-Match`."
                ),
                (
                    "Link" = String,
                    description = "`<http://www.w3.org/ns/ldp#Resource>; rel=\"type\"`"
                ),
                ("Allow" = String, description = "`GET, HEAD, OPTIONS, PUT, DELETE`"),
                ("Vary" = String),
            ),
            content((AnnotationJson = MEDIA_TYPE), (AnnotationJson = "application/json")),
            links(
                ("read" = (
                    operation_id = "readAnnotation",
                    parameters(("id" = "$request.path.id")),
                )),
                ("delete" = (
                    operation_id = "deleteAnnotation",
                    parameters(
                        ("id" = "$request.path.id"),
                        ("header.If-Match" = "$response.header.ETag"),
                    ),
                )),
            ),
        ),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = IdentityChanged),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableAnnotation),
        (status = 429, response = TooManyWrites),
    ),
)]
async fn replace(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, AppError> {
    let user = viewer.writer()?;
    limit::check_writes(&state, &user.username).await?;
    let current = visible(&state, &viewer, &id).await?;
    if current.editorial {
        return Err(AppError::Forbidden(
            "Editorial notes are edited in the articles folder, not through the API.".into(),
        ));
    }
    if current.creator != user.username {
        return Err(AppError::Forbidden(
            "Only its creator may edit an annotation.".into(),
        ));
    }
    check_if_match(&headers, &current)?;
    check_same_id(&body.0, &state, &id)?;
    let draft = reader_draft(&body.0)?;
    let (article, target) = resolve::target(&state, &viewer, &draft.target).await?;
    let group = match (&current.target, &draft.audience) {
        // A reply stays in its thread's group.
        (Target::Reply(_), _) => current.group.clone(),
        // Still in the group it was posted to, whether or not its writer still belongs.
        (_, Some(group)) if current.group.as_ref() == Some(group) => {
            if draft.visibility == Visibility::Private {
                return Err(AppError::Unprocessable(
                    "A private note is its creator's alone: it cannot go to a group too.".into(),
                ));
            }
            Some(group.clone())
        }
        _ => audience(&state, &user.username, &draft, &target).await?,
    };
    if article != current.article {
        return Err(AppError::Unprocessable(
            "An annotation cannot move to another essay; make a new one there.".into(),
        ));
    }
    match (&current.target, &target) {
        (Target::Reply(was), Target::Reply(now)) if was != now => {
            return Err(AppError::Unprocessable(
                "A reply keeps the note it answers; write a new reply instead.".into(),
            ));
        }
        _ => {}
    }
    if matches!(current.target, Target::Reply(_)) != matches!(target, Target::Reply(_)) {
        return Err(AppError::Unprocessable(
            "An annotation cannot turn into a reply, or a reply into an annotation.".into(),
        ));
    }
    let identities = current
        .identities
        .replaced_by(draft.identities)
        .map_err(|field| {
            AppError::Conflict(format!(
                "\"{field}\" is set and cannot change; send it as it is, or leave it out."
            ))
        })?;
    let updated = Annotation {
        identities,
        article,
        motivation: draft.motivation,
        body: draft.body,
        tags: draft.tags,
        visibility: draft.visibility,
        group,
        target,
        modified: OffsetDateTime::now_utc().max(current.modified + time::Duration::nanoseconds(1)),
        ..current.clone()
    };
    match state.store.update(&updated, Some(current.modified)).await? {
        Guarded::Done(revision) => {
            // A note made private vanishes from others' pages: that is news to them too.
            let announced = if current.is_public() {
                &current
            } else {
                &updated
            };
            let wrote = written(&state, &user.username, announced, Change::Updated, revision).await;
            let mut response = annotation_response(&state, &headers, &updated, StatusCode::OK);
            response.headers_mut().append(header::SET_COOKIE, wrote);
            Ok(response)
        }
        Guarded::Stale => Err(AppError::PreconditionFailed),
    }
}

fn check_same_id(body: &Value, state: &AppState, id: &str) -> Result<(), AppError> {
    match body.get("id").and_then(Value::as_str) {
        Some(sent)
            if sent != urls(state).annotation(id)
                && jsonld::url_path(sent) != format!("/annotations/{id}") =>
        {
            Err(AppError::BadRequest(format!(
                "The body's \"id\" {sent:?} is not the annotation at this address."
            )))
        }
        _ => Ok(()),
    }
}

#[utoipa::path(
    delete,
    path = "/annotations/{id}",
    operation_id = "deleteAnnotation",
    tag = "annotations",
    summary = "Delete an annotation (its creator, or an editor for a public one)",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(Id, IfMatch, Csrf),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
        (status = 429, response = TooManyWrites),
    ),
)]
async fn remove(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let user = viewer.writer()?;
    limit::check_writes(&state, &user.username).await?;
    let current = visible(&state, &viewer, &id).await?;
    if current.editorial {
        return Err(AppError::Forbidden(
            "Editorial notes are removed from the articles folder, not through the API.".into(),
        ));
    }
    if current.creator != user.username && !viewer.is_editor() {
        return Err(AppError::Forbidden(
            "Only its creator or an editor may delete an annotation.".into(),
        ));
    }
    check_if_match(&headers, &current)?;
    match state.store.delete(&id, Some(current.modified)).await? {
        Guarded::Done(revision) => {
            let wrote = written(&state, &user.username, &current, Change::Deleted, revision).await;
            Ok(([(header::SET_COOKIE, wrote)], StatusCode::NO_CONTENT).into_response())
        }
        Guarded::Stale => Err(AppError::PreconditionFailed),
    }
}

#[utoipa::path(
    options,
    path = "/annotations/{id}",
    operation_id = "annotationOptions",
    tag = "annotations",
    summary = "The methods an annotation answers",
    description = "A cross-origin preflight (with `Origin` and `Access-Control-Request-Method`) \
        is answered by the CORS rules (`--cors-origins`) instead.",
    security((), ("bearerAuth" = [])),
    params(Id),
    responses(
        (
            status = 200,
            description = "No content; `Allow` lists the methods.",
            headers(
                ("Allow" = inline(AnnotationMethods)),
                (
                    "Link" = String,
                    description = "`<http://www.w3.org/ns/ldp#Resource>; rel=\"type\"`"
                ),
                ("Vary" = String),
            ),
        ),
        (status = 401, response = InvalidToken),
        (status = 404, response = NotFound),
    ),
)]
async fn options(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    visible(&state, &viewer, &id).await?;
    let mut response = StatusCode::OK.into_response();
    describe_annotation(response.headers_mut());
    Ok(response)
}
