//! `GET /healthz`: whether this instance and its database answer, for the load balancer to
//! take an instance out of rotation.

use std::time::Duration;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::openapi::literals::{Healthy, Unreachable};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(healthz))
}

#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "health",
    tag = "operations",
    summary = "Whether the server and its database answer",
    security(()),
    responses(
        (
            status = 200,
            description = "Healthy.",
            body = inline(Healthy),
            content_type = "text/plain",
        ),
        (
            status = 503,
            description = "The database does not answer.",
            body = inline(Unreachable),
            content_type = "text/plain",
        ),
    ),
)]
async fn healthz(State(state): State<AppState>) -> Response {
    let answered = tokio::time::timeout(PING_WITHIN, state.store.ping()).await;
    match answered.map_err(|_| "no answer within 2 s".to_string()) {
        Ok(Ok(())) => "ok".into_response(),
        Ok(Err(err)) => down(err.to_string()),
        Err(err) => down(err),
    }
}

/// A load balancer asks every few seconds and gives up on its own after a few more: a check
/// waiting on a database that does not answer would only pile up.
const PING_WITHIN: Duration = Duration::from_secs(2);

fn down(error: String) -> Response {
    tracing::error!(request_id = %super::plumbing::request_log::current(), error = %error, "health check failed");
    let mut response = (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "database unreachable",
    )
        .into_response();
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        crate::error::RETRY_AFTER_SECONDS.into(),
    );
    response
}
