//! The account's JSON endpoints, for programs and scripts: `/api/account/...`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{change_password, delete_account, export};
use crate::annotation::jsonld::MEDIA_TYPE;
use crate::error::AppError;
use crate::store::User;
use crate::web::AppState;
use crate::web::openapi::collection::Container;
use crate::web::openapi::params::Csrf;
use crate::web::openapi::problems::{
    BadQuery, Forbidden, NotFound, PROBLEM, PayloadTooLarge, Problem, TooManyWrites, Unauthorized,
    UnsupportedMediaType,
};
use crate::web::plumbing::auth::Viewer;
use crate::web::plumbing::body::{JsonBody, Params};
use crate::web::plumbing::limit;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(remove_account))
        .routes(routes!(new_password))
        .routes(routes!(list_tokens))
        .routes(routes!(revoke_token))
        .routes(routes!(my_annotations))
}

/// The signed-in reader, for a request that only reads.
fn reader(viewer: &Viewer) -> Result<&User, AppError> {
    viewer.user.as_ref().ok_or_else(|| {
        AppError::Unauthorized("Log in, or send an API token as Authorization: Bearer.".into())
    })
}

fn fields<T: DeserializeOwned>(body: JsonBody, shape: &str) -> Result<T, AppError> {
    serde_json::from_value(body.0).map_err(|e| AppError::BadRequest(format!("Send {shape}: {e}.")))
}

/// A new password, and the current one to prove it is the account's owner. Other members
/// are ignored.
#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    #[schema(example = "a long password 123")]
    current: String,
    /// 10 to 1,024 characters; else 422.
    #[schema(
        min_length = 10,
        max_length = 1024,
        example = "another long password 456"
    )]
    new: String,
}

/// The account's password, to confirm its deletion. Other members are ignored.
#[derive(Deserialize, ToSchema)]
pub struct PasswordConfirmation {
    #[schema(example = "a long password 123")]
    password: String,
}

/// An API token of the account. The token itself is never shown again.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiToken {
    /// Names the token, to revoke it.
    #[schema(pattern = "^[0-9a-f]{16}$", example = "3f9a0c1d2e4b5a69")]
    id: String,
    /// When it was made (RFC 3339).
    #[schema(format = DateTime)]
    created: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// The page alone: there is only page 0.
    #[param(nullable = false, minimum = 0, maximum = 0, example = 0)]
    page: Option<usize>,
}

/// An API token's id in its path.
#[derive(Deserialize, IntoParams)]
#[into_params(names("id"), parameter_in = Path)]
pub struct TokenId(
    /// The token's id, as the list of tokens gives it.
    #[param(pattern = "^[0-9a-f]{16}$", example = "3f9a0c1d2e4b5a69")]
    pub String,
);

