//! The protocol's requirements on an annotation: retrieval (section 4) and creation, update
//! and deletion (section 6), one test each, named after it.

use crate::support::*;
use axum::Router;
use serde_json::{Value, json};

const LD: &str = "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"";
const RESOURCE_LINK: &str = "<http://www.w3.org/ns/ldp#Resource>; rel=\"type\"";

/// A reader's comment, created: its path, its answer, and the reader's Authorization.
async fn created(note: &Value) -> (Router, String, Reply, String) {
    let (_, router) = app().await;
    let token = reader_token(&router, "ann").await;
    let reply = create(&router, &token, note).await;
    let path = path_of(&reply.json());
    (router, path, reply, token)
}

#[tokio::test]
async fn annotation_answers_get_head_and_options() {
    // "The Annotation Server MUST support the following HTTP methods on the Annotation's IRI:
    // GET, HEAD, OPTIONS."
    let (router, path, ..) = created(&comment("pressure on Russia", "n")).await;
    let get = send(&router, "GET", &path, &[("accept", LD)], None).await;
    assert_eq!(get.status, 200);
    let head = send(&router, "HEAD", &path, &[("accept", LD)], None).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    for name in ["etag", "link", "allow", "vary", "content-type"] {
        assert_eq!(head.headers.get(name), get.headers.get(name), "{name}");
    }
    let options = send(&router, "OPTIONS", &path, &[], None).await;
    assert_eq!(options.status, 200);
}

#[tokio::test]
async fn options_on_an_annotation_is_200_with_allow() {
    let (router, path, ..) = created(&comment("pressure on Russia", "n")).await;
    let options = send(&router, "OPTIONS", &path, &[], None).await;
    assert_eq!(options.status, 200);
    assert_eq!(options.header("allow"), "GET, HEAD, OPTIONS, PUT, DELETE");
    assert_eq!(options.header("link"), RESOURCE_LINK);
    let missing = send(&router, "OPTIONS", "/annotations/no-such-note", &[], None).await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn annotation_get_is_json_ld_with_the_profile() {
    // "These responses MUST have a Content-Type header with the application/ld+json media
    // type, and it SHOULD have the Web Annotation profile IRI ... in the profile parameter."
    let (router, path, ..) = created(&comment("pressure on Russia", "n")).await;
    for accept in [None, Some(LD), Some("application/ld+json"), Some("*/*")] {
        let headers: Vec<(&str, &str)> = accept.map(|a| ("accept", a)).into_iter().collect();
        let get = send(&router, "GET", &path, &headers, None).await;
        assert_eq!(get.header("content-type"), LD, "Accept: {accept:?}");
    }
}

#[tokio::test]
async fn annotation_get_has_link_type_ldp_resource() {
    // "The response from the Annotation Server MUST have a Link header entry where the target
    // IRI is http://www.w3.org/ns/ldp#Resource and the rel parameter value is type."
    let (router, path, ..) = created(&comment("pressure on Russia", "n")).await;
    let get = send(&router, "GET", &path, &[("accept", LD)], None).await;
    assert_eq!(get.header("link"), RESOURCE_LINK);
}

#[tokio::test]
async fn annotation_get_has_a_strong_etag() {
    // "The response MUST have an ETag header with an entity reference value that implements
    // the notion of entity tags from HTTP."
    let (router, path, reply, _) = created(&comment("pressure on Russia", "n")).await;
    let get = send(&router, "GET", &path, &[("accept", LD)], None).await;
    let etag = get.header("etag");
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    assert_eq!(
        etag,
        reply.header("etag"),
        "the version created is the one read"
    );
}

#[tokio::test]
async fn annotation_get_revalidates_with_if_none_match() {
    let (router, path, reply, token) = created(&comment("pressure on Russia", "n")).await;
    let etag = reply.header("etag").to_string();
    let unchanged = send(&router, "GET", &path, &[("if-none-match", &etag)], None).await;
    assert_eq!(unchanged.status, 304);
    assert_eq!(unchanged.header("etag"), etag);
    assert_eq!(unchanged.header("link"), RESOURCE_LINK);
    assert!(unchanged.body.is_empty());
    let mut edited = reply.json();
    edited["body"][0]["value"] = json!("Changed.");
    let put = send(
        &router,
        "PUT",
        &path,
        &[("authorization", &token)],
        Some(&edited),
    )
    .await;
    assert_eq!(put.status, 200);
    let changed = send(&router, "GET", &path, &[("if-none-match", &etag)], None).await;
    assert_eq!(changed.status, 200, "a new version is sent whole");
    assert_eq!(changed.json()["body"][0]["value"], "Changed.");
}

#[tokio::test]
async fn annotation_get_has_allow_listing_its_methods() {
    // "The response MUST have an Allow header that lists the HTTP methods available for
    // interacting with the Annotation."
    let (router, path, ..) = created(&comment("pressure on Russia", "n")).await;
    let get = send(&router, "GET", &path, &[("accept", LD)], None).await;
    let allow = get.header("allow");
    for method in ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"] {
        assert!(allow.contains(method), "{method} in {allow}");
    }
}

