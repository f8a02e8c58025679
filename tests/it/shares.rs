//! Links that land on an exact passage: paragraph permalinks, share links, annotation
//! permalinks, link previews, and links that survive edits of the essay.

use std::path::Path;

use crate::support::*;
use scraper::Html;
use serde_json::json;

fn share_request(exact: &str) -> serde_json::Value {
    json!({"target": {
        "source": format!("http://gloss.test/articles/{ESSAY}"),
        "selector": [{"type": "TextQuoteSelector", "exact": exact}]
    }})
}

async fn share(router: &axum::Router, exact: &str) -> String {
    let reply = send(
        router,
        "POST",
        "/api/shares",
        &[],
        Some(&share_request(exact)),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["url"].as_str().unwrap().to_string()
}

/// Follows a share link as a browser does: the redirect, then the page.
async fn open(router: &axum::Router, url: &str) -> (String, Html) {
    let redirect = get_html(router, url).await;
    assert_eq!(redirect.status, 303);
    let location = redirect.headers["location"].to_str().unwrap().to_string();
    let page = get_html(router, &location).await;
    assert_eq!(page.status, 200);
    (location, Html::parse_document(&page.body))
}

fn meta(html: &Html, property: &str) -> String {
    let css = format!("meta[property=\"{property}\"], meta[name=\"{property}\"]");
    html.select(&selector(&css))
        .next()
        .and_then(|m| m.attr("content"))
        .unwrap_or_default()
        .to_string()
}

fn shared_text(html: &Html) -> String {
    html.select(&selector("mark[data-share]"))
        .map(|m| m.text().collect::<String>())
        .collect()
}

#[tokio::test]
async fn every_paragraph_has_a_permalink() {
    let (_, router) = app().await;
    let page = Html::parse_document(&get_html(&router, &format!("/articles/{ESSAY}")).await.body);
    for block in page.select(&selector("article > p")) {
        let id = block.attr("id").unwrap();
        let link = block
            .select(&selector("a.pilcrow[data-aside]"))
            .next()
            .expect("a pilcrow");
        assert_eq!(link.attr("href").unwrap(), format!("#{id}"));
        assert_eq!(link.attr("aria-label"), Some("Link to this paragraph"));
    }
}

#[tokio::test]
async fn a_share_link_lands_on_the_marked_passage_with_a_preview() {
    let (_, router) = app().await;
    let exact = "This war will end only when Russia stops fighting.";
    let reply = send(
        &router,
        "POST",
        "/api/shares",
        &[],
        Some(&share_request(exact)),
    )
    .await;
    assert_eq!(reply.status, 201);
    let body = reply.json();
    let url = body["url"].as_str().unwrap();
    assert!(url.starts_with("/s/") && url.len() == 11, "{url}");
    let link = body["link"].as_str().unwrap();
    assert!(
        link.starts_with(&format!("http://gloss.test{url}#:~:text=")),
        "{link}"
    );

    let (location, html) = open(&router, url).await;
    let code = &url[3..];
    assert_eq!(
        location,
        format!("/articles/{ESSAY}?share={code}#share-{code}")
    );
    assert_eq!(shared_text(&html), exact);
    assert!(
        html.select(&selector(&format!("#share-{code}")))
            .next()
            .is_some(),
        "the fragment lands on the mark"
    );
    assert_eq!(meta(&html, "og:description"), format!("“{exact}”"));
    assert_eq!(meta(&html, "twitter:description"), format!("“{exact}”"));
    assert_eq!(meta(&html, "og:url"), format!("http://gloss.test{url}"));
    assert_eq!(
        meta(&html, "og:title"),
        "Why Does Steve Witkoff Keep Taking Russia’s Side?"
    );
    let canonical = html
        .select(&selector("link[rel=canonical]"))
        .next()
        .unwrap();
    assert_eq!(
        canonical.attr("href"),
        Some(format!("http://gloss.test/articles/{ESSAY}").as_str())
    );
    assert_eq!(
        article_text(&html),
        gloss::library::Library::load(&repo_articles())
            .unwrap()
            .article(ESSAY)
            .unwrap()
            .document
            .text
            .as_str()
    );
}

#[tokio::test]
async fn share_requests_are_checked_and_rate_limited() {
    let (_, router) = app().await;
    let missing = send(
        &router,
        "POST",
        "/api/shares",
        &[],
        Some(&share_request("Not in the essay at all.")),
    )
    .await;
    assert_eq!(missing.status, 422);
    let no_target = send(&router, "POST", "/api/shares", &[], Some(&json!({}))).await;
    assert_eq!(no_target.status, 400);
    assert_eq!(get_html(&router, "/s/unknown1").await.status, 404);
    let mut statuses = Vec::new();
    for _ in 0..35 {
        statuses.push(
            send(
                &router,
                "POST",
                "/api/shares",
                &[],
                Some(&share_request("Why not?")),
            )
            .await
            .status
            .as_u16(),
        );
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 30 - 2);
}

#[tokio::test]
async fn an_annotation_permalink_opens_its_note() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let created = send(
        &router,
        "POST",
        "/annotations/",
        &[("authorization", &ann)],
        Some(&comment("He is not promoting peace.", "The crux.")),
    )
    .await;
    let path = path_of(&created.json());
    let id = path.rsplit('/').next().unwrap();
    let redirect = get_html(&router, &path).await;
    let location = redirect.headers["location"].to_str().unwrap();
    assert_eq!(
        location,
        format!("/articles/{ESSAY}?annotation={id}#note-{id}")
    );
    let html = Html::parse_document(&get_html(&router, location).await.body);
    let toggle = html
        .select(&selector(&format!("#toggle-{id}")))
        .next()
        .unwrap();
    assert!(
        toggle.attr("checked").is_some(),
        "the note is open, on phones too"
    );
    let marks = html
        .select(&selector(&format!(
            "mark.is-target[data-annotation=\"{id}\"]"
        )))
        .count();
    assert!(marks >= 1);
    let description = meta(&html, "og:description");
    assert!(
        description.contains("“He is not promoting peace.”") && description.contains("The crux."),
        "{description}"
    );
}

