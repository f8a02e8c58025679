//! A group's notes are moderated by the group's creator: members flag them; the creator reads
//! their flags and hides them; editors, outside the group, neither see nor moderate them.

use serde_json::json;

use super::*;

fn as_who(token: &str) -> [(&str, &str); 2] {
    [("authorization", token), ("accept", "application/json")]
}

#[tokio::test]
async fn a_groups_creator_moderates_its_notes_and_editors_stay_out() {
    let (state, router) = app().await;
    let class = Class::gather(&router).await;
    let second = reader_token(&router, "second").await;
    let joined = send(
        &router,
        "POST",
        class.group["invite"].as_str().unwrap(),
        &[("authorization", &second)],
        None,
    )
    .await;
    assert_eq!(joined.status, 200);
    let editor = editor_token(&state, &router, "editor").await;
    let audience = format!("http://gloss.test{}", class.url());
    let note = id_of(
        &create(
            &router,
            &class.student,
            &group_comment("Why not?", "A rude remark in class", &audience),
        )
        .await,
    );
    let public = id_of(&create(&router, &class.stranger, &comment("Why not?", "In public")).await);
    let flags = format!("/annotations/{note}/flags");
    let reason = json!({"reason": "Rude to a classmate."});

    let flag = |who: String| {
        let (router, flags, reason) = (router.clone(), flags.clone(), reason.clone());
        async move {
            send(&router, "POST", &flags, &as_who(&who), Some(&reason))
                .await
                .status
        }
    };
    assert_eq!(flag(class.stranger.clone()).await, 404, "not a member");
    assert_eq!(
        flag(editor.clone()).await,
        404,
        "an editor outside the group"
    );
    assert_eq!(flag(second.clone()).await, 201, "a member");
    let flagged_public = send(
        &router,
        "POST",
        &format!("/annotations/{public}/flags"),
        &as_who(&second),
        Some(&reason),
    )
    .await;
    assert_eq!(flagged_public.status, 201);

    let queue = |who: String| {
        let router = router.clone();
        async move { send(&router, "GET", "/api/moderation", &as_who(&who), None).await }
    };
    let listed = |reply: &Reply| -> Vec<String> {
        reply.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                let id = item["annotation"]["id"].as_str().unwrap();
                id.rsplit('/').next().unwrap().to_string()
            })
            .collect()
    };
    let teachers = queue(class.teacher.clone()).await;
    assert_eq!(teachers.status, 200, "{}", teachers.body);
    assert_eq!(listed(&teachers), [note.as_str()], "the group's alone");
    let editors = queue(editor.clone()).await;
    assert_eq!(
        listed(&editors),
        [public.as_str()],
        "the public layer's alone"
    );
    assert_eq!(queue(second.clone()).await.status, 403, "a member");
    // The queue's page says where each note was posted.
    let page = |who: String| {
        let router = router.clone();
        async move {
            let headers = [("authorization", who.as_str()), ("accept", "text/html")];
            send(&router, "GET", "/moderation", &headers, None).await
        }
    };
    let teachers = page(class.teacher.clone()).await;
    assert_eq!(teachers.status, 200, "{}", teachers.body);
    assert!(
        teachers.body.contains("in the group History 101"),
        "{}",
        teachers.body
    );
    let editors = page(editor.clone()).await;
    assert!(editors.body.contains(", public ·"), "{}", editors.body);
    assert!(!editors.body.contains("History 101"), "{}", editors.body);

    let hidden = format!("/annotations/{note}/hidden");
    let hide = |who: String, method: &'static str| {
        let (router, hidden) = (router.clone(), hidden.clone());
        async move {
            send(&router, method, &hidden, &as_who(&who), None)
                .await
                .status
        }
    };
    assert_eq!(
        hide(class.stranger.clone(), "POST").await,
        404,
        "not a member"
    );
    assert_eq!(hide(editor.clone(), "POST").await, 404, "an editor outside");
    assert_eq!(hide(second.clone(), "POST").await, 403, "a member");
    assert_eq!(
        hide(class.teacher.clone(), "POST").await,
        204,
        "its creator"
    );
    let by_id = format!("/annotations/{note}");
    let seen = |who: String| {
        let (router, by_id) = (router.clone(), by_id.clone());
        async move {
            send(&router, "GET", &by_id, &as_who(&who), None)
                .await
                .status
        }
    };
    assert_eq!(seen(second.clone()).await, 404, "hidden from members");
    assert_eq!(seen(class.student.clone()).await, 200, "but not its author");
    assert_eq!(
        hide(class.teacher.clone(), "DELETE").await,
        204,
        "its creator shows it again"
    );
    assert_eq!(seen(second.clone()).await, 200);
    let public_hidden = format!("/annotations/{public}/hidden");
    let by_teacher = send(
        &router,
        "POST",
        &public_hidden,
        &as_who(&class.teacher),
        None,
    )
    .await;
    assert_eq!(by_teacher.status, 403, "a group's creator is no editor");
}
