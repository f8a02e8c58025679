//! The annotation container: `GET /annotations/` as an `AnnotationCollection` in pages,
//! filtered by essay (`target`), words (`q`), `tag` and `user`; its pages hold whole
//! annotations or, asked with `iris=1` or `Prefer`, their IRIs alone; and the headers the
//! Web Annotation Protocol asks of every answer at its address.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;

use super::prefer::ContainerPreference;
use super::{json_media, urls};
use crate::annotation::jsonld::{self, CONTEXT, MEDIA_TYPE};
use crate::error::AppError;
use crate::store;
use crate::web::AppState;
use crate::web::openapi::collection::Container;
use crate::web::openapi::literals::ContainerMethods;
use crate::web::openapi::params::{IfNoneMatch, Prefer};
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

/// The container's type and the constraints it imposes, on every answer at its address.
const CONTAINER_LINK: &str = "<http://www.w3.org/ns/ldp#BasicContainer>; rel=\"type\", \
    <http://www.w3.org/TR/annotation-protocol/>; rel=\"http://www.w3.org/ns/ldp#constrainedBy\"";
const CONTAINER_METHODS: &str = "GET, HEAD, OPTIONS, POST";
const ACCEPT_POST: &str =
    "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\", application/json";
const PREFERENCE_APPLIED: HeaderName = HeaderName::from_static("preference-applied");

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
    /// `1`: pages list the annotations' IRIs alone; `0` (the default): whole annotations. A
    /// `Prefer` header on the container takes its place.
    #[param(nullable = false, minimum = 0, maximum = 1, example = 1)]
    iris: Option<u8>,
    /// The page, from 0.
    #[param(nullable = false, minimum = 0, example = 0)]
    page: Option<usize>,
}

impl ContainerParams {
    /// The query string that names this collection (without the page), listing IRIs or not.
    fn query_string(&self, iris: bool) -> String {
        let pairs = [
            ("target", &self.target),
            ("q", &self.q),
            ("tag", &self.tag),
            ("user", &self.user),
        ];
        let mut parts: Vec<String> = pairs
            .iter()
            .filter_map(|(k, v)| {
                v.as_ref()
                    .map(|v| format!("{k}={}", utf8_percent_encode(v, QUERY_VALUE)))
            })
            .collect();
        if iris {
            parts.push("iris=1".into());
        }
        parts.join("&")
    }

