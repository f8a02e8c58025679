//! The W3C Web Annotation Protocol at /annotations/; a test per requirement of the protocol
//! (https://www.w3.org/TR/annotation-protocol/) in `annotations` and `container`.

mod annotations;
mod container;

use crate::support::*;
use serde_json::json;

const LD: &str = "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"";

#[tokio::test]
async fn create_read_update_delete_with_etags() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let auth = [("authorization", ann.as_str())];

    let created = send(
        &router,
        "POST",
        "/annotations/",
        &auth,
        Some(&comment("pressure on Russia", "First.")),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.headers["content-type"], LD);
    let body = created.json();
    let path = path_of(&body);
    assert_eq!(created.headers["location"], body["id"].as_str().unwrap());
    assert!(
        body["id"]
            .as_str()
            .unwrap()
            .starts_with("http://gloss.test/annotations/")
    );
    assert_eq!(body["creator"]["nickname"], "ann");
    assert_eq!(
        body["target"]["selector"][1]["type"],
        "TextPositionSelector"
    );
    let etag = created.headers["etag"].to_str().unwrap().to_string();

    let read = send(&router, "GET", &path, &[("accept", LD)], None).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.headers["etag"], etag.as_str());
    assert!(
        read.headers["link"]
            .to_str()
            .unwrap()
            .contains("ldp#Resource")
    );
    assert!(read.headers["allow"].to_str().unwrap().contains("PUT"));
    assert_eq!(read.json()["body"][0]["value"], "First.");

    let mut edited = read.json();
    edited["body"][0]["value"] = json!("Second.");
    let put = send(
        &router,
        "PUT",
        &path,
        &[auth[0], ("if-match", &etag)],
        Some(&edited),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let new_etag = put.headers["etag"].to_str().unwrap().to_string();
    assert_ne!(new_etag, etag);
    assert_eq!(put.json()["body"][0]["value"], "Second.");

    let stale = send(
        &router,
        "PUT",
        &path,
        &[auth[0], ("if-match", &etag)],
        Some(&edited),
    )
    .await;
    assert_eq!(
        stale.status, 412,
        "a write based on an old version is refused"
    );
    let stale_delete = send(
        &router,
        "DELETE",
        &path,
        &[auth[0], ("if-match", &etag)],
        None,
    )
    .await;
    assert_eq!(stale_delete.status, 412);

    let deleted = send(
        &router,
        "DELETE",
        &path,
        &[auth[0], ("if-match", &new_etag)],
        None,
    )
    .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(
        send(&router, "GET", &path, &[("accept", LD)], None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_browser_opening_an_annotation_lands_on_its_passage() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let created = send(
        &router,
        "POST",
        "/annotations/",
        &[("authorization", &ann)],
        Some(&comment("Let me back up", "n")),
    )
    .await;
    let path = path_of(&created.json());
    let page = get_html(&router, &path).await;
    assert_eq!(page.status, 303);
    let id = path.rsplit('/').next().unwrap();
    assert_eq!(
        page.headers["location"],
        format!("/articles/{ESSAY}?annotation={id}#note-{id}").as_str()
    );
}

#[tokio::test]
async fn the_container_pages_and_filters() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    for i in 0..25 {
        let mut note = comment("Ushakov gave Putin this advice.", &format!("note {i}"));
        note["body"]
            .as_array_mut()
            .unwrap()
            .push(json!({"type": "TextualBody", "value": "advice", "purpose": "tagging"}));
        let reply = send(
            &router,
            "POST",
            "/annotations/",
            &[("authorization", &ann)],
            Some(&note),
        )
        .await;
        assert_eq!(reply.status, 201);
    }
    let uri = format!("/annotations/?target=/articles/{ESSAY}&tag=advice");
    let collection = send(&router, "GET", &uri, &[], None).await;
    assert_eq!(collection.status, 200);
    assert_eq!(collection.headers["content-type"], LD);
    let link = collection.headers["link"].to_str().unwrap();
    assert!(
        link.contains("ldp#BasicContainer") && link.contains("constrainedBy"),
        "{link}"
    );
    assert!(collection.headers.contains_key("accept-post"));
    assert!(
        collection.headers["vary"]
            .to_str()
            .unwrap()
            .contains("Accept")
    );
    let json = collection.json();
    assert_eq!(
        json["type"],
        json!(["BasicContainer", "AnnotationCollection"])
    );
    assert_eq!(json["total"], 25);
    assert_eq!(json["first"]["items"].as_array().unwrap().len(), 20);
    let next = json["first"]["next"].as_str().unwrap();
    let next_path = next.strip_prefix("http://gloss.test").unwrap();
    let second = send(&router, "GET", next_path, &[], None).await.json();
    assert_eq!(second["type"], "AnnotationPage");
    assert_eq!(second["startIndex"], 20);
    assert_eq!(second["items"].as_array().unwrap().len(), 5);
    assert!(second.get("next").is_none());

    let words = send(&router, "GET", "/annotations/?q=note%2024", &[], None)
        .await
        .json();
    assert!(words["total"].as_u64().unwrap() >= 1);
    let by_user = send(&router, "GET", "/annotations/?user=nobody", &[], None)
        .await
        .json();
    assert_eq!(by_user["total"], 0);
}

#[tokio::test]
async fn replies_thread_under_their_note() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let bob = reader_token(&router, "bob").await;
    let note = send(
        &router,
        "POST",
        "/annotations/",
        &[("authorization", &ann)],
        Some(&comment("Let me back up and explain.", "Why here?")),
    )
    .await
    .json();
    let reply = json!({
        "motivation": "replying",
        "bodyValue": "Because of the dates.",
        "target": note["id"],
    });
    let created = create(&router, &bob, &reply).await;
    assert_eq!(created.json()["target"], note["id"]);
    let page = get_html(&router, &format!("/articles/{ESSAY}")).await;
    let html = scraper::Html::parse_document(&page.body);
    let note_id = format!("#note-{}", path_of(&note).rsplit('/').next().unwrap());
    let thread = html
        .select(&selector(&format!("{note_id} .replies .reply")))
        .next()
        .expect("the reply sits under its note");
    assert!(
        thread
            .text()
            .collect::<String>()
            .contains("Because of the dates.")
    );
}

