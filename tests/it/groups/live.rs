//! Live updates of a group's notes reach its members' streams alone, on one instance and
//! across instances on PostgreSQL.

use axum::body::Body;
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::{Class, group_comment};
use crate::support::*;

/// The essay's live stream as `token`'s reader (or a signed-out one) opens it, past its
/// opening message.
async fn stream(router: &axum::Router, token: Option<&str>) -> Body {
    let mut request = axum::http::Request::get(format!("/articles/{ESSAY}/live"));
    if let Some(token) = token {
        request = request.header("authorization", token);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let mut body = response.into_body();
    assert!(message(&mut body).await.contains("connected"));
    body
}

async fn message(body: &mut Body) -> String {
    let frame = tokio::time::timeout(std::time::Duration::from_secs(10), body.frame())
        .await
        .expect("a message")
        .unwrap()
        .unwrap();
    String::from_utf8(frame.into_data().unwrap().to_vec()).unwrap()
}

/// Posts a group note through `writer`, then a public one: members hear both, others only
/// the public one, which comes after the group's in every stream.
async fn members_alone_hear(writer: &axum::Router, readers: &axum::Router, class: &Class) {
    let mut member = stream(readers, Some(&class.teacher)).await;
    let mut stranger = stream(readers, Some(&class.stranger)).await;
    let mut anonymous = stream(readers, None).await;
    let grouped = create(
        writer,
        &class.student,
        &group_comment("pressure on Russia", "Ours", class.url()),
    )
    .await;
    let public = create(
        writer,
        &class.student,
        &comment("pressure on Russia", "All"),
    )
    .await;
    let (grouped, public) = (id_of(&grouped), id_of(&public));
    assert!(message(&mut member).await.contains(&grouped));
    assert!(message(&mut member).await.contains(&public));
    for other in [&mut stranger, &mut anonymous] {
        let first = message(other).await;
        assert!(
            first.contains(&public),
            "the group's note was not told: {first}"
        );
    }
}

#[tokio::test]
async fn a_group_notes_events_reach_its_members_alone() {
    let (_, router) = app().await;
    let class = Class::gather(&router).await;
    members_alone_hear(&router, &router, &class).await;
}

#[tokio::test]
async fn a_group_notes_events_reach_its_members_alone_on_every_instance() {
    let Some(database) = crate::store::Database::create(
        "a_group_notes_events_reach_its_members_alone_on_every_instance",
    )
    .await
    else {
        return;
    };
    let args = serve_args(&repo_articles(), &database.url);
    let one = gloss::build_router(gloss::serve::prepare(&args).await.unwrap());
    let two = gloss::build_router(gloss::serve::prepare(&args).await.unwrap());
    let class = Class::gather(&one).await;
    members_alone_hear(&one, &two, &class).await;
    drop((one, two));
    database.passed().await;
}