#[tokio::test]
async fn annotation_get_varies_on_accept() {
    // "If the server supports content negotiation by format or JSON-LD profile, the response
    // MUST have a Vary header with Accept in the value."
    let (router, path, ..) = created(&comment("pressure on Russia", "n")).await;
    let plain = send(
        &router,
        "GET",
        &path,
        &[("accept", "application/json")],
        None,
    )
    .await;
    assert_eq!(plain.header("content-type"), "application/json");
    let ld = send(&router, "GET", &path, &[("accept", LD)], None).await;
    for reply in [plain, ld] {
        assert!(reply.header("vary").contains("Accept"));
    }
}

#[tokio::test]
async fn create_is_201_with_location_of_the_new_id() {
    // "The server MUST respond with a 201 Created response if the creation is successful ...
    // The response MUST have a Location header with the Annotation's new IRI."
    let (_, _, reply, _) = created(&comment("pressure on Russia", "n")).await;
    assert_eq!(reply.status, 201);
    let id = reply.json()["id"].as_str().unwrap().to_string();
    assert_eq!(reply.header("location"), id);
    assert_eq!(
        reply.header("content-location"),
        id,
        "the body is the new annotation"
    );
    assert_eq!(reply.header("link"), RESOURCE_LINK);
}

#[tokio::test]
async fn created_id_extends_the_container_iri() {
    // "The IRI for the Annotation MUST be the IRI of the Container with an additional
    // component added to the end."
    let (router, path, reply, _) = created(&comment("pressure on Russia", "n")).await;
    let id = reply.json()["id"].as_str().unwrap().to_string();
    let tail = id.strip_prefix("http://gloss.test/annotations/").unwrap();
    assert!(!tail.is_empty() && !tail.contains('/'), "{id}");
    assert_eq!(
        send(&router, "GET", &path, &[], None).await.json()["id"],
        id
    );
}

#[tokio::test]
async fn create_assigns_its_own_id_and_keeps_a_sent_one_in_via() {
    // "MUST assign an IRI to the Annotation resource in the id property, even if it already
    // has one provided ... If the Annotation has an IRI in the id property, then it SHOULD be
    // copied to the via property."
    let mut note = comment("pressure on Russia", "n");
    note["id"] = json!("https://elsewhere.example/notes/7");
    let (_, _, reply, _) = created(&note).await;
    let body = reply.json();
    assert!(
        body["id"]
            .as_str()
            .unwrap()
            .starts_with("http://gloss.test/annotations/")
    );
    assert_eq!(body["via"], "https://elsewhere.example/notes/7");
}

#[tokio::test]
async fn created_annotation_preserves_its_canonical_iri() {
    // "If the Annotation contains a canonical link, then it MUST be maintained without change."
    let canonical = "urn:uuid:dbfb1861-0ecf-41ad-be94-a584e5c4f1df";
    let mut note = comment("pressure on Russia", "n");
    note["canonical"] = json!(canonical);
    note["via"] = json!(["https://a.example/1", "https://b.example/2"]);
    let (router, path, reply, _) = created(&note).await;
    assert_eq!(reply.json()["canonical"], canonical);
    let read = send(&router, "GET", &path, &[], None).await.json();
    assert_eq!(read["canonical"], canonical, "and so it is stored");
    assert_eq!(
        read["via"],
        json!(["https://a.example/1", "https://b.example/2"])
    );
}

