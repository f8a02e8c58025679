//! What requests carry: JSON bodies (the right media type, within the size limit, well
//! formed) and query strings; every failure a problem that says which.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::AppError;

/// The largest request body the API reads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let media = content_type.split(';').next().unwrap_or("").trim();
        if !matches!(media, "application/json" | "application/ld+json") {
            return Err(AppError::UnsupportedMediaType(
                "Send JSON: Content-Type application/ld+json or application/json.".into(),
            ));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge(format!(
                    "The request body is over the limit of {MAX_BODY_BYTES} bytes."
                ))
            } else {
                AppError::BadRequest(format!("Could not read the request body: {e}."))
            }
        })?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| AppError::BadRequest(format!("The body is not valid JSON: {e}.")))
    }
}

/// Query parameters; a malformed query string is a problem that says what is wrong.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(params)| Params(params))
            .map_err(|e| AppError::BadRequest(format!("{}.", e.body_text())))
    }
}
