//! The protocol's requirements on the annotation container (section 5): retrieval, its
//! headers, its representations and the preferences that choose them, and its pages; one
//! test each, named after it.

use crate::support::*;
use axum::Router;
use serde_json::{Value, json};

const LD: &str = "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"";
const MINIMAL: &str =
    "return=representation;include=\"http://www.w3.org/ns/ldp#PreferMinimalContainer\"";
const IRIS: &str = "return=representation;include=\"http://www.w3.org/ns/oa#PreferContainedIRIs\"";
const DESCRIPTIONS: &str =
    "return=representation;include=\"http://www.w3.org/ns/oa#PreferContainedDescriptions\"";

/// An app with `n` notes of ann's on the essay, and the container of her notes.
async fn with_notes(n: usize) -> (Router, String) {
    let (_, router) = app().await;
    let token = reader_token(&router, "ann").await;
    for i in 0..n {
        create(&router, &token, &comment("Why not?", &format!("note {i}"))).await;
    }
    (router, "/annotations/?user=ann".to_string())
}

async fn get_with(router: &Router, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let reply = send(router, "GET", uri, headers, None).await;
    assert_eq!(reply.status, 200, "{uri}: {}", reply.body);
    reply
}

fn local(iri: &Value) -> String {
    iri.as_str()
        .unwrap()
        .strip_prefix("http://gloss.test")
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn container_iri_ends_in_a_slash() {
    // "Annotation Containers MAY have any IRI, but it MUST end in a "/" character."
    let (router, uri) = with_notes(0).await;
    let collection = get_with(&router, &uri, &[]).await.json();
    let id = collection["id"].as_str().unwrap();
    assert!(id.split('?').next().unwrap().ends_with('/'), "{id}");
}

#[tokio::test]
async fn container_answers_get_head_and_options() {
    // "The Annotation Server MUST support the following HTTP methods on the Annotation
    // Container's IRI: GET, HEAD, OPTIONS."
    let (router, uri) = with_notes(1).await;
    let get = get_with(&router, &uri, &[("accept", LD)]).await;
    let head = send(&router, "HEAD", &uri, &[("accept", LD)], None).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    for name in [
        "etag",
        "link",
        "allow",
        "vary",
        "accept-post",
        "content-location",
    ] {
        assert_eq!(head.headers.get(name), get.headers.get(name), "{name}");
    }
    assert_eq!(send(&router, "OPTIONS", &uri, &[], None).await.status, 200);
}

#[tokio::test]
async fn options_on_the_container_is_200_with_allow_and_accept_post() {
    // "All supported methods for interacting with the Annotation Container SHOULD be
    // advertised in the Allow header of the GET, HEAD and OPTIONS responses."
    let (_, router) = app().await;
    let options = send(&router, "OPTIONS", "/annotations/", &[], None).await;
    assert_eq!(options.status, 200);
    assert_eq!(options.header("allow"), "GET, HEAD, OPTIONS, POST");
    assert!(
        options
            .header("accept-post")
            .contains("application/ld+json")
    );
    assert!(options.header("link").contains("ldp#BasicContainer"));
}

#[tokio::test]
async fn container_get_has_content_location() {
    // "The server MAY redirect the client to this IRI and deliver the response there,
    // otherwise it MUST include a Content-Location header with the IRI as its value."
    let (router, uri) = with_notes(1).await;
    for prefer in [None, Some(IRIS), Some(MINIMAL)] {
        let headers: Vec<(&str, &str)> = prefer.map(|p| ("prefer", p)).into_iter().collect();
        let reply = get_with(&router, &uri, &headers).await;
        assert_eq!(
            reply.header("content-location"),
            reply.json()["id"].as_str().unwrap(),
            "Prefer: {prefer:?}"
        );
    }
    let page = get_with(&router, &format!("{uri}&page=0"), &[]).await;
    assert_eq!(
        page.header("content-location"),
        page.json()["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn container_iri_differs_between_iris_and_descriptions() {
    // "The IRI of the Container provided in the response SHOULD differentiate between whether
    // the pages contain just the IRIs, or the full descriptions of the Annotations. It is
    // RECOMMENDED that this be done with a query parameter."
    let (router, uri) = with_notes(1).await;
    let descriptions = get_with(&router, &uri, &[]).await.json();
    let iris = get_with(&router, &uri, &[("prefer", IRIS)]).await.json();
    assert_eq!(
        descriptions["id"],
        "http://gloss.test/annotations/?user=ann"
    );
    assert_eq!(iris["id"], "http://gloss.test/annotations/?user=ann&iris=1");
    let by_query = get_with(&router, &format!("{uri}&iris=1"), &[])
        .await
        .json();
    assert_eq!(by_query, iris, "the IRI answers what the preference did");
}

#[tokio::test]
async fn container_get_has_link_type_basic_container_and_constrained_by() {
    // "It MUST advertise its type by including a link where the rel parameter value is type
    // and the target IRI is the appropriate Container Type ... It MUST advertise that it
    // imposes Annotation protocol specific constraints by including a link where the target
    // IRI is http://www.w3.org/TR/annotation-protocol/, and the rel parameter value is the IRI
    // http://www.w3.org/ns/ldp#constrainedBy."
    let (router, uri) = with_notes(0).await;
    let link = get_with(&router, &uri, &[])
        .await
        .header("link")
        .to_string();
    assert!(
        link.contains("<http://www.w3.org/ns/ldp#BasicContainer>; rel=\"type\""),
        "{link}"
    );
    assert!(
        link.contains(
            "<http://www.w3.org/TR/annotation-protocol/>; rel=\"http://www.w3.org/ns/ldp#constrainedBy\""
        ),
        "{link}"
    );
}

#[tokio::test]
async fn container_errors_carry_the_container_link_too() {
    // "Annotation Containers MUST return a Link header on all responses."
    let (_, router) = app().await;
    for (method, uri) in [
        ("GET", "/annotations/?page=x"),
        ("GET", "/annotations/?target=/articles/none"),
        ("POST", "/annotations/"),
    ] {
        let reply = send(&router, method, uri, &[], None).await;
        assert!(reply.status.is_client_error(), "{method} {uri}");
        assert!(
            reply.header("link").contains("ldp#BasicContainer"),
            "{method} {uri}"
        );
    }
}

#[tokio::test]
async fn container_get_has_an_etag_that_revalidates() {
    // "All HTTP responses from Annotation Containers MUST include an ETag header."
    let (router, uri) = with_notes(1).await;
    let first = get_with(&router, &uri, &[]).await;
    let etag = first.header("etag").to_string();
    let again = send(&router, "GET", &uri, &[("if-none-match", &etag)], None).await;
    assert_eq!(again.status, 304);
    assert_eq!(again.header("etag"), etag);
    assert!(again.body.is_empty());
    let iris = get_with(&router, &uri, &[("prefer", IRIS)]).await;
    assert_ne!(
        iris.header("etag"),
        etag,
        "another representation, another tag"
    );
}

#[tokio::test]
async fn container_without_accept_answers_json_ld() {
    // "If the Accept header is absent from the request, then Annotation Servers MUST respond
    // with a JSON-LD representation of the Annotation Container."
    let (router, uri) = with_notes(0).await;
    let reply = get_with(&router, &uri, &[]).await;
    assert_eq!(reply.header("content-type"), LD);
    let json = reply.json();
    assert_eq!(
        json["@context"],
        json!([
            "http://www.w3.org/ns/anno.jsonld",
            "http://www.w3.org/ns/ldp.jsonld"
        ]),
        "both the LDP and the annotation contexts"
    );
    assert_eq!(
        json["type"],
        json!(["BasicContainer", "AnnotationCollection"])
    );
}

#[tokio::test]
async fn container_varies_on_accept_and_prefer() {
    // "The response from the Annotation Container MUST have a Vary header that includes
    // Accept"; the preferences make it vary on Prefer too.
    let (router, uri) = with_notes(0).await;
    let vary = get_with(&router, &uri, &[])
        .await
        .header("vary")
        .to_string();
    assert!(vary.contains("Accept") && vary.contains("Prefer"), "{vary}");
}

#[tokio::test]
async fn container_has_accept_post() {
    // "Responses from Annotation Containers that support the use of the POST method to create
    // Annotations SHOULD include an Accept-Post header on responses to GET, HEAD and OPTIONS."
    let (router, uri) = with_notes(0).await;
    for method in ["GET", "HEAD", "OPTIONS"] {
        let reply = send(&router, method, &uri, &[], None).await;
        assert_eq!(
            reply.header("accept-post"),
            "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\", application/json",
            "{method}"
        );
    }
}

#[tokio::test]
async fn container_has_total_first_and_last() {
    // "the representation MUST either include a link to the first page of Annotations as the
    // value of the first property, or include the representation of the first page embedded
    // ... If there is more than one page of Annotations, then the representation SHOULD have
    // a link to the last page ... SHOULD include the total property."
    let (router, uri) = with_notes(45).await;
    let collection = get_with(&router, &uri, &[]).await.json();
    assert_eq!(collection["total"], 45);
    assert_eq!(collection["first"]["type"], "AnnotationPage");
    assert_eq!(collection["first"]["items"].as_array().unwrap().len(), 20);
    assert_eq!(
        collection["last"],
        "http://gloss.test/annotations/?user=ann&page=2"
    );
}

#[tokio::test]
async fn pages_link_part_of_next_and_prev_with_start_index() {
    // "Each page MUST have a link to the container that it is part of, using the partOf
    // property. If it is not the first page, it MUST have a link to the previous page ...
    // using the prev property. If it is not the last page, it MUST have a link to the next
    // page ... using the next property."
    let (router, uri) = with_notes(45).await;
    let collection = get_with(&router, &uri, &[]).await.json();
    let mut page = get_with(&router, &local(&collection["first"]["id"]), &[])
        .await
        .json();
    let mut seen = Vec::new();
    loop {
        assert_eq!(page["partOf"]["id"], collection["id"]);
        assert_eq!(page["partOf"]["total"], 45);
        assert_eq!(page["partOf"]["first"], collection["first"]["id"]);
        assert_eq!(page["partOf"]["last"], collection["last"]);
        assert_eq!(page["startIndex"], seen.len());
        assert_eq!(page.get("prev").is_some(), !seen.is_empty());
        seen.extend(page["items"].as_array().unwrap().iter().cloned());
        match page.get("next") {
            Some(next) => page = get_with(&router, &local(next), &[]).await.json(),
            None => break,
        }
    }
    assert_eq!(page["id"], collection["last"]);
    assert_eq!(seen.len(), 45, "every annotation once");
    let prev = get_with(&router, &local(&page["prev"]), &[]).await.json();
    assert_eq!(prev["next"], page["id"]);
}

#[tokio::test]
async fn prefer_minimal_container_embeds_no_page() {
    // "If the client requests the minimal representation of an Annotation Container, the
    // response MUST NOT include either the ldp:contains predicate nor embed the first page of
    // Annotations within the response."
    let (router, uri) = with_notes(25).await;
    let reply = get_with(&router, &uri, &[("prefer", MINIMAL)]).await;
    assert_eq!(reply.header("preference-applied"), "return=representation");
    let json = reply.json();
    assert_eq!(
        json["first"],
        "http://gloss.test/annotations/?user=ann&page=0"
    );
    assert_eq!(
        json["last"],
        "http://gloss.test/annotations/?user=ann&page=1"
    );
    assert_eq!(json["total"], 25);
    assert!(json.get("contains").is_none() && json.get("ldp:contains").is_none());
    assert!(!reply.body.contains("\"items\""));
}

#[tokio::test]
async fn prefer_contained_iris_gives_pages_of_iris() {
    // "it MUST respond to PreferContainedIRIs with a response containing an AnnotationPage as
    // the value of first with its items containing only the IRIs of the contained
    // Annotations. The linked pages SHOULD follow the PreferContainedIRIs preference."
    let (router, uri) = with_notes(25).await;
    let reply = get_with(&router, &uri, &[("prefer", IRIS)]).await;
    assert_eq!(reply.header("preference-applied"), "return=representation");
    let json = reply.json();
    let items = json["first"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 20);
    assert!(
        items.iter().all(|i| i
            .as_str()
            .is_some_and(|s| s.starts_with("http://gloss.test/annotations/"))),
        "{items:?}"
    );
    let next = get_with(&router, &local(&json["first"]["next"]), &[])
        .await
        .json();
    assert_eq!(next["items"].as_array().unwrap().len(), 5);
    assert!(
        next["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_string)
    );
}

#[tokio::test]
async fn prefer_minimal_container_with_iris_links_pages_of_iris() {
    // The protocol's example: both preferences in one include.
    let (router, uri) = with_notes(1).await;
    let both = "return=representation;include=\"http://www.w3.org/ns/ldp#PreferMinimalContainer http://www.w3.org/ns/oa#PreferContainedIRIs\"";
    let json = get_with(&router, &uri, &[("prefer", both)]).await.json();
    assert_eq!(json["id"], "http://gloss.test/annotations/?user=ann&iris=1");
    assert_eq!(
        json["first"],
        "http://gloss.test/annotations/?user=ann&iris=1&page=0"
    );
    let page = get_with(&router, &local(&json["first"]), &[]).await.json();
    assert!(page["items"][0].is_string());
}

#[tokio::test]
async fn prefer_contained_descriptions_gives_whole_annotations() {
    // "it MUST respond to PreferContainedDescriptions with a response containing an
    // AnnotationPage as the value of first with its items containing complete, inline
    // Annotations."
    let (router, uri) = with_notes(1).await;
    let reply = get_with(&router, &uri, &[("prefer", DESCRIPTIONS)]).await;
    assert_eq!(reply.header("preference-applied"), "return=representation");
    let item = &reply.json()["first"]["items"][0];
    assert_eq!(item["type"], "Annotation");
    assert_eq!(item["body"][0]["value"], "note 0");
}

#[tokio::test]
async fn no_preference_defaults_to_contained_descriptions() {
    // "If no preference is given by the client, the server SHOULD default to the
    // PreferContainedDescriptions behavior."
    let (router, uri) = with_notes(1).await;
    let reply = get_with(&router, &uri, &[]).await;
    assert!(reply.headers.get("preference-applied").is_none());
    assert_eq!(reply.json()["first"]["items"][0]["type"], "Annotation");
}

#[tokio::test]
async fn prefer_iris_and_descriptions_together_is_a_bad_request() {
    // "the client MUST NOT include both the PreferContainedIRIs and
    // PreferContainedDescriptions preferences on the same request, as the server cannot honor
    // both at the same time."
    let (router, uri) = with_notes(0).await;
    let both = "return=representation;include=\"http://www.w3.org/ns/oa#PreferContainedIRIs http://www.w3.org/ns/oa#PreferContainedDescriptions\"";
    let reply = send(&router, "GET", &uri, &[("prefer", both)], None).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.headers["content-type"], "application/problem+json");
}

#[tokio::test]
async fn pages_do_not_negotiate_on_prefer() {
    // "The client SHOULD NOT send the Prefer header when requesting the page, as it has
    // already been taken into account when requesting the Container."
    let (router, uri) = with_notes(1).await;
    let page_uri = format!("{uri}&page=0");
    let plain = get_with(&router, &page_uri, &[]).await;
    let preferred = get_with(&router, &page_uri, &[("prefer", IRIS)]).await;
    assert_eq!(preferred.body, plain.body);
    assert!(preferred.headers.get("preference-applied").is_none());
}

#[tokio::test]
async fn iris_outside_zero_and_one_is_a_bad_request() {
    let (router, uri) = with_notes(0).await;
    let reply = send(&router, "GET", &format!("{uri}&iris=2"), &[], None).await;
    assert_eq!(reply.status, 400);
}
