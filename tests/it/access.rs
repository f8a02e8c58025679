//! Who may read, edit and delete what: anonymous, another reader, the owner, an editor.

use crate::support::*;
use serde_json::json;

const LD: &str = "application/ld+json";

struct World {
    router: axum::Router,
    owner: String,
    other: String,
    editor: String,
    private: String,
    public: String,
}

async fn world() -> World {
    let (state, router) = app().await;
    let owner = reader_token(&router, "owner").await;
    let other = reader_token(&router, "other").await;
    let editor = editor_token(&state, &router, "editor").await;
    let mut note = comment("Let me back up and explain.", "Only for me.");
    note["visibility"] = json!("private");
    let private = send(
        &router,
        "POST",
        "/annotations/",
        &[("authorization", &owner)],
        Some(&note),
    )
    .await;
    let public = send(
        &router,
        "POST",
        "/annotations/",
        &[("authorization", &owner)],
        Some(&comment("Why not?", "For all.")),
    )
    .await;
    World {
        private: path_of(&private.json()),
        public: path_of(&public.json()),
        router,
        owner,
        other,
        editor,
    }
}

async fn status(w: &World, method: &str, path: &str, who: Option<&str>) -> u16 {
    let mut headers = vec![("accept", LD)];
    if let Some(token) = who {
        headers.push(("authorization", token));
    }
    let body = match method {
        "PUT" => {
            let current = send(
                &w.router,
                "GET",
                path,
                &[("accept", LD), ("authorization", &w.owner)],
                None,
            )
            .await;
            let mut json = current.json();
            json["body"][0]["value"] = json!("Edited.");
            Some(json)
        }
        _ => None,
    };
    send(&w.router, method, path, &headers, body.as_ref())
        .await
        .status
        .as_u16()
}

#[tokio::test]
async fn reading_a_private_note() {
    let w = world().await;
    assert_eq!(status(&w, "GET", &w.private, None).await, 404, "anonymous");
    assert_eq!(
        status(&w, "GET", &w.private, Some(&w.other)).await,
        404,
        "another reader"
    );
    assert_eq!(
        status(&w, "GET", &w.private, Some(&w.editor)).await,
        404,
        "an editor"
    );
    assert_eq!(
        status(&w, "GET", &w.private, Some(&w.owner)).await,
        200,
        "the owner"
    );
    assert_eq!(
        status(&w, "GET", &w.public, None).await,
        200,
        "a public note is for all"
    );

    let listed = send(
        &w.router,
        "GET",
        &format!("/annotations/?target=/articles/{ESSAY}&user=owner"),
        &[("authorization", &w.other)],
        None,
    )
    .await;
    assert_eq!(
        listed.json()["total"],
        1,
        "the container hides it from others"
    );
    let page = send(
        &w.router,
        "GET",
        &format!("/articles/{ESSAY}"),
        &[("accept", "text/html"), ("authorization", &w.other)],
        None,
    )
    .await;
    assert!(
        !page.body.contains("Only for me."),
        "the page hides it from others"
    );
    let page = send(
        &w.router,
        "GET",
        &format!("/articles/{ESSAY}"),
        &[("accept", "text/html"), ("authorization", &w.owner)],
        None,
    )
    .await;
    assert!(
        page.body.contains("Only for me."),
        "the owner sees it on the page"
    );
    let search = send(
        &w.router,
        "GET",
        "/search?q=only",
        &[("authorization", &w.other)],
        None,
    )
    .await;
    assert!(
        !search.body.contains("Only for me."),
        "search hides it from others"
    );
}

#[tokio::test]
async fn editing() {
    let w = world().await;
    assert_eq!(status(&w, "PUT", &w.public, None).await, 401, "anonymous");
    assert_eq!(
        status(&w, "PUT", &w.public, Some(&w.other)).await,
        403,
        "another reader"
    );
    assert_eq!(
        status(&w, "PUT", &w.public, Some(&w.editor)).await,
        403,
        "an editor does not rewrite readers"
    );
    assert_eq!(
        status(&w, "PUT", &w.private, Some(&w.other)).await,
        404,
        "another reader cannot see it to edit"
    );
    assert_eq!(
        status(&w, "PUT", &w.public, Some(&w.owner)).await,
        200,
        "the owner"
    );
    assert_eq!(
        status(&w, "PUT", &w.private, Some(&w.owner)).await,
        200,
        "the owner, private"
    );
}

#[tokio::test]
async fn deleting() {
    let w = world().await;
    assert_eq!(
        status(&w, "DELETE", &w.public, None).await,
        401,
        "anonymous"
    );
    assert_eq!(
        status(&w, "DELETE", &w.public, Some(&w.other)).await,
        403,
        "another reader"
    );
    assert_eq!(
        status(&w, "DELETE", &w.private, Some(&w.other)).await,
        404,
        "another reader, private"
    );
    assert_eq!(
        status(&w, "DELETE", &w.private, Some(&w.editor)).await,
        404,
        "an editor cannot see a private note"
    );
    assert_eq!(
        status(&w, "DELETE", &w.public, Some(&w.editor)).await,
        204,
        "an editor moderates public notes"
    );
    assert_eq!(
        status(&w, "DELETE", &w.private, Some(&w.owner)).await,
        204,
        "the owner"
    );
}

#[tokio::test]
async fn editorial_notes_are_read_only_through_the_api() {
    let w = world().await;
    let path = format!("/annotations/ed-{ESSAY}-witkoff");
    assert_eq!(status(&w, "GET", &path, None).await, 200);
    assert_eq!(status(&w, "DELETE", &path, Some(&w.editor)).await, 403);
}

#[tokio::test]
async fn note_bodies_are_sanitized() {
    let w = world().await;
    let attack = "**bold**\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2)) <img src=x onerror=alert(3)>";
    let created = send(
        &w.router,
        "POST",
        "/annotations/",
        &[("authorization", &w.owner)],
        Some(&comment("Why not?", attack)),
    )
    .await;
    assert_eq!(created.status, 201);
    let page = get_html(&w.router, &format!("/articles/{ESSAY}")).await;
    let html = scraper::Html::parse_document(&page.body);
    let id = path_of(&created.json())
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let note = html
        .select(&selector(&format!("#note-{id}")))
        .next()
        .unwrap();
    assert_eq!(note.select(&selector("script, img")).count(), 0);
    for element in note.descendants().filter_map(scraper::ElementRef::wrap) {
        for (name, value) in element.value().attrs() {
            assert!(!name.starts_with("on"), "no event handler: {name}");
            assert!(
                !value.to_lowercase().contains("javascript:"),
                "no javascript: URL in {name}"
            );
        }
    }
    assert_eq!(
        note.select(&selector("strong")).count(),
        1,
        "Markdown still renders"
    );
}
