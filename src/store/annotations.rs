//! Annotations, the revision of each essay, and its change feed.

use async_trait::async_trait;
use sqlx::types::Json;
use sqlx::{Encode, Executor, FromRow, QueryBuilder, Type};
use time::OffsetDateTime;

use super::moderation::veiled;
use super::row::{
    AnnotationRow, Written, annotation_columns, changes, conflict, contains_pattern, plan_sync,
    timestamp, to_annotations,
};
use super::{
    AnnotationStore, Backend, Bind, Changes, Feed, Guarded, NotesOf, Page, Query, SqlStore,
    StoreError, SyncReport,
};
use crate::annotation::Annotation;

/// The annotation columns to select. Tags and `via` are read as text, which JSONB needs a
/// cast for, and parsed with the rest of the row, so a malformed list is reported like any
/// malformed field.
macro_rules! selected_columns {
    () => {
        annotation_columns!("CAST(via AS TEXT) AS via", "CAST(tags AS TEXT) AS tags")
    };
}

/// What the annotation methods share: writes, each in the transaction it is given, and reads.
impl<B: Backend> SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    for<'r> (i64,): FromRow<'r, B::Row>,
    for<'r> (String,): FromRow<'r, B::Row>,
    for<'a> &'a str: Bind<B>,
    // Unlike the others, an Option encodes only as long as what it holds lives.
    for<'a> Option<&'a str>: Encode<'a, B> + Type<B>,
    for<'a> Json<&'a [String]>: Bind<B>,
    i64: Bind<B>,
    Option<i64>: Bind<B>,
    bool: Bind<B>,
{
    /// Counts one more write on the essay; its revision after. Every write does this before it
    /// touches an annotation, so on PostgreSQL the essay's row lock, held to commit, orders its
    /// revisions as their commits, and writers lock in one order (essay, then annotations) and
    /// cannot deadlock.
    pub(super) async fn bump_revision(
        tx: &mut B::Connection,
        article: &str,
    ) -> Result<i64, StoreError> {
        let revision = sqlx::query_scalar(
            "INSERT INTO article_revisions (article, revision) VALUES ($1, 1)
             ON CONFLICT (article) DO UPDATE SET revision = article_revisions.revision + 1
             RETURNING revision",
        )
        .bind(article)
        .fetch_one(&mut *tx)
        .await?;
        Ok(revision)
    }

    async fn current_revision<'e>(
        db: impl Executor<'e, Database = B>,
        article: &str,
    ) -> Result<i64, StoreError> {
        let revision: Option<i64> =
            sqlx::query_scalar("SELECT revision FROM article_revisions WHERE article = $1")
                .bind(article)
                .fetch_optional(db)
                .await?;
        Ok(revision.unwrap_or(0))
    }

    async fn insert(
        tx: &mut B::Connection,
        a: &Annotation,
        revision: i64,
    ) -> Result<(), StoreError> {
        let w = Written::of(a);
        sqlx::query(concat!(
            "INSERT INTO annotations (",
            annotation_columns!(),
            ", revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
             $15, $16, $17, $18, $19, $20, $21, $22)"
        ))
        .bind(w.id)
        .bind(w.canonical)
        .bind(w.via)
        .bind(w.article)
        .bind(w.creator)
        .bind(w.editorial)
        .bind(w.motivation)
        .bind(w.body)
        .bind(w.entity)
        .bind(w.tags)
        .bind(w.visibility)
        .bind(w.hidden)
        .bind(w.reply_to)
        .bind(w.exact)
        .bind(w.prefix)
        .bind(w.suffix)
        .bind(w.pos_start)
        .bind(w.pos_end)
        .bind(w.created.as_str())
        .bind(w.modified.as_str())
        .bind(w.group_id)
        .bind(revision)
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict(e, || format!("annotation {}", a.id)))?;
        Ok(())
    }

    /// Rewrites everything but the id, essay, creator and creation time if it was last
    /// modified at `seen` (any version when `None`); `false` when `seen` is stale or the
    /// annotation is on another essay (whose revision `revision` is not).
    async fn rewrite(
        tx: &mut B::Connection,
        a: &Annotation,
        seen: Option<OffsetDateTime>,
        revision: i64,
    ) -> Result<bool, StoreError> {
        let w = Written::of(a);
        let result = sqlx::query(
            "UPDATE annotations SET motivation = $1, body = $2, entity = $3, tags = $4,
             visibility = $5, reply_to = $6, exact = $7, prefix = $8, suffix = $9, pos_start = $10,
             pos_end = $11, modified = $12, revision = $13, group_id = $14, canonical = $18,
             via = $19
             WHERE id = $15 AND article = $16 AND ($17 IS NULL OR modified = $17)",
        )
        .bind(w.motivation)
        .bind(w.body)
        .bind(w.entity)
        .bind(w.tags)
        .bind(w.visibility)
        .bind(w.reply_to)
        .bind(w.exact)
        .bind(w.prefix)
        .bind(w.suffix)
        .bind(w.pos_start)
        .bind(w.pos_end)
        .bind(w.modified.as_str())
        .bind(revision)
        .bind(w.group_id)
        .bind(w.id)
        .bind(w.article)
        .bind(seen.map(timestamp).as_deref())
        .bind(w.canonical)
        .bind(w.via)
        .execute(&mut *tx)
        .await?;
        Ok(B::rows_affected(&result) == 1)
    }

    /// Deletes `id` and the replies under it if it is on `article` and was last modified at
    /// `seen` (any version when `None`), leaving each a tombstone at `revision` for the change
    /// feed; `false` when it is not.
    pub(super) async fn remove(
        tx: &mut B::Connection,
        article: &str,
        id: &str,
        seen: Option<OffsetDateTime>,
        revision: i64,
    ) -> Result<bool, StoreError> {
        // Listed before the cascade takes the replies, which leaves no other trace of them.
        let tree: Vec<String> = sqlx::query_scalar(
            "WITH RECURSIVE tree (id) AS (
                SELECT id FROM annotations WHERE id = $1
                UNION SELECT a.id FROM annotations AS a JOIN tree ON a.reply_to = tree.id
            ) SELECT id FROM tree",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let deleted = sqlx::query(
            "DELETE FROM annotations
             WHERE id = $1 AND article = $2 AND ($3 IS NULL OR modified = $3)",
        )
        .bind(id)
        .bind(article)
        .bind(seen.map(timestamp).as_deref())
        .execute(&mut *tx)
        .await?;
        if B::rows_affected(&deleted) == 0 {
            return Ok(false);
        }
        for gone in &tree {
            sqlx::query(
                "INSERT INTO annotation_deletions (article, id, revision) VALUES ($1, $2, $3)
                 ON CONFLICT (article, id) DO UPDATE SET revision = excluded.revision",
            )
            .bind(article)
            .bind(gone.as_str())
            .bind(revision)
            .execute(&mut *tx)
            .await?;
        }
        Ok(true)
    }

    /// Deletes the placeholder `parent` if its last reply just went, and so on up the thread:
    /// a placeholder stands only to keep others' replies in their place.
    async fn prune_bare_placeholders(
        tx: &mut B::Connection,
        article: &str,
        mut parent: Option<String>,
        revision: i64,
    ) -> Result<(), StoreError> {
        while let Some(id) = parent {
            let bare: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM annotations AS p WHERE id = $1 AND creator = ''
                 AND NOT EXISTS (SELECT 1 FROM annotations WHERE reply_to = p.id)",
            )
            .bind(id.as_str())
            .fetch_one(&mut *tx)
            .await?;
            if bare == 0 {
                break;
            }
            parent = Self::parent(tx, &id).await?;
            Self::remove(tx, article, &id, None, revision).await?;
        }
        Ok(())
    }

    /// The note that `id` replies to, if it is a reply.
    async fn parent(tx: &mut B::Connection, id: &str) -> Result<Option<String>, StoreError> {
        let parent: Option<String> =
            sqlx::query_scalar("SELECT COALESCE(reply_to, '') FROM annotations WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        Ok(parent.filter(|p| !p.is_empty()))
    }

    /// Appends the WHERE clause of a query: visibility first, then each filter.
    fn push_filters(sql: &mut QueryBuilder<B>, query: &Query, viewer: Option<&str>) {
        // Placeholders of deleted accounts' notes are listed by no one; a group's notes by its
        // members alone.
        sql.push(
            " WHERE creator <> '' AND ((visibility = 'public' AND group_id IS NULL) OR creator = ",
        )
        .push_bind(viewer)
        .push(" OR group_id IN (SELECT group_id FROM memberships WHERE username = ")
        .push_bind(viewer)
        .push("))");
        // Hidden notes, and the replies under them, are their creators' alone.
        sql.push(" AND (creator = ").push_bind(viewer).push(concat!(
            " OR id NOT IN (",
            veiled!(),
            "))"
        ));
        if let Some(group) = &query.group {
            sql.push(" AND group_id = ").push_bind(group.as_str());
        }
        if let Some(article) = &query.article {
            sql.push(" AND article = ").push_bind(article.as_str());
        }
        if let Some(creator) = &query.creator {
            sql.push(" AND creator = ").push_bind(creator.as_str());
        }
        if let Some(tag) = &query.tag {
            B::push_tagged(sql, tag);
        }
        for word in query.text.iter().flat_map(|t| t.split_whitespace()) {
            B::push_matching(sql, &contains_pattern(word));
        }
    }
}

