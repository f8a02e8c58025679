//! The groups' JSON endpoints, for programs and scripts: `/api/groups/...`, and the invite
//! link, which a program may post to as a browser's form does.

use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{as_creator, as_member, create, delete, describe, group_path, invite_path, join};
use crate::error::AppError;
use crate::store::{Group, Member, User};
use crate::web::AppState;
use crate::web::openapi::params::Csrf;
use crate::web::openapi::problems::{
    BadRequest, Forbidden, NotFound, PROBLEM, PayloadTooLarge, Problem, TooManyWrites,
    Unauthorized, UnsupportedMediaType,
};
use crate::web::plumbing::auth::Viewer;
use crate::web::plumbing::body::JsonBody;
use crate::web::plumbing::limit;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(create_group, my_groups))
        .routes(routes!(read_group, change_group, delete_group))
        .routes(routes!(remove_member))
        .routes(routes!(join_group))
}

/// A new group's name and description. Other members are ignored.
#[derive(Deserialize, ToSchema)]
pub struct GroupInput {
    /// 1 to 100 characters; else 422.
    #[schema(min_length = 1, max_length = 100, example = "History 101")]
    name: String,
    /// At most 1,000 characters.
    #[schema(max_length = 1000, example = "Reading the essays for Thursday")]
    #[serde(default)]
    description: String,
}

/// What changes of a group: either or both. Other members are ignored.
#[derive(Deserialize, ToSchema)]
pub struct GroupChange {
    #[schema(min_length = 1, max_length = 100, example = "History 102")]
    name: Option<String>,
    #[schema(max_length = 1000)]
    description: Option<String>,
}

/// A group as its members see it.
#[derive(Serialize, ToSchema)]
pub struct GroupJson {
    #[schema(pattern = "^[A-Za-z0-9]+$", example = "Ab3dEf7hJk")]
    id: String,
    name: String,
    description: String,
    /// Who may rename it, remove members and delete it.
    creator: String,
    /// The group's page, `/groups/{id}`; its public URL there is a group note's `audience`.
    #[schema(example = "/groups/Ab3dEf7hJk")]
    url: String,
    /// The invite link to share: whoever opens it signed in may join.
    #[schema(example = "/groups/Ab3dEf7hJk/join/q8Wm2xYz4KpR7tNc9dVb")]
    invite: String,
    /// When it was made (RFC 3339).
    #[schema(format = DateTime)]
    created: String,
}

/// A member of a group.
#[derive(Serialize, ToSchema)]
pub struct MemberJson {
    username: String,
    /// When they joined (RFC 3339).
    #[schema(format = DateTime)]
    joined: String,
}

/// A group with its members, longest-standing first.
#[derive(Serialize, ToSchema)]
pub struct GroupWithMembers {
    #[serde(flatten)]
    group: GroupJson,
    members: Vec<MemberJson>,
}

fn rfc3339(t: time::OffsetDateTime) -> Result<String, AppError> {
    t.format(&Rfc3339)
        .map_err(|e| AppError::Internal(format!("formatting a time: {e}")))
}

fn group_json(group: &Group) -> Result<GroupJson, AppError> {
    Ok(GroupJson {
        id: group.id.clone(),
        name: group.name.clone(),
        description: group.description.clone(),
        creator: group.creator.clone(),
        url: group_path(&group.id),
        invite: invite_path(group),
        created: rfc3339(group.created)?,
    })
}

fn with_members(group: &Group, members: Vec<Member>) -> Result<GroupWithMembers, AppError> {
    Ok(GroupWithMembers {
        group: group_json(group)?,
        members: members
            .into_iter()
            .map(|m| {
                Ok(MemberJson {
                    joined: rfc3339(m.joined)?,
                    username: m.username,
                })
            })
            .collect::<Result<_, AppError>>()?,
    })
}

/// The signed-in reader, for a request that only reads.
fn reader(viewer: &Viewer) -> Result<&User, AppError> {
    viewer.user.as_ref().ok_or_else(|| {
        AppError::Unauthorized("Log in, or send an API token as Authorization: Bearer.".into())
    })
}

