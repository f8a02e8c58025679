//! Groups: who may do what to a group (the JSON API, the invite link and the pages), and
//! that a group's notes reach its members alone, everywhere a note shows.

mod access;
mod live;
mod moderation;
mod pages;
mod visibility;

use serde_json::{Value, json};

use crate::support::*;

/// A teacher's group with a student in it, and a stranger beside it: tokens for each.
pub struct Class {
    pub teacher: String,
    pub student: String,
    pub stranger: String,
    pub group: Value,
}

impl Class {
    pub async fn gather(router: &axum::Router) -> Class {
        let teacher = reader_token(router, "teacher").await;
        let student = reader_token(router, "student").await;
        let stranger = reader_token(router, "stranger").await;
        let group = make_group(router, &teacher, "History 101").await;
        let joined = send(
            router,
            "POST",
            group["invite"].as_str().unwrap(),
            &[("authorization", &student)],
            None,
        )
        .await;
        assert_eq!(joined.status, 200, "{}", joined.body);
        Class {
            teacher,
            student,
            stranger,
            group,
        }
    }

    pub fn id(&self) -> &str {
        self.group["id"].as_str().unwrap()
    }

    pub fn url(&self) -> &str {
        self.group["url"].as_str().unwrap()
    }
}

pub async fn make_group(router: &axum::Router, token: &str, name: &str) -> Value {
    let made = send(
        router,
        "POST",
        "/api/groups",
        &[("authorization", token)],
        Some(&json!({"name": name, "description": "Thursday's reading"})),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    made.json()
}

/// A comment on the essay posted to the group at `audience`.
pub fn group_comment(exact: &str, text: &str, audience: &str) -> Value {
    let mut note = comment(exact, text);
    note["audience"] = json!(audience);
    note
}
