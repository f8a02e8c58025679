//! The store on a PostgreSQL server.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions, PgQueryResult};
use sqlx::{Postgres, QueryBuilder};

use super::{Backend, Feed, SqlStore, StoreError};

pub type PostgresStore = SqlStore<Postgres>;

impl PostgresStore {
    /// Connects to the database a `postgres://` URL names and applies the migrations; the
    /// database itself must exist.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            // A server that is down should fail start-up and /healthz soon, not hang them.
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        // sqlx holds an advisory lock while migrating, so instances may start together.
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(PostgresStore { pool })
    }
}

impl Backend for Postgres {
    // Read committed: the writes that follow lock what they change, the essay first (see
    // bump_revision).
    const BEGIN_READ_THEN_WRITE: &'static str = "BEGIN";
    const BEGIN_SNAPSHOT: &'static str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    const LOCK_SYNC: Option<&'static str> =
        Some("SELECT pg_advisory_xact_lock(hashtext('gloss sync ' || $1))");
    // The accounts' times are TIMESTAMPTZ: they are only written and compared, never read back.
    const TIME: &'static str = "::timestamptz";
    // The unique index on lower(username) serves this.
    const NAMED: &'static str = "lower(username) = lower($1)";
    const CREATED: &'static str =
        "to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

    fn feed(pool: &PgPool) -> Option<Feed> {
        Some(Feed::new(pool.clone()))
    }

    fn rows_affected(result: &PgQueryResult) -> u64 {
        result.rows_affected()
    }

    fn push_tagged(sql: &mut QueryBuilder<Postgres>, tag: &str) {
        // Containment, so the GIN index on tags serves it.
        sql.push(" AND tags @> jsonb_build_array(")
            .push_bind(tag)
            .push("::text)");
    }

    fn push_matching(sql: &mut QueryBuilder<Postgres>, pattern: &str) {
        sql.push(" AND (body ILIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\' OR exact ILIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\' OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(tags) tag")
            .push(" WHERE tag ILIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\'))");
    }
}
