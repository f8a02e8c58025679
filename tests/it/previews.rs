//! Link-preview pictures: a PNG of a shared passage and of a public note, named by the
//! pages' `og:image`, kept by content tag, and 404 for what a signed-out reader may not see.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use scraper::Html;
use serde_json::json;
use tower::ServiceExt;

use crate::support::*;

struct Picture {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

async fn picture(router: &axum::Router, uri: &str, if_none_match: Option<&str>) -> Picture {
    let mut request = Request::get(uri).header("accept", "image/png,image/*");
    if let Some(tag) = if_none_match {
        request = request.header(header::IF_NONE_MATCH, tag);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    Picture {
        status: response.status(),
        headers: response.headers().clone(),
        bytes: response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    }
}

/// The picture's size, as a PNG decoder reads it.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).expect("its pixels decode");
    (frame.width, frame.height)
}

fn meta(page: &Html, key: &str) -> Option<String> {
    let css = format!("meta[property=\"{key}\"], meta[name=\"{key}\"]");
    page.select(&selector(&css))
        .next()
        .and_then(|m| m.value().attr("content"))
        .map(str::to_string)
}

async fn share(router: &axum::Router, exact: &str) -> String {
    let request = json!({"target": {
        "source": format!("/articles/{ESSAY}"),
        "selector": [{"type": "TextQuoteSelector", "exact": exact}]
    }});
    let reply = send(router, "POST", "/api/shares", &[], Some(&request)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["url"]
        .as_str()
        .unwrap()
        .trim_start_matches("/s/")
        .to_string()
}

#[tokio::test]
async fn a_shared_passage_has_a_picture_named_by_its_page() {
    let (_, router) = app().await;
    let code = share(
        &router,
        "Pay attention to the dates, because the timing matters.",
    )
    .await;

    let page = get_html(&router, &format!("/articles/{ESSAY}?share={code}")).await;
    let page = Html::parse_document(&page.body);
    let image = format!("http://gloss.test/s/{code}/preview.png");
    assert_eq!(meta(&page, "og:image"), Some(image));
    assert_eq!(meta(&page, "og:image:width").as_deref(), Some("1200"));
    assert_eq!(meta(&page, "og:image:height").as_deref(), Some("630"));
    assert_eq!(
        meta(&page, "twitter:card").as_deref(),
        Some("summary_large_image")
    );

    let drawn = picture(&router, &format!("/s/{code}/preview.png"), None).await;
    assert_eq!(drawn.status, 200);
    assert_eq!(drawn.headers[header::CONTENT_TYPE], "image/png");
    assert!(
        drawn.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    assert_eq!(png_size(&drawn.bytes), (1200, 630));

    let etag = drawn.headers[header::ETAG].to_str().unwrap();
    let again = picture(&router, &format!("/s/{code}/preview.png"), Some(etag)).await;
    assert_eq!(again.status, 304);
    assert!(again.bytes.is_empty());
}

#[tokio::test]
async fn the_essay_alone_has_no_picture() {
    let (_, router) = app().await;
    let page = get_html(&router, &format!("/articles/{ESSAY}")).await;
    let page = Html::parse_document(&page.body);
    assert_eq!(meta(&page, "og:image"), None);
    assert_eq!(meta(&page, "twitter:card").as_deref(), Some("summary"));
}

#[tokio::test]
async fn a_public_note_has_a_picture_and_a_private_one_none() {
    let (_, router) = app().await;
    let token = reader_token(&router, "ann").await;
    let public = id_of(&create(&router, &token, &comment("the timing matters", "Dates!")).await);
    let mut private_note = comment("Let me back up and explain.", "Mine alone.");
    private_note["visibility"] = json!("private");
    let private = id_of(&create(&router, &token, &private_note).await);

    let page = get_html(&router, &format!("/articles/{ESSAY}?annotation={public}")).await;
    let page = Html::parse_document(&page.body);
    let image = format!("http://gloss.test/annotations/{public}/preview.png");
    assert_eq!(meta(&page, "og:image"), Some(image));
    let drawn = picture(&router, &format!("/annotations/{public}/preview.png"), None).await;
    assert_eq!(drawn.status, 200);
    assert_eq!(png_size(&drawn.bytes), (1200, 630));

    let gone = picture(
        &router,
        &format!("/annotations/{private}/preview.png"),
        None,
    )
    .await;
    assert_eq!(gone.status, 404, "as the note is to a signed-out reader");
    let headers = [("authorization", token.as_str()), ("accept", "text/html")];
    let own = send(
        &router,
        "GET",
        &format!("/articles/{ESSAY}?annotation={private}"),
        &headers,
        None,
    )
    .await;
    let own = Html::parse_document(&own.body);
    assert_eq!(meta(&own, "og:image"), None, "no picture of a private note");
}

#[tokio::test]
async fn unknown_shares_and_notes_have_no_picture() {
    let (_, router) = app().await;
    for uri in [
        "/s/NOSUCHCO/preview.png",
        "/annotations/no-such-note/preview.png",
    ] {
        assert_eq!(picture(&router, uri, None).await.status, 404, "{uri}");
    }
}

#[tokio::test]
async fn a_note_the_moderators_hid_has_no_picture() {
    let (state, router) = app().await;
    let token = reader_token(&router, "ann").await;
    let editor = editor_token(&state, &router, "edna").await;
    let id = id_of(&create(&router, &token, &comment("the timing matters", "Dates!")).await);
    let uri = format!("/annotations/{id}/preview.png");
    assert_eq!(picture(&router, &uri, None).await.status, 200);

    let hide = send(
        &router,
        "POST",
        &format!("/annotations/{id}/hidden"),
        &[("authorization", editor.as_str())],
        None,
    )
    .await;
    assert!(hide.status.is_success(), "{}: {}", hide.status, hide.body);
    assert_eq!(picture(&router, &uri, None).await.status, 404);
    let page = get_html(&router, &format!("/articles/{ESSAY}?annotation={id}")).await;
    assert_eq!(meta(&Html::parse_document(&page.body), "og:image"), None);
}

#[tokio::test]
async fn a_groups_note_has_no_picture() {
    let (_, router) = app().await;
    let token = reader_token(&router, "ann").await;
    let group = crate::groups::make_group(&router, &token, "History 101").await;
    let note = crate::groups::group_comment(
        "the timing matters",
        "For the class.",
        group["url"].as_str().unwrap(),
    );
    let id = id_of(&create(&router, &token, &note).await);
    let uri = format!("/annotations/{id}/preview.png");
    assert_eq!(picture(&router, &uri, None).await.status, 404);
    let headers = [("authorization", token.as_str()), ("accept", "text/html")];
    let page = format!("/articles/{ESSAY}?annotation={id}");
    let own = send(&router, "GET", &page, &headers, None).await;
    assert_eq!(own.status, 200);
    assert_eq!(
        meta(&Html::parse_document(&own.body), "og:image"),
        None,
        "its members' page names no picture a crawler could not fetch"
    );
}
