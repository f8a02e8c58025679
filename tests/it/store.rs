//! The store contract, written once and run on every backend.
//!
//! The PostgreSQL half needs a server: `GLOSS_TEST_POSTGRES_URL` (as `scripts/test` sets it);
//! without one it is skipped, and says so.
//! Each test gets a database of its own there, dropped when the test passes.

mod accounts;
mod annotations;
mod changes;
mod closing;
mod groups;
mod import;
mod moderation;
mod public_notes;
mod query;
mod site;

use std::sync::Arc;

use gloss::annotation::{
    Annotation, EDITORS, Motivation, Reader, Target, TextPosition, TextQuote, TextTarget,
    Visibility,
};
use gloss::store::{self, Store};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use time::OffsetDateTime;

fn note(id: &str, body: &str, at: OffsetDateTime) -> Annotation {
    Annotation {
        id: id.to_string(),
        identities: Default::default(),
        article: "essay".to_string(),
        creator: EDITORS.to_string(),
        editorial: true,
        motivation: Motivation::Describing,
        body: Some(body.to_string()),
        entity: Some("steve-witkoff".to_string()),
        tags: vec![],
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
        created: at,
        modified: at,
    }
}

/// What `viewer` may see of an essay, as the change feed gives it: passages before replies,
/// each in the order they were written.
async fn visible(store: &Arc<dyn Store>, article: &str, viewer: Option<&str>) -> Vec<Annotation> {
    let mut shown: Vec<Annotation> = store
        .changes_since(article, 0)
        .await
        .unwrap()
        .written
        .into_iter()
        .filter(|a| a.visible_to(Reader::named(viewer)))
        .collect();
    shown.sort_by(|a, b| {
        let reply = |a: &Annotation| matches!(a.target, Target::Reply(_));
        (reply(a), a.created, &a.id).cmp(&(reply(b), b.created, &b.id))
    });
    shown
}

fn t(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_764_000_000 + seconds).unwrap()
}

/// A store for one test, and what to clean up once the test has passed.
pub(crate) struct Fresh {
    pub(crate) store: Arc<dyn Store>,
    /// The test's database on the PostgreSQL server.
    pub(crate) database: Option<Database>,
}

impl Fresh {
    /// A failed test panics before this, leaving its database to look at.
    pub(crate) async fn passed(self) {
        drop(self.store);
        if let Some(database) = self.database {
            database.passed().await;
        }
    }
}

/// A database of one test's own on the server `GLOSS_TEST_POSTGRES_URL` names.
pub(crate) struct Database {
    pub(crate) url: String,
    server: String,
    name: String,
}

impl Database {
    /// A new, empty database; `None` when there is no server (see `postgres_server`).
    pub(crate) async fn create(test: &str) -> Option<Database> {
        let server = crate::support::postgres_server(test)?;
        let name = format!("gloss_test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = PgConnection::connect(&server)
            .await
            .unwrap_or_else(|e| panic!("cannot reach GLOSS_TEST_POSTGRES_URL={server}: {e}"));
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap();
        admin.close().await.unwrap();
        Some(Database {
            url: with_database(&server, &name),
            server,
            name,
        })
    }

    /// Drops the database, its connections and all; a failed test panics before this,
    /// leaving its database to look at.
    pub(crate) async fn passed(self) {
        let mut admin = PgConnection::connect(&self.server).await.unwrap();
        let drop_it = format!("DROP DATABASE {} WITH (FORCE)", self.name);
        sqlx::query(AssertSqlSafe(drop_it))
            .execute(&mut admin)
            .await
            .unwrap();
    }
}

/// Runs every contract test on fresh stores from `open`.
macro_rules! contract {
    ($backend:ident, $open:expr) => {
        mod $backend {
            use super::*;

            contract!(@tests $open;
                annotations: syncing_twice_changes_nothing,
                    an_edited_note_updates_and_a_removed_one_goes,
                    annotations_round_trip_unchanged, creating_an_existing_id_conflicts,
                    other_identities_round_trip_through_every_write,
                    writes_are_guarded_by_the_version_last_seen,
                    deleting_an_annotation_deletes_its_replies,
                    every_write_bumps_its_essays_revision,
                    page_notes_round_trip_through_every_write;
                changes: the_changes_since_zero_are_every_annotation_of_the_essay,
                    each_write_is_the_change_after_the_revision_before_it,
                    an_id_deleted_and_written_again_is_only_written,
                    syncing_editorial_notes_shows_in_the_changes,
                    a_reader_applying_the_changes_holds_what_the_store_holds;
                query: private_annotations_are_for_their_creator_only,
                    query_filters_by_article_words_tag_and_creator,
                    query_pages_newest_first_and_counts_every_match,
                    all_lists_everything_oldest_first;
                public_notes: public_notes_are_the_newest_public_ones_with_a_body;
                accounts: usernames_are_unique_whatever_their_case,
                    sessions_live_until_they_expire_or_are_deleted,
                    api_tokens_name_their_user, shares_round_trip_and_codes_are_unique,
                    rate_limit_counters_count_per_bucket_and_window;
                closing: changing_credentials_ends_the_others,
                    replies_to_a_readers_notes_newest_first,
                    deleting_an_account_leaves_nothing_of_it,
                    a_placeholder_goes_with_the_last_reply_under_it;
                moderation: a_reader_flags_a_note_once,
                    a_hidden_note_and_its_replies_are_their_creators_alone,
                    the_queue_puts_the_most_flagged_first_and_records_each_hide,
                    flags_and_records_go_with_their_reader_or_note;
                groups: a_group_is_joined_by_its_invite_code_and_left,
                    a_groups_notes_are_for_its_members_only,
                    deleting_a_group_deletes_its_notes_through_the_change_feed,
                    a_group_passes_to_its_longest_standing_member_when_its_creator_goes;
                import: importing_hypothesis_twice_adds_nothing,
                    hypothesis_notes_keep_their_place_thread_tags_times_and_privacy;
                site: what_the_app_writes_is_listed_whole,
                    records_written_back_are_listed_as_they_were_once;
            );
        }
    };
    (@tests $open:expr; $($module:ident: $($name:ident),+;)+) => {
        $($(
            #[tokio::test]
            async fn $name() {
                let Some(fresh) = $open.await else {
                    return;
                };
                super::$module::$name(fresh.store.clone()).await;
                fresh.passed().await;
            }
        )+)+
    };
}

async fn sqlite_memory() -> Option<Fresh> {
    Some(Fresh {
        store: store::connect("sqlite::memory:").await.unwrap(),
        database: None,
    })
}

contract!(sqlite, sqlite_memory());

/// A new database on the server `GLOSS_TEST_POSTGRES_URL` names, if it names one.
pub(crate) async fn postgres_fresh() -> Option<Fresh> {
    let database = Database::create("the store contract on PostgreSQL").await?;
    Some(Fresh {
        store: store::connect(&database.url).await.unwrap(),
        database: Some(database),
    })
}

/// `server` (a postgres:// URL) naming `database` instead of its own.
fn with_database(server: &str, database: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (server, String::new()),
    };
    let authority = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority..].find('/') {
        Some(slash) => &base[..authority + slash],
        None => base,
    };
    format!("{base}/{database}{query}")
}

contract!(postgres, postgres_fresh());

#[test]
fn a_server_url_names_the_test_database() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
        "postgres://postgres@127.0.0.1:5432/t1"
    );
    assert_eq!(
        with_database("postgresql://u:p@db?sslmode=disable", "t1"),
        "postgresql://u:p@db/t1?sslmode=disable"
    );
}

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
    assert!(err.to_string().contains("postgres://"), "{err}");
}
