//! The account's own half of the store contract: changing credentials, the replies to a
//! reader's notes, and deleting an account with everything of it.

use std::sync::Arc;

use gloss::annotation::{
    Annotation, Motivation, Target, TextPosition, TextQuote, TextTarget, Visibility,
};
use gloss::store::{Role, Store, User};
use time::{Duration, OffsetDateTime};

use super::t;

fn reader(username: &str) -> User {
    User {
        username: username.to_string(),
        role: Role::Reader,
        password_hash: format!("$argon2id$hash-of-{username}"),
    }
}

/// A token hash as the app makes them: 64 hex digits, here all `digit`.
fn hash(digit: char) -> String {
    std::iter::repeat_n(digit, 64).collect()
}

fn passage(id: &str, creator: &str, seconds: i64) -> Annotation {
    Annotation {
        id: id.to_string(),
        identities: Default::default(),
        article: "essay".to_string(),
        creator: creator.to_string(),
        editorial: false,
        motivation: Motivation::Commenting,
        body: Some(format!("{creator} says {id}")),
        entity: None,
        tags: vec!["mine".to_string()],
        visibility: Visibility::Public,
        group: None,
        target: Target::Text(TextTarget {
            quote: TextQuote {
                exact: "Witkoff".to_string(),
                prefix: "Steve ".to_string(),
                suffix: " spoke".to_string(),
            },
            position: TextPosition { start: 6, end: 13 },
        }),
        hidden: false,
        created: t(seconds),
        modified: t(seconds),
    }
}

fn reply(id: &str, creator: &str, to: &str, seconds: i64) -> Annotation {
    Annotation {
        motivation: Motivation::Replying,
        tags: vec![],
        target: Target::Reply(to.to_string()),
        ..passage(id, creator, seconds)
    }
}

pub async fn changing_credentials_ends_the_others(store: Arc<dyn Store>) {
    store.create_user(&reader("alice")).await.unwrap();
    store.create_user(&reader("bob")).await.unwrap();
    let later = OffsetDateTime::now_utc() + Duration::days(1);
    for (token, user) in [
        (hash('1'), "alice"),
        (hash('2'), "alice"),
        (hash('3'), "bob"),
    ] {
        store
            .create_session(&token, user, "csrf", later)
            .await
            .unwrap();
    }
    for (token, user) in [
        (hash('a'), "alice"),
        (hash('b'), "alice"),
        (hash('c'), "bob"),
    ] {
        store.create_token(&token, user).await.unwrap();
    }

    store
        .set_password("alice", "$argon2id$new-hash")
        .await
        .unwrap();
    let alice = store.user("alice").await.unwrap().unwrap();
    assert_eq!(alice.password_hash, "$argon2id$new-hash");
    assert_eq!(
        store.user("bob").await.unwrap().unwrap().password_hash,
        "$argon2id$hash-of-bob"
    );

    let ended = store.end_sessions("alice", Some(&hash('1'))).await.unwrap();
    assert_eq!(ended, [hash('2')]);
    assert!(store.session(&hash('1')).await.unwrap().is_some(), "kept");
    assert!(store.session(&hash('2')).await.unwrap().is_none());
    assert!(store.session(&hash('3')).await.unwrap().is_some(), "bob's");

    let revoked = store
        .revoke_tokens("alice", Some(&hash('a')))
        .await
        .unwrap();
    assert_eq!(revoked, [hash('b')]);
    assert!(store.token_user(&hash('b')).await.unwrap().is_none());
    let listed = store.tokens("alice").await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, hash('a')[..16]);
    let age = OffsetDateTime::now_utc() - listed[0].created;
    assert!(age.abs() < Duration::minutes(1), "made just now: {age}");

    assert_eq!(
        store.revoke_token("bob", &listed[0].id).await.unwrap(),
        None,
        "another reader's token"
    );
    assert_eq!(store.revoke_token("alice", "a").await.unwrap(), None);
    assert_eq!(
        store.revoke_token("alice", &listed[0].id).await.unwrap(),
        Some(hash('a'))
    );
    assert!(store.token_user(&hash('a')).await.unwrap().is_none());
    assert!(store.tokens("alice").await.unwrap().is_empty());
    assert_eq!(store.tokens("bob").await.unwrap().len(), 1);

    assert_eq!(
        store.end_sessions("alice", None).await.unwrap(),
        [hash('1')]
    );
    assert!(store.session(&hash('3')).await.unwrap().is_some(), "bob's");
}

pub async fn replies_to_a_readers_notes_newest_first(store: Arc<dyn Store>) {
    for name in ["alice", "bob"] {
        store.create_user(&reader(name)).await.unwrap();
    }
    store.create(&passage("a1", "alice", 0)).await.unwrap();
    store.create(&passage("b1", "bob", 1)).await.unwrap();
    store.create(&reply("r1", "bob", "a1", 2)).await.unwrap();
    store.create(&reply("r2", "alice", "a1", 3)).await.unwrap();
    store.create(&reply("r3", "bob", "a1", 4)).await.unwrap();
    store
        .create(&Annotation {
            visibility: Visibility::Private,
            ..reply("r4", "bob", "a1", 5)
        })
        .await
        .unwrap();
    store.create(&reply("r5", "alice", "b1", 6)).await.unwrap();

    let replies = store.replies_to("alice", 10).await.unwrap();
    let ids: Vec<&str> = replies.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["r3", "r1"], "others' public replies, newest first");
    assert_eq!(store.replies_to("alice", 1).await.unwrap().len(), 1);
    let to_bob: Vec<String> = store
        .replies_to("bob", 10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(to_bob, ["r5"]);

    assert_eq!(store.visit_account("alice", t(10)).await.unwrap(), None);
    assert_eq!(
        store.visit_account("alice", t(20)).await.unwrap(),
        Some(t(10))
    );
    assert_eq!(store.visit_account("bob", t(30)).await.unwrap(), None);
}

