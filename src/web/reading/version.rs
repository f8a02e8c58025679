//! Which version of an essay a request is shown: the one at hand, unless the request must
//! see a newer revision, one its reader wrote or one a live event announced to their page.

use std::sync::Arc;

use axum::http::HeaderMap;

use super::essays::{Essay, Snapshot};
use crate::error::AppError;
use crate::library::Article;
use crate::web::AppState;
use crate::web::catalog::Catalog;
use crate::web::plumbing::auth::Viewer;
use crate::web::plumbing::revisions::Lookup;
use crate::web::plumbing::written;

/// The essay called `slug` and what is kept ready of its page; a 404 naming it if none.
pub(super) fn find<'a>(
    catalog: &'a Catalog,
    slug: &str,
) -> Result<(&'a Article, &'a Arc<Essay>), AppError> {
    let essay = catalog
        .essays
        .get(slug)
        .ok_or_else(|| AppError::NotFound(format!("There is no essay called “{slug}”.")))?;
    Ok((essay.article(), essay))
}

/// The essay's revision as this instance last learnt it: from its own writes at once, from
/// other instances' within a second. While the database is away, the last one learnt, so
/// that readers are still served the page.
pub(super) async fn known_revision(
    state: &AppState,
    catalog: &Catalog,
    slug: &str,
) -> Result<i64, AppError> {
    Ok(match catalog.revisions.lookup(slug) {
        Lookup::Trusted(revision) => revision,
        Lookup::Ask(asking) => {
            let revision = catalog.revisions.ask(state.store.as_ref(), slug).await?;
            asking.answered(revision);
            revision
        }
    })
}

/// The revision a view must show: the newest a live event announced to the page, or one the
/// viewer wrote, by what this instance saw or what their browser says.
pub(super) fn needed_revision(
    essay: &Essay,
    viewer: &Viewer,
    headers: &HeaderMap,
    announced: Option<i64>,
) -> Option<i64> {
    let own = viewer.username().and_then(|user| essay.written_by(user));
    [announced, own, written::revision(headers, essay.slug())]
        .into_iter()
        .flatten()
        .max()
}

/// The version of the essay to show: the version at hand (a newer one is made meanwhile if
/// it is behind), unless it lacks the revision the request must see.
pub(super) async fn version_for(
    state: &AppState,
    catalog: &Catalog,
    essay: &Arc<Essay>,
    needed: Option<i64>,
) -> Result<Arc<Snapshot>, AppError> {
    match needed {
        Some(needed) if essay.latest().is_none_or(|s| s.revision() < needed) => {
            essay.at_least(state, needed).await
        }
        _ => {
            essay
                .at_hand(state, known_revision(state, catalog, essay.slug()).await?)
                .await
        }
    }
}
