//! Moderation's half of the store contract: flags, hiding and what only a hidden note's
//! creator may see, the queue, and what goes with a deleted account or note.

use std::sync::Arc;

use gloss::annotation::Annotation;
use gloss::store::{Flag, Flagged, Moderated, NotesOf, Query, Role, Store, StoreError, User};

use super::annotations::{comment, create_all, ids, reply, starting_at};
use super::t;

async fn readers(store: &Arc<dyn Store>, names: &[&str]) {
    for name in names {
        let user = User {
            username: name.to_string(),
            role: Role::Reader,
            password_hash: format!("$argon2id$hash-of-{name}"),
        };
        store.create_user(&user).await.unwrap();
    }
}

fn flag(note: &str, flagger: &str, seconds: i64) -> Flag {
    Flag {
        annotation: note.to_string(),
        flagger: flagger.to_string(),
        reason: format!("{flagger} minds it"),
        created: t(seconds),
    }
}

/// The queue as `(note, flaggers, hidden)`.
async fn queue(store: &Arc<dyn Store>) -> Vec<(String, Vec<String>, bool)> {
    let listed: Vec<Flagged> = store.moderation_queue(100).await.unwrap();
    listed
        .into_iter()
        .map(|f| {
            let flaggers = f.flags.into_iter().map(|f| f.flagger).collect();
            (f.annotation.id, flaggers, f.annotation.hidden)
        })
        .collect()
}

async fn listed(store: &Arc<dyn Store>, viewer: Option<&str>) -> Vec<String> {
    let query = Query {
        article: Some("essay".to_string()),
        limit: 100,
        ..Query::default()
    };
    let page = store.query(&query, viewer).await.unwrap();
    let mut found: Vec<String> = ids(&page.items).into_iter().map(String::from).collect();
    found.sort();
    found
}

pub async fn a_reader_flags_a_note_once(store: Arc<dyn Store>) {
    readers(&store, &["alice", "bob", "carol"]).await;
    create_all(&store, &[comment("n1", "alice", "Hm.", t(1))]).await;
    store.flag(&flag("n1", "bob", 2)).await.unwrap();
    let again = store.flag(&flag("n1", "bob", 3)).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    store.flag(&flag("n1", "carol", 4)).await.unwrap();

    let listed = store.moderation_queue(100).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].flags,
        vec![flag("n1", "bob", 2), flag("n1", "carol", 4)]
    );
    assert!(listed[0].moderations.is_empty());
}

pub async fn a_hidden_note_and_its_replies_are_their_creators_alone(store: Arc<dyn Store>) {
    readers(&store, &["alice", "bob", "carol"]).await;
    create_all(
        &store,
        &[
            comment("n1", "alice", "Rude words.", t(1)),
            starting_at(comment("n2", "carol", "Fine words.", t(2)), 30),
            reply("r1", "n1", "bob", t(3)),
            reply("r2", "r1", "carol", t(4)),
        ],
    )
    .await;
    let before = store.revision("essay").await.unwrap();
    let hid = store.set_hidden("n1", true, "eddie", t(5)).await.unwrap();
    assert_eq!(
        hid,
        Moderated::Done(before + 1),
        "a hide is a write on its essay"
    );
    assert_eq!(
        store.set_hidden("n1", true, "eddie", t(6)).await.unwrap(),
        Moderated::Already
    );
    assert_eq!(
        store
            .set_hidden("nothing", true, "eddie", t(6))
            .await
            .unwrap(),
        Moderated::Missing
    );

    let changes = store.changes_since("essay", before).await.unwrap();
    assert_eq!(ids(&changes.written), ["n1"], "the change feed carries it");
    assert!(changes.written[0].hidden);
    assert!(store.annotation("n1").await.unwrap().unwrap().hidden);

    assert_eq!(listed(&store, None).await, ["n2"], "signed out");
    assert_eq!(
        listed(&store, Some("alice")).await,
        ["n1", "n2"],
        "its creator"
    );
    assert_eq!(
        listed(&store, Some("bob")).await,
        ["n2", "r1"],
        "a replier, their own"
    );
    assert_eq!(listed(&store, Some("carol")).await, ["n2", "r2"]);
    let notes = store
        .public_notes(&NotesOf::Article("essay".to_string()), 10)
        .await
        .unwrap();
    assert_eq!(ids(&notes), ["n2"], "feeds leave the whole thread out");

    assert_eq!(
        store.set_hidden("n1", false, "frank", t(7)).await.unwrap(),
        Moderated::Done(before + 2)
    );
    assert_eq!(
        listed(&store, None).await,
        ["n1", "n2", "r1", "r2"],
        "shown again"
    );
    let listed = store.moderation_queue(100).await.unwrap();
    assert_eq!(listed.len(), 0, "neither flagged nor hidden");
}

