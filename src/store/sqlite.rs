//! The store on an embedded SQLite file.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteQueryResult,
    SqliteSynchronous,
};
use sqlx::{QueryBuilder, Sqlite};

use super::{Backend, Feed, SqlStore, StoreError};

pub type SqliteStore = SqlStore<Sqlite>;

impl SqliteStore {
    /// Opens the file (creating it when missing) and applies the migrations.
    pub async fn connect(url: &str) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let pool = SqlitePoolOptions::new()
            // Each connection to an in-memory database is a database of its own.
            .max_connections(if in_memory { 1 } else { 8 })
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }
}

impl Backend for Sqlite {
    // A deferred transaction that reads before it writes would fail, rather than wait, when
    // another connection wrote in between.
    const BEGIN_READ_THEN_WRITE: &'static str = "BEGIN IMMEDIATE";
    // In WAL mode a transaction reads one snapshot from its first read on.
    const BEGIN_SNAPSHOT: &'static str = "BEGIN";
    // SQLite writes one transaction at a time, and a sync that read before another wrote fails
    // to write rather than insert the same notes again.
    const LOCK_SYNC: Option<&'static str> = None;
    // Times are stored as RFC 3339 text, which sorts as time does.
    const TIME: &'static str = "";
    // Names compare case-insensitively by the column's collation (NOCASE).
    const NAMED: &'static str = "username = $1";
    const CREATED: &'static str = "created";

    fn feed(_: &sqlx::SqlitePool) -> Option<Feed> {
        None
    }

    fn rows_affected(result: &SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    fn push_tagged(sql: &mut QueryBuilder<Sqlite>, tag: &str) {
        sql.push(" AND EXISTS (SELECT 1 FROM json_each(annotations.tags) WHERE json_each.value = ")
            .push_bind(tag)
            .push(")");
    }

    fn push_matching(sql: &mut QueryBuilder<Sqlite>, pattern: &str) {
        // LIKE ignores ASCII case here; tags are searched in their JSON text.
        sql.push(" AND (body LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\' OR exact LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\' OR tags LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
}
