//! The essays as readers read them: the list of essays, an essay's page with its notes, and
//! the fragments the page swaps in after a change; and what keeps those pages ready to send.

pub mod cache;
pub mod essays;
mod fragments;
mod frame;
mod index;
mod layers;
mod page;
pub mod page_layer;
mod version;

use axum::Router;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;

/// The essay's page, compressed as it is made (its blocks once each, a signed-out reader's
/// page once per version), so it is routed outside the compression layer.
pub(super) fn precompressed() -> Router<AppState> {
    Router::new().route("/articles/{slug}", get(page::article))
}

/// The list of essays, and the fragments the page swaps in.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .route("/", get(index::index))
        .routes(routes!(fragments::fragments))
}
