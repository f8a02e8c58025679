//! The authorization matrix of the groups' routes: anonymous, member, non-member, group
//! creator and editor.

use serde_json::json;

use super::{Class, make_group};
use crate::support::*;

#[tokio::test]
async fn making_a_group_answers_its_page_and_invite_link() {
    let (_, router) = app().await;
    let anonymous = send(
        &router,
        "POST",
        "/api/groups",
        &[],
        Some(&json!({"name": "x"})),
    )
    .await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        anonymous.headers["content-type"],
        "application/problem+json"
    );

    let teacher = reader_token(&router, "teacher").await;
    let group = make_group(&router, &teacher, "History 101").await;
    let id = group["id"].as_str().unwrap();
    assert_eq!(group["name"], "History 101");
    assert_eq!(group["url"], format!("/groups/{id}"));
    let invite = group["invite"].as_str().unwrap();
    assert!(
        invite.starts_with(&format!("/groups/{id}/join/")),
        "{invite}"
    );
    assert!(id.len() >= 8 && id.chars().all(|c| c.is_ascii_alphanumeric()));

    for bad in [json!({"name": "  "}), json!({"name": "x".repeat(101)})] {
        let refused = send(
            &router,
            "POST",
            "/api/groups",
            &[("authorization", &teacher)],
            Some(&bad),
        )
        .await;
        assert_eq!(refused.status, 422, "{bad}");
    }
    let mine = send(
        &router,
        "GET",
        "/api/groups",
        &[("authorization", &teacher)],
        None,
    )
    .await;
    assert_eq!(mine.json()[0]["id"], id);
    assert_eq!(
        send(&router, "GET", "/api/groups", &[], None).await.status,
        401
    );
}

#[tokio::test]
async fn only_members_read_a_group_and_a_wrong_invite_code_is_no_group() {
    let (state, router) = app().await;
    let class = Class::gather(&router).await;
    let editor = editor_token(&state, &router, "theeditor").await;
    let path = format!("/api/groups/{}", class.id());

    for (who, token, status) in [
        ("the creator", class.teacher.as_str(), 200),
        ("a member", class.student.as_str(), 200),
        ("a non-member", class.stranger.as_str(), 404),
        ("an editor", editor.as_str(), 404),
    ] {
        let read = send(&router, "GET", &path, &[("authorization", token)], None).await;
        assert_eq!(read.status, status, "{who}: {}", read.body);
    }
    assert_eq!(send(&router, "GET", &path, &[], None).await.status, 401);
    let read = send(
        &router,
        "GET",
        &path,
        &[("authorization", &class.student)],
        None,
    )
    .await;
    let read = read.json();
    let members: Vec<&str> = read["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["username"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["teacher", "student"]);

    let wrong = format!("/groups/{}/join/not-the-code", class.id());
    let refused = send(
        &router,
        "POST",
        &wrong,
        &[("authorization", &class.stranger)],
        None,
    )
    .await;
    assert_eq!(refused.status, 404);
    let invite = class.group["invite"].as_str().unwrap();
    assert_eq!(send(&router, "POST", invite, &[], None).await.status, 401);
    let mine = send(
        &router,
        "GET",
        "/api/groups",
        &[("authorization", &class.stranger)],
        None,
    )
    .await;
    assert_eq!(mine.json(), json!([]));
}

#[tokio::test]
async fn only_the_creator_renames_removes_members_and_deletes() {
    let (state, router) = app().await;
    let class = Class::gather(&router).await;
    let editor = editor_token(&state, &router, "theeditor").await;
    let path = format!("/api/groups/{}", class.id());
    let rename = json!({"name": "History 102"});

    for (who, token, status) in [
        ("a member", class.student.as_str(), 403),
        ("a non-member", class.stranger.as_str(), 404),
        ("an editor", editor.as_str(), 404),
    ] {
        let patch = send(
            &router,
            "PATCH",
            &path,
            &[("authorization", token)],
            Some(&rename),
        )
        .await;
        assert_eq!(patch.status, status, "{who} renames");
        let delete = send(&router, "DELETE", &path, &[("authorization", token)], None).await;
        assert_eq!(delete.status, status, "{who} deletes");
    }
    assert_eq!(
        send(&router, "PATCH", &path, &[], Some(&rename))
            .await
            .status,
        401
    );
    let patched = send(
        &router,
        "PATCH",
        &path,
        &[("authorization", &class.teacher)],
        Some(&rename),
    )
    .await;
    let patched = patched;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.json()["name"], "History 102");
    assert_eq!(patched.json()["description"], "Thursday's reading", "kept");

    let members = format!("{path}/members");
    let third = reader_token(&router, "third").await;
    let invite = class.group["invite"].as_str().unwrap();
    send(&router, "POST", invite, &[("authorization", &third)], None).await;
    let by_member = send(
        &router,
        "DELETE",
        &format!("{members}/third"),
        &[("authorization", &class.student)],
        None,
    )
    .await;
    assert_eq!(by_member.status, 403, "a member removes another");
    let by_stranger = send(
        &router,
        "DELETE",
        &format!("{members}/third"),
        &[("authorization", &class.stranger)],
        None,
    )
    .await;
    assert_eq!(by_stranger.status, 404);
    let creator_leaves = send(
        &router,
        "DELETE",
        &format!("{members}/teacher"),
        &[("authorization", &class.teacher)],
        None,
    )
    .await;
    assert_eq!(creator_leaves.status, 409);
    let removed = send(
        &router,
        "DELETE",
        &format!("{members}/third"),
        &[("authorization", &class.teacher)],
        None,
    )
    .await;
    assert_eq!(removed.status, 204);
    let left = send(
        &router,
        "DELETE",
        &format!("{members}/student"),
        &[("authorization", &class.student)],
        None,
    )
    .await;
    assert_eq!(left.status, 204, "a member leaves");
    let after = send(
        &router,
        "GET",
        &path,
        &[("authorization", &class.student)],
        None,
    )
    .await;
    assert_eq!(after.status, 404, "gone with the membership");
    let again = send(
        &router,
        "DELETE",
        &format!("{members}/nobody"),
        &[("authorization", &class.teacher)],
        None,
    )
    .await;
    assert_eq!(again.status, 404);

    let deleted = send(
        &router,
        "DELETE",
        &path,
        &[("authorization", &class.teacher)],
        None,
    )
    .await;
    assert_eq!(deleted.status, 204);
    let gone = send(
        &router,
        "GET",
        &path,
        &[("authorization", &class.teacher)],
        None,
    )
    .await;
    assert_eq!(gone.status, 404);
}
