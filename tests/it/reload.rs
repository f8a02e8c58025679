//! Reloading `articles/` while serving: a broken file is refused with its file and line and the
//! old text serves on; a good library serves its new text at once, its annotations anchored
//! to it, its editorial notes in the store, and the essay's live readers told.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use scraper::Html;
use tower::ServiceExt;

use crate::support::*;
use gloss::serve::reload::reload;

const KEPT: &str = "The call lasted for more than two hours.";
const REMOVED: &str = "Ushakov gave Putin this advice.";

fn essay_path(dir: &Path) -> std::path::PathBuf {
    dir.join(format!("{ESSAY}.md"))
}

/// Rewrites a file of the library in place.
fn edit(path: &Path, change: impl Fn(&str) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    let changed = change(&text);
    assert_ne!(changed, text, "the edit changes {}", path.display());
    std::fs::write(path, changed).unwrap();
}

fn marked(page: &str, id: &str) -> String {
    let html = Html::parse_document(page);
    html.select(&selector(&format!("mark[data-annotation=\"{id}\"]")))
        .map(|m| m.text().collect::<String>())
        .collect()
}

/// The next message of a live stream, as text.
async fn message(body: &mut Body) -> String {
    use http_body_util::BodyExt;
    let frame = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame())
        .await
        .expect("a message")
        .expect("the stream goes on")
        .unwrap();
    String::from_utf8(frame.into_data().unwrap().to_vec()).unwrap()
}

