//! Rate-limit counters.

use async_trait::async_trait;
use sqlx::{Executor, FromRow};

use super::{Backend, Bind, LimitStore, SqlStore, StoreError};

#[async_trait]
impl<B: Backend> LimitStore for SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    for<'r> (i64,): FromRow<'r, B::Row>,
    for<'a> &'a str: Bind<B>,
    i64: Bind<B>,
{
    async fn hit(&self, bucket: &str, window_start: i64) -> Result<u32, StoreError> {
        // hits is an INTEGER, which is 64 bits in SQLite and 32 in PostgreSQL.
        let hits: i64 = sqlx::query_scalar(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
             ON CONFLICT (bucket) DO UPDATE SET
               hits = CASE WHEN rate_limits.window_start = excluded.window_start
                           THEN rate_limits.hits + 1 ELSE 1 END,
               window_start = excluded.window_start
             RETURNING CAST(hits AS BIGINT)",
        )
        .bind(bucket)
        .bind(window_start)
        .fetch_one(&self.pool)
        .await?;
        Ok(u32::try_from(hits).unwrap_or(u32::MAX))
    }

    async fn forget_limits_before(&self, cutoff: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(cutoff)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
