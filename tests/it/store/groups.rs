//! Groups in the store contract: members, invites, what members alone see, and what goes
//! with a group or with its creator's account.

use std::sync::Arc;

use gloss::annotation::Annotation;
use gloss::store::{Group, NotesOf, Query, Role, Store, User};

use super::annotations::{at, comment, ids, reply};
use super::t;

fn reader(username: &str) -> User {
    User {
        username: username.to_string(),
        role: Role::Reader,
        password_hash: format!("$argon2id$hash-of-{username}"),
    }
}

fn group(id: &str, creator: &str) -> Group {
    Group {
        id: id.to_string(),
        name: format!("Class {id}"),
        description: "Reading together".to_string(),
        creator: creator.to_string(),
        invite: format!("code-{id}"),
        created: t(0),
    }
}

fn in_group(a: Annotation, group: &str) -> Annotation {
    Annotation {
        group: Some(group.to_string()),
        ..a
    }
}

async fn users(store: &Arc<dyn Store>, names: &[&str]) {
    for name in names {
        store.create_user(&reader(name)).await.unwrap();
    }
}

fn everything() -> Query {
    Query {
        limit: 100,
        ..Query::default()
    }
}

pub async fn a_group_is_joined_by_its_invite_code_and_left(store: Arc<dyn Store>) {
    users(&store, &["teacher", "student", "stranger"]).await;
    store.create_group(&group("g1", "teacher")).await.unwrap();
    assert_eq!(
        store.group("g1").await.unwrap(),
        Some(group("g1", "teacher"))
    );
    assert!(store.group("nope").await.unwrap().is_none());
    assert!(
        store.is_member("g1", "teacher").await.unwrap(),
        "the creator is a member"
    );

    assert!(!store.join("g1", "wrong", "student").await.unwrap());
    assert!(!store.join("nope", "code-g1", "student").await.unwrap());
    assert!(!store.is_member("g1", "student").await.unwrap());
    assert!(store.join("g1", "code-g1", "student").await.unwrap());
    assert!(
        store.join("g1", "code-g1", "student").await.unwrap(),
        "joining again is fine"
    );
    let members: Vec<String> = store
        .members("g1")
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.username)
        .collect();
    assert_eq!(members, ["teacher", "student"], "longest-standing first");
    let mine: Vec<String> = store
        .groups_of("student")
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.id)
        .collect();
    assert_eq!(mine, ["g1"]);
    assert!(store.groups_of("stranger").await.unwrap().is_empty());

    assert!(
        store
            .describe_group("g1", "Renamed", "New words")
            .await
            .unwrap()
    );
    let renamed = store.group("g1").await.unwrap().unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.description.as_str()),
        ("Renamed", "New words")
    );
    assert!(!store.describe_group("nope", "x", "").await.unwrap());

    assert!(store.leave("g1", "student").await.unwrap());
    assert!(!store.leave("g1", "student").await.unwrap());
    assert!(!store.is_member("g1", "student").await.unwrap());
}

pub async fn a_groups_notes_are_for_its_members_only(store: Arc<dyn Store>) {
    users(&store, &["teacher", "student", "stranger"]).await;
    store.create_group(&group("g1", "teacher")).await.unwrap();
    store.join("g1", "code-g1", "student").await.unwrap();
    let public = comment("a1", "teacher", "For everyone", at(1, 0));
    let class = in_group(comment("a2", "teacher", "For the class", at(2, 0)), "g1");
    let answer = in_group(reply("a3", "a2", "student", at(3, 0)), "g1");
    for a in [&public, &class, &answer] {
        store.create(a).await.unwrap();
    }
    assert_eq!(store.annotation("a2").await.unwrap().as_ref(), Some(&class));

    for member in ["teacher", "student"] {
        let page = store.query(&everything(), Some(member)).await.unwrap();
        assert_eq!(
            ids(&page.items),
            ["a3", "a2", "a1"],
            "{member} sees the class's notes"
        );
        assert_eq!(page.total, 3);
    }
    for outsider in [Some("stranger"), None] {
        let page = store.query(&everything(), outsider).await.unwrap();
        assert_eq!(
            ids(&page.items),
            ["a1"],
            "{outsider:?} sees the public note alone"
        );
        assert_eq!(page.total, 1);
    }
    let only_class = Query {
        group: Some("g1".to_string()),
        ..everything()
    };
    let page = store.query(&only_class, Some("student")).await.unwrap();
    assert_eq!(ids(&page.items), ["a3", "a2"]);
    assert_eq!(
        ids(&store.group_notes("g1", 10).await.unwrap()),
        ["a3", "a2"]
    );
    assert_eq!(store.group_note_count("g1").await.unwrap(), 2);

    let feed = store
        .public_notes(&NotesOf::Creator("teacher".into()), 10)
        .await
        .unwrap();
    assert_eq!(ids(&feed), ["a1"], "feeds carry no group's notes");
    assert!(
        store
            .replies_to("teacher", 10)
            .await
            .unwrap()
            .iter()
            .any(|r| r.id == "a3"),
        "a member hears of a reply in the group"
    );

    // Left: the group's notes are others' again, but one's own stay one's own.
    store.leave("g1", "student").await.unwrap();
    let page = store.query(&everything(), Some("student")).await.unwrap();
    assert_eq!(ids(&page.items), ["a3", "a1"]);

    assert!(store.created_group_of("a3", "teacher").await.unwrap());
    assert!(!store.created_group_of("a3", "student").await.unwrap());
    assert!(!store.created_group_of("a1", "teacher").await.unwrap());
}