#[tokio::test]
async fn a_broken_edit_is_refused_and_a_good_one_is_served_at_once() {
    let articles = tempfile::tempdir().unwrap();
    copy_articles(articles.path());
    let (state, router) = app_on(articles.path()).await;
    let token = reader_token(&router, "ann").await;
    let kept = id_of(&create(&router, &token, &comment(KEPT, "Long.")).await);
    let removed = id_of(&create(&router, &token, &comment(REMOVED, "Advice.")).await);
    let page_path = format!("/articles/{ESSAY}");
    let before = get_html(&router, &page_path).await;
    let stream = router
        .clone()
        .oneshot(
            Request::get(format!("{page_path}/live"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let mut stream = stream.into_body();
    assert!(message(&mut stream).await.contains(": connected"));

    edit(&essay_path(articles.path()), |text| {
        text.replacen("date = 2025-11-26", "date = \"last Wednesday\"", 1)
    });
    let refused = reload(&state, articles.path()).await.unwrap_err();
    assert_eq!(refused.file, essay_path(articles.path()));
    assert_eq!(refused.line, 5, "the line of the date: {refused}");
    let still = get_html(&router, &page_path).await;
    assert_eq!(still.body, before.body, "the old text serves on");
    assert_eq!(still.headers["etag"], before.headers["etag"]);

    edit(&essay_path(articles.path()), |text| {
        text.replacen("date = \"last Wednesday\"", "date = 2025-11-26", 1)
            .replacen("Pay attention to the dates", "Mind the dates", 1)
            .replacen(&format!("{REMOVED} "), "", 1)
    });
    let notes = articles.path().join(format!("{ESSAY}.notes.toml"));
    edit(&notes, |text| {
        text.replacen(
            "a former New York real-estate developer",
            "a New York property developer",
            1,
        )
    });
    let edits = reload(&state, articles.path()).await.unwrap();
    assert_eq!(edits.changed, [ESSAY]);

    let after = get_html(&router, &page_path).await;
    let text = article_text(&Html::parse_document(&after.body));
    assert!(text.starts_with("Mind the dates, because the timing matters."));
    assert!(!text.contains(REMOVED));
    assert_ne!(after.headers["etag"], before.headers["etag"]);
    assert_eq!(
        marked(&after.body, &kept),
        KEPT,
        "re-anchored below the edit"
    );
    assert_eq!(marked(&after.body, &removed), "", "its words are gone");
    let html = Html::parse_document(&after.body);
    assert!(
        html.select(&selector(&format!("#orphans #note-{removed}")))
            .next()
            .is_some(),
        "listed with the orphans"
    );
    let catalog = state.catalog();
    let snapshot = catalog.essays.get(ESSAY).unwrap().latest().unwrap();
    let orphans: Vec<&str> = snapshot
        .annotated
        .orphans()
        .map(|e| e.annotation.id.as_str())
        .collect();
    assert_eq!(orphans, [removed.as_str()]);

    let note = send(
        &router,
        "GET",
        &format!("/annotations/ed-{ESSAY}-witkoff"),
        &[("accept", "application/ld+json")],
        None,
    )
    .await;
    assert_eq!(note.status, 200, "{}", note.body);
    assert!(
        note.body.contains("a New York property developer"),
        "the edited note is in the store: {}",
        note.body
    );

    let revision = state.store.revision(ESSAY).await.unwrap();
    assert_eq!(
        message(&mut stream).await,
        format!("id: {revision}\nevent: essay\ndata: {{\"revision\":{revision}}}\n\n")
    );
}

#[tokio::test]
async fn a_broken_file_of_each_kind_is_named_with_its_line() {
    let articles = tempfile::tempdir().unwrap();
    copy_articles(articles.path());
    let (state, router) = app_on(articles.path()).await;
    let page_path = format!("/articles/{ESSAY}");
    let before = get_html(&router, &page_path).await.body;
    let revision = state.store.revision(ESSAY).await.unwrap();
    let notes = articles.path().join(format!("{ESSAY}.notes.toml"));
    let entities = articles.path().join("entities.toml");
    // Each file broken in turn, with how many lines below the edit the error is.
    let breakages: [(&Path, &str, &str, usize); 3] = [
        (&notes, "quote = \"Budapest\"", "quote = \"Bucharest\"", 0),
        (&entities, "id = \"yuri-ushakov\"", "id = \"yuri-ushakov", 0),
        (
            &essay_path(articles.path()),
            "Pay attention to the dates",
            "Pay attention to the dates\n\n<div>",
            2,
        ),
    ];
    for (path, good, broken, below) in breakages {
        let text = std::fs::read_to_string(path).unwrap();
        let line = 1 + text[..text.find(good).unwrap()].matches('\n').count() + below;
        std::fs::write(path, text.replacen(good, broken, 1)).unwrap();
        let refused = reload(&state, articles.path()).await.unwrap_err();
        assert_eq!(
            (refused.file.as_path(), refused.line),
            (path, line),
            "{refused}"
        );
        std::fs::write(path, text).unwrap();
    }
    assert_eq!(get_html(&router, &page_path).await.body, before);
    assert_eq!(
        state.store.revision(ESSAY).await.unwrap(),
        revision,
        "nothing was stored"
    );
}

#[tokio::test]
async fn new_essays_appear_removed_ones_are_gone_and_unchanged_ones_keep_their_pages() {
    let articles = tempfile::tempdir().unwrap();
    copy_articles(articles.path());
    let (state, router) = app_on(articles.path()).await;
    get_html(&router, &format!("/articles/{ESSAY}")).await;
    let drawn = state.catalog().essays.get(ESSAY).unwrap().latest().unwrap();

    let second = articles.path().join("second-thoughts.md");
    std::fs::write(&second, format!("{FRONT}Second thoughts on Witkoff.\n")).unwrap();
    let edits = reload(&state, articles.path()).await.unwrap();
    assert_eq!(edits.added, ["second-thoughts"]);
    assert!(edits.changed.is_empty(), "{edits:?}");
    let page = get_html(&router, "/articles/second-thoughts").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Second thoughts on"));
    assert!(
        get_html(&router, "/")
            .await
            .body
            .contains("/articles/second-thoughts")
    );
    let still = state.catalog().essays.get(ESSAY).unwrap().latest().unwrap();
    assert!(
        Arc::ptr_eq(&drawn, &still),
        "the unchanged essay kept its page"
    );

    std::fs::remove_file(&second).unwrap();
    let edits = reload(&state, articles.path()).await.unwrap();
    assert_eq!(edits.removed, ["second-thoughts"]);
    assert_eq!(
        get_html(&router, "/articles/second-thoughts").await.status,
        404
    );
    let again = reload(&state, articles.path()).await.unwrap();
    assert!(again.is_empty(), "nothing changed: {again:?}");
}

/// Two instances on one PostgreSQL database, each with its own copy of the files, reload the
/// same edit at once: each serves the new text and the edited editorial note.
#[tokio::test]
async fn instances_sharing_a_database_reload_the_same_edit_at_once() {
    let test = "instances_sharing_a_database_reload_the_same_edit_at_once";
    let Some(database) = crate::store::Database::create(test).await else {
        return;
    };
    let folders = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let mut instances = Vec::new();
    for folder in &folders {
        copy_articles(folder.path());
        let state = gloss::serve::prepare(&serve_args(folder.path(), &database.url))
            .await
            .unwrap();
        instances.push((state.clone(), gloss::build_router(state)));
        edit(&essay_path(folder.path()), |text| {
            text.replacen("Pay attention to the dates", "Mind the dates", 1)
        });
        edit(&folder.path().join(format!("{ESSAY}.notes.toml")), |text| {
            text.replacen("a former New York real-estate developer", "a developer", 1)
        });
    }
    let (one, two) = tokio::join!(
        reload(&instances[0].0, folders[0].path()),
        reload(&instances[1].0, folders[1].path())
    );
    assert_eq!(one.unwrap().changed, [ESSAY]);
    assert_eq!(two.unwrap().changed, [ESSAY]);
    for (_, router) in &instances {
        let page = get_html(router, &format!("/articles/{ESSAY}")).await;
        let text = article_text(&Html::parse_document(&page.body));
        assert!(text.starts_with("Mind the dates"), "{text}");
    }
    for (_, router) in &instances {
        let path = format!("/annotations/ed-{ESSAY}-witkoff");
        let note = send(
            router,
            "GET",
            &path,
            &[("accept", "application/ld+json")],
            None,
        )
        .await;
        assert_eq!(note.status, 200, "{}", note.body);
        assert!(
            note.body.contains("Steve Witkoff, a developer"),
            "{}",
            note.body
        );
    }
    drop(instances);
    database.passed().await;
}
