//! Who may flag a note, hide it, show it again and read the queue: anonymous, a reader, the
//! note's author, another reader, an editor.

use super::*;

#[tokio::test]
async fn flagging_a_public_note() {
    let w = world().await;
    assert_eq!(w.flag(&w.note, None).await.status, 401, "anonymous");
    assert_eq!(
        w.flag(&w.note, Some(&w.author)).await.status,
        403,
        "its author"
    );
    let flagged = w.flag(&w.note, Some(&w.flagger)).await;
    assert_eq!(flagged.status, 201, "another reader: {}", flagged.body);
    assert_eq!(flagged.json()["flagger"], "flagger");
    assert_eq!(
        flagged.json()["annotation"],
        format!("http://gloss.test/annotations/{}", w.note)
    );
    assert_eq!(
        w.flag(&w.note, Some(&w.editor)).await.status,
        201,
        "an editor"
    );
    assert_eq!(
        w.flag(&w.reply, Some(&w.author)).await.status,
        201,
        "a reply, by another"
    );

    let again = w.flag(&w.note, Some(&w.flagger)).await;
    assert_eq!(again.status, 409, "once: {}", again.body);
    assert_eq!(again.headers["content-type"], "application/problem+json");
}

#[tokio::test]
async fn a_note_one_cannot_see_cannot_be_flagged() {
    let w = world().await;
    assert_eq!(
        w.flag(&w.private, Some(&w.flagger)).await.status,
        404,
        "private"
    );
    assert_eq!(w.flag("no-such-note", Some(&w.flagger)).await.status, 404);
    let editorial = "ed-witkoff-takes-russias-side-witkoff";
    assert_eq!(
        w.flag(editorial, Some(&w.flagger)).await.status,
        403,
        "the editors'"
    );
    assert_eq!(w.hide(&w.note, true, Some(&w.editor)).await, 204);
    assert_eq!(
        w.flag(&w.note, Some(&w.flagger)).await.status,
        404,
        "hidden"
    );
    assert_eq!(
        w.flag(&w.reply, Some(&w.flagger)).await.status,
        404,
        "hidden with it"
    );
}

#[tokio::test]
async fn a_flag_needs_a_reason() {
    let w = world().await;
    let path = format!("/annotations/{}/flags", w.note);
    for reason in [json!(""), json!("   "), json!("x".repeat(501))] {
        let body = json!({ "reason": reason });
        assert_eq!(
            w.status("POST", &path, Some(&w.flagger), Some(&body)).await,
            422
        );
    }
    let body = json!({"why": "no reason member"});
    assert_eq!(
        w.status("POST", &path, Some(&w.flagger), Some(&body)).await,
        400
    );
}

#[tokio::test]
async fn flags_are_rate_limited_per_reader() {
    let w = world().await;
    let mut notes = Vec::new();
    for i in 0..11 {
        let text = format!("Note {i}");
        notes.push(id_of(
            &create(&w.router, &w.author, &comment("Why not?", &text)).await,
        ));
    }
    for note in &notes[..10] {
        assert_eq!(w.flag(note, Some(&w.flagger)).await.status, 201);
    }
    let limited = w.flag(&notes[10], Some(&w.flagger)).await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert_eq!(limited.headers["content-type"], "application/problem+json");
    let wait: i64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&wait), "Retry-After: {wait}");
    assert_eq!(
        w.flag(&notes[10], Some(&w.other)).await.status,
        201,
        "another reader has a count of their own"
    );
}

#[tokio::test]
async fn hiding_and_showing_again_are_for_editors() {
    let w = world().await;
    for hidden in [true, false] {
        assert_eq!(w.hide(&w.note, hidden, None).await, 401, "anonymous");
        assert_eq!(
            w.hide(&w.note, hidden, Some(&w.author)).await,
            403,
            "its author"
        );
        assert_eq!(
            w.hide(&w.note, hidden, Some(&w.flagger)).await,
            403,
            "a reader"
        );
        assert_eq!(
            w.hide(&w.note, hidden, Some(&w.editor)).await,
            204,
            "an editor"
        );
        assert_eq!(
            w.hide(&w.note, hidden, Some(&w.editor)).await,
            204,
            "again: no change"
        );
    }
    assert_eq!(w.hide("no-such-note", true, Some(&w.editor)).await, 404);
    assert_eq!(
        w.hide(&w.private, true, Some(&w.editor)).await,
        404,
        "private"
    );
    let editorial = "ed-witkoff-takes-russias-side-witkoff";
    assert_eq!(
        w.hide(editorial, true, Some(&w.editor)).await,
        403,
        "the editors'"
    );
}

#[tokio::test]
async fn the_queue_is_for_editors() {
    let w = world().await;
    assert_eq!(w.status("GET", "/api/moderation", None, None).await, 401);
    assert_eq!(
        w.status("GET", "/api/moderation", Some(&w.author), None)
            .await,
        403
    );
    assert_eq!(
        w.status("GET", "/api/moderation", Some(&w.other), None)
            .await,
        403
    );
    assert_eq!(
        w.status("GET", "/api/moderation", Some(&w.editor), None)
            .await,
        200
    );

    let signed_out = get_html(&w.router, "/moderation").await;
    assert_eq!(signed_out.status, 303);
    assert_eq!(signed_out.headers["location"], "/login?next=%2Fmoderation");
    let (reader, _) = log_in(&w.router, "flagger").await;
    let request = axum::http::Request::get("/moderation")
        .header("accept", "text/html")
        .header("cookie", &reader)
        .body(axum::body::Body::empty())
        .unwrap();
    let refused = respond(&w.router, request).await;
    assert_eq!(refused.status, 403);
    assert!(
        refused.body.contains("<h1>Forbidden</h1>"),
        "{}",
        refused.body
    );
    assert!(
        !refused.body.contains("href=\"/moderation\""),
        "no link for readers"
    );
}
