//! Compression: the cached reading page comes precompressed, and pages made for one reader,
//! other pages and API answers are compressed on the way out; each decodes to the plain answer.

use std::io::Read;

use crate::support::*;
use axum::body::Body;
use axum::http::{HeaderMap, Request};
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn fetch(router: &axum::Router, uri: &str, headers: &[(&str, &str)]) -> (HeaderMap, Vec<u8>) {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{uri}");
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (headers, bytes.to_vec())
}

fn decode(encoding: &str, bytes: &[u8]) -> String {
    let mut text = String::new();
    match encoding {
        "gzip" => flate2::read::GzDecoder::new(bytes).read_to_string(&mut text),
        "br" => brotli::Decompressor::new(bytes, 4096).read_to_string(&mut text),
        other => panic!("unexpected encoding {other}"),
    }
    .unwrap();
    text
}

#[tokio::test]
async fn every_kind_of_answer_decodes_to_the_plain_one_in_gzip_and_brotli() {
    let (_, router) = app().await;
    let token = reader_token(&router, "ann").await;
    let essay = format!("/articles/{ESSAY}");
    let container = format!("/annotations/?target={essay}");
    let cases: [(&str, &str, Option<&str>); 5] = [
        ("the cached reading page", &essay, None),
        ("a reading page made for one reader", &essay, Some(&token)),
        ("the timeline", "/timeline", None),
        ("a page of annotations", &container, None),
        ("the API description", "/api/openapi.json", None),
    ];
    for (what, uri, auth) in cases {
        let auth: Vec<(&str, &str)> = auth.map(|t| ("authorization", t)).into_iter().collect();
        let (plain_headers, plain) = fetch(&router, uri, &auth).await;
        assert!(
            plain_headers.get("content-encoding").is_none(),
            "{what}: plain when nothing else is accepted"
        );
        let plain = String::from_utf8(plain).unwrap();
        for encoding in ["gzip", "br"] {
            let mut headers = auth.clone();
            headers.push(("accept-encoding", encoding));
            let (headers, body) = fetch(&router, uri, &headers).await;
            assert_eq!(headers["content-encoding"], encoding, "{what}");
            let vary: Vec<_> = headers.get_all("vary").iter().collect();
            let vary = format!("{vary:?}").to_ascii_lowercase();
            assert!(vary.contains("accept-encoding"), "{what}: vary is {vary}");
            assert!(body.len() < plain.len(), "{what}: {encoding} is smaller");
            assert_eq!(decode(encoding, &body), plain, "{what} in {encoding}");
        }
    }
}
