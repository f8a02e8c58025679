//! JSON request bodies: the right media type, within the size limit, well formed; every
//! failure a problem that says which.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
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