fn edit_essay(dir: &Path, from: &str, to: &str) {
    let path = dir.join(format!("{ESSAY}.md"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from));
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[tokio::test]
async fn share_links_survive_edits_and_say_plainly_when_the_passage_is_gone() {
    let articles = tempfile::tempdir().unwrap();
    copy_articles(articles.path());
    let db = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", db.path().join("gloss.db").display());
    let start = || async {
        gloss::build_router(
            gloss::serve::prepare(&serve_args(articles.path(), &url))
                .await
                .unwrap(),
        )
    };

    let router = start().await;
    let exact = "Instead, he became emotional and angry.";
    let link = share(&router, exact).await;
    let (_, before) = open(&router, &link).await;
    assert_eq!(shared_text(&before), exact);

    edit_essay(
        articles.path(),
        "Pay attention to the dates",
        "A new first paragraph.\n\nPay attention to the dates",
    );
    edit_essay(
        articles.path(),
        "he did not offer Tomahawk missiles to Ukraine. Instead,",
        "he offered no Tomahawk missiles to Ukraine at all. Instead,",
    );
    let router = start().await;
    let (_, after) = open(&router, &link).await;
    assert_eq!(
        shared_text(&after),
        exact,
        "the link lands on the same words"
    );

    edit_essay(
        articles.path(),
        " Instead, he became emotional and angry.",
        "",
    );
    let router = start().await;
    let (_, gone) = open(&router, &link).await;
    assert_eq!(shared_text(&gone), "", "no mark on the wrong words");
    let notice: String = gone
        .select(&selector(".notice"))
        .next()
        .expect("a notice")
        .text()
        .collect();
    assert!(
        notice.contains("no longer in the essay") && notice.contains(exact),
        "{notice}"
    );
}
