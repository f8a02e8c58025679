//! `GET /api/openapi.json`: the OpenAPI description of every route for programs. It is made
//! from the handlers' `#[utoipa::path]` attributes and the types they read and answer, as the
//! router registers them (`web::routes`), so it lists what is routed and nothing else; it is
//! serialized and compressed once.

pub mod annotation;
pub mod collection;
pub mod draft;
pub mod literals;
pub mod params;
pub mod problems;

use std::sync::LazyLock;

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::response::Response;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::plumbing::encoded::Encoded;
use problems::*;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(openapi))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gloss",
        description = include_str!("description.md"),
        license(name = "MIT"),
    ),
    servers((url = "/")),
    tags(
        (name = "annotations", description = "The W3C Web Annotation Protocol."),
        (name = "accounts"),
        (name = "groups", description = "Classes and newsrooms annotating together."),
        (name = "shares"),
        (name = "reading"),
        (name = "moderation", description = "Flags on readers' notes, and hiding them."),
        (name = "operations"),
    ),
    components(
        schemas(Problem),
        responses(
            BadRequest,
            BadQuery,
            Unauthorized,
            InvalidToken,
            Forbidden,
            NotFound,
            IdentityChanged,
            PreconditionFailed,
            PayloadTooLarge,
            UnsupportedMediaType,
            UnprocessableAnnotation,
            TooManyWrites,
            Conflict,
            UnprocessableFlag,
            TooManyFlags,
        ),
    ),
    modifiers(&SignIn),
)]
pub struct Description;

/// The two ways to sign in: a token for programs, the session cookie for browsers.
struct SignIn;

impl Modify for SignIn {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_default();
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token from `POST /api/tokens`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "sessionCookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                super::plumbing::auth::SESSION_COOKIE,
                "The browser session from the `/login` and `/signup` forms. Writes must also \
                 send the `gloss_csrf` cookie's value as the `X-CSRF-Token` header.",
            ))),
        );
    }
}

/// The description as served: made from the routes at the first request for it.
static SERVED: LazyLock<Encoded> = LazyLock::new(|| {
    let json = OpenApiRouter::with_openapi(Description::openapi())
        .merge(super::routes())
        .into_openapi()
        .to_json()
        .expect("the description serializes");
    Encoded::of("application/json", "Accept-Encoding", Bytes::from(json))
});

/// The OpenAPI document in brief: what a client may rely on it to have.
#[derive(utoipa::ToSchema)]
pub struct Document {
    pub openapi: String,
    pub info: serde_json::Value,
    pub paths: serde_json::Value,
}

#[utoipa::path(
    get,
    path = "/api/openapi.json",
    operation_id = "openapi",
    tag = "operations",
    summary = "This description",
    security(()),
    responses(
        (
            status = 200,
            description = "The OpenAPI document, made from the server's own types.",
            body = inline(Document),
            headers(("ETag", description = "A validator of this answer.")),
        ),
        (status = 304, description = "Not modified: `If-None-Match` named the current `ETag`."),
    ),
)]
async fn openapi(headers: HeaderMap) -> Response {
    SERVED.respond(&headers, "no-cache")
}