fn fields<T: serde::de::DeserializeOwned>(body: JsonBody, shape: &str) -> Result<T, AppError> {
    serde_json::from_value(body.0).map_err(|e| AppError::BadRequest(format!("Send {shape}: {e}.")))
}

/// A group's id in its path.
#[derive(Deserialize, IntoParams)]
#[into_params(names("id"), parameter_in = Path)]
pub struct GroupId(
    /// The group's id, as its `url` ends.
    #[param(pattern = "^[A-Za-z0-9]+$", example = "Ab3dEf7hJk")]
    pub String,
);

/// A group's id and a member's name in their path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MemberPath {
    /// The group's id.
    #[param(pattern = "^[A-Za-z0-9]+$", example = "Ab3dEf7hJk")]
    id: String,
    /// The member's username.
    #[param(example = "alice")]
    name: String,
}

/// An invite link's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InvitePath {
    /// The group's id.
    #[param(pattern = "^[A-Za-z0-9]+$", example = "Ab3dEf7hJk")]
    id: String,
    /// The invite code, as the group's `invite` link ends.
    #[param(pattern = "^[A-Za-z0-9]+$", example = "q8Wm2xYz4KpR7tNc9dVb")]
    code: String,
}

#[utoipa::path(
    post,
    path = "/api/groups",
    operation_id = "createGroup",
    tag = "groups",
    summary = "Make a group, of which the reader is the creator and first member",
    description = "Share its `invite` link: whoever opens it signed in may join. Post a note to \
        the group with `\"audience\"` set to its `url` (or the public URL of it).",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(Csrf),
    request_body(content(
        (GroupInput = "application/json", example = json!({"name": "History 101"})),
        (GroupInput = "application/ld+json"),
    )),
    responses(
        (
            status = 201,
            description = "Made.",
            body = GroupJson,
            headers(("Location" = String, description = "`/groups/{id}`")),
        ),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (
            status = 422,
            description = "The name is empty or too long, or the description too long.",
            body = Problem,
            content_type = PROBLEM,
        ),
        (status = 429, response = TooManyWrites),
    ),
)]
async fn create_group(
    State(state): State<AppState>,
    viewer: Viewer,
    body: JsonBody,
) -> Result<Response, AppError> {
    let user = viewer.writer()?;
    limit::check_writes(&state, &user.username).await?;
    let input: GroupInput = fields(body, "{\"name\": …, \"description\": …}")?;
    let group = create(&state, user, &input.name, &input.description).await?;
    let location = group_path(&group.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(group_json(&group)?),
    )
        .into_response())
}

#[utoipa::path(
    get,
    path = "/api/groups",
    operation_id = "listGroups",
    tag = "groups",
    summary = "The groups the reader belongs to, by name",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    responses(
        (status = 200, description = "The groups.", body = [GroupJson]),
        (status = 401, response = Unauthorized),
    ),
)]
async fn my_groups(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let user = reader(&viewer)?;
    let groups = state.store.groups_of(&user.username).await?;
    let listed = groups
        .iter()
        .map(group_json)
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Json(listed).into_response())
}

#[utoipa::path(
    get,
    path = "/api/groups/{id}",
    operation_id = "readGroup",
    tag = "groups",
    summary = "A group and its members (its members only)",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(GroupId),
    responses(
        (status = 200, description = "The group.", body = GroupWithMembers),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ),
)]
async fn read_group(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(GroupId(id)): Path<GroupId>,
) -> Result<Response, AppError> {
    reader(&viewer)?;
    let group = as_member(&state, &viewer, &id).await?;
    let members = state.store.members(&id).await?;
    Ok(Json(with_members(&group, members)?).into_response())
}

