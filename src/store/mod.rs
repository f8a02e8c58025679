//! Where annotations live: one trait, a backend per database.

mod row;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;

use crate::annotation::Annotation;

pub use sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    #[error("unsupported database URL {0:?}: use sqlite://FILE")]
    UnsupportedUrl(String),
}

/// What loading the editors' notes changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub inserted: usize,
    pub updated: usize,
    pub deleted: usize,
    pub unchanged: usize,
}

#[async_trait]
pub trait AnnotationStore: Send + Sync + 'static {
    /// Makes the editorial annotations of `article` exactly `notes`: inserts new ones, updates
    /// changed ones (keeping their creation time), deletes ones no longer in the files.
    async fn sync_editorial(
        &self,
        article: &str,
        notes: &[Annotation],
    ) -> Result<SyncReport, StoreError>;

    /// The annotations on `article` that `viewer` may see, in text order.
    async fn annotations_for(
        &self,
        article: &str,
        viewer: Option<&str>,
    ) -> Result<Vec<Annotation>, StoreError>;

    async fn annotation(&self, id: &str) -> Result<Option<Annotation>, StoreError>;

    /// A number that changes whenever an annotation on `article` is written.
    async fn revision(&self, article: &str) -> Result<i64, StoreError>;

    /// Whether the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// Opens (and migrates) the store a URL names.
pub async fn connect(url: &str) -> Result<Arc<dyn AnnotationStore>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}