    fn iris(&self) -> Result<bool, AppError> {
        match self.iris {
            None | Some(0) => Ok(false),
            Some(1) => Ok(true),
            Some(_) => Err(AppError::BadRequest("\"iris\" is 0 or 1.".into())),
        }
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
        embedded (or, preferring a minimal container, only linked). With `page`: that \
        `AnnotationPage` alone, `partOf` the collection. Pages hold whole annotations, or their \
        IRIs alone with `iris=1` (or `Prefer`). The answer is JSON-LD unless `Accept` asks for \
        `application/json` alone. `HEAD` answers the same headers.",
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    params(ContainerParams, Prefer, IfNoneMatch),
    responses(
        (
            status = 200,
            description = "The collection, or the page asked for.",
            headers(
                ("ETag" = String, description = "A validator of this answer."),
                (
                    "Content-Location" = String,
                    description = "The `id` of what is answered: the collection as asked \
                        (with `iris=1` when it lists IRIs), or the page."
                ),
                (
                    "Link" = String,
                    description = "The container's type (`ldp#BasicContainer`) and \
                        `constrainedBy` the protocol."
                ),
                ("Allow" = inline(ContainerMethods)),
                ("Accept-Post" = String, description = "The media types POST accepts."),
                ("Vary" = String, description = "`Accept, Prefer`"),
                (
                    "Preference-Applied" = String,
                    description = "`return=representation` when a `Prefer` was honoured."
                ),
            ),
            content((Container = MEDIA_TYPE), (Container = "application/json")),
        ),
        (status = 304, description = "Not modified: `If-None-Match` named the current `ETag`."),
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
            if state.library().article(slug).is_none() {
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
    // A page's IRI says what it holds; only the collection negotiates with Prefer.
    let preference = match params.page {
        Some(_) => ContainerPreference::default(),
        None => ContainerPreference::of(&headers)?,
    };
    let iris = preference.iris.map_or_else(|| params.iris(), Ok)?;
    let query = store::Query {
        article,
        text: search_words(params.q.as_deref())?,
        tag: params.tag.clone().filter(|t| !t.is_empty()),
        creator: params.user.clone().filter(|u| !u.is_empty()),
        group: None,
        offset: page_index * PAGE_SIZE,
        limit: if preference.minimal { 0 } else { PAGE_SIZE },
    };
    let page = state.store.query(&query, viewer.username()).await?;
    let urls = urls(&state);
    let qs = params.query_string(iris);
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
        .map(|a| {
            if iris {
                json!(urls.annotation(&a.id))
            } else {
                jsonld::to_jsonld(a, &urls)
            }
        })
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
        page_json["partOf"] = json!({
            "id": collection_id,
            "total": page.total,
            "label": label,
            "first": page_id(0),
            "last": page_id(last),
        });
        page_json
    } else {
        let first = if preference.minimal {
            json!(page_id(0))
        } else {
            page_json["partOf"] = json!(collection_id);
            page_json
        };
        json!({
            "@context": [CONTEXT, "http://www.w3.org/ns/ldp.jsonld"],
            "id": collection_id,
            "type": ["BasicContainer", "AnnotationCollection"],
            "label": label,
            "total": page.total,
            "first": first,
            "last": page_id(last),
        })
    };
    let mut h = HeaderMap::new();
    describe_container(&mut h);
    let etag = conditional::etag_of(body.to_string().as_bytes());
    let content_location = body["id"].as_str().expect("every answer has an id");
    h.insert(
        header::CONTENT_LOCATION,
        HeaderValue::from_str(content_location).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    if preference.stated() {
        h.insert(
            PREFERENCE_APPLIED,
            HeaderValue::from_static("return=representation"),
        );
    }
    let unchanged = conditional::none_match(&headers, &etag);
    h.insert(header::ETAG, etag);
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, h).into_response());
    }
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(json_media(&headers)),
    );
    Ok((h, Json(body)).into_response())
}

/// What every answer of the container says of it: its type and constraints (as LDP links),
/// the methods it takes and what it accepts to create, and what its representation depends on.
fn describe_container(h: &mut HeaderMap) {
    h.insert(header::LINK, HeaderValue::from_static(CONTAINER_LINK));
    h.insert(header::ALLOW, HeaderValue::from_static(CONTAINER_METHODS));
    h.insert(
        HeaderName::from_static("accept-post"),
        HeaderValue::from_static(ACCEPT_POST),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept, Prefer"));
}

/// The protocol: "Annotation Containers MUST return a Link header on all responses", errors
/// included. A created annotation's answer keeps its own: its Content-Location makes the
/// annotation the Link's context.
pub(super) async fn link_every_answer(mut response: Response) -> Response {
    if !response.headers().contains_key(header::LINK) {
        response
            .headers_mut()
            .insert(header::LINK, HeaderValue::from_static(CONTAINER_LINK));
    }
    response
}

#[utoipa::path(
    options,
    path = "/annotations/",
    operation_id = "containerOptions",
    tag = "annotations",
    summary = "The methods the annotation container answers",
    description = "A cross-origin preflight (with `Origin` and `Access-Control-Request-Method`) \
        is answered by the CORS rules (`--cors-origins`) instead.",
    security(()),
    responses((
        status = 200,
        description = "No content; `Allow` lists the methods, `Accept-Post` what POST takes.",
        headers(
            ("Allow" = inline(ContainerMethods)),
            ("Accept-Post" = String, description = "The media types POST accepts."),
            (
                "Link" = String,
                description = "The container's type (`ldp#BasicContainer`) and \
                    `constrainedBy` the protocol."
            ),
            ("Vary" = String),
        ),
    )),
)]
pub(super) async fn options() -> Response {
    let mut response = StatusCode::OK.into_response();
    describe_container(response.headers_mut());
    response
}