#[utoipa::path(
    post,
    path = "/api/account/password",
    operation_id = "changePassword",
    tag = "accounts",
    summary = "Change the password",
    description = "Ends the account's other sessions and revokes its API tokens, but the \
        session or token this request is sent with. Password checks count as log-in attempts \
        (10 per account in ten minutes).",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(Csrf),
    request_body(content(
        (
            PasswordChange = "application/json",
            example = json!({"current": "a long password 123", "new": "another long password 456"})
        ),
        (PasswordChange = "application/ld+json"),
    )),
    responses(
        (status = 204, description = "Changed."),
        (
            status = 400,
            description = "The body is not JSON, or lacks a string `current` or `new`.",
            body = Problem,
            content_type = PROBLEM,
        ),
        (status = 401, response = Unauthorized),
        (
            status = 403,
            description = "The current password is wrong, or the `X-CSRF-Token` header is \
                missing or wrong.",
            body = Problem,
            content_type = PROBLEM,
        ),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (
            status = 422,
            description = "The new password breaks the sign-up rules (the detail says which).",
            body = Problem,
            content_type = PROBLEM,
        ),
        (
            status = 429,
            description = "Rate limited: more than 10 password checks in ten minutes.",
            body = Problem,
            content_type = PROBLEM,
        ),
    ),
)]
async fn new_password(
    State(state): State<AppState>,
    viewer: Viewer,
    body: JsonBody,
) -> Result<Response, AppError> {
    let user = viewer.writer()?;
    let change: PasswordChange = fields(body, "{\"current\": …, \"new\": …}")?;
    change_password(&state, &viewer, user, &change.current, &change.new).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(
    delete,
    path = "/api/account",
    operation_id = "deleteAccount",
    tag = "accounts",
    summary = "Delete the account, its sessions, tokens and notes",
    description = "Every note of the account goes, as a delete of each would, but for a note \
        other readers replied to: their replies stay, under a placeholder that keeps the \
        note's id, place and IRI but names no one and says nothing. The username is free \
        again afterwards.",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(Csrf),
    request_body(content(
        (
            PasswordConfirmation = "application/json",
            example = json!({"password": "a long password 123"})
        ),
        (PasswordConfirmation = "application/ld+json"),
    )),
    responses(
        (status = 204, description = "Deleted."),
        (
            status = 400,
            description = "The body is not JSON, or lacks a string `password`.",
            body = Problem,
            content_type = PROBLEM,
        ),
        (status = 401, response = Unauthorized),
        (
            status = 403,
            description = "The password is wrong, or the `X-CSRF-Token` header is missing or \
                wrong.",
            body = Problem,
            content_type = PROBLEM,
        ),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (
            status = 429,
            description = "Rate limited: more than 10 password checks in ten minutes.",
            body = Problem,
            content_type = PROBLEM,
        ),
    ),
)]
async fn remove_account(
    State(state): State<AppState>,
    viewer: Viewer,
    body: JsonBody,
) -> Result<Response, AppError> {
    let user = viewer.writer()?;
    let confirmation: PasswordConfirmation = fields(body, "{\"password\": …}")?;
    delete_account(&state, user, &confirmation.password).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(
    get,
    path = "/api/account/tokens",
    operation_id = "listTokens",
    tag = "accounts",
    summary = "The account's API tokens, newest first",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    responses(
        (status = 200, description = "The tokens.", body = [ApiToken]),
        (status = 401, response = Unauthorized),
    ),
)]
async fn list_tokens(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let user = reader(&viewer)?;
    let tokens = state.store.tokens(&user.username).await?;
    let listed = tokens
        .into_iter()
        .map(|t| {
            let created = t
                .created
                .format(&Rfc3339)
                .map_err(|e| AppError::Internal(format!("formatting a time: {e}")))?;
            Ok(ApiToken { id: t.id, created })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Json(listed).into_response())
}

#[utoipa::path(
    delete,
    path = "/api/account/tokens/{id}",
    operation_id = "revokeToken",
    tag = "accounts",
    summary = "Revoke one of the account's API tokens",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(TokenId, Csrf),
    responses(
        (status = 204, description = "Revoked."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 429, response = TooManyWrites),
    ),
)]
async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(TokenId(id)): Path<TokenId>,
) -> Result<Response, AppError> {
    let user = viewer.writer()?;
    limit::check_writes(&state, &user.username).await?;
    let hash = state
        .store
        .revoke_token(&user.username, &id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("You have no API token {id}.")))?;
    state.signed_in.forget(&hash);
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(
    get,
    path = "/api/account/annotations",
    operation_id = "exportMyAnnotations",
    tag = "accounts",
    summary = "Every note of mine, as one AnnotationCollection",
    description = "Public and private notes, highlights and replies, newest first, all on the \
        collection's first page. With `page=0`: that `AnnotationPage` alone, `partOf` the \
        collection.",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(ExportParams),
    responses(
        (
            status = 200,
            description = "The collection, or its page.",
            content((Container = MEDIA_TYPE), (Container = "application/json")),
        ),
        (status = 400, response = BadQuery),
        (status = 401, response = Unauthorized),
        (
            status = 404,
            description = "A page after the first.",
            body = Problem,
            content_type = PROBLEM,
        ),
    ),
)]
async fn my_annotations(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(params): Params<ExportParams>,
) -> Result<Response, AppError> {
    let user = reader(&viewer)?;
    let collection = export::collection(&state, user, params.page).await?;
    let mut response = Json(collection).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    Ok(response)
}
