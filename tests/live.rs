//! Live updates: every change to a public note is announced to the essay's readers with the
//! revision it made; a note made private is announced too, since it leaves others' pages.

mod support;

use gloss::live::{Change, Event};
use serde_json::json;
use support::*;
use tokio::sync::broadcast;

async fn next(events: &mut broadcast::Receiver<Event>) -> (Change, i64) {
    let event = tokio::time::timeout(std::time::Duration::from_secs(5), events.recv())
        .await
        .expect("an event")
        .unwrap();
    assert_eq!(event.article, ESSAY);
    (event.change, event.revision)
}

#[tokio::test]
async fn creating_editing_and_deleting_a_public_note_are_announced() {
    let (state, router) = app().await;
    let mut events = state.live.subscribe();
    let ann = reader_token(&router, "ann").await;
    let created = send(
        &router,
        "POST",
        "/annotations/",
        &[("authorization", &ann)],
        Some(&comment("pressure on Russia", "First.")),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let revision = state.store.revision(ESSAY).await.unwrap();
    assert_eq!(next(&mut events).await, (Change::Created, revision));

    let path = path_of(&created.json());
    let etag = created.headers["etag"].to_str().unwrap().to_string();
    let mut private = created.json();
    private["body"][0]["value"] = json!("Now mine alone.");
    private["visibility"] = json!("private");
    let put = send(
        &router,
        "PUT",
        &path,
        &[("authorization", &ann), ("if-match", &etag)],
        Some(&private),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let revision = state.store.revision(ESSAY).await.unwrap();
    assert_eq!(
        next(&mut events).await,
        (Change::Updated, revision),
        "made private"
    );

    let etag = put.headers["etag"].to_str().unwrap().to_string();
    let mut edited = put.json();
    edited["body"][0]["value"] = json!("Still mine alone.");
    let put = send(
        &router,
        "PUT",
        &path,
        &[("authorization", &ann), ("if-match", &etag)],
        Some(&edited),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert!(
        events.try_recv().is_err(),
        "a private edit is nobody else's news"
    );

    let etag = put.headers["etag"].to_str().unwrap().to_string();
    let mut public = put.json();
    public["visibility"] = json!("public");
    let put = send(
        &router,
        "PUT",
        &path,
        &[("authorization", &ann), ("if-match", &etag)],
        Some(&public),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let revision = state.store.revision(ESSAY).await.unwrap();
    assert_eq!(
        next(&mut events).await,
        (Change::Updated, revision),
        "made public"
    );

    let deleted = send(&router, "DELETE", &path, &[("authorization", &ann)], None).await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    let revision = state.store.revision(ESSAY).await.unwrap();
    assert_eq!(next(&mut events).await, (Change::Deleted, revision));
}