#[tokio::test]
async fn bad_input_gets_a_problem_and_stores_nothing() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let auth = ("authorization", ann.as_str());
    let long_quote = "x".repeat(6_000);
    let cases: Vec<(serde_json::Value, u16, &str)> = vec![
        (
            json!({"type": "Annotation", "bodyValue": "x"}),
            400,
            "target",
        ),
        (
            json!({"bodyValue": "x", "target": {"source": "/articles/nope", "selector": {"type": "TextQuoteSelector", "exact": "x"}}}),
            422,
            "no essay",
        ),
        (
            comment("words that are not in the essay", "x"),
            422,
            "not in the essay",
        ),
        (comment(&long_quote, "x"), 400, "longer than"),
        (
            json!({"bodyValue": "x", "visibility": "secret", "target": {"source": format!("/articles/{ESSAY}"), "selector": {"type": "TextQuoteSelector", "exact": "Why not?"}}}),
            400,
            "visibility",
        ),
        (
            json!({"motivation": "describing", "bodyValue": "x", "target": {"source": format!("/articles/{ESSAY}"), "selector": {"type": "TextQuoteSelector", "exact": "Why not?"}}}),
            422,
            "motivation",
        ),
        (
            json!({"motivation": "replying", "bodyValue": "x", "target": "/annotations/missing"}),
            422,
            "no annotation",
        ),
    ];
    for (body, status, detail) in cases {
        let reply = send(&router, "POST", "/annotations/", &[auth], Some(&body)).await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.body);
        assert_eq!(reply.headers["content-type"], "application/problem+json");
        let problem = reply.json();
        assert!(
            problem["detail"].as_str().unwrap().contains(detail),
            "{problem}"
        );
        assert_eq!(problem["status"], status);
    }

    let malformed = axum::http::Request::post("/annotations/")
        .header("authorization", &ann)
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{not json"))
        .unwrap();
    let reply = tower::ServiceExt::oneshot(router.clone(), malformed)
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);

    let huge = comment("Why not?", &"y".repeat(70_000));
    let reply = send(&router, "POST", "/annotations/", &[auth], Some(&huge)).await;
    assert_eq!(reply.status, 413, "{}", reply.body);

    let text = axum::http::Request::post("/annotations/")
        .header("authorization", &ann)
        .header("content-type", "text/plain")
        .body(axum::body::Body::from("hello"))
        .unwrap();
    let reply = tower::ServiceExt::oneshot(router.clone(), text)
        .await
        .unwrap();
    assert_eq!(reply.status(), 415);

    let mine = send(&router, "GET", "/annotations/?user=ann", &[], None)
        .await
        .json();
    assert_eq!(mine["total"], 0, "nothing was stored");
}

