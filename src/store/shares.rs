//! Share links.

use async_trait::async_trait;
use sqlx::{Executor, FromRow};

use super::row::{ShareRow, conflict, timestamp};
use super::{Backend, Bind, Share, ShareStore, SqlStore, StoreError};

#[async_trait]
impl<B: Backend> ShareStore for SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    for<'r> ShareRow: FromRow<'r, B::Row>,
    for<'a> &'a str: Bind<B>,
    String: Bind<B>,
    i64: Bind<B>,
{
    async fn create_share(&self, share: &Share) -> Result<(), StoreError> {
        let t = &share.target;
        sqlx::query(
            "INSERT INTO shares (code, article, exact, prefix, suffix, pos_start, pos_end, created)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&share.code)
        .bind(&share.article)
        .bind(&t.quote.exact)
        .bind(&t.quote.prefix)
        .bind(&t.quote.suffix)
        .bind(t.position.start as i64)
        .bind(t.position.end as i64)
        .bind(timestamp(share.created))
        .execute(&self.pool)
        .await
        .map_err(|e| conflict(e, || format!("the share code {}", share.code)))?;
        Ok(())
    }

    async fn share(&self, code: &str) -> Result<Option<Share>, StoreError> {
        let row: Option<ShareRow> = sqlx::query_as(
            "SELECT code, article, exact, prefix, suffix, pos_start, pos_end, created
             FROM shares WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        row.map(ShareRow::into_share).transpose()
    }
}