#[utoipa::path(
    patch,
    path = "/api/groups/{id}",
    operation_id = "changeGroup",
    tag = "groups",
    summary = "Rename or describe a group (its creator only)",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(GroupId, Csrf),
    request_body(content(
        (GroupChange = "application/json", example = json!({"name": "History 102"})),
        (GroupChange = "application/merge-patch+json"),
    )),
    responses(
        (status = 200, description = "The group as it is now.", body = GroupJson),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (
            status = 422,
            description = "The name is empty or too long, or the description too long.",
            body = Problem,
            content_type = PROBLEM,
        ),
        (status = 429, response = TooManyWrites),
    ),
)]
async fn change_group(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(GroupId(id)): Path<GroupId>,
    body: JsonBody,
) -> Result<Response, AppError> {
    let user = viewer.writer()?;
    limit::check_writes(&state, &user.username).await?;
    let change: GroupChange = fields(body, "{\"name\": …, \"description\": …}")?;
    let group = as_creator(&state, &viewer, &id).await?;
    let name = change.name.as_deref().unwrap_or(&group.name);
    let description = change.description.as_deref().unwrap_or(&group.description);
    let changed = describe(&state, &group, name, description).await?;
    Ok(Json(group_json(&changed)?).into_response())
}

#[utoipa::path(
    delete,
    path = "/api/groups/{id}",
    operation_id = "deleteGroup",
    tag = "groups",
    summary = "Delete a group and every note posted to it (its creator only)",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(GroupId, Csrf),
    responses(
        (status = 204, description = "Deleted, with its notes and memberships."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 429, response = TooManyWrites),
    ),
)]
async fn delete_group(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(GroupId(id)): Path<GroupId>,
) -> Result<Response, AppError> {
    let user = viewer.writer()?;
    limit::check_writes(&state, &user.username).await?;
    let group = as_creator(&state, &viewer, &id).await?;
    delete(&state, &group).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(
    delete,
    path = "/api/groups/{id}/members/{name}",
    operation_id = "removeMember",
    tag = "groups",
    summary = "Leave a group, or remove a member of it (its creator only)",
    description = "A member removes themself to leave. Their notes stay in the group.",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(MemberPath, Csrf),
    responses(
        (status = 204, description = "No longer a member."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (
            status = 409,
            description = "The creator cannot leave: they delete the group instead.",
            body = Problem,
            content_type = PROBLEM,
        ),
        (status = 429, response = TooManyWrites),
    ),
)]
async fn remove_member(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(MemberPath { id, name }): Path<MemberPath>,
) -> Result<Response, AppError> {
    let user = viewer.writer()?;
    limit::check_writes(&state, &user.username).await?;
    super::remove_member(&state, &viewer, &id, &name).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The invite page's form: the session's CSRF token.
#[derive(Deserialize)]
struct JoinForm {
    #[serde(default)]
    csrf: String,
}

#[utoipa::path(
    post,
    path = "/groups/{id}/join/{code}",
    operation_id = "joinGroup",
    tag = "groups",
    summary = "Join a group by its invite link",
    description = "Programs send no body (or JSON) and get the group. The invite page's form \
        (`application/x-www-form-urlencoded`, with the session's `csrf`) is sent on to the \
        group's page (303). Joining again changes nothing.",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(InvitePath, Csrf),
    responses(
        (status = 200, description = "A member now.", body = GroupJson),
        (
            status = 303,
            description = "Only for the form: to the group's page, or to log in first.",
            headers(("Location" = String)),
        ),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 429, response = TooManyWrites),
    ),
)]
async fn join_group(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(InvitePath { id, code }): Path<InvitePath>,
    request: Request,
) -> Result<Response, AppError> {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let Some(user) = &viewer.user else {
            let back = super::invite_path_of(&id, &code);
            return Ok(Redirect::to(&format!("/login?next={back}")).into_response());
        };
        let Form(form) = Form::<JoinForm>::from_request(request, &state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        if !viewer
            .csrf
            .as_deref()
            .is_some_and(|c| crate::accounts::same(c, &form.csrf))
        {
            return Err(AppError::Forbidden(
                "The form expired: reload the page and try again.".into(),
            ));
        }
        limit::check_writes(&state, &user.username).await?;
        let group = join(&state, user, &id, &code).await?;
        return Ok(Redirect::to(&group_path(&group.id)).into_response());
    }
    let user = viewer.writer()?;
    limit::check_writes(&state, &user.username).await?;
    let group = join(&state, user, &id, &code).await?;
    Ok(Json(group_json(&group)?).into_response())
}
