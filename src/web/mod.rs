//! HTTP: a module per resource, each registering the routes it answers in its `router`, and
//! beside them the plumbing they share. Here their routes are merged and wrapped in the
//! layers every answer goes through.

mod account;
mod accounts;
mod annotations;
mod assets;
pub mod catalog;
mod entities;
mod feeds;
mod groups;
mod health;
mod live;
mod moderation;
pub mod openapi;
pub(crate) mod plumbing;
mod previews;
mod reading;
mod search;
mod shares;
mod state;
mod users;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

use plumbing::{body, cors, deadline, errors, request_log};

pub use accounts::register;
pub use reading::cache::{PageCache, Version};
pub use reading::essays::{Essay, Essays, Snapshot};
pub use state::{AppState, Shared};

/// Scripts only from this site and no inline script or style: injected markup stays inert.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

fn request_logs_wanted() -> bool {
    tracing::enabled!(target: "tower_http::trace::on_response", tracing::Level::DEBUG)
}

/// Every route, each resource's from its module. Those for programs are registered with their
/// handlers' `#[utoipa::path]` attributes, which the OpenAPI description at /api/openapi.json
/// is made from: it describes exactly these. The description's own parts (info, tags,
/// components) are added only where it is served, not at every router build.
fn routes() -> OpenApiRouter<AppState> {
    // Compressed when made, not on the way out: outside the compression layer, whose
    // response type alone is kilobytes to move on every request.
    let precompressed = OpenApiRouter::default()
        .merge(reading::precompressed().into())
        .merge(assets::router().into())
        .merge(previews::router().into())
        .merge(openapi::router());
    let compressed = OpenApiRouter::default()
        .merge(reading::router())
        .merge(entities::router().into())
        .merge(feeds::router().into())
        .merge(search::router().into())
        .merge(annotations::router())
        .merge(accounts::router())
        .merge(account::router())
        .merge(moderation::router())
        .merge(groups::router())
        .merge(users::router().into())
        .merge(shares::router())
        .merge(health::router())
        .layer(CompressionLayer::new());
    OpenApiRouter::default()
        .merge(precompressed)
        .merge(compressed)
        .layer(middleware::from_fn(deadline::limit_time))
        // A live stream lasts as long as its reader stays: outside the time limit.
        .merge(live::router())
}

pub fn router(state: AppState) -> Router {
    let (routes, _) = routes().split_for_parts();
    let slow = state.config.slow_request;
    let router = routes
        .fallback(errors::not_found)
        // One stack, applied once: each `Router::layer` call boxes and clones every route
        // again on each request. The first layer here is the outermost.
        .layer(
            ServiceBuilder::new()
                .option_layer(
                    cors::rules(&state.config)
                        .map(|rules| middleware::from_fn_with_state(rules, cors::api_only)),
                )
                .layer(SetResponseHeaderLayer::overriding(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("strict-origin-when-cross-origin"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(CONTENT_SECURITY_POLICY),
                ))
                .layer(middleware::from_fn(move |request, next| {
                    request_log::log_requests(slow, request, next)
                }))
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    errors::html_errors,
                ))
                .layer(DefaultBodyLimit::max(body::MAX_BODY_BYTES)),
        )
        .with_state(state);
    // A span and two clock readings per request: only when RUST_LOG asks for request logs
    // (`tower_http=debug`).
    if request_logs_wanted() {
        router.layer(TraceLayer::new_for_http())
    } else {
        router
    }
}
