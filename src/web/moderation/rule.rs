//! Who may flag a note and who may hide it: the one place these rules live. Editors moderate
//! the public layer; a group's creator moderates the group's notes, which editors, not
//! members, do not see.

use crate::annotation::{Annotation, Visibility};
use crate::error::AppError;
use crate::store::User;
use crate::web::AppState;
use crate::web::plumbing::auth::Viewer;

/// The reader who may flag `note`: anyone signed in who sees it but its creator, on a public
/// note of a reader's or one of their group's. Whoever may not see the note is answered as
/// if it were not there.
pub fn may_flag<'v>(viewer: &'v Viewer, note: &Annotation) -> Result<&'v User, AppError> {
    let user = viewer.writer()?;
    if note.visibility != Visibility::Public || !note.visible_to(viewer.reader()) {
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

/// The moderator who may hide `note` or show it again: an editor for a public note, the
/// group's creator for a group's. Whoever would not see the note, hidden or not, is answered
/// as if it were not there.
pub async fn may_moderate<'v>(
    state: &AppState,
    viewer: &'v Viewer,
    note: &Annotation,
) -> Result<&'v User, AppError> {
    let user = viewer.writer()?;
    let unhidden = Annotation {
        hidden: false,
        ..note.clone()
    };
    if !unhidden.visible_to(viewer.reader()) {
        return Err(AppError::NotFound(format!(
            "There is no annotation {}.",
            note.id
        )));
    }
    if note.editorial {
        return Err(AppError::Forbidden(
            "The editors' own notes are changed in the articles folder.".into(),
        ));
    }
    match &note.group {
        None if viewer.is_editor() && note.visibility == Visibility::Public => Ok(user),
        None => Err(AppError::Forbidden(
            "Only the editors may hide notes or show them again.".into(),
        )),
        Some(_)
            if state
                .store
                .created_group_of(&note.id, &user.username)
                .await? =>
        {
            Ok(user)
        }
        Some(_) => Err(AppError::Forbidden(
            "Only the group's creator may hide its notes or show them again.".into(),
        )),
    }
}

/// The notes a moderator looks after: the public layer for an editor, and the notes of the
/// groups they created.
pub struct Scope {
    editor: bool,
    groups: Vec<String>,
}

impl Scope {
    pub fn covers(&self, note: &Annotation) -> bool {
        match &note.group {
            None => self.editor,
            Some(group) => self.groups.contains(group),
        }
    }
}

/// What the viewer moderates, if anything: the queue of flagged notes is theirs to read.
pub async fn moderation_scope(state: &AppState, viewer: &Viewer) -> Result<Scope, AppError> {
    let Some(user) = &viewer.user else {
        return Err(AppError::Unauthorized(
            "Log in, or send an API token as Authorization: Bearer.".into(),
        ));
    };
    let groups: Vec<String> = state
        .store
        .groups_of(&user.username)
        .await?
        .into_iter()
        .filter(|group| group.creator == user.username)
        .map(|group| group.id)
        .collect();
    if !viewer.is_editor() && groups.is_empty() {
        return Err(AppError::Forbidden(
            "Only the editors, and a group's creator for its notes, read the moderation queue."
                .into(),
        ));
    }
    Ok(Scope {
        editor: viewer.is_editor(),
        groups,
    })
}
