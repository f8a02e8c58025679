//! `GET /api/openapi.json`: the OpenAPI description of every JSON endpoint, kept beside the
//! handlers it describes and checked against the router by `tests/openapi.rs`.

use axum::http::header;
use axum::response::IntoResponse;

const OPENAPI: &str = include_str!("openapi.json");

pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}
