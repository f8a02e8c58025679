//! Annotations in PostgreSQL.

use async_trait::async_trait;
use sqlx::{Executor, Postgres, QueryBuilder, Transaction};
use time::OffsetDateTime;

use super::PostgresStore;
use crate::annotation::Annotation;
use crate::store::row::{
    AnnotationRow, WITH_REPLIES, annotation_columns, changes, conflict, contains_pattern,
    plan_sync, timestamp, to_annotations,
};
use crate::store::{AnnotationStore, Changes, Guarded, Page, Query, StoreError, SyncReport};

type Tx<'a> = Transaction<'a, Postgres>;

/// The annotation columns to select: tags are JSONB here, and the shared row reads text.
macro_rules! select_columns {
    () => {
        annotation_columns!("tags::text AS tags")
    };
}

/// Counts one more write on the essay; its revision after. Every write does this before it
/// touches an annotation, so the essay's row lock, held to commit, orders its revisions as
/// their commits, and writers lock in one order (essay, then annotations) and cannot deadlock.
async fn bump_revision(tx: &mut Tx<'_>, article: &str) -> Result<i64, StoreError> {
    let revision = sqlx::query_scalar(
        "INSERT INTO article_revisions (article, revision) VALUES ($1, 1)
         ON CONFLICT (article) DO UPDATE SET revision = article_revisions.revision + 1
         RETURNING revision",
    )
    .bind(article)
    .fetch_one(&mut **tx)
    .await?;
    Ok(revision)
}

async fn current_revision<'e>(
    db: impl Executor<'e, Database = Postgres>,
    article: &str,
) -> Result<i64, StoreError> {
    let revision: Option<i64> =
        sqlx::query_scalar("SELECT revision FROM article_revisions WHERE article = $1")
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
        "DELETE FROM annotations
         WHERE id = $1 AND article = $2 AND ($3::text IS NULL OR modified = $3)",
    )
    .bind(id)
    .bind(article)
    .bind(seen.map(timestamp))
    .execute(&mut **tx)
    .await?;
    if deleted.rows_affected() == 0 {
        return Ok(false);
    }
    for gone in &tree {
        sqlx::query(
            "INSERT INTO annotation_deletions (article, id, revision) VALUES ($1, $2, $3)
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
        ", revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13, $14,
         $15, $16, $17, $18)"
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
        "UPDATE annotations SET motivation = $1, body = $2, entity = $3, tags = $4::jsonb,
         visibility = $5, reply_to = $6, exact = $7, prefix = $8, suffix = $9, pos_start = $10,
         pos_end = $11, modified = $12, revision = $13
         WHERE id = $14 AND article = $15 AND ($16::text IS NULL OR modified = $16)",
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
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Appends the WHERE clause of a query: visibility first, then each filter.
fn push_filters(sql: &mut QueryBuilder<Postgres>, query: &Query, viewer: Option<&str>) {
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
        // Containment, so the GIN index on tags serves it.
        sql.push(" AND tags @> jsonb_build_array(")
            .push_bind(tag)
            .push("::text)");
    }
    for word in query.text.iter().flat_map(|t| t.split_whitespace()) {
        let pattern = contains_pattern(word);
        sql.push(" AND (body ILIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR exact ILIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(tags) tag")
            .push(" WHERE tag ILIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\'))");
    }
}

#[async_trait]
impl AnnotationStore for PostgresStore {
    async fn sync_editorial(
        &self,
        article: &str,
        notes: &[Annotation],
    ) -> Result<SyncReport, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Two instances starting together would otherwise both insert the same new notes.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('gloss sync ' || $1))")
            .bind(article)
            .execute(&mut *tx)
            .await?;
        let existing: Vec<AnnotationRow> = sqlx::query_as(concat!(
            "SELECT ",
            select_columns!(),
            " FROM annotations WHERE article = $1 AND editorial"
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
            select_columns!(),
            " FROM annotations WHERE id = $1"
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

        let mut select =
            QueryBuilder::new(concat!("SELECT ", select_columns!(), " FROM annotations"));
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
            select_columns!(),
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
        let mut tx = self.pool.begin().await?;
        // The essay first, to lock it before the annotation (see bump_revision).
        let article: Option<String> =
            sqlx::query_scalar("SELECT article FROM annotations WHERE id = $1")
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
        let mut tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await?;
        let revision = current_revision(&mut *tx, article).await?;
        let written: Vec<AnnotationRow> = sqlx::query_as(concat!(
            "SELECT ",
            select_columns!(),
            " FROM annotations WHERE article = $1 AND revision > $2 ORDER BY revision, id"
        ))
        .bind(article)
        .bind(since)
        .fetch_all(&mut *tx)
        .await?;
        let deleted: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM annotation_deletions WHERE article = $1 AND revision > $2
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
