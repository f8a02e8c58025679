//! The groups' pages and their forms, as a browser without JavaScript uses them: make a
//! group, join it by its invite link, leave, rename, remove a member, delete after a
//! confirmation; non-members get 404.

use super::group_comment;
use crate::support::*;

fn location(reply: &Reply) -> &str {
    reply.headers["location"].to_str().unwrap()
}

async fn page(router: &axum::Router, uri: &str, cookie: &str) -> Reply {
    let headers = [("accept", "text/html"), ("cookie", cookie)];
    send(router, "GET", uri, &headers, None).await
}

#[tokio::test]
async fn a_class_forms_joins_and_parts_through_the_pages() {
    let (_, router) = app().await;
    let (_, teacher, teacher_csrf) = sign_up(&router, "teacher", "/").await;
    let list = page(&router, "/groups", &teacher).await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Make a group"));
    let made = post_form(
        &router,
        "/groups",
        &teacher,
        &format!("csrf={teacher_csrf}&name=History+101&description=Thursday"),
    )
    .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let group_url = location(&made).to_string();
    let id = group_url.trim_start_matches("/groups/").to_string();
    let mine = page(&router, "/api/groups", &teacher).await.json();
    let invite = mine[0]["invite"].as_str().unwrap().to_string();
    let group_page = page(&router, &group_url, &teacher).await;
    assert_eq!(group_page.status, 200);
    assert!(
        group_page
            .body
            .contains(&format!("http://gloss.test{invite}")),
        "the link to copy"
    );
    assert!(group_page.body.contains("Delete the group"));

    let signed_out = get_html(&router, &invite).await;
    assert_eq!(signed_out.status, 200);
    assert!(signed_out.body.contains("History 101"));
    assert!(
        signed_out.body.contains("/login?next=%2Fgroups%2F"),
        "{}",
        signed_out.body
    );
    let wrong = get_html(&router, &format!("/groups/{id}/join/wrong")).await;
    assert_eq!(wrong.status, 404);
    assert!(
        wrong.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(
        get_html(&router, &group_url).await.status,
        404,
        "signed out"
    );

    let (_, student, student_csrf) = sign_up(&router, "student", "/").await;
    assert_eq!(
        page(&router, &group_url, &student).await.status,
        404,
        "not yet a member"
    );
    let join_page = page(&router, &invite, &student).await;
    assert!(join_page.body.contains(">Join</button>"));
    let forged = post_form(&router, &invite, &student, "csrf=forged").await;
    assert_eq!(forged.status, 403);
    let joined = post_form(&router, &invite, &student, &format!("csrf={student_csrf}")).await;
    assert_eq!(joined.status, 303);
    assert_eq!(location(&joined), group_url);
    let as_student = page(&router, &group_url, &student).await;
    assert_eq!(as_student.status, 200);
    assert!(as_student.body.contains("Leave the group"));
    assert!(!as_student.body.contains("Delete the group"));
    let refused = page(&router, &format!("{group_url}/delete"), &student).await;
    assert_eq!(refused.status, 403);

    let renamed = post_form(
        &router,
        &format!("{group_url}/describe"),
        &teacher,
        &format!("csrf={teacher_csrf}&name=History+102&description="),
    )
    .await;
    assert_eq!(renamed.status, 303);
    assert!(
        page(&router, &group_url, &student)
            .await
            .body
            .contains("History 102")
    );

    let left = post_form(
        &router,
        &format!("{group_url}/leave"),
        &student,
        &format!("csrf={student_csrf}"),
    )
    .await;
    assert_eq!((left.status.as_u16(), location(&left)), (303, "/groups"));
    assert_eq!(page(&router, &group_url, &student).await.status, 404);

    post_form(&router, &invite, &student, &format!("csrf={student_csrf}")).await;
    let removed = post_form(
        &router,
        &format!("{group_url}/members/student/remove"),
        &teacher,
        &format!("csrf={teacher_csrf}"),
    )
    .await;
    assert_eq!(removed.status, 303);
    assert_eq!(page(&router, &group_url, &student).await.status, 404);
}

#[tokio::test]
async fn deleting_a_group_is_confirmed_with_the_count_of_its_notes() {
    let (_, router) = app().await;
    let (_, teacher, csrf) = sign_up(&router, "teacher", "/").await;
    let made = post_form(
        &router,
        "/groups",
        &teacher,
        &format!("csrf={csrf}&name=Class"),
    )
    .await;
    let group_url = location(&made).to_string();
    let token = {
        let credentials = serde_json::json!({"username": "teacher", "password": PASSWORD});
        let reply = send(&router, "POST", "/api/tokens", &[], Some(&credentials)).await;
        format!("Bearer {}", reply.json()["token"].as_str().unwrap())
    };
    for text in ["One", "Two"] {
        create(
            &router,
            &token,
            &group_comment("pressure on Russia", text, &group_url),
        )
        .await;
    }
    let listed = page(&router, &group_url, &teacher).await;
    assert!(listed.body.contains("One") && listed.body.contains("Two"));
    let confirm = page(&router, &format!("{group_url}/delete"), &teacher).await;
    assert_eq!(confirm.status, 200);
    assert!(
        confirm.body.contains("Its 2 notes go with it."),
        "{}",
        confirm.body
    );
    let deleted = post_form(
        &router,
        &format!("{group_url}/delete"),
        &teacher,
        &format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(
        (deleted.status.as_u16(), location(&deleted)),
        (303, "/groups")
    );
    assert_eq!(page(&router, &group_url, &teacher).await.status, 404);
}
