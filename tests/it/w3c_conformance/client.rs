//! Talking to Gloss as a W3C protocol client, and the annotations it makes.

use super::harness::*;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

// ---------------------------------------------------------------------------------------------
// Talking to Gloss
// ---------------------------------------------------------------------------------------------

pub const ANNO_JSONLD: &str = "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"";
/// The public URL `tests/support` gives the app; ids and links start with it.
pub const PUBLIC_URL: &str = "http://gloss.test";

/// A request as a W3C protocol client sends it: JSON-LD with the annotation profile.
pub async fn send(
    router: &Router,
    method: &str,
    uri: &str,
    authorization: &str,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("accept", ANNO_JSONLD)
        .header("authorization", authorization);
    let request = match body {
        Some(json) => request
            .header("content-type", ANNO_JSONLD)
            .body(Body::from(json.to_string())),
        None => request.body(Body::empty()),
    }
    .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes);
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{method} {uri} answered {status} with non-JSON ({e}): {text}"));
    (status, json)
}

#[track_caller]
pub fn expect_status(what: &str, got: (StatusCode, Value), want: StatusCode) -> Value {
    let (status, json) = got;
    assert_eq!(status, want, "{what}: {json:#}");
    json
}

/// A reader, "ann", signed up through the API on a fresh app, with a Bearer token.
pub struct Reader {
    pub router: Router,
    pub authorization: String,
}

impl Reader {
    pub async fn sign_up() -> Reader {
        let (_state, router) = crate::support::app().await;
        let authorization = crate::support::reader_token(&router, "ann").await;
        Reader {
            router,
            authorization,
        }
    }

    pub async fn get(&self, uri: &str) -> Value {
        let got = send(&self.router, "GET", uri, &self.authorization, None).await;
        expect_status(&format!("GET {uri}"), got, StatusCode::OK)
    }

    pub async fn create(&self, annotation: &Value) -> Value {
        let got = send(
            &self.router,
            "POST",
            "/annotations/",
            &self.authorization,
            Some(annotation),
        )
        .await;
        let what = format!("POST /annotations/ {annotation}");
        expect_status(&what, got, StatusCode::CREATED)
    }
}

/// The first essay, as a target's `source`.
pub fn essay_path() -> String {
    format!("/articles/{}", crate::support::ESSAY)
}

/// Where a client would send a link Gloss gave: absolute URLs on its public URL become paths.
pub fn local_path(url: &str) -> &str {
    url.strip_prefix(PUBLIC_URL).unwrap_or(url)
}

pub fn passage_target() -> Value {
    json!({
        "source": essay_path(),
        "selector": [
            {"type": "TextQuoteSelector", "exact": "Pay attention to the dates"},
            {"type": "TextPositionSelector", "start": 0, "end": 26},
        ],
    })
}

/// The optional features Gloss implements on every annotation: lifecycle times, a single
/// creator given as an agent with an id and a type, and a single motivation.
pub const EVERY_ANNOTATION_IMPLEMENTS: [&str; 6] = [
    "annotations/3.3.1-annotationCreatedImplemented.json",
    "annotations/3.3.1-annotationModifiedImplemented.json",
    "annotations/3.3.1-annotationSingleCreatorImplemented.json",
    "annotations/3.3.2-annotationCreatorAgentIdImplemented.json",
    "annotations/3.3.2-annotationCreatorAgentTypeImplemented.json",
    "annotations/3.3.5-annotationSingleMotivationImplemented.json",
];
/// A reader is a `Person` with a nickname (the username).
pub const BY_A_READER: [&str; 1] =
    ["annotations/3.3.2-annotationCreatorAgentNicknameImplemented.json"];
/// The editors are an `Organization` with a name.
pub const BY_THE_EDITORS: [&str; 1] =
    ["annotations/3.3.2-annotationCreatorAgentNameImplemented.json"];
/// A passage of an essay: a `SpecificResource` with a quote and a position selector.
pub const ON_A_PASSAGE: [&str; 4] = [
    "annotations/bodiesTargets/4-targSpecificResource.json",
    "annotations/specificResource/4.2-selectorFound.json",
    "annotations/specificResource/4.2.4-textQuoteSelector.json",
    "annotations/specificResource/4.2.5-textPositionSelector.json",
];
/// A note posted to a group: its `audience` is the group's IRI.
pub const IN_A_GROUP: [&str; 1] = ["annotations/3.3.3-annotationAudienceImplemented.json"];
/// A note: embedded `TextualBody` bodies with a purpose, the comment's with a media type.
pub const WITH_A_NOTE: [&str; 5] = [
    "annotations/3.1-bodyKeyFound.json",
    "annotations/bodiesTargets/3.2.4-bodyETB.json",
    "annotations/bodiesTargets/3.2.4-bodyETBTypeTextualBody.json",
    "annotations/bodiesTargets/3.2.1-bodyFormat.json",
    "annotations/bodiesTargets/3.3.5-bodyPurpose.json",
];

/// One annotation a reader made, with the optional features it should show.
pub struct Made {
    pub name: &'static str,
    pub json: Value,
    pub implements: Vec<&'static str>,
}

