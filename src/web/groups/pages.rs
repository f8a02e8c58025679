//! The groups' pages: `/groups` (the reader's groups and a form to make one), a group's page
//! for its members, the creator's confirmation before deleting it, and the invite link's page.
//! Their forms work without JavaScript (POST, then a redirect) and carry the session's CSRF
//! token as the log-in form does.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

use super::{as_creator, as_member, create, delete, describe, group_path, invite_path};
use crate::accounts;
use crate::error::AppError;
use crate::render::{format_date, note_html};
use crate::store::{Group, User};
use crate::web::AppState;
use crate::web::annotations::resolve::passage_url;
use crate::web::plumbing::auth::Viewer;
use crate::web::plumbing::head::Head;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .route("/groups", get(list_page).post(create_form))
        .route("/groups/{id}", get(group_page))
        .route("/groups/{id}/describe", post(describe_form))
        .route("/groups/{id}/leave", post(leave_form))
        .route("/groups/{id}/members/{name}/remove", post(remove_form))
        .route("/groups/{id}/delete", get(delete_page).post(delete_form))
        .route("/groups/{id}/join/{code}", get(join_page))
}

/// How many of a group's notes its page lists.
const NOTES: usize = 100;

struct GroupItem {
    url: String,
    name: String,
    description: String,
    created_by_me: bool,
}

#[derive(Template)]
#[template(path = "groups/list.html")]
struct ListPage {
    head: Head,
    csrf: String,
    groups: Vec<GroupItem>,
}

struct NoteItem {
    href: String,
    author: String,
    body: String,
    quote: String,
    date: String,
    essay: String,
}

#[derive(Template)]
#[template(path = "groups/group.html")]
struct GroupPage {
    head: Head,
    csrf: String,
    group: Group,
    invite: String,
    members: Vec<String>,
    is_creator: bool,
    notes: Vec<NoteItem>,
}

#[derive(Template)]
#[template(path = "groups/delete.html")]
struct DeletePage {
    head: Head,
    csrf: String,
    group: Group,
    notes: usize,
}

#[derive(Template)]
#[template(path = "groups/join.html")]
struct JoinPage {
    head: Head,
    csrf: String,
    group: Group,
    /// Where the form posts, and where logging in returns to.
    invite: String,
    signed_in: bool,
    member: bool,
}

/// The form came from one of the reader's pages: its CSRF token is the session's.
fn from_page<'a>(viewer: &'a Viewer, csrf: &str) -> Result<&'a User, AppError> {
    let user = viewer
        .user
        .as_ref()
        .ok_or_else(|| AppError::Unauthorized("Log in first.".into()))?;
    if !viewer
        .csrf
        .as_deref()
        .is_some_and(|c| accounts::same(c, csrf))
    {
        return Err(AppError::Forbidden(
            "The form expired: reload the page and try again.".into(),
        ));
    }
    Ok(user)
}

async fn list_page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let Some(user) = &viewer.user else {
        return Ok(Redirect::to("/login?next=/groups").into_response());
    };
    let groups = state
        .store
        .groups_of(&user.username)
        .await?
        .into_iter()
        .map(|g| GroupItem {
            url: group_path(&g.id),
            created_by_me: g.creator == user.username,
            name: g.name,
            description: g.description,
        })
        .collect();
    let page = ListPage {
        head: Head::for_viewer(
            "Your groups",
            "The groups you annotate with, and a form to make one.",
            &viewer,
        ),
        csrf: viewer.csrf.clone().unwrap_or_default(),
        groups,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
struct GroupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

async fn create_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<GroupForm>,
) -> Result<Response, AppError> {
    let user = from_page(&viewer, &form.csrf)?;
    let group = create(&state, user, &form.name, &form.description).await?;
    Ok(Redirect::to(&group_path(&group.id)).into_response())
}

async fn group_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let group = as_member(&state, &viewer, &id).await?;
    let members = state.store.members(&id).await?;
    let notes = state
        .store
        .group_notes(&id, NOTES)
        .await?
        .iter()
        .map(|n| NoteItem {
            href: passage_url(&state, n),
            author: n.creator.clone(),
            body: n.body.as_deref().map(note_html).unwrap_or_default(),
            quote: n.target.quote().to_string(),
            date: format_date(n.created.date()),
            essay: state
                .library()
                .article(&n.article)
                .map_or_else(|| n.article.clone(), |a| a.meta.title.clone()),
        })
        .collect();
    let me = viewer.username().unwrap_or_default();
    let page = GroupPage {
        head: Head::for_viewer(&group.name, &group.description, &viewer),
        csrf: viewer.csrf.clone().unwrap_or_default(),
        invite: format!("{}{}", state.config.public_url, invite_path(&group)),
        members: members.into_iter().map(|m| m.username).collect(),
        is_creator: me == group.creator,
        notes,
        group,
    };
    Ok(Html(page.render()?).into_response())
}

async fn describe_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<GroupForm>,
) -> Result<Response, AppError> {
    from_page(&viewer, &form.csrf)?;
    let group = as_creator(&state, &viewer, &id).await?;
    describe(&state, &group, &form.name, &form.description).await?;
    Ok(Redirect::to(&group_path(&id)).into_response())
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn leave_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    let user = from_page(&viewer, &form.csrf)?;
    super::remove_member(&state, &viewer, &id, &user.username).await?;
    Ok(Redirect::to("/groups").into_response())
}

async fn remove_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, name)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    from_page(&viewer, &form.csrf)?;
    super::remove_member(&state, &viewer, &id, &name).await?;
    Ok(Redirect::to(&group_path(&id)).into_response())
}

async fn delete_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let group = as_creator(&state, &viewer, &id).await?;
    let page = DeletePage {
        head: Head::for_viewer(
            &format!("Delete {}", group.name),
            "Confirm deleting the group and its notes.",
            &viewer,
        ),
        csrf: viewer.csrf.clone().unwrap_or_default(),
        notes: state.store.group_note_count(&id).await?,
        group,
    };
    Ok(Html(page.render()?).into_response())
}

async fn delete_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    from_page(&viewer, &form.csrf)?;
    let group = as_creator(&state, &viewer, &id).await?;
    delete(&state, &group).await?;
    Ok(Redirect::to("/groups").into_response())
}

async fn join_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let group = state
        .store
        .group(&id)
        .await?
        .filter(|g| accounts::same(&g.invite, &code))
        .ok_or_else(|| AppError::NotFound("This invite link is not known here.".into()))?;
    let member = match viewer.username() {
        Some(me) => state.store.is_member(&id, me).await?,
        None => false,
    };
    let page = JoinPage {
        head: Head::for_viewer(
            &format!("Join {}", group.name),
            "An invitation to annotate together.",
            &viewer,
        ),
        csrf: viewer.csrf.clone().unwrap_or_default(),
        invite: invite_path(&group),
        signed_in: viewer.user.is_some(),
        member,
        group,
    };
    Ok(Html(page.render()?).into_response())
}
