//! A group's notes reach its members alone: on the reading page, by id, in the container,
//! search and the account's notes; never in feeds or on a reader's public page.

use gloss::annotated::View;
use serde_json::json;

use super::{Class, group_comment, make_group};
use crate::support::*;

const QUOTE: &str = "pressure on Russia";

async fn page(router: &axum::Router, token: Option<&str>) -> String {
    let mut headers = vec![("accept", "text/html")];
    if let Some(token) = token {
        headers.push(("authorization", token));
    }
    let uri = format!("/articles/{ESSAY}");
    let reply = send(router, "GET", &uri, &headers, None).await;
    assert_eq!(reply.status, 200);
    reply.body
}

#[tokio::test]
async fn a_group_note_is_seen_by_its_members_alone() {
    let (state, router) = app().await;
    let class = Class::gather(&router).await;
    let audience = format!("{}{}", state.config.public_url, class.url());
    let made = create(
        &router,
        &class.student,
        &group_comment(QUOTE, "Classwork zebra", &audience),
    )
    .await;
    assert_eq!(made.json()["audience"], audience, "the group's IRI");
    let id = id_of(&made);
    let by_path = create(
        &router,
        &class.student,
        &group_comment(QUOTE, "By its path", class.url()),
    )
    .await;
    assert_eq!(by_path.json()["audience"], audience);

    let path = format!("/annotations/{id}");
    for (who, token, status) in [
        ("the author", Some(class.student.as_str()), 200),
        ("the group's creator", Some(class.teacher.as_str()), 200),
        ("a non-member", Some(class.stranger.as_str()), 404),
        ("a signed-out reader", None, 404),
    ] {
        let headers: Vec<(&str, &str)> = token.map(|t| ("authorization", t)).into_iter().collect();
        let read = send(&router, "GET", &path, &headers, None).await;
        assert_eq!(read.status, status, "{who} reads it by id");
        let container = format!("/annotations/?target=/articles/{ESSAY}&q=zebra");
        let listed = send(&router, "GET", &container, &headers, None).await;
        assert_eq!(
            listed.body.contains(&id),
            status == 200,
            "{who}: the container"
        );
        let search = send(&router, "GET", "/search?q=zebra", &headers, None).await;
        assert_eq!(
            search.body.contains("Classwork zebra"),
            status == 200,
            "{who}: search"
        );
        let html = page(&router, token).await;
        assert_eq!(
            html.contains(&format!("id=\"note-{id}\"")),
            status == 200,
            "{who}: page"
        );
    }
    let teachers = page(&router, Some(&class.teacher)).await;
    assert!(
        teachers.contains("data-kind=\"group\""),
        "a group note has its own kind"
    );
    let mine = send(
        &router,
        "GET",
        "/api/account/annotations",
        &[("authorization", &class.student)],
        None,
    )
    .await;
    assert!(mine.body.contains(&id));

    for feed in [
        format!("/feeds/articles/{ESSAY}.atom"),
        "/feeds/users/student.atom".to_string(),
    ] {
        let feed = send(&router, "GET", &feed, &[], None).await;
        assert_eq!(feed.status, 200);
        assert!(!feed.body.contains("zebra"), "{}", feed.body);
    }
    let public_page = send(&router, "GET", "/users/student", &[], None).await;
    assert!(!public_page.body.contains("zebra"));
}

#[tokio::test]
async fn posting_to_a_group_asks_for_membership_and_a_reply_keeps_its_parents_group() {
    let (state, router) = app().await;
    let class = Class::gather(&router).await;
    let post = |token: &str, note: serde_json::Value| {
        let headers = [("authorization", token.to_string())];
        let router = router.clone();
        async move {
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            send(&router, "POST", "/annotations/", &headers, Some(&note)).await
        }
    };
    let outsider = post(
        &class.stranger,
        group_comment(QUOTE, "Let me in", class.url()),
    )
    .await;
    assert_eq!(outsider.status, 403, "{}", outsider.body);
    assert_eq!(outsider.headers["content-type"], "application/problem+json");
    let unknown = post(
        &class.student,
        group_comment(QUOTE, "Where?", "/groups/nope"),
    )
    .await;
    assert_eq!(unknown.status, 422);
    let mut private = group_comment(QUOTE, "Both?", class.url());
    private["visibility"] = json!("private");
    assert_eq!(post(&class.student, private).await.status, 422);

    let parent = create(
        &router,
        &class.teacher,
        &group_comment(QUOTE, "Read this", class.url()),
    )
    .await;
    let parent = parent.json();
    let reply = json!({
        "type": "Annotation",
        "motivation": "replying",
        "bodyValue": "Done",
        "target": parent["id"],
    });
    let answered = create(&router, &class.student, &reply).await;
    let audience = format!("{}{}", state.config.public_url, class.url());
    assert_eq!(answered.json()["audience"], audience, "the parent's group");
    let stranger_reply = post(&class.stranger, reply).await;
    assert_eq!(stranger_reply.status, 422, "no note to reply to");
}