/// A commented passage with a tag, a highlight, a private note, a reply to the first, and
/// notes on the whole essay: one sent with its URL alone, one with a `source` and no selector.
pub async fn make_each_kind(reader: &Reader) -> Vec<Made> {
    let features = |groups: &[&[&'static str]]| -> Vec<&'static str> {
        [&EVERY_ANNOTATION_IMPLEMENTS[..], &BY_A_READER[..]]
            .iter()
            .chain(groups)
            .flat_map(|g| g.iter().copied())
            .collect()
    };
    let comment = reader
        .create(&json!({
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "motivation": "commenting",
            "body": [
                {"type": "TextualBody", "value": "A *note*", "format": "text/markdown", "purpose": "commenting"},
                {"type": "TextualBody", "value": "dates", "purpose": "tagging"},
            ],
            "target": passage_target(),
        }))
        .await;
    let highlight = reader
        .create(&json!({
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "motivation": "highlighting",
            "target": passage_target(),
        }))
        .await;
    let private = reader
        .create(&json!({
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "motivation": "commenting",
            "visibility": "private",
            "body": {"type": "TextualBody", "value": "Only for me.", "format": "text/markdown", "purpose": "commenting"},
            "target": passage_target(),
        }))
        .await;
    let reply = reader
        .create(&json!({
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "motivation": "replying",
            "body": {"type": "TextualBody", "value": "I agree.", "format": "text/markdown", "purpose": "replying"},
            "target": comment["id"].clone(),
        }))
        .await;
    let page_note = |target: Value| {
        json!({
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "motivation": "commenting",
            "body": {"type": "TextualBody", "value": "On the essay as a whole.", "format": "text/markdown", "purpose": "commenting"},
            "target": target,
        })
    };
    let by_url = reader.create(&page_note(json!(essay_path()))).await;
    let group = send(
        &reader.router,
        "POST",
        "/api/groups",
        &reader.authorization,
        Some(&json!({"name": "A class"})),
    )
    .await;
    let group = expect_status("POST /api/groups", group, StatusCode::CREATED);
    let grouped = reader
        .create(&json!({
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "motivation": "commenting",
            "body": {"type": "TextualBody", "value": "For the class.", "format": "text/markdown", "purpose": "commenting"},
            "target": passage_target(),
            "audience": group["url"].clone(),
        }))
        .await;
    let by_source = reader
        .create(&page_note(json!({"source": essay_path()})))
        .await;
    vec![
        Made {
            name: "comment",
            json: comment,
            implements: features(&[&ON_A_PASSAGE[..], &WITH_A_NOTE[..]]),
        },
        Made {
            name: "highlight",
            json: highlight,
            implements: features(&[&ON_A_PASSAGE[..]]),
        },
        Made {
            name: "private note",
            json: private,
            implements: features(&[&ON_A_PASSAGE[..], &WITH_A_NOTE[..]]),
        },
        Made {
            name: "reply",
            json: reply,
            implements: features(&[&WITH_A_NOTE[..]]),
        },
        Made {
            name: "note in a group",
            json: grouped,
            implements: features(&[&ON_A_PASSAGE[..], &WITH_A_NOTE[..], &IN_A_GROUP[..]]),
        },
        Made {
            name: "page note sent with the essay's URL",
            json: by_url,
            implements: features(&[&WITH_A_NOTE[..]]),
        },
        Made {
            name: "page note sent with a source and no selector",
            json: by_source,
            implements: features(&[&WITH_A_NOTE[..]]),
        },
    ]
}

/// A collection and every page of it, as served.
pub struct Walked {
    pub collection: Value,
    /// `(what, page as a document of its own)`: the first page as embedded in the collection,
    /// then every page fetched on its own from the first on, following `next`.
    pub pages: Vec<(String, Value)>,
}

impl Walked {
    /// `(what, item as a document of its own)`, from every page including the embedded one.
    pub fn items(&self) -> Vec<(String, Value)> {
        items_of(&self.pages)
    }

    /// The items of the pages fetched on their own: each item of the collection once.
    pub fn served_items(&self) -> Vec<(String, Value)> {
        items_of(&self.pages[1..])
    }
}

pub fn items_of(pages: &[(String, Value)]) -> Vec<(String, Value)> {
    let mut items = Vec::new();
    for (what, page) in pages {
        let listed = page["items"].as_array();
        for item in listed.unwrap_or_else(|| panic!("{what} has items: {page:#}")) {
            let name = format!("item {} of {what}", item["id"]);
            items.push((name, with_inherited_context(item, &page["@context"])));
        }
    }
    items
}

pub async fn walk(reader: &Reader, uri: &str) -> Walked {
    let collection = reader.get(uri).await;
    let first = &collection["first"];
    assert!(
        first.is_object(),
        "{uri}: the first page is embedded: {collection:#}"
    );
    let mut pages = vec![(
        format!("the first page, embedded in {uri}"),
        with_inherited_context(first, &collection["@context"]),
    )];
    let mut next = Some(
        first["id"]
            .as_str()
            .expect("the first page's id")
            .to_string(),
    );
    while let Some(page_id) = next.take() {
        assert!(pages.len() < 100, "{uri}: more than 100 pages");
        let page = reader.get(local_path(&page_id)).await;
        next = page["next"].as_str().map(str::to_string);
        pages.push((format!("page {page_id}"), page));
    }
    Walked { collection, pages }
}

pub fn ids(items: &[(String, Value)]) -> Vec<String> {
    items
        .iter()
        .map(|(_, item)| item["id"].as_str().unwrap_or_default().to_string())
        .collect()
}
