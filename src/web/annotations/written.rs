//! What a write leaves behind it: the essay's revision learnt, live readers told, and the
//! writer's cookie.

use axum::http::HeaderValue;

use crate::annotation::{Annotation, Visibility};
use crate::live::{Change, Event};
use crate::web::AppState;

/// After a write: the essay's new revision is learnt at once, and its live readers are told
/// of a change to a public annotation. Returns the cookie by which the writer's next view,
/// on any instance, shows the write.
pub async fn written(
    state: &AppState,
    writer: &str,
    a: &Annotation,
    change: Change,
    revision: i64,
) -> HeaderValue {
    {
        let catalog = state.catalog();
        catalog.revisions.saw(&a.article, revision);
        if let Some(essay) = catalog.essays.get(&a.article) {
            essay.wrote(writer, revision);
        }
    }
    let cookie = crate::web::plumbing::written::cookie_for(
        &a.article,
        revision,
        state.config.secure_cookies(),
    );
    // A private note is news to no one else; a group's note to its members alone.
    if a.visibility != Visibility::Public {
        return cookie;
    }
    state
        .live
        .publish(Event {
            article: a.article.clone(),
            annotation: a.id.clone(),
            change,
            revision,
            group: a.group.clone(),
        })
        .await;
    cookie
}
