//! The annotation half of the store contract.

use std::sync::Arc;

use gloss::annotation::{Annotation, Identities, Motivation, Target, Visibility};
use gloss::store::{Guarded, Store, StoreError, SyncReport};
use time::{Duration, OffsetDateTime};

use super::{note, t};

/// `t(seconds)` plus nanoseconds, which every backend must keep: ETags are made of them.
pub fn at(seconds: i64, nanos: i64) -> OffsetDateTime {
    t(seconds) + Duration::nanoseconds(nanos)
}

/// A reader's public comment on "essay", written at `at`.
pub fn comment(id: &str, creator: &str, body: &str, at: OffsetDateTime) -> Annotation {
    Annotation {
        creator: creator.to_string(),
        editorial: false,
        motivation: Motivation::Commenting,
        entity: None,
        ..note(id, body, at)
    }
}

pub fn reply(id: &str, parent: &str, creator: &str, at: OffsetDateTime) -> Annotation {
    Annotation {
        motivation: Motivation::Replying,
        target: Target::Reply(parent.to_string()),
        ..comment(id, creator, "A reply.", at)
    }
}

pub fn starting_at(mut a: Annotation, start: usize) -> Annotation {
    if let Target::Text(target) = &mut a.target {
        target.position.start = start;
        target.position.end = start + 7;
    }
    a
}

pub fn ids(annotations: &[Annotation]) -> Vec<&str> {
    annotations.iter().map(|a| a.id.as_str()).collect()
}

pub async fn create_all(store: &Arc<dyn Store>, annotations: &[Annotation]) {
    for a in annotations {
        store.create(a).await.unwrap();
    }
}

pub async fn syncing_twice_changes_nothing(store: Arc<dyn Store>) {
    let notes = [note("ed-a", "One.", t(0)), note("ed-b", "Two.", t(0))];
    let first = store.sync_editorial("essay", &notes).await.unwrap();
    let inserted = SyncReport {
        inserted: 2,
        ..Default::default()
    };
    assert_eq!(first, inserted);
    let revision = store.revision("essay").await.unwrap();
    let later = [note("ed-a", "One.", t(60)), note("ed-b", "Two.", t(60))];
    let second = store.sync_editorial("essay", &later).await.unwrap();
    let unchanged = SyncReport {
        unchanged: 2,
        ..Default::default()
    };
    assert_eq!(second, unchanged);
    assert_eq!(store.revision("essay").await.unwrap(), revision);
    assert_eq!(super::visible(&store, "essay", None).await.len(), 2);
}

pub async fn an_edited_note_updates_and_a_removed_one_goes(store: Arc<dyn Store>) {
    let notes = [note("ed-a", "One.", t(0)), note("ed-b", "Two.", t(0))];
    store.sync_editorial("essay", &notes).await.unwrap();
    let revision = store.revision("essay").await.unwrap();
    let report = store
        .sync_editorial("essay", &[note("ed-a", "One, edited.", t(60))])
        .await
        .unwrap();
    let expected = SyncReport {
        updated: 1,
        deleted: 1,
        ..Default::default()
    };
    assert_eq!(report, expected);
    assert!(store.revision("essay").await.unwrap() > revision);
    let stored = store.annotation("ed-a").await.unwrap().unwrap();
    assert_eq!(stored.body.as_deref(), Some("One, edited."));
    assert_eq!(stored.created, t(0), "an update keeps the creation time");
    assert_eq!(stored.modified, t(60));
    assert!(store.annotation("ed-b").await.unwrap().is_none());
}

pub async fn annotations_round_trip_unchanged(store: Arc<dyn Store>) {
    let original = Annotation {
        tags: vec!["ünïcode".to_string(), "two words".to_string()],
        ..note(
            "ed-a",
            "Body with “quotes” and ünïcode.",
            at(0, 123_456_789),
        )
    };
    store
        .sync_editorial("essay", std::slice::from_ref(&original))
        .await
        .unwrap();
    assert_eq!(store.annotation("ed-a").await.unwrap(), Some(original));
    let highlight = Annotation {
        motivation: Motivation::Highlighting,
        body: None,
        visibility: Visibility::Private,
        ..comment("hl", "alice", "", at(1, 1))
    };
    let answer = reply("re", "hl", "alice", at(2, 999_999_999));
    create_all(&store, &[highlight.clone(), answer.clone()]).await;
    assert_eq!(store.annotation("hl").await.unwrap(), Some(highlight));
    assert_eq!(store.annotation("re").await.unwrap(), Some(answer));
    assert_eq!(store.annotation("missing").await.unwrap(), None);
    let other = super::visible(&store, "other-essay", None).await;
    assert!(other.is_empty());
    assert_eq!(store.revision("other-essay").await.unwrap(), 0);
    store.ping().await.unwrap();
}