pub async fn deleting_a_group_deletes_its_notes_through_the_change_feed(store: Arc<dyn Store>) {
    users(&store, &["teacher", "student"]).await;
    store.create_group(&group("g1", "teacher")).await.unwrap();
    store.join("g1", "code-g1", "student").await.unwrap();
    store
        .create(&comment("a1", "teacher", "For everyone", at(1, 0)))
        .await
        .unwrap();
    store
        .create(&in_group(
            comment("a2", "student", "For the class", at(2, 0)),
            "g1",
        ))
        .await
        .unwrap();
    store
        .create(&in_group(reply("a3", "a2", "teacher", at(3, 0)), "g1"))
        .await
        .unwrap();
    let before = store.revision("essay").await.unwrap();

    let withdrawn = store.delete_group("g1").await.unwrap();
    let gone: Vec<&str> = withdrawn.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(gone, ["a2"], "the reply goes with its parent");
    assert!(
        withdrawn
            .iter()
            .all(|w| !w.public && w.group.as_deref() == Some("g1"))
    );
    assert!(store.group("g1").await.unwrap().is_none());
    assert!(store.groups_of("student").await.unwrap().is_empty());
    assert!(store.annotation("a2").await.unwrap().is_none());
    assert!(store.annotation("a3").await.unwrap().is_none());
    assert!(store.annotation("a1").await.unwrap().is_some());

    let changes = store.changes_since("essay", before).await.unwrap();
    assert_eq!(changes.revision, before + 1, "one revision for the essay");
    let mut deleted = changes.deleted.clone();
    deleted.sort();
    assert_eq!(deleted, ["a2", "a3"]);
}

pub async fn a_group_passes_to_its_longest_standing_member_when_its_creator_goes(
    store: Arc<dyn Store>,
) {
    users(&store, &["teacher", "first", "second", "loner"]).await;
    store.create_group(&group("g1", "teacher")).await.unwrap();
    store.join("g1", "code-g1", "first").await.unwrap();
    store.join("g1", "code-g1", "second").await.unwrap();
    store.create_group(&group("g2", "teacher")).await.unwrap();
    store
        .create(&in_group(comment("a1", "first", "Stays", at(1, 0)), "g1"))
        .await
        .unwrap();
    store.create_group(&group("g3", "loner")).await.unwrap();
    store.join("g3", "code-g3", "first").await.unwrap();
    store
        .create(&in_group(comment("a3", "teacher", "In g2", at(3, 0)), "g2"))
        .await
        .unwrap();

    let withdrawn = store.delete_user("teacher").await.unwrap();
    assert_eq!(store.group("g1").await.unwrap().unwrap().creator, "first");
    assert!(
        store.group("g2").await.unwrap().is_none(),
        "no one else was in it"
    );
    assert!(
        withdrawn
            .iter()
            .any(|w| w.id == "a3" && w.group.as_deref() == Some("g2"))
    );
    assert!(store.annotation("a1").await.unwrap().is_some());
    assert!(store.annotation("a3").await.unwrap().is_none());
    let members: Vec<String> = store
        .members("g1")
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.username)
        .collect();
    assert_eq!(members, ["first", "second"]);

    store.delete_user("loner").await.unwrap();
    assert_eq!(store.group("g3").await.unwrap().unwrap().creator, "first");
}
