//! HTTP: one file per resource.

mod accounts;
mod annotations;
mod assets;
pub mod auth;
mod body;
mod cached;
mod entities;
mod errors;
pub mod limit;
mod live;
mod openapi;
mod pages;
pub(crate) mod search;
mod shares;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::app::AppState;

pub use accounts::register;
pub use assets::Assets;
pub use auth::Viewer;
pub use cached::PageCache;

/// Scripts only from this site and no inline script or style: injected markup stays inert.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Longer than any request should take; live streams are exempt.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn router(state: AppState) -> Router {
    let streams = Router::new().route("/articles/{slug}/live", get(live::live));
    Router::new()
        .route("/", get(pages::index))
        .route("/articles/{slug}", get(pages::article))
        .route("/articles/{slug}/fragments", get(pages::fragments))
        .route("/timeline", get(entities::timeline))
        .route("/search", get(search::search))
        .route("/entities/{id}", get(entities::entity_by_id))
        .route("/{kind}/{id}", get(entities::entity))
        .route(
            "/annotations/",
            get(annotations::container)
                .post(annotations::create)
                .options(annotations::options_container),
        )
        .route(
            "/annotations/{id}",
            get(annotations::read)
                .put(annotations::replace)
                .delete(annotations::remove)
                .options(annotations::options_annotation),
        )
        .route("/login", get(accounts::login_page).post(accounts::login))
        .route("/signup", get(accounts::signup_page).post(accounts::signup))
        .route("/logout", post(accounts::logout))
        .route("/api/users", post(accounts::create_user))
        .route("/api/tokens", post(accounts::create_token))
        .route("/api/shares", post(shares::create))
        .route("/api/openapi.json", get(openapi::openapi))
        .route("/s/{code}", get(shares::open))
        .route("/healthz", get(pages::healthz))
        .route("/static/{file}", get(assets::serve))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .merge(streams)
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(body::MAX_BODY_BYTES))
        .layer(middleware::from_fn(errors::html_errors))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
