//! The store contract, written once and run on every backend.

mod support;

use std::sync::Arc;

use gloss::annotation::{
    Annotation, EDITORS, Motivation, Target, TextPosition, TextQuote, TextTarget, Visibility,
};
use gloss::store::{self, AnnotationStore, SyncReport};
use time::OffsetDateTime;

fn note(id: &str, body: &str, at: OffsetDateTime) -> Annotation {
    Annotation {
        id: id.to_string(),
        article: "essay".to_string(),
        creator: EDITORS.to_string(),
        editorial: true,
        motivation: Motivation::Describing,
        body: Some(body.to_string()),
        entity: Some("steve-witkoff".to_string()),
        tags: vec![],
        visibility: Visibility::Public,
        target: Target::Text(TextTarget {
            quote: TextQuote {
                exact: "Witkoff".to_string(),
                prefix: "Steve ".to_string(),
                suffix: " spoke".to_string(),
            },
            position: TextPosition { start: 6, end: 13 },
        }),
        created: at,
        modified: at,
    }
}

fn t(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_764_000_000 + seconds).unwrap()
}

async fn syncing_twice_changes_nothing(store: Arc<dyn AnnotationStore>) {
    let notes = [note("ed-a", "One.", t(0)), note("ed-b", "Two.", t(0))];
    let first = store.sync_editorial("essay", &notes).await.unwrap();
    assert_eq!(
        first,
        SyncReport {
            inserted: 2,
            ..Default::default()
        }
    );
    let revision = store.revision("essay").await.unwrap();
    let later = [note("ed-a", "One.", t(60)), note("ed-b", "Two.", t(60))];
    let second = store.sync_editorial("essay", &later).await.unwrap();
    assert_eq!(
        second,
        SyncReport {
            unchanged: 2,
            ..Default::default()
        }
    );
    assert_eq!(store.revision("essay").await.unwrap(), revision);
    assert_eq!(store.annotations_for("essay", None).await.unwrap().len(), 2);
}

async fn an_edited_note_updates_and_a_removed_one_goes(store: Arc<dyn AnnotationStore>) {
    store
        .sync_editorial(
            "essay",
            &[note("ed-a", "One.", t(0)), note("ed-b", "Two.", t(0))],
        )
        .await
        .unwrap();
    let revision = store.revision("essay").await.unwrap();
    let report = store
        .sync_editorial("essay", &[note("ed-a", "One, edited.", t(60))])
        .await
        .unwrap();
    assert_eq!(
        report,
        SyncReport {
            updated: 1,
            deleted: 1,
            ..Default::default()
        }
    );
    assert!(store.revision("essay").await.unwrap() > revision);
    let stored = store.annotation("ed-a").await.unwrap().unwrap();
    assert_eq!(stored.body.as_deref(), Some("One, edited."));
    assert_eq!(stored.created, t(0), "an update keeps the creation time");
    assert_eq!(stored.modified, t(60));
    assert!(store.annotation("ed-b").await.unwrap().is_none());
}

async fn annotations_round_trip_unchanged(store: Arc<dyn AnnotationStore>) {
    let original = note("ed-a", "Body with “quotes” and ünïcode.", t(0));
    store
        .sync_editorial("essay", std::slice::from_ref(&original))
        .await
        .unwrap();
    assert_eq!(store.annotation("ed-a").await.unwrap(), Some(original));
    assert_eq!(store.annotation("missing").await.unwrap(), None);
    assert!(
        store
            .annotations_for("other-essay", None)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.revision("other-essay").await.unwrap(), 0);
    store.ping().await.unwrap();
}

/// Runs every contract test on fresh stores from `open`.
macro_rules! contract {
    ($backend:ident, $open:expr) => {
        mod $backend {
            use super::*;

            #[tokio::test]
            async fn syncing_twice_changes_nothing() {
                super::syncing_twice_changes_nothing($open.await).await;
            }

            #[tokio::test]
            async fn an_edited_note_updates_and_a_removed_one_goes() {
                super::an_edited_note_updates_and_a_removed_one_goes($open.await).await;
            }

            #[tokio::test]
            async fn annotations_round_trip_unchanged() {
                super::annotations_round_trip_unchanged($open.await).await;
            }
        }
    };
}

async fn sqlite_memory() -> Arc<dyn AnnotationStore> {
    store::connect("sqlite::memory:").await.unwrap()
}

contract!(sqlite, sqlite_memory());

#[tokio::test]
async fn a_file_database_keeps_everything_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("gloss.db").display());
    let first = store::connect(&url).await.unwrap();
    first
        .sync_editorial("essay", &[note("ed-a", "One.", t(0))])
        .await
        .unwrap();
    drop(first);
    let again = store::connect(&url).await.unwrap();
    assert!(again.annotation("ed-a").await.unwrap().is_some());
}

#[tokio::test]
async fn an_unknown_database_url_is_refused_clearly() {
    let err = store::connect("mysql://localhost/x").await.err().unwrap();
    assert!(
        err.to_string().contains("unsupported database URL"),
        "{err}"
    );
}
