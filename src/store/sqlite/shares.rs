//! Share links in SQLite.

use async_trait::async_trait;

use super::SqliteStore;
use crate::store::row::{ShareRow, conflict, timestamp};
use crate::store::{Share, ShareStore, StoreError};

#[async_trait]
impl ShareStore for SqliteStore {
    async fn create_share(&self, share: &Share) -> Result<(), StoreError> {
        let t = &share.target;
        sqlx::query(
            "INSERT INTO shares (code, article, exact, prefix, suffix, pos_start, pos_end, created)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
             FROM shares WHERE code = ?",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        row.map(ShareRow::into_share).transpose()
    }
}
