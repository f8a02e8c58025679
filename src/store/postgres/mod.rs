//! The store on a PostgreSQL server.

mod accounts;
mod annotations;
mod limits;
mod shares;

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use super::StoreError;

pub struct PostgresStore {
    pool: PgPool,
}

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
