//! Moderation: readers flag public notes, editors hide them (and show them again) and read
//! the queue of flagged notes, as JSON (`api`) and as a page with forms (`page`). Who may do
//! what is decided in `rule`, and nowhere else.

mod api;
mod page;
mod rule;

use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;

use super::AppState;
use super::annotations::access::visible;
use super::annotations::written::written;
use super::plumbing::auth::Viewer;
use super::plumbing::limit;
use crate::annotation::Annotation;
use crate::error::AppError;
use crate::live::Change;
use crate::store::{Flag, Moderated, StoreError};

pub(super) fn router() -> OpenApiRouter<AppState> {
    api::router().merge(page::router())
}

/// How many notes the queue lists at most.
const QUEUE_LENGTH: usize = 200;

/// How long a flag's reason may be.
const MAX_REASON_CHARS: usize = 500;

/// Flags note `id` for `viewer` with `reason`: the stored flag, or the answer refusing it (a
/// rate limit's tells when to try again).
async fn flag_note(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    reason: &str,
) -> Result<Flag, Response> {
    let user = viewer.writer().map_err(IntoResponse::into_response)?;
    limit::check_or_retry_after(state, &limit::FLAGS, &user.username).await?;
    let note = visible(state, viewer, id)
        .await
        .map_err(IntoResponse::into_response)?;
    let user = rule::may_flag(viewer, &note).map_err(IntoResponse::into_response)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::Unprocessable(format!(
            "Say in 1 to {MAX_REASON_CHARS} characters why the moderators should look at it."
        ))
        .into_response());
    }
    let flag = Flag {
        annotation: note.id,
        flagger: user.username.clone(),
        reason: reason.to_string(),
        created: OffsetDateTime::now_utc(),
    };
    match state.store.flag(&flag).await {
        Ok(()) => Ok(flag),
        Err(StoreError::Conflict(_)) => {
            Err(AppError::Conflict("You flagged this note already.".into()).into_response())
        }
        Err(err) => Err(AppError::from(err).into_response()),
    }
}

/// Hides note `id` (or shows it again) as `viewer`; the cookie by which the moderator's next
/// view shows it, if anything changed.
async fn hide(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    hidden: bool,
) -> Result<Option<HeaderValue>, AppError> {
    let user = viewer.writer()?;
    limit::check_writes(state, &user.username).await?;
    let missing = || AppError::NotFound(format!("There is no annotation {id}."));
    let note = state
        .store
        .annotation(id)
        .await?
        .filter(|a| !a.is_placeholder())
        .ok_or_else(missing)?;
    let moderator = rule::may_moderate(state, viewer, &note).await?;
    let now = OffsetDateTime::now_utc();
    match state
        .store
        .set_hidden(id, hidden, &moderator.username, now)
        .await?
    {
        Moderated::Done(revision) => {
            let note = Annotation { hidden, ..note };
            let wrote = written(state, &moderator.username, &note, Change::Updated, revision);
            Ok(Some(wrote.await))
        }
        Moderated::Already => Ok(None),
        Moderated::Missing => Err(missing()),
    }
}
