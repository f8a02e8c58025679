//! Annotations in SQLite.

use async_trait::async_trait;
use sqlx::{Executor, QueryBuilder, Sqlite, Transaction};
use time::OffsetDateTime;

use super::SqliteStore;
use crate::annotation::Annotation;
use crate::store::row::{
    AnnotationRow, WITH_REPLIES, annotation_columns, changes, conflict, contains_pattern,
    plan_sync, timestamp, to_annotations,
};
use crate::store::{AnnotationStore, Changes, Guarded, Page, Query, StoreError, SyncReport};

type Tx<'a> = Transaction<'a, Sqlite>;

/// Counts one more write on the essay; its revision after.
async fn bump_revision(tx: &mut Tx<'_>, article: &str) -> Result<i64, StoreError> {
    let revision = sqlx::query_scalar(
        "INSERT INTO article_revisions (article, revision) VALUES (?, 1)
         ON CONFLICT (article) DO UPDATE SET revision = revision + 1
         RETURNING revision",
    )
    .bind(article)
    .fetch_one(&mut **tx)
    .await?;
    Ok(revision)
}

async fn current_revision<'e>(
    db: impl Executor<'e, Database = Sqlite>,
    article: &str,
) -> Result<i64, StoreError> {
    let revision: Option<i64> =
        sqlx::query_scalar("SELECT revision FROM article_revisions WHERE article = ?")
            .bind(article)
            .fetch_optional(db)
            .await?;
    Ok(revision.unwrap_or(0))
}

/// Deletes `id` and the replies under it if it is on `article` and was last modified at
/// `seen` (any version when `None`), leaving each a tombstone at `revision` for the change
/// feed; `false` when it is not.
async fn remove(
    tx: &mut Tx<'_>,
    article: &str,
    id: &str,
    seen: Option<OffsetDateTime>,
    revision: i64,
) -> Result<bool, StoreError> {
    // Listed before the cascade takes the replies, which leaves no other trace of them.
    let tree: Vec<String> = sqlx::query_scalar(WITH_REPLIES)
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
    let deleted = sqlx::query(
        "DELETE FROM annotations WHERE id = ? AND article = ? AND (? IS NULL OR modified = ?)",
    )
    .bind(id)
    .bind(article)
    .bind(seen.map(timestamp))
    .bind(seen.map(timestamp))
    .execute(&mut **tx)
    .await?;
    if deleted.rows_affected() == 0 {
        return Ok(false);
    }
    for gone in &tree {
        sqlx::query(
            "INSERT INTO annotation_deletions (article, id, revision) VALUES (?, ?, ?)
             ON CONFLICT (article, id) DO UPDATE SET revision = excluded.revision",
        )
        .bind(article)
        .bind(gone)
        .bind(revision)
        .execute(&mut **tx)
        .await?;
    }
    Ok(true)
}