#[async_trait]
impl<B: Backend> AnnotationStore for SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    for<'r> AnnotationRow: FromRow<'r, B::Row>,
    for<'r> (i64,): FromRow<'r, B::Row>,
    for<'r> (String,): FromRow<'r, B::Row>,
    for<'a> &'a str: Bind<B>,
    // Unlike the others, an Option encodes only as long as what it holds lives.
    for<'a> Option<&'a str>: Encode<'a, B> + Type<B>,
    for<'a> Json<&'a [String]>: Bind<B>,
    i64: Bind<B>,
    Option<i64>: Bind<B>,
    bool: Bind<B>,
{
    async fn sync_editorial(
        &self,
        article: &str,
        notes: &[Annotation],
    ) -> Result<SyncReport, StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(lock) = B::LOCK_SYNC {
            sqlx::query(lock).bind(article).execute(&mut *tx).await?;
        }
        let existing: Vec<AnnotationRow> = sqlx::query_as(concat!(
            "SELECT ",
            selected_columns!(),
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
        let revision = Self::bump_revision(&mut tx, article).await?;
        for note in &plan.insert {
            Self::insert(&mut tx, note, revision).await?;
        }
        for note in &plan.update {
            Self::rewrite(&mut tx, note, None, revision).await?;
        }
        for gone in &plan.delete {
            Self::remove(&mut tx, article, gone, None, revision).await?;
        }
        tx.commit().await?;
        Ok(report)
    }

    fn feed(&self) -> Option<Feed> {
        B::feed(&self.pool)
    }

    async fn annotation(&self, id: &str) -> Result<Option<Annotation>, StoreError> {
        let row: Option<AnnotationRow> = sqlx::query_as(concat!(
            "SELECT ",
            selected_columns!(),
            " FROM annotations WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(AnnotationRow::into_annotation).transpose()
    }

    async fn query(&self, query: &Query, viewer: Option<&str>) -> Result<Page, StoreError> {
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM annotations");
        Self::push_filters(&mut count, query, viewer);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;

        let mut select =
            QueryBuilder::new(concat!("SELECT ", selected_columns!(), " FROM annotations"));
        Self::push_filters(&mut select, query, viewer);
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

    async fn public_notes(
        &self,
        of: &NotesOf,
        limit: usize,
    ) -> Result<Vec<Annotation>, StoreError> {
        let mut select = QueryBuilder::new(concat!(
            "SELECT ",
            selected_columns!(),
            " FROM annotations WHERE visibility = 'public' AND group_id IS NULL AND body IS NOT NULL
             AND id NOT IN (",
            veiled!(),
            ")"
        ));
        match of {
            NotesOf::Article(slug) => {
                select.push(" AND article = ").push_bind(slug.as_str());
            }
            NotesOf::Creator(name) => {
                select.push(" AND creator = ").push_bind(name.as_str());
            }
            NotesOf::Tag(tag) => B::push_tagged(&mut select, tag),
        }
        select
            .push(" ORDER BY created DESC, id DESC LIMIT ")
            .push_bind(limit as i64);
        let rows: Vec<AnnotationRow> = select.build_query_as().fetch_all(&self.pool).await?;
        to_annotations(rows)
    }

    async fn all(&self) -> Result<Vec<Annotation>, StoreError> {
        let rows: Vec<AnnotationRow> = sqlx::query_as(concat!(
            "SELECT ",
            selected_columns!(),
            " FROM annotations ORDER BY created, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        to_annotations(rows)
    }

    async fn create(&self, annotation: &Annotation) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let revision = Self::bump_revision(&mut tx, &annotation.article).await?;
        Self::insert(&mut tx, annotation, revision).await?;
        tx.commit().await?;
        Ok(revision)
    }

    async fn update(
        &self,
        annotation: &Annotation,
        seen: Option<OffsetDateTime>,
    ) -> Result<Guarded, StoreError> {
        let mut tx = self.pool.begin().await?;
        let revision = Self::bump_revision(&mut tx, &annotation.article).await?;
        // Stale: dropping the transaction takes the bump back.
        if !Self::rewrite(&mut tx, annotation, seen, revision).await? {
            return Ok(Guarded::Stale);
        }
        tx.commit().await?;
        Ok(Guarded::Done(revision))
    }

    async fn delete(&self, id: &str, seen: Option<OffsetDateTime>) -> Result<Guarded, StoreError> {
        let mut tx = self.pool.begin_with(B::BEGIN_READ_THEN_WRITE).await?;
        // The essay first, to lock it before the annotation (see bump_revision).
        let article: Option<String> =
            sqlx::query_scalar("SELECT article FROM annotations WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(article) = article else {
            return Ok(Guarded::Stale);
        };
        let parent = Self::parent(&mut tx, id).await?;
        let revision = Self::bump_revision(&mut tx, &article).await?;
        // Stale: dropping the transaction takes the bump back.
        if !Self::remove(&mut tx, &article, id, seen, revision).await? {
            return Ok(Guarded::Stale);
        }
        Self::prune_bare_placeholders(&mut tx, &article, parent, revision).await?;
        tx.commit().await?;
        Ok(Guarded::Done(revision))
    }

    async fn revision(&self, article: &str) -> Result<i64, StoreError> {
        Self::current_revision(&self.pool, article).await
    }

    async fn changes_since(&self, article: &str, since: i64) -> Result<Changes, StoreError> {
        let mut tx = self.pool.begin_with(B::BEGIN_SNAPSHOT).await?;
        let revision = Self::current_revision(&mut *tx, article).await?;
        let written: Vec<AnnotationRow> = sqlx::query_as(concat!(
            "SELECT ",
            selected_columns!(),
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