pub async fn other_identities_round_trip_through_every_write(store: Arc<dyn Store>) {
    let identified = Annotation {
        identities: Identities {
            canonical: Some("urn:uuid:dbfb1861-0ecf-41ad-be94-a584e5c4f1df".to_string()),
            via: vec![
                "https://a.example/notes/1".to_string(),
                "https://b.example/n?id=2&x=%C3%BC".to_string(),
            ],
        },
        ..comment("id-1", "alice", "Copied from elsewhere.", at(0, 1))
    };
    store.create(&identified).await.unwrap();
    assert_eq!(
        store.annotation("id-1").await.unwrap().as_ref(),
        Some(&identified)
    );
    let listed = store.all().await.unwrap();
    assert_eq!(
        listed,
        std::slice::from_ref(&identified),
        "every read keeps them"
    );

    let moved = Annotation {
        identities: Identities {
            canonical: None,
            via: vec!["https://c.example/3".to_string()],
        },
        modified: at(1, 2),
        ..identified.clone()
    };
    let updated = store
        .update(&moved, Some(identified.modified))
        .await
        .unwrap();
    assert!(matches!(updated, Guarded::Done(_)));
    assert_eq!(store.annotation("id-1").await.unwrap(), Some(moved));
    let plain = comment("id-2", "alice", "No other identity.", at(2, 3));
    store.create(&plain).await.unwrap();
    assert_eq!(
        store.annotation("id-2").await.unwrap().unwrap().identities,
        Identities::default()
    );
}

pub async fn creating_an_existing_id_conflicts(store: Arc<dyn Store>) {
    let first = comment("c-1", "alice", "First.", t(0));
    store.create(&first).await.unwrap();
    let again = comment("c-1", "bob", "Second.", t(1));
    let err = store.create(&again).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert_eq!(store.annotation("c-1").await.unwrap(), Some(first));
}

pub async fn writes_are_guarded_by_the_version_last_seen(store: Arc<dyn Store>) {
    let v1 = comment("c-1", "alice", "First.", at(0, 123_456_789));
    store.create(&v1).await.unwrap();
    let v2 = Annotation {
        body: Some("Second.".to_string()),
        tags: vec!["edited".to_string()],
        visibility: Visibility::Private,
        modified: at(0, 123_456_790),
        ..v1.clone()
    };
    assert_eq!(
        store.update(&v2, Some(v1.modified)).await.unwrap(),
        Guarded::Done(2),
        "done, and the essay's second revision"
    );
    assert_eq!(store.annotation("c-1").await.unwrap(), Some(v2.clone()));

    let lost = Annotation {
        body: Some("Lost update.".to_string()),
        modified: t(5),
        ..v1.clone()
    };
    assert_eq!(
        store.update(&lost, Some(v1.modified)).await.unwrap(),
        Guarded::Stale
    );
    assert_eq!(
        store.delete("c-1", Some(v1.modified)).await.unwrap(),
        Guarded::Stale
    );
    let unchanged = store.annotation("c-1").await.unwrap();
    assert_eq!(unchanged, Some(v2.clone()), "a stale write changes nothing");

    let v3 = Annotation {
        body: Some("Third.".to_string()),
        creator: "mallory".to_string(),
        created: t(99),
        modified: t(60),
        ..v2.clone()
    };
    assert_eq!(
        store.update(&v3, None).await.unwrap(),
        Guarded::Done(3),
        "None: any version"
    );
    let stored = store.annotation("c-1").await.unwrap().unwrap();
    assert_eq!(stored.body.as_deref(), Some("Third."));
    assert_eq!(
        (stored.creator.as_str(), stored.created),
        ("alice", v1.created)
    );
    assert_eq!(stored.modified, t(60));

    assert_eq!(
        store.delete("c-1", Some(t(60))).await.unwrap(),
        Guarded::Done(4)
    );
    assert_eq!(store.annotation("c-1").await.unwrap(), None);
    assert_eq!(
        store.delete("c-1", None).await.unwrap(),
        Guarded::Stale,
        "gone"
    );
    assert_eq!(
        store.update(&v3, None).await.unwrap(),
        Guarded::Stale,
        "gone"
    );
}

