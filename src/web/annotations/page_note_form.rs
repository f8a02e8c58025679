//! `POST /articles/{slug}/page-notes`: the form in the section of notes on the whole essay,
//! for browsers that run no script. It writes a page note as the API does, then sends the
//! reader back to the section, where the note now stands.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::{insert, reader_draft};
use crate::accounts;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::plumbing::auth::Viewer;
use crate::web::plumbing::limit;

#[derive(Deserialize)]
pub struct PageNoteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    /// Comma-separated, as the editor takes them.
    #[serde(default)]
    tags: String,
    /// Present when the box is ticked, as older pages' forms send it.
    private: Option<String>,
    /// `public`, `private` or `group:{id}`.
    #[serde(default)]
    audience: String,
}

pub(super) async fn post(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    viewer: Viewer,
    Form(form): Form<PageNoteForm>,
) -> Result<Response, AppError> {
    let user = viewer
        .user
        .as_ref()
        .ok_or_else(|| AppError::Unauthorized("Log in to add a note.".into()))?;
    // A session's form carries its token: a page of another site cannot know it.
    if !viewer
        .csrf
        .as_deref()
        .is_some_and(|csrf| accounts::same(csrf, &form.csrf))
    {
        return Err(AppError::Forbidden(
            "The form expired: reload the page and try again.".into(),
        ));
    }
    limit::check_writes(&state, &user.username).await?;
    let path = format!("/articles/{slug}");
    let draft = reader_draft(&annotation(&form, &path))?;
    let (_, wrote) = insert(&state, &viewer, &user.username, draft).await?;
    Ok((
        [(header::SET_COOKIE, wrote)],
        Redirect::to(&format!("{path}#page-notes")),
    )
        .into_response())
}

/// The form as the annotation a script would send for it.
fn annotation(form: &PageNoteForm, path: &str) -> serde_json::Value {
    let tags = form
        .tags
        .split(',')
        .map(|tag| tag.trim().trim_start_matches('#'))
        .filter(|tag| !tag.is_empty())
        .map(|tag| json!({"type": "TextualBody", "value": tag, "purpose": "tagging"}));
    let comment = json!({
        "type": "TextualBody",
        "value": form.body,
        "format": "text/markdown",
        "purpose": "commenting",
    });
    let private = form.private.is_some() || form.audience == "private";
    let mut note = json!({
        "type": "Annotation",
        "motivation": "commenting",
        "body": std::iter::once(comment).chain(tags).collect::<Vec<_>>(),
        "target": path,
        "visibility": if private { "private" } else { "public" },
    });
    if let Some(group) = form.audience.strip_prefix("group:") {
        note["audience"] = json!(format!("/groups/{group}"));
    }
    note
}
