//! How instances that share a database hear of each other's writes. On PostgreSQL each
//! instance tells the others with NOTIFY and hears them, and itself, with LISTEN; a SQLite
//! file is opened by one instance alone, which has no one to tell.

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
    /// The next thing told. After an error, the next call connects again; what was told
    /// meanwhile is not heard.
    pub async fn next(&mut self) -> Result<String, StoreError> {
        let told = self.listener.recv().await?;
        Ok(told.payload().to_string())
    }
}