pub async fn deleting_an_annotation_deletes_its_replies(store: Arc<dyn Store>) {
    let parent = comment("parent", "alice", "Parent.", t(0));
    let sibling = comment("sibling", "bob", "Sibling.", t(1));
    let first = reply("re-1", "parent", "bob", t(2));
    let nested = reply("re-2", "re-1", "alice", t(3));
    let other = reply("re-3", "sibling", "alice", t(4));
    create_all(&store, &[parent.clone(), sibling, first, nested, other]).await;
    let done = store.delete("parent", Some(parent.modified)).await.unwrap();
    assert_eq!(done, Guarded::Done(6), "after five creations");
    let left = super::visible(&store, "essay", None).await;
    assert_eq!(ids(&left), ["sibling", "re-3"]);
    assert_eq!(store.annotation("re-2").await.unwrap(), None);
}

pub async fn every_write_bumps_its_essays_revision(store: Arc<dyn Store>) {
    let revision = async |article: &str| store.revision(article).await.unwrap();
    assert_eq!(revision("essay").await, 0);
    let a = comment("c-1", "alice", "One.", t(0));
    let created = store.create(&a).await.unwrap();
    assert!(created > 0);
    assert_eq!(
        revision("essay").await,
        created,
        "a write says the revision it made"
    );

    let edited = Annotation {
        modified: t(1),
        ..a.clone()
    };
    let Guarded::Done(updated) = store.update(&edited, Some(a.modified)).await.unwrap() else {
        panic!("the update is done");
    };
    assert!(updated > created);
    assert_eq!(revision("essay").await, updated);
    store.update(&edited, Some(a.modified)).await.unwrap();
    assert_eq!(
        revision("essay").await,
        updated,
        "a stale update writes nothing"
    );

    store
        .create(&reply("re", "c-1", "bob", t(2)))
        .await
        .unwrap();
    let replied = revision("essay").await;
    assert!(replied > updated);
    store.delete("c-1", Some(t(0))).await.unwrap();
    assert_eq!(
        revision("essay").await,
        replied,
        "a stale delete writes nothing"
    );
    store.delete("c-1", Some(t(1))).await.unwrap();
    let deleted = revision("essay").await;
    assert!(deleted > replied);

    let elsewhere = Annotation {
        article: "other".to_string(),
        ..comment("c-2", "alice", "Two.", t(3))
    };
    store.create(&elsewhere).await.unwrap();
    assert!(revision("other").await > 0);
    assert_eq!(revision("essay").await, deleted, "revisions are per essay");
}

/// A note on the whole essay keeps its target through every write, in the change feed, and
/// stays apart from passages and replies.
pub async fn page_notes_round_trip_through_every_write(store: Arc<dyn Store>) {
    let whole = Annotation {
        target: Target::Page,
        tags: vec!["overview".to_string()],
        ..comment("page", "alice", "On the whole essay.", at(0, 1))
    };
    let answer = reply("page-re", "page", "bob", at(1, 2));
    create_all(&store, &[whole.clone(), answer.clone()]).await;
    assert_eq!(store.annotation("page").await.unwrap(), Some(whole.clone()));
    let changes = store.changes_since("essay", 0).await.unwrap();
    assert_eq!(changes.written, [whole.clone(), answer.clone()]);

    let private = Annotation {
        body: Some("Mine alone now.".to_string()),
        visibility: Visibility::Private,
        modified: at(2, 3),
        ..whole.clone()
    };
    let updated = store.update(&private, Some(whole.modified)).await.unwrap();
    assert!(matches!(updated, Guarded::Done(_)), "{updated:?}");
    assert_eq!(
        store.annotation("page").await.unwrap(),
        Some(private.clone())
    );
    assert_eq!(
        ids(&super::visible(&store, "essay", None).await),
        ["page-re"]
    );
    assert_eq!(
        super::visible(&store, "essay", Some("alice")).await.len(),
        2
    );
    assert_eq!(store.all().await.unwrap(), [private.clone(), answer]);

    let passage = starting_at(
        Annotation {
            modified: at(3, 4),
            ..comment("page", "alice", "Now on a passage.", at(0, 1))
        },
        3,
    );
    store
        .update(&passage, Some(private.modified))
        .await
        .unwrap();
    assert_eq!(
        store.annotation("page").await.unwrap(),
        Some(passage.clone())
    );
    let done = store.delete("page", Some(passage.modified)).await.unwrap();
    assert!(matches!(done, Guarded::Done(_)));
    assert_eq!(
        store.annotation("page-re").await.unwrap(),
        None,
        "its reply went too"
    );
}
