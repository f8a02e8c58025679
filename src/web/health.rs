//! `GET /healthz`: whether this instance and its database answer, for the load balancer to
//! take an instance out of rotation.

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
    match state.store.ping().await {
        Ok(()) => "ok".into_response(),
        Err(err) => {
            tracing::error!(request_id = %super::plumbing::request_log::current(), error = %err, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unreachable",
            )
                .into_response()
        }
    }
}