#[tokio::test]
async fn a_members_page_redraws_only_the_blocks_with_the_groups_notes() {
    let (state, router) = app().await;
    let class = Class::gather(&router).await;
    let made = create(
        &router,
        &class.student,
        &group_comment(QUOTE, "Ours", class.url()),
    )
    .await;
    let id = id_of(&made);
    page(&router, None).await;
    let snapshot = state.catalog().essays.get(ESSAY).unwrap().latest().unwrap();
    let annotated = &snapshot.annotated;
    let groups = [class.id().to_string()];
    let member = View {
        viewer: Some("teacher"),
        groups: &groups,
        ..View::default()
    };
    let overlay = annotated.overlay(&member);
    let gloss::annotated::Place::Passage { blocks, note, .. } =
        annotated.entry(&id).unwrap().place.clone()
    else {
        panic!("the note is anchored");
    };
    let mut expected: Vec<usize> = blocks.collect();
    expected.push(note);
    expected.sort();
    expected.dedup();
    assert_eq!(overlay.blocks.into_iter().collect::<Vec<_>>(), expected);
    let outsider = View {
        viewer: Some("stranger"),
        ..View::default()
    };
    assert!(annotated.overlay(&outsider).blocks.is_empty());
    let everyone = gloss::render::block(
        annotated,
        state.library().entities(),
        note,
        &View::default(),
    );
    assert!(!everyone.html.contains(&id), "never in the shared blocks");
}

#[tokio::test]
async fn deleting_a_group_takes_its_notes_off_the_page() {
    let (_, router) = app().await;
    let class = Class::gather(&router).await;
    let made = create(
        &router,
        &class.student,
        &group_comment(QUOTE, "Soon gone", class.url()),
    )
    .await;
    let id = id_of(&made);
    assert!(page(&router, Some(&class.teacher)).await.contains(&id));
    let path = format!("/api/groups/{}", class.id());
    let deleted = send(
        &router,
        "DELETE",
        &path,
        &[("authorization", &class.teacher)],
        None,
    )
    .await;
    assert_eq!(deleted.status, 204);
    assert!(!page(&router, Some(&class.teacher)).await.contains(&id));
    let read = send(
        &router,
        "GET",
        &format!("/annotations/{id}"),
        &[("authorization", &class.student)],
        None,
    )
    .await;
    assert_eq!(read.status, 404);
}

#[tokio::test]
async fn the_layer_control_offers_a_members_groups_notes() {
    let (_, router) = app().await;
    let class = Class::gather(&router).await;
    create(
        &router,
        &class.student,
        &group_comment(QUOTE, "Ours", class.url()),
    )
    .await;
    let uri = format!("/articles/{ESSAY}?show=groups");
    let html = [("accept", "text/html")];
    let member = send(
        &router,
        "GET",
        &uri,
        &[html[0], ("authorization", &class.teacher)],
        None,
    )
    .await;
    assert_eq!(member.status, 200);
    assert!(member.body.contains("data-show=\"groups\""));
    assert!(
        member
            .body
            .contains("value=\"groups\" checked> My groups’ (History 101)</label>"),
        "the control names the reader's groups"
    );
    let stranger_page = page(&router, Some(&class.stranger)).await;
    assert!(
        !stranger_page.contains("value=\"groups\""),
        "no group, no such layer"
    );
    for token in [Some(class.stranger.as_str()), None] {
        let mut headers = html.to_vec();
        headers.extend(token.map(|t| ("authorization", t)));
        let refused = send(&router, "GET", &uri, &headers, None).await;
        assert_eq!(refused.status, 400, "{token:?}");
        assert!(
            refused.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(refused.body.contains("no group"));
    }
}

#[tokio::test]
async fn an_author_moves_a_note_into_and_out_of_a_group_they_belong_to() {
    let (_, router) = app().await;
    let class = Class::gather(&router).await;
    let made = create(&router, &class.student, &comment(QUOTE, "First for all")).await;
    let path = path_of(&made.json());
    let put = |token: String, note: serde_json::Value| {
        let (router, path) = (router.clone(), path.clone());
        async move {
            send(
                &router,
                "PUT",
                &path,
                &[("authorization", &token)],
                Some(&note),
            )
            .await
        }
    };
    let stranger_reads = || {
        let (router, path, token) = (router.clone(), path.clone(), class.stranger.clone());
        async move {
            send(&router, "GET", &path, &[("authorization", &token)], None)
                .await
                .status
        }
    };

    let mut into_group = made.json();
    into_group["audience"] = json!(class.url());
    let moved = put(class.student.clone(), into_group).await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(stranger_reads().await, 404, "now the class's alone");

    let mut back = moved.json();
    back.as_object_mut().unwrap().remove("audience");
    let public = put(class.student.clone(), back).await;
    assert_eq!(public.status, 200, "{}", public.body);
    assert!(public.json().get("audience").is_none());
    assert_eq!(stranger_reads().await, 200, "everyone's again");

    let elsewhere = make_group(&router, &class.stranger, "Another class").await;
    let mut foreign = public.json();
    foreign["audience"] = elsewhere["url"].clone();
    assert_eq!(put(class.student.clone(), foreign).await.status, 403);
}