pub async fn the_queue_puts_the_most_flagged_first_and_records_each_hide(store: Arc<dyn Store>) {
    readers(&store, &["alice", "bob", "carol", "dave"]).await;
    let notes: Vec<Annotation> = ["a", "b", "c", "d"]
        .iter()
        .enumerate()
        .map(|(i, id)| starting_at(comment(id, "alice", "Words.", t(i as i64)), 10 * i))
        .collect();
    create_all(&store, &notes).await;
    store.flag(&flag("a", "bob", 10)).await.unwrap();
    store.flag(&flag("b", "bob", 11)).await.unwrap();
    store.flag(&flag("b", "carol", 12)).await.unwrap();
    store.flag(&flag("d", "dave", 13)).await.unwrap();
    store.set_hidden("c", true, "eddie", t(14)).await.unwrap();
    store.set_hidden("b", true, "eddie", t(15)).await.unwrap();
    store.set_hidden("b", false, "frank", t(16)).await.unwrap();

    let strings = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    assert_eq!(
        queue(&store).await,
        [
            ("b".to_string(), strings(&["bob", "carol"]), false),
            ("d".to_string(), strings(&["dave"]), false),
            ("a".to_string(), strings(&["bob"]), false),
            ("c".to_string(), vec![], true),
        ],
        "most flagged, then most recently flagged, then hidden alone"
    );
    let b = store.moderation_queue(1).await.unwrap().remove(0);
    let record: Vec<(&str, bool, _)> = b
        .moderations
        .iter()
        .map(|m| (m.moderator.as_str(), m.hidden, m.at))
        .collect();
    assert_eq!(record, [("eddie", true, t(15)), ("frank", false, t(16))]);
}

pub async fn flags_and_records_go_with_their_reader_or_note(store: Arc<dyn Store>) {
    readers(&store, &["alice", "bob", "carol"]).await;
    create_all(
        &store,
        &[
            comment("n1", "alice", "One.", t(1)),
            starting_at(comment("n2", "alice", "Two.", t(2)), 20),
            starting_at(comment("n3", "carol", "Three.", t(3)), 40),
            reply("r3", "n3", "alice", t(4)),
        ],
    )
    .await;
    store.flag(&flag("n1", "bob", 5)).await.unwrap();
    store.flag(&flag("n2", "bob", 6)).await.unwrap();
    store.flag(&flag("n2", "carol", 7)).await.unwrap();
    store.flag(&flag("n3", "bob", 8)).await.unwrap();
    store.set_hidden("n3", true, "eddie", t(9)).await.unwrap();

    store.delete_user("bob").await.unwrap();
    assert_eq!(
        queue(&store).await,
        [
            ("n2".to_string(), vec!["carol".to_string()], false),
            ("n3".to_string(), vec![], true),
        ],
        "a deleted reader's flags go"
    );

    store.delete("n2", None).await.unwrap();
    // Others replied to n3, so it stays as a placeholder: its words, flags and record go.
    store.delete_user("carol").await.unwrap();
    assert_eq!(
        queue(&store).await,
        [],
        "a deleted note's flags and record go"
    );
    let placeholder = store.annotation("n3").await.unwrap().unwrap();
    assert!(placeholder.is_placeholder());
}
