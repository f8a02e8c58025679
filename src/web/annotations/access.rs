//! Who sees a note, and which group a new one goes to.

use crate::annotation::jsonld;
use crate::annotation::{Annotation, Target, Visibility};
use crate::error::AppError;
use crate::web::AppState;
use crate::web::plumbing::auth::Viewer;

/// The annotation with this id, if the viewer may see it: a reply only where the note it
/// answers is seen too (not under a note the moderators hid).
pub async fn visible(state: &AppState, viewer: &Viewer, id: &str) -> Result<Annotation, AppError> {
    let missing = || AppError::NotFound(format!("There is no annotation {id}."));
    let a = state
        .store
        .annotation(id)
        .await?
        .filter(|a| a.visible_to(viewer.reader()) && !a.is_placeholder())
        .ok_or_else(missing)?;
    let mut above = a.target.clone();
    while let Target::Reply(parent) = above {
        let parent = state.store.annotation(&parent).await?.ok_or_else(missing)?;
        if parent.hidden && !parent.visible_to(viewer.reader()) {
            return Err(missing());
        }
        above = parent.target;
    }
    Ok(a)
}

/// The group a note of `writer`'s goes to: a reply's is its parent's, another note's the one
/// its `audience` names, which the writer must belong to.
pub(super) async fn audience(
    state: &AppState,
    writer: &str,
    draft: &jsonld::Draft,
    target: &Target,
) -> Result<Option<String>, AppError> {
    if draft.audience.is_some() && draft.visibility == Visibility::Private {
        return Err(AppError::Unprocessable(
            "A private note is its creator's alone: it cannot go to a group too.".into(),
        ));
    }
    if let Target::Reply(parent) = target {
        let parent = state.store.annotation(parent).await?;
        return Ok(parent.and_then(|p| p.group));
    }
    let Some(group) = &draft.audience else {
        return Ok(None);
    };
    if state.store.group(group).await?.is_none() {
        return Err(AppError::Unprocessable(format!(
            "There is no group {group} to post to."
        )));
    }
    if !state.store.is_member(group, writer).await? {
        return Err(AppError::Forbidden(
            "Only a group's members may post to it: join it by its invite link first.".into(),
        ));
    }
    Ok(Some(group.clone()))
}
