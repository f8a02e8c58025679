//! The signed-in reader's own account (`/account` and `/api/account/...`): their password,
//! API tokens and sessions, their notes to take away, the replies to them, and the account's
//! deletion. Sign-up and log-in are `web::accounts`.

mod api;
mod export;
mod page;

use utoipa_axum::router::OpenApiRouter;

use super::AppState;
use super::plumbing::auth::Viewer;
use super::plumbing::limit;
use crate::accounts::{check_password, hash_password, off_the_serving_thread, verify_password};
use crate::error::AppError;
use crate::live::{Change, Event};
use crate::store::{User, Withdrawn};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .merge(page::router())
        .merge(api::router())
}

const WRONG_PASSWORD: &str = "The password is wrong.";

/// Checks the account's password, as slowly as a log-in and counted with them, so a stolen
/// session cannot guess it faster than a log-in form could.
async fn confirm_password(state: &AppState, user: &User, password: &str) -> Result<(), AppError> {
    limit::check(
        state,
        &limit::LOGINS_PER_ACCOUNT,
        &user.username.to_lowercase(),
    )
    .await?;
    let (password, stored) = (password.to_string(), user.password_hash.clone());
    if off_the_serving_thread(move || verify_password(&password, &stored)).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden(WRONG_PASSWORD.into()))
    }
}

/// Sets a new password and ends every other way into the account: its other sessions and all
/// its API tokens but the one this request (by `viewer`, who is `user`) came with.
async fn change_password(
    state: &AppState,
    viewer: &Viewer,
    user: &User,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    confirm_password(state, user, current).await?;
    check_password(new)?;
    let new = new.to_string();
    let hash = off_the_serving_thread(move || hash_password(&new)).await??;
    state.store.set_password(&user.username, &hash).await?;
    let ended = state
        .store
        .end_sessions(&user.username, viewer.session_hash.as_deref())
        .await?;
    let revoked = state
        .store
        .revoke_tokens(&user.username, viewer.token_hash.as_deref())
        .await?;
    forget(state, ended.iter().chain(&revoked));
    // This request's own session or token is remembered with the old password's hash.
    forget(state, viewer.session_hash.iter().chain(&viewer.token_hash));
    Ok(())
}

/// Ends every session of the account, the one asking included.
async fn sign_out_everywhere(state: &AppState, user: &User) -> Result<(), AppError> {
    let ended = state.store.end_sessions(&user.username, None).await?;
    forget(state, &ended);
    Ok(())
}

/// Deletes the account with its sessions, tokens and notes, and tells every page showing
/// those notes, as a delete of each would.
async fn delete_account(state: &AppState, user: &User, password: &str) -> Result<(), AppError> {
    confirm_password(state, user, password).await?;
    let ended = state.store.end_sessions(&user.username, None).await?;
    let revoked = state.store.revoke_tokens(&user.username, None).await?;
    let withdrawn = state.store.delete_user(&user.username).await?;
    forget(state, ended.iter().chain(&revoked));
    for note in &withdrawn {
        announce(state, &user.username, note).await;
    }
    Ok(())
}

/// What a note's going changes: the essay's revision, and its live readers if it was public or
/// in a group (its members).
pub(super) async fn announce(state: &AppState, writer: &str, note: &Withdrawn) {
    {
        let catalog = state.catalog();
        catalog.revisions.saw(&note.article, note.revision);
        if let Some(essay) = catalog.essays.get(&note.article) {
            essay.wrote(writer, note.revision);
        }
    }
    if note.public || note.group.is_some() {
        let change = if note.placeholder {
            Change::Updated
        } else {
            Change::Deleted
        };
        state
            .live
            .publish(Event {
                article: note.article.clone(),
                annotation: note.id.clone(),
                change,
                revision: note.revision,
                group: note.group.clone(),
            })
            .await;
    }
}

/// This thread stops trusting credentials that just ended; other threads within a second.
fn forget<'a>(state: &AppState, hashes: impl IntoIterator<Item = &'a String>) {
    for hash in hashes {
        state.signed_in.forget(hash);
    }
}
