//! Live updates: every change to a public note is announced to the essay's readers with the
//! revision it made; a note made private is announced too, since it leaves others' pages.

use crate::support::*;
use gloss::live::{Change, Event};
use serde_json::json;
use tokio::sync::broadcast;

async fn next(events: &mut broadcast::Receiver<Event>) -> (Change, i64) {
    let event = tokio::time::timeout(std::time::Duration::from_secs(5), events.recv())
        .await
        .expect("an event")
        .unwrap();
    assert_eq!(event.article, ESSAY);
    (event.change, event.revision)
}

/// Puts the annotation `last` answered with back, changed by `change`, as its author.
async fn edit(
    router: &axum::Router,
    token: &str,
    last: &Reply,
    change: impl FnOnce(&mut serde_json::Value),
) -> Reply {
    let path = path_of(&last.json());
    let etag = last.headers["etag"].to_str().unwrap().to_string();
    let mut edited = last.json();
    change(&mut edited);
    let put = send(
        router,
        "PUT",
        &path,
        &[("authorization", token), ("if-match", &etag)],
        Some(&edited),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    put
}

#[tokio::test]
async fn creating_editing_and_deleting_a_public_note_are_announced() {
    let (state, router) = app().await;
    let mut events = state.live.subscribe();
    let ann = reader_token(&router, "ann").await;
    let created = create(&router, &ann, &comment("pressure on Russia", "First.")).await;
    let revision = state.store.revision(ESSAY).await.unwrap();
    assert_eq!(next(&mut events).await, (Change::Created, revision));

    let private = edit(&router, &ann, &created, |a| {
        a["body"][0]["value"] = json!("Now mine alone.");
        a["visibility"] = json!("private");
    })
    .await;
    let revision = state.store.revision(ESSAY).await.unwrap();
    assert_eq!(
        next(&mut events).await,
        (Change::Updated, revision),
        "made private"
    );

    let edited = edit(&router, &ann, &private, |a| {
        a["body"][0]["value"] = json!("Still mine alone.");
    })
    .await;
    assert!(
        events.try_recv().is_err(),
        "a private edit is nobody else's news"
    );

    edit(&router, &ann, &edited, |a| {
        a["visibility"] = json!("public")
    })
    .await;
    let revision = state.store.revision(ESSAY).await.unwrap();
    assert_eq!(
        next(&mut events).await,
        (Change::Updated, revision),
        "made public"
    );

    let path = path_of(&created.json());
    let deleted = send(&router, "DELETE", &path, &[("authorization", &ann)], None).await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    let revision = state.store.revision(ESSAY).await.unwrap();
    assert_eq!(next(&mut events).await, (Change::Deleted, revision));
}

/// The next message of a live stream's body, as text.
async fn message(body: &mut axum::body::Body) -> Option<String> {
    use http_body_util::BodyExt;
    let frame = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame())
        .await
        .expect("a message or the end")?
        .unwrap();
    Some(String::from_utf8(frame.into_data().unwrap().to_vec()).unwrap())
}

#[tokio::test]
async fn a_reader_is_told_of_a_new_note_then_bye_when_the_server_closes() {
    use tower::ServiceExt;
    let (state, router) = app().await;
    let revision = state.store.revision(ESSAY).await.unwrap();
    let request = axum::http::Request::get(format!("/articles/{ESSAY}/live"))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = response.into_body();
    assert_eq!(
        message(&mut body).await.unwrap(),
        format!("id: {revision}\nretry: 2000\n: connected\n\n")
    );

    let ann = reader_token(&router, "ann").await;
    let created = create(&router, &ann, &comment("pressure on Russia", "First.")).await;
    let id = id_of(&created);
    let revision = state.store.revision(ESSAY).await.unwrap();
    assert_eq!(
        message(&mut body).await.unwrap(),
        format!(
            "id: {revision}\nevent: created\ndata: {{\"id\":\"{id}\",\"revision\":{revision}}}\n\n"
        )
    );

    state.live.close();
    assert_eq!(
        message(&mut body).await.unwrap(),
        "event: bye\ndata: server restarting\n\n"
    );
    assert_eq!(message(&mut body).await, None, "the stream ends after bye");
}

#[tokio::test]
async fn a_reader_behind_is_told_to_catch_up_at_once() {
    use tower::ServiceExt;
    let (state, router) = app().await;
    let revision = state.store.revision(ESSAY).await.unwrap();
    let request = axum::http::Request::get(format!("/articles/{ESSAY}/live"))
        .header("last-event-id", (revision - 1).to_string())
        .body(axum::body::Body::empty())
        .unwrap();
    let mut body = router.oneshot(request).await.unwrap().into_body();
    assert_eq!(
        message(&mut body).await.unwrap(),
        format!(
            "id: {revision}\nevent: resync\ndata: {{\"revision\":{revision}}}\nretry: 2000\n\n"
        )
    );
}
