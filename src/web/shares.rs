//! Links to a passage, for anyone: `POST /api/shares` makes `/s/{code}`, which leads to the
//! essay with the passage marked and in view.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::annotations::resolve;
use super::openapi::draft::ShareInput;
use super::openapi::problems::{PROBLEM, PayloadTooLarge, Problem, UnsupportedMediaType};
use super::plumbing::auth::Viewer;
use super::plumbing::body::JsonBody;
use super::plumbing::limit::{self, ClientAddr};
use crate::annotation::Target;
use crate::annotation::jsonld::{self, DraftTarget};
use crate::error::AppError;
use crate::store::{Share, StoreError};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(create))
        .route("/s/{code}", get(open))
}

const CODE_LEN: usize = 8;
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

fn new_code() -> String {
    let mut bytes = [0u8; CODE_LEN];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// What a text fragment's words keep as they are: RFC 3986's unreserved characters, so the
/// `,` between the start and the end of a passage is never one of its own.
const FRAGMENT_WORDS: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A URL text fragment for the passage, for browsers that scroll to one themselves.
fn text_fragment(exact: &str) -> String {
    let words: Vec<&str> = exact.split_whitespace().collect();
    if words.len() <= 12 {
        return format!(
            "#:~:text={}",
            utf8_percent_encode(&words.join(" "), FRAGMENT_WORDS)
        );
    }
    let start = words[..4].join(" ");
    let end = words[words.len() - 4..].join(" ");
    format!(
        "#:~:text={},{}",
        utf8_percent_encode(&start, FRAGMENT_WORDS),
        utf8_percent_encode(&end, FRAGMENT_WORDS)
    )
}

/// A short link to a passage.
#[derive(Serialize, ToSchema)]
// Described with `additionalProperties: false`: nothing else is sent.
#[serde(deny_unknown_fields)]
pub struct ShareLink {
    /// The short link's path.
    #[schema(pattern = "^/s/[A-Za-z0-9]{8}$")]
    url: String,
    /// The absolute short link with a text fragment (`#:~:text=…`) for browsers that scroll to
    /// it.
    link: String,
}

#[utoipa::path(
    post,
    path = "/api/shares",
    operation_id = "createShare",
    tag = "shares",
    summary = "Make a short link to a passage",
    description = "Anyone may, signed in or not. `GET /s/{code}` then leads browsers to the essay \
        with the passage marked. At most 30 a minute per client.",
    security(()),
    request_body(content((ShareInput = "application/json"), (ShareInput = "application/ld+json"))),
    responses(
        (
            status = 201,
            description = "Created.",
            body = ShareLink,
            headers(("Location" = String, description = "`/s/{code}`")),
        ),
        (
            status = 400,
            description = "The body is not JSON, has no `target`, or the target is malformed.",
            body = Problem,
            content_type = PROBLEM,
        ),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (
            status = 422,
            description = "The target is a reply, not an essay, or its quote or position is not in \
                the essay.",
            body = Problem,
            content_type = PROBLEM,
        ),
        (
            status = 429,
            description = "Rate limited: more than 30 share links a minute from this client. \
                Counted in fixed windows, shared by every instance.",
            body = Problem,
            content_type = PROBLEM,
        ),
    ),
)]
async fn create(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    JsonBody(body): JsonBody,
) -> Result<Response, AppError> {
    limit::check(&state, &limit::SHARES, &client).await?;
    let target = body
        .get("target")
        .ok_or_else(|| AppError::BadRequest("Send {\"target\": …}, as in an annotation.".into()))?;
    let draft = jsonld::target(target).map_err(AppError::BadRequest)?;
    if matches!(draft, DraftTarget::Reply(_) | DraftTarget::Page { .. }) {
        return Err(AppError::Unprocessable(
            "A share link points at a passage of an essay.".into(),
        ));
    }
    let (article, Target::Text(target)) =
        resolve::target(&state, &Viewer::default(), &draft).await?
    else {
        return Err(AppError::Unprocessable(
            "A share link points at a passage of an essay.".into(),
        ));
    };
    let fragment = text_fragment(&target.quote.exact);
    let mut share = Share {
        code: new_code(),
        article,
        target,
        created: OffsetDateTime::now_utc(),
    };
    loop {
        match state.store.create_share(&share).await {
            Ok(()) => break,
            Err(StoreError::Conflict(_)) => share.code = new_code(),
            Err(err) => return Err(err.into()),
        }
    }
    let url = format!("/s/{}", share.code);
    let link = format!("{}{url}{fragment}", state.config.public_url);
    let body = ShareLink {
        url: url.clone(),
        link,
    };
    Ok((StatusCode::CREATED, [("location", url)], Json(body)).into_response())
}

async fn open(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Redirect, AppError> {
    let share = state
        .store
        .share(&code)
        .await?
        .ok_or_else(|| AppError::NotFound("This share link is not known here.".into()))?;
    Ok(Redirect::to(&format!(
        "/articles/{}?share={code}#share-{code}",
        share.article
    )))
}