pub async fn deleting_an_account_leaves_nothing_of_it(store: Arc<dyn Store>) {
    for name in ["alice", "bob"] {
        store.create_user(&reader(name)).await.unwrap();
    }
    let later = OffsetDateTime::now_utc() + Duration::days(1);
    store
        .create_session(&hash('1'), "alice", "csrf", later)
        .await
        .unwrap();
    store.create_token(&hash('a'), "alice").await.unwrap();
    store
        .create_session(&hash('2'), "bob", "csrf", later)
        .await
        .unwrap();
    store.create_token(&hash('b'), "bob").await.unwrap();

    store.create(&passage("a1", "alice", 0)).await.unwrap();
    store.create(&reply("r1", "bob", "a1", 1)).await.unwrap();
    store.create(&reply("r2", "alice", "a1", 2)).await.unwrap();
    store
        .create(&Annotation {
            visibility: Visibility::Private,
            ..passage("a2", "alice", 3)
        })
        .await
        .unwrap();
    store.create(&passage("b1", "bob", 4)).await.unwrap();
    store.create(&reply("r3", "alice", "b1", 5)).await.unwrap();
    store.create(&passage("a3", "alice", 6)).await.unwrap();
    store.create(&reply("r4", "alice", "a3", 7)).await.unwrap();
    let before = store.revision("essay").await.unwrap();

    let withdrawn = store.delete_user("alice").await.unwrap();
    let after = store.revision("essay").await.unwrap();
    assert!(after > before, "one more revision of the essay");
    let mut placeholders: Vec<&str> = withdrawn
        .iter()
        .filter(|w| w.placeholder)
        .map(|w| w.id.as_str())
        .collect();
    placeholders.sort();
    assert_eq!(placeholders, ["a1"], "the one note others replied to");
    let mut gone: Vec<&str> = withdrawn
        .iter()
        .filter(|w| !w.placeholder)
        .map(|w| w.id.as_str())
        .collect();
    gone.sort();
    assert_eq!(gone, ["a2", "a3", "r2", "r3"], "r4 went with a3");
    assert!(withdrawn.iter().all(|w| w.revision == after));
    assert!(!withdrawn.iter().any(|w| w.id == "a2" && w.public));

    assert_eq!(store.user("alice").await.unwrap(), None);
    assert!(store.session(&hash('1')).await.unwrap().is_none());
    assert!(store.token_user(&hash('a')).await.unwrap().is_none());
    assert!(store.session(&hash('2')).await.unwrap().is_some(), "bob's");
    assert!(store.token_user(&hash('b')).await.unwrap().is_some());
    let everything = store.all().await.unwrap();
    assert!(
        !everything.iter().any(|a| a.creator == "alice"),
        "no note of hers: {everything:?}"
    );
    let ids: Vec<&str> = everything.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a1", "r1", "b1"]);

    let placeholder = store.annotation("a1").await.unwrap().unwrap();
    assert!(placeholder.is_placeholder());
    assert_eq!(placeholder.body, None);
    assert!(placeholder.tags.is_empty());
    assert_eq!(
        store.annotation("r1").await.unwrap().unwrap().target,
        Target::Reply("a1".to_string()),
        "bob's reply keeps its place"
    );

    let changes = store.changes_since("essay", before).await.unwrap();
    let written: Vec<&str> = changes.written.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(written, ["a1"], "the placeholder, as a change");
    let mut deleted = changes.deleted.clone();
    deleted.sort();
    assert_eq!(deleted, ["a2", "a3", "r2", "r3", "r4"]);

    let listed = store
        .query(
            &gloss::store::Query {
                limit: 10,
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    let listed: Vec<&str> = listed.items.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(listed, ["b1", "r1"], "no one lists a placeholder");

    store.create_user(&reader("alice")).await.unwrap();
    assert!(store.replies_to("alice", 10).await.unwrap().is_empty());
}

pub async fn a_placeholder_goes_with_the_last_reply_under_it(store: Arc<dyn Store>) {
    for name in ["alice", "bob", "carol"] {
        store.create_user(&reader(name)).await.unwrap();
    }
    store.create(&passage("a1", "alice", 0)).await.unwrap();
    store.create(&reply("r1", "bob", "a1", 1)).await.unwrap();
    store.create(&reply("r2", "alice", "r1", 2)).await.unwrap();
    store.create(&reply("r3", "carol", "r2", 3)).await.unwrap();
    store.create(&reply("r4", "carol", "a1", 4)).await.unwrap();
    store.delete_user("alice").await.unwrap();
    store.delete_user("bob").await.unwrap();
    for id in ["a1", "r1", "r2"] {
        let kept = store.annotation(id).await.unwrap().unwrap();
        assert!(kept.is_placeholder(), "{id} holds carol's replies");
    }

    let before = store.revision("essay").await.unwrap();
    store.delete("r3", None).await.unwrap();
    let ids: Vec<String> = store
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(
        ids,
        ["a1", "r4"],
        "r2 and r1 held nothing but r3; a1 still holds r4"
    );
    let changes = store.changes_since("essay", before).await.unwrap();
    let mut deleted = changes.deleted.clone();
    deleted.sort();
    assert_eq!(deleted, ["r1", "r2", "r3"], "each as a change");

    store.delete("r4", None).await.unwrap();
    assert!(
        store.all().await.unwrap().is_empty(),
        "nothing is left standing"
    );
}
