//! Groups: a class or a newsroom annotating together. A signed-in reader makes one and shares
//! its invite link; whoever opens it signed in may join; members alone see the group's notes.
//! The rules are here, once, for the JSON API (`api.rs`) and the pages and their forms
//! (`pages.rs`).

mod api;
mod pages;

use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;

use super::AppState;
use super::plumbing::auth::Viewer;
use crate::error::AppError;
use crate::store::{Group, StoreError, User};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .merge(api::router())
        .merge(pages::router())
}

const MAX_NAME_CHARS: usize = 100;
const MAX_DESCRIPTION_CHARS: usize = 1_000;

/// Letters and digits that no one misreads, as in share codes.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/// A group's id is short enough to read out; its invite code long enough not to be guessed.
const ID_LEN: usize = 10;
const INVITE_LEN: usize = 20;

fn random_code(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

pub fn group_path(id: &str) -> String {
    format!("/groups/{id}")
}

pub fn invite_path(group: &Group) -> String {
    invite_path_of(&group.id, &group.invite)
}

fn invite_path_of(id: &str, code: &str) -> String {
    format!("/groups/{id}/join/{code}")
}

/// A name and description as the reader typed them, trimmed and checked.
fn checked(name: &str, description: &str) -> Result<(String, String), AppError> {
    let (name, description) = (name.trim(), description.trim());
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::Unprocessable(format!(
            "A group's name is 1 to {MAX_NAME_CHARS} characters."
        )));
    }
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(AppError::Unprocessable(format!(
            "A group's description is at most {MAX_DESCRIPTION_CHARS} characters."
        )));
    }
    Ok((name.to_string(), description.to_string()))
}

/// Makes a group of `user`'s, who is its first member.
async fn create(
    state: &AppState,
    user: &User,
    name: &str,
    description: &str,
) -> Result<Group, AppError> {
    let (name, description) = checked(name, description)?;
    let mut group = Group {
        id: random_code(ID_LEN),
        name,
        description,
        creator: user.username.clone(),
        invite: random_code(INVITE_LEN),
        created: OffsetDateTime::now_utc(),
    };
    loop {
        match state.store.create_group(&group).await {
            Ok(()) => break,
            Err(StoreError::Conflict(_)) => group.id = random_code(ID_LEN),
            Err(err) => return Err(err.into()),
        }
    }
    state.signed_in.forget_user(&user.username);
    Ok(group)
}

fn no_such_group(id: &str) -> AppError {
    AppError::NotFound(format!(
        "There is no group {id}, or you are not one of its members."
    ))
}

/// The group, if `viewer` belongs to it: to anyone else it is not there.
async fn as_member(state: &AppState, viewer: &Viewer, id: &str) -> Result<Group, AppError> {
    let user = viewer.user.as_ref().ok_or_else(|| no_such_group(id))?;
    let group = state
        .store
        .group(id)
        .await?
        .ok_or_else(|| no_such_group(id))?;
    if !state.store.is_member(id, &user.username).await? {
        return Err(no_such_group(id));
    }
    Ok(group)
}

/// The group, if `user` created it; its other members may only read it.
async fn as_creator(state: &AppState, viewer: &Viewer, id: &str) -> Result<Group, AppError> {
    let group = as_member(state, viewer, id).await?;
    if viewer.username() != Some(group.creator.as_str()) {
        return Err(AppError::Forbidden(
            "Only the group's creator may change it, remove its members or delete it.".into(),
        ));
    }
    Ok(group)
}

/// Joins `user` to the group whose invite code is `code`; a wrong code is no group at all.
async fn join(state: &AppState, user: &User, id: &str, code: &str) -> Result<Group, AppError> {
    let missing = || AppError::NotFound("This invite link is not known here.".into());
    let group = state.store.group(id).await?.ok_or_else(missing)?;
    if !crate::accounts::same(&group.invite, code)
        || !state.store.join(id, code, &user.username).await?
    {
        return Err(missing());
    }
    state.signed_in.forget_user(&user.username);
    Ok(group)
}

/// Renames and describes the group.
async fn describe(
    state: &AppState,
    group: &Group,
    name: &str,
    description: &str,
) -> Result<Group, AppError> {
    let (name, description) = checked(name, description)?;
    state
        .store
        .describe_group(&group.id, &name, &description)
        .await?;
    for member in state.store.members(&group.id).await? {
        state.signed_in.forget_user(&member.username);
    }
    Ok(Group {
        name,
        description,
        ..group.clone()
    })
}

/// Ends `member`'s membership: their own choice (leaving), or the creator's. The creator
/// cannot leave: they delete the group instead.
async fn remove_member(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    member: &str,
) -> Result<(), AppError> {
    let group = as_member(state, viewer, id).await?;
    let me = viewer.username().unwrap_or_default();
    if member == group.creator {
        return Err(AppError::Conflict(
            "The group's creator cannot leave it: delete the group instead.".into(),
        ));
    }
    if member != me && me != group.creator {
        return Err(AppError::Forbidden(
            "Only the group's creator may remove another member.".into(),
        ));
    }
    if !state.store.leave(id, member).await? {
        return Err(AppError::NotFound(format!(
            "{member} is not a member of this group."
        )));
    }
    state.signed_in.forget_user(member);
    Ok(())
}

/// Deletes the group with its notes, telling their readers as a delete of each would.
async fn delete(state: &AppState, group: &Group) -> Result<(), AppError> {
    let members = state.store.members(&group.id).await?;
    let withdrawn = state.store.delete_group(&group.id).await?;
    for note in &withdrawn {
        super::account::announce(state, &group.creator, note).await;
    }
    for member in members {
        state.signed_in.forget_user(&member.username);
    }
    Ok(())
}