#[tokio::test]
async fn canonical_and_via_must_be_absolute_iris() {
    let (_, router) = app().await;
    let token = reader_token(&router, "ann").await;
    for (field, value) in [
        ("canonical", json!("not an iri")),
        ("canonical", json!("/annotations/relative")),
        ("canonical", json!(["urn:a", "urn:b"])),
        ("via", json!(["https://ok.example/", "café:x"])),
        ("via", json!(7)),
    ] {
        let mut note = comment("pressure on Russia", "n");
        note[field] = value.clone();
        let reply = send(
            &router,
            "POST",
            "/annotations/",
            &[("authorization", &token)],
            Some(&note),
        )
        .await;
        assert_eq!(reply.status, 400, "{field}: {value}: {}", reply.body);
        assert!(reply.json()["detail"].as_str().unwrap().contains(field));
    }
}

#[tokio::test]
async fn replace_is_200_with_the_new_state() {
    // "If successful, the server MUST return a 200 OK status with the Annotation as the body
    // ... the server MUST return the new state of the Annotation in the response."
    let (router, path, reply, token) = created(&comment("pressure on Russia", "First.")).await;
    let mut edited = reply.json();
    edited["body"][0]["value"] = json!("Second.");
    let etag = reply.header("etag").to_string();
    let put = send(
        &router,
        "PUT",
        &path,
        &[("authorization", &token), ("if-match", &etag)],
        Some(&edited),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.json()["body"][0]["value"], "Second.");
    assert_ne!(put.header("etag"), etag);
    assert_eq!(put.header("link"), RESOURCE_LINK);
}

#[tokio::test]
async fn replace_refuses_to_change_canonical_or_via_once_set() {
    // "Servers SHOULD reject update requests that modify the values of the canonical or via
    // properties, if they have been already set."
    let mut note = comment("pressure on Russia", "n");
    note["canonical"] = json!("urn:uuid:1");
    note["via"] = json!("https://a.example/1");
    let (router, path, reply, token) = created(&note).await;
    let auth = [("authorization", token.as_str())];
    for (field, value) in [
        ("canonical", json!("urn:uuid:2")),
        ("via", json!("https://b.example/2")),
    ] {
        let mut changed = reply.json();
        changed[field] = value;
        let put = send(&router, "PUT", &path, &auth, Some(&changed)).await;
        assert_eq!(put.status, 409, "{field}: {}", put.body);
        assert_eq!(put.headers["content-type"], "application/problem+json");
    }
    let mut left_out = reply.json();
    left_out.as_object_mut().unwrap().remove("canonical");
    left_out.as_object_mut().unwrap().remove("via");
    let put = send(&router, "PUT", &path, &auth, Some(&left_out)).await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.json()["canonical"], "urn:uuid:1", "kept when left out");
    assert_eq!(put.json()["via"], "https://a.example/1");
}

#[tokio::test]
async fn replace_may_set_canonical_where_there_was_none() {
    let (router, path, reply, token) = created(&comment("pressure on Russia", "n")).await;
    let mut with = reply.json();
    with["canonical"] = json!("urn:uuid:3");
    let put = send(
        &router,
        "PUT",
        &path,
        &[("authorization", &token)],
        Some(&with),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.json()["canonical"], "urn:uuid:3");
}

#[tokio::test]
async fn delete_is_204_and_leaves_the_container() {
    // "If the DELETE request is successfully processed, then the server MUST return a 204
    // status response ... The IRI of the deleted Annotation MUST be removed from the
    // Annotation Container it was created in."
    let (router, path, reply, token) = created(&comment("pressure on Russia", "n")).await;
    let id = reply.json()["id"].clone();
    let listed = |router: Router| async move {
        let page = send(&router, "GET", "/annotations/?user=ann&iris=1", &[], None)
            .await
            .json();
        page["first"]["items"].as_array().unwrap().clone()
    };
    assert_eq!(listed(router.clone()).await, [id]);
    let deleted = send(&router, "DELETE", &path, &[("authorization", &token)], None).await;
    assert_eq!(deleted.status, 204);
    assert!(listed(router.clone()).await.is_empty());
    assert_eq!(send(&router, "GET", &path, &[], None).await.status, 404);
}

#[tokio::test]
async fn a_note_on_the_whole_essay_is_an_annotation_on_its_iri() {
    // The model: "The target ... MAY be an External Web Resource", here the essay's IRI.
    let (router, path, reply, _) = created(&page_note("On the essay as a whole.")).await;
    let essay = format!("http://gloss.test/articles/{ESSAY}");
    assert_eq!(reply.json()["target"], essay);
    let read = send(&router, "GET", &path, &[("accept", LD)], None).await;
    assert_eq!(read.json()["target"], essay);
    assert_eq!(read.header("link"), RESOURCE_LINK);
}
