//! Who may flag a note and who may hide it: the one place these rules live.

use crate::annotation::{Annotation, Visibility};
use crate::error::AppError;
use crate::store::User;
use crate::web::plumbing::auth::Viewer;

/// The reader who may flag `note`: anyone signed in but its creator, on a public note of a
/// reader's. Whoever may not see the note is answered as if it were not there.
pub fn may_flag<'v>(viewer: &'v Viewer, note: &Annotation) -> Result<&'v User, AppError> {
    let user = viewer.writer()?;
    if note.visibility != Visibility::Public {
        return Err(AppError::NotFound(format!(
            "There is no annotation {}.",
            note.id
        )));
    }
    if note.editorial {
        return Err(AppError::Forbidden(
            "The editors' own notes are not flagged: write to the editors instead.".into(),
        ));
    }
    if note.creator == user.username {
        return Err(AppError::Forbidden(
            "You cannot flag your own note: edit or delete it instead.".into(),
        ));
    }
    Ok(user)
}

/// The moderator who may hide `note` or show it again: an editor, for any reader's note.
/// When notes belong to groups, a group's creator moderates its notes too: that is decided
/// here, from the note's audience, and nowhere else.
pub fn may_moderate<'v>(viewer: &'v Viewer, note: &Annotation) -> Result<&'v User, AppError> {
    let user = viewer.writer()?;
    if !viewer.is_editor() {
        return Err(AppError::Forbidden(
            "Only the editors may hide notes or show them again.".into(),
        ));
    }
    if note.editorial {
        return Err(AppError::Forbidden(
            "The editors' own notes are changed in the articles folder.".into(),
        ));
    }
    Ok(user)
}

/// Whether the viewer may read the queue of flagged notes: editors only.
pub fn may_read_queue(viewer: &Viewer) -> Result<(), AppError> {
    if viewer.user.is_none() {
        return Err(AppError::Unauthorized(
            "Log in, or send an API token as Authorization: Bearer.".into(),
        ));
    }
    if !viewer.is_editor() {
        return Err(AppError::Forbidden(
            "Only the editors may read the moderation queue.".into(),
        ));
    }
    Ok(())
}
