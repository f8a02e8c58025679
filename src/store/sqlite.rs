//! The store on an embedded SQLite file.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::row::{AnnotationRow, annotation_columns};
use super::{AnnotationStore, StoreError, SyncReport};
use crate::annotation::Annotation;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens the file (creating it when missing) and applies the migrations.
    pub async fn connect(url: &str) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let pool = SqlitePoolOptions::new()
            // Each connection to an in-memory database is a database of its own.
            .max_connections(if in_memory { 1 } else { 8 })
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }
}

async fn bump_revision(tx: &mut Transaction<'_, Sqlite>, article: &str) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO article_revisions (article, revision) VALUES (?, 1)
         ON CONFLICT (article) DO UPDATE SET revision = revision + 1",
    )
    .bind(article)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert(tx: &mut Transaction<'_, Sqlite>, a: &Annotation) -> Result<(), StoreError> {
    let r = AnnotationRow::from_annotation(a);
    sqlx::query(concat!(
        "INSERT INTO annotations (",
        annotation_columns!(),
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Rewrites everything but the id, creator and creation time.
async fn update(tx: &mut Transaction<'_, Sqlite>, a: &Annotation) -> Result<(), StoreError> {
    let r = AnnotationRow::from_annotation(a);
    sqlx::query(
        "UPDATE annotations SET motivation = ?, body = ?, entity = ?, tags = ?, visibility = ?,
         reply_to = ?, exact = ?, prefix = ?, suffix = ?, pos_start = ?, pos_end = ?, modified = ?
         WHERE id = ?",
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
    .bind(r.id)
    .execute(&mut **tx)
    .await?;
    Ok(())
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
        let mut existing: HashMap<String, Annotation> = existing
            .into_iter()
            .map(|row| row.into_annotation().map(|a| (a.id.clone(), a)))
            .collect::<Result<_, _>>()?;
        let mut report = SyncReport::default();
        for note in notes {
            match existing.remove(&note.id) {
                None => {
                    insert(&mut tx, note).await?;
                    report.inserted += 1;
                }
                Some(old) if old.same_content(note) => report.unchanged += 1,
                Some(_) => {
                    update(&mut tx, note).await?;
                    report.updated += 1;
                }
            }
        }
        for gone in existing.keys() {
            sqlx::query("DELETE FROM annotations WHERE id = ?")
                .bind(gone)
                .execute(&mut *tx)
                .await?;
            report.deleted += 1;
        }
        if report.inserted + report.updated + report.deleted > 0 {
            bump_revision(&mut tx, article).await?;
        }
        tx.commit().await?;
        Ok(report)
    }

    async fn annotations_for(
        &self,
        article: &str,
        viewer: Option<&str>,
    ) -> Result<Vec<Annotation>, StoreError> {
        let rows: Vec<AnnotationRow> = sqlx::query_as(concat!(
            "SELECT ",
            annotation_columns!(),
            " FROM annotations WHERE article = ? AND (visibility = 'public' OR creator = ?)
             ORDER BY pos_start IS NULL, pos_start, created, id"
        ))
        .bind(article)
        .bind(viewer)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(AnnotationRow::into_annotation)
            .collect()
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

    async fn revision(&self, article: &str) -> Result<i64, StoreError> {
        let revision: Option<i64> =
            sqlx::query_scalar("SELECT revision FROM article_revisions WHERE article = ?")
                .bind(article)
                .fetch_optional(&self.pool)
                .await?;
        Ok(revision.unwrap_or(0))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
