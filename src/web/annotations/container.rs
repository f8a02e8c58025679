//! The annotation container: `GET /annotations/` as an `AnnotationCollection` in pages,
//! filtered by essay (`target`), words (`q`), `tag` and `user`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;

use super::{json_media, urls};
use crate::annotation::jsonld::{self, CONTEXT, MEDIA_TYPE};
use crate::error::AppError;
use crate::store;
use crate::web::AppState;
use crate::web::openapi::collection::Container;
use crate::web::openapi::literals::ContainerMethods;
use crate::web::openapi::problems::{BadQuery, InvalidToken, PROBLEM, Problem};
use crate::web::plumbing::auth::Viewer;
use crate::web::plumbing::body::Params;
use crate::web::plumbing::conditional;
use crate::web::search::search_words;

pub const PAGE_SIZE: usize = 20;
/// Far beyond any collection, and small enough that offsets never overflow.
const MAX_PAGE: usize = 1_000_000;
/// What a query value keeps as it is: RFC 3986's unreserved characters, so no `&`, `=` or
/// `#` in a value ends it.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

#[derive(Debug, Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContainerParams {
    /// Only annotations on this essay: `/articles/{slug}` or its absolute URL (404 when there is
    /// no such essay).
    #[param(nullable = false, example = "/articles/witkoff-takes-russias-side")]
    target: Option<String>,
    /// Words, each of which must occur in the note, the quote or the tags.
    #[param(nullable = false, example = "Russia")]
    q: Option<String>,
    /// Only annotations with this tag.
    #[param(nullable = false)]
    tag: Option<String>,
    /// Only this user's annotations (the editors' notes: `editors`).
    #[param(nullable = false, example = "editors")]
    user: Option<String>,
    /// The page, from 0.
    #[param(nullable = false, minimum = 0, example = 0)]
    page: Option<usize>,
}

impl ContainerParams {
    /// The query string that names this collection (without the page).
    fn query_string(&self) -> String {
        let pairs = [
            ("target", &self.target),
            ("q", &self.q),
            ("tag", &self.tag),
            ("user", &self.user),
        ];
        let parts: Vec<String> = pairs
            .iter()
            .filter_map(|(k, v)| {
                v.as_ref()
                    .map(|v| format!("{k}={}", utf8_percent_encode(v, QUERY_VALUE)))
            })
            .collect();
        parts.join("&")
    }
}

#[utoipa::path(
    get,
    path = "/annotations/",
    operation_id = "listAnnotations",
    tag = "annotations",
    summary = "The annotation container (AnnotationCollection), filtered and paged",
    description = "The annotations the viewer may see (public ones and their own private ones), \
        newest first, 20 a page. Without `page`: the `AnnotationCollection` with the first page \
        embedded. With `page`: that `AnnotationPage` alone, `partOf` the collection. The answer \
        is JSON-LD unless `Accept` asks for `application/json` alone.",
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    params(ContainerParams),
    responses(
        (
            status = 200,
            description = "The collection, or the page asked for.",
            headers(
                ("ETag" = String, description = "A validator of this answer."),
                (
                    "Link" = String,
                    description = "The container's type (`ldp#BasicContainer`) and \
                        `constrainedBy` the protocol."
                ),
                ("Allow" = String),
                ("Accept-Post" = String, description = "The media types POST accepts."),
            ),
            content((Container = MEDIA_TYPE), (Container = "application/json")),
        ),
        (status = 400, response = BadQuery),
        (status = 401, response = InvalidToken),
        (
            status = 404,
            description = "`target` is not an essay of this site.",
            body = Problem,
            content_type = PROBLEM,
        ),
    ),
)]
pub(super) async fn container(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Params(params): Params<ContainerParams>,
) -> Result<Response, AppError> {
    let article = match &params.target {
        None => None,
        Some(target) => {
            let path = jsonld::url_path(target);
            let slug = path.strip_prefix("/articles/").unwrap_or("");
            if state.library.article(slug).is_none() {
                return Err(AppError::NotFound(format!(
                    "There is no essay at {target}."
                )));
            }
            Some(slug.to_string())
        }
    };
    let page_index = params.page.unwrap_or(0);
    if page_index > MAX_PAGE {
        return Err(AppError::BadRequest(format!(
            "\"page\" is at most {MAX_PAGE}."
        )));
    }
    let query = store::Query {
        article,
        text: search_words(params.q.as_deref())?,
        tag: params.tag.clone().filter(|t| !t.is_empty()),
        creator: params.user.clone().filter(|u| !u.is_empty()),
        group: None,
        offset: page_index * PAGE_SIZE,
        limit: PAGE_SIZE,
    };
    let page = state.store.query(&query, viewer.username()).await?;
    let urls = urls(&state);
    let qs = params.query_string();
    let collection_id = if qs.is_empty() {
        format!("{}/annotations/", urls.base)
    } else {
        format!("{}/annotations/?{qs}", urls.base)
    };
    let sep = if qs.is_empty() { "?" } else { "&" };
    let page_id = |n: usize| format!("{collection_id}{sep}page={n}");
    let last = page.total.saturating_sub(1) / PAGE_SIZE;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|a| jsonld::to_jsonld(a, &urls))
        .collect();
    let mut page_json = json!({
        "id": page_id(page_index),
        "type": "AnnotationPage",
        "startIndex": page_index * PAGE_SIZE,
        "items": items,
    });
    if page_index < last {
        page_json["next"] = json!(page_id(page_index + 1));
    }
    if page_index > 0 {
        page_json["prev"] = json!(page_id(page_index - 1));
    }
    let label = match &query.article {
        Some(slug) => format!("Annotations on /articles/{slug}"),
        None => "Annotations".to_string(),
    };
    let body = if params.page.is_some() {
        page_json["@context"] = json!(CONTEXT);
        page_json["partOf"] = json!({"id": collection_id, "total": page.total, "label": label});
        page_json
    } else {
        page_json["partOf"] = json!(collection_id);
        json!({
            "@context": [CONTEXT, "http://www.w3.org/ns/ldp.jsonld"],
            "id": collection_id,
            "type": ["BasicContainer", "AnnotationCollection"],
            "label": label,
            "total": page.total,
            "first": page_json,
            "last": page_id(last),
        })
    };
    let etag = conditional::etag_of(body.to_string().as_bytes());
    let mut response = Json(body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(json_media(&headers)),
    );
    h.insert(header::ETAG, etag);
    h.insert(
        header::LINK,
        HeaderValue::from_static(
            "<http://www.w3.org/ns/ldp#BasicContainer>; rel=\"type\", <http://www.w3.org/TR/annotation-protocol/>; rel=\"http://www.w3.org/ns/ldp#constrainedBy\"",
        ),
    );
    h.insert(
        header::ALLOW,
        HeaderValue::from_static("GET, HEAD, OPTIONS, POST"),
    );
    h.insert(
        "accept-post",
        HeaderValue::from_static(
            "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\", application/json",
        ),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept, Prefer"));
    Ok(response)
}

#[utoipa::path(
    options,
    path = "/annotations/",
    operation_id = "containerOptions",
    tag = "annotations",
    summary = "The methods the annotation container answers",
    security(()),
    responses((
        status = 204,
        description = "No content; `Allow` lists the methods.",
        headers(("Allow" = inline(ContainerMethods))),
    )),
)]
pub(super) async fn options() -> Response {
    (
        [(header::ALLOW, "GET, HEAD, OPTIONS, POST")],
        axum::http::StatusCode::NO_CONTENT,
    )
        .into_response()
}
