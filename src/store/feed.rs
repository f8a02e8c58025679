//! How instances that share a database hear of each other's writes. On PostgreSQL each
//! instance tells the others with NOTIFY and hears them, and itself, with LISTEN; a SQLite
//! file is opened by one instance alone, which has no one to tell.

use std::collections::HashMap;

use sqlx::PgPool;
use sqlx::postgres::PgListener;

use super::StoreError;

/// The channel instances talk on.
const CHANNEL: &str = "gloss_live";

/// The instances on one PostgreSQL database.
#[derive(Clone)]
pub struct Feed {
    pool: PgPool,
}

impl Feed {
    pub(super) fn new(pool: PgPool) -> Feed {
        Feed { pool }
    }

    /// Tells every instance, this one included.
    pub async fn tell(&self, payload: &str) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every essay's revision now: what a listener that lost its connection compares with
    /// what it heard, to learn what it missed.
    pub async fn revisions(&self) -> Result<HashMap<String, i64>, StoreError> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT article, revision FROM article_revisions")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().collect())
    }

    /// Starts hearing what every instance tells, from now on.
    pub async fn hear(&self) -> Result<Hearing, StoreError> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(CHANNEL).await?;
        Ok(Hearing { listener })
    }
}

/// What the instances tell, in order.
pub struct Hearing {
    listener: PgListener,
}

impl Hearing {
    /// The next thing told; `None` once the connection is lost. What is told from then on is
    /// not heard: hear again, then ask what changed meanwhile.
    pub async fn next(&mut self) -> Option<String> {
        match self.listener.try_recv().await {
            Ok(Some(told)) => Some(told.payload().to_string()),
            Ok(None) => None,
            Err(err) => {
                tracing::warn!(error = %err, "live listener failed");
                None
            }
        }
    }
}