#[tokio::test]
async fn writes_need_an_account_and_cookies_need_the_csrf_token() {
    let (_, router) = app().await;
    let anonymous = send(
        &router,
        "POST",
        "/annotations/",
        &[],
        Some(&comment("Why not?", "x")),
    )
    .await;
    assert_eq!(anonymous.status, 401);
    assert!(anonymous.headers.contains_key("www-authenticate"));
    let bad_token = send(
        &router,
        "POST",
        "/annotations/",
        &[("authorization", "Bearer nope")],
        Some(&comment("Why not?", "x")),
    )
    .await;
    assert_eq!(bad_token.status, 401);
}

#[tokio::test]
async fn malformed_queries_and_odd_requests_get_problems_not_crashes() {
    let (_, router) = app().await;
    for uri in [
        "/annotations/?page=abc",
        "/annotations/?page=-1",
        "/annotations/?page=922337203685477581",
        &format!("/annotations/?q={}", "a+".repeat(30)),
        &format!("/articles/{ESSAY}/live?since=soon"),
    ] {
        let reply = send(&router, "GET", uri, &[("accept", "application/json")], None).await;
        assert_eq!(reply.status, 400, "{uri}: {}", reply.body);
        assert_eq!(
            reply.headers["content-type"], "application/problem+json",
            "{uri}"
        );
    }
    let options = send(&router, "OPTIONS", "/annotations/", &[], None).await;
    assert_eq!(options.status, 200);
    assert!(options.headers["allow"].to_str().unwrap().contains("POST"));
}

#[tokio::test]
async fn targets_by_position_must_quote_words_and_replies_keep_their_note() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let auth = [("authorization", ann.as_str())];
    let at = |start: usize, end: usize| {
        json!({"motivation": "highlighting", "target": {"source": format!("/articles/{ESSAY}"),
            "selector": {"type": "TextPositionSelector", "start": start, "end": end}}})
    };
    let text = gloss::library::Library::load(&repo_articles()).unwrap();
    let text = &text.article(ESSAY).unwrap().document.text;
    let space = text
        .as_str()
        .find(". ")
        .map(|b| text.char_of(b) + 1)
        .unwrap();
    assert_eq!(
        send(
            &router,
            "POST",
            "/annotations/",
            &auth,
            Some(&at(space, space + 1))
        )
        .await
        .status,
        422
    );
    assert_eq!(
        send(&router, "POST", "/annotations/", &auth, Some(&at(0, 5_001)))
            .await
            .status,
        422
    );
    let words = send(&router, "POST", "/annotations/", &auth, Some(&at(0, 3))).await;
    assert_eq!(words.status, 201);
    assert_eq!(words.json()["target"]["selector"][0]["exact"], "Pay");

    let mut tagged = comment("Why not?", "Tags.");
    for tag in ["a", "b", "a", "b", "c"] {
        tagged["body"]
            .as_array_mut()
            .unwrap()
            .push(json!({"type": "TextualBody", "value": tag, "purpose": "tagging"}));
    }
    let note = send(&router, "POST", "/annotations/", &auth, Some(&tagged))
        .await
        .json();
    let tags: Vec<&str> = note["body"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["purpose"] == "tagging")
        .map(|b| b["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        tags,
        ["a", "b", "c"],
        "duplicate tags are dropped wherever they stand"
    );

    let reply = send(
        &router,
        "POST",
        "/annotations/",
        &auth,
        Some(&json!({"motivation": "replying", "bodyValue": "Yes.", "target": note["id"]})),
    )
    .await
    .json();
    let mut moved = reply.clone();
    moved["target"] = reply["id"].clone();
    let put = send(&router, "PUT", &path_of(&reply), &auth, Some(&moved)).await;
    assert_eq!(
        put.status, 422,
        "a reply cannot answer itself: {}",
        put.body
    );
}