async fn insert(tx: &mut Tx<'_>, a: &Annotation, revision: i64) -> Result<(), StoreError> {
    let r = AnnotationRow::from_annotation(a);
    sqlx::query(concat!(
        "INSERT INTO annotations (",
        annotation_columns!(),
        ", revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(r.id)
    .bind(r.article)
    .bind(r.creator)
    .bind(r.editorial)
    .bind(r.motivation)
    .bind(r.body)
    .bind(r.entity)
    .bind(r.tags)
    .bind(r.visibility)
    .bind(r.reply_to)
    .bind(r.exact)
    .bind(r.prefix)
    .bind(r.suffix)
    .bind(r.pos_start)
    .bind(r.pos_end)
    .bind(r.created)
    .bind(r.modified)
    .bind(revision)
    .execute(&mut **tx)
    .await
    .map_err(|e| conflict(e, || format!("annotation {}", a.id)))?;
    Ok(())
}

/// Rewrites everything but the id, essay, creator and creation time; `false` when `seen` is
/// stale or the annotation is on another essay (whose revision `revision` is not).
async fn rewrite(
    tx: &mut Tx<'_>,
    a: &Annotation,
    seen: Option<OffsetDateTime>,
    revision: i64,
) -> Result<bool, StoreError> {
    let r = AnnotationRow::from_annotation(a);
    let result = sqlx::query(
        "UPDATE annotations SET motivation = ?, body = ?, entity = ?, tags = ?, visibility = ?,
         reply_to = ?, exact = ?, prefix = ?, suffix = ?, pos_start = ?, pos_end = ?, modified = ?,
         revision = ?
         WHERE id = ? AND article = ? AND (? IS NULL OR modified = ?)",
    )
    .bind(r.motivation)
    .bind(r.body)
    .bind(r.entity)
    .bind(r.tags)
    .bind(r.visibility)
    .bind(r.reply_to)
    .bind(r.exact)
    .bind(r.prefix)
    .bind(r.suffix)
    .bind(r.pos_start)
    .bind(r.pos_end)
    .bind(r.modified)
    .bind(revision)
    .bind(r.id)
    .bind(r.article)
    .bind(seen.map(timestamp))
    .bind(seen.map(timestamp))
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Appends the WHERE clause of a query: visibility first, then each filter.
fn push_filters(sql: &mut QueryBuilder<Sqlite>, query: &Query, viewer: Option<&str>) {
    sql.push(" WHERE (visibility = 'public' OR creator = ")
        .push_bind(viewer)
        .push(")");
    if let Some(article) = &query.article {
        sql.push(" AND article = ").push_bind(article);
    }
    if let Some(creator) = &query.creator {
        sql.push(" AND creator = ").push_bind(creator);
    }
    if let Some(tag) = &query.tag {
        sql.push(" AND EXISTS (SELECT 1 FROM json_each(annotations.tags) WHERE json_each.value = ")
            .push_bind(tag)
            .push(")");
    }
    for word in query.text.iter().flat_map(|t| t.split_whitespace()) {
        let pattern = contains_pattern(word);
        sql.push(" AND (body LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR exact LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR tags LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
}

#[async_trait]
impl AnnotationStore for SqliteStore {
    async fn sync_editorial(
        &self,
        article: &str,
        notes: &[Annotation],
    ) -> Result<SyncReport, StoreError> {
        let mut tx = self.pool.begin().await?;
        let existing: Vec<AnnotationRow> = sqlx::query_as(concat!(
            "SELECT ",
            annotation_columns!(),
            " FROM annotations WHERE article = ? AND editorial = 1"
        ))
        .bind(article)
        .fetch_all(&mut *tx)
        .await?;
        let plan = plan_sync(to_annotations(existing)?, notes);
        let report = plan.report;
        if report.inserted + report.updated + report.deleted == 0 {
            return Ok(report);
        }
        let revision = bump_revision(&mut tx, article).await?;
        for note in &plan.insert {
            insert(&mut tx, note, revision).await?;
        }
        for note in &plan.update {
            rewrite(&mut tx, note, None, revision).await?;
        }
        for gone in &plan.delete {
            remove(&mut tx, article, gone, None, revision).await?;
        }
        tx.commit().await?;
        Ok(report)
    }

    async fn annotation(&self, id: &str) -> Result<Option<Annotation>, StoreError> {
        let row: Option<AnnotationRow> = sqlx::query_as(concat!(
            "SELECT ",
            annotation_columns!(),
            " FROM annotations WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(AnnotationRow::into_annotation).transpose()
    }

    async fn query(&self, query: &Query, viewer: Option<&str>) -> Result<Page, StoreError> {
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM annotations");
        push_filters(&mut count, query, viewer);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;

        let mut select = QueryBuilder::new(concat!(
            "SELECT ",
            annotation_columns!(),
            " FROM annotations"
        ));
        push_filters(&mut select, query, viewer);
        select
            .push(" ORDER BY created DESC, id DESC LIMIT ")
            .push_bind(query.limit as i64)
            .push(" OFFSET ")
            .push_bind(query.offset as i64);
        let rows: Vec<AnnotationRow> = select.build_query_as().fetch_all(&self.pool).await?;
        Ok(Page {
            items: to_annotations(rows)?,
            total: total as usize,
        })
    }

    async fn all(&self) -> Result<Vec<Annotation>, StoreError> {
        let rows: Vec<AnnotationRow> = sqlx::query_as(concat!(
            "SELECT ",
            annotation_columns!(),
            " FROM annotations ORDER BY created, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        to_annotations(rows)
    }

    async fn create(&self, annotation: &Annotation) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let revision = bump_revision(&mut tx, &annotation.article).await?;
        insert(&mut tx, annotation, revision).await?;
        tx.commit().await?;
        Ok(revision)
    }

    async fn update(
        &self,
        annotation: &Annotation,
        seen: Option<OffsetDateTime>,
    ) -> Result<Guarded, StoreError> {
        let mut tx = self.pool.begin().await?;
        let revision = bump_revision(&mut tx, &annotation.article).await?;
        // Stale: dropping the transaction takes the bump back.
        if !rewrite(&mut tx, annotation, seen, revision).await? {
            return Ok(Guarded::Stale);
        }
        tx.commit().await?;
        Ok(Guarded::Done(revision))
    }

    async fn delete(&self, id: &str, seen: Option<OffsetDateTime>) -> Result<Guarded, StoreError> {
        // IMMEDIATE: this transaction reads before it writes, and a deferred one would then
        // fail, rather than wait, when another connection wrote in between.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let article: Option<String> =
            sqlx::query_scalar("SELECT article FROM annotations WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(article) = article else {
            return Ok(Guarded::Stale);
        };
        let revision = bump_revision(&mut tx, &article).await?;
        // Stale: dropping the transaction takes the bump back.
        if !remove(&mut tx, &article, id, seen, revision).await? {
            return Ok(Guarded::Stale);
        }
        tx.commit().await?;
        Ok(Guarded::Done(revision))
    }

    async fn revision(&self, article: &str) -> Result<i64, StoreError> {
        current_revision(&self.pool, article).await
    }

    async fn changes_since(&self, article: &str, since: i64) -> Result<Changes, StoreError> {
        // In WAL mode a transaction reads one snapshot from its first read on.
        let mut tx = self.pool.begin().await?;
        let revision = current_revision(&mut *tx, article).await?;
        let written: Vec<AnnotationRow> = sqlx::query_as(concat!(
            "SELECT ",
            annotation_columns!(),
            " FROM annotations WHERE article = ? AND revision > ? ORDER BY revision, id"
        ))
        .bind(article)
        .bind(since)
        .fetch_all(&mut *tx)
        .await?;
        let deleted: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM annotation_deletions WHERE article = ? AND revision > ?
             ORDER BY revision, id",
        )
        .bind(article)
        .bind(since)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        changes(revision, written, deleted)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
