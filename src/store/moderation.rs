//! Moderation: readers' flags on public notes, the editors' hiding of notes, and the record
//! of every hide and unhide.

use async_trait::async_trait;
use sqlx::types::Json;
use sqlx::{Encode, Executor, FromRow, QueryBuilder, Type};
use time::OffsetDateTime;

use super::row::{
    AnnotationRow, annotation_columns, conflict, parse_timestamp, timestamp, to_annotations,
};
use super::{
    Backend, Bind, Flag, Flagged, Moderated, Moderation, ModerationStore, SqlStore, StoreError,
};

/// The ids of every hidden annotation and every reply under one, as a subquery: what only
/// their creators may see. Hidden notes are few, and an index lists them.
macro_rules! veiled {
    () => {
        "WITH RECURSIVE veiled (id) AS (
            SELECT id FROM annotations WHERE hidden
            UNION SELECT a.id FROM annotations AS a JOIN veiled ON a.reply_to = veiled.id
        ) SELECT id FROM veiled"
    };
}
pub(crate) use veiled;

#[derive(Debug, FromRow)]
pub(super) struct FlagRow {
    pub annotation: String,
    pub flagger: String,
    pub reason: String,
    pub created: String,
}

#[derive(Debug, FromRow)]
pub(super) struct ModerationRow {
    pub annotation: String,
    pub moderator: String,
    pub hidden: bool,
    pub at: String,
}

pub(super) fn stored_time(what: &str, at: &str) -> Result<OffsetDateTime, StoreError> {
    parse_timestamp(at).ok_or_else(|| StoreError::Corrupt(format!("{what}: time {at:?}")))
}

#[async_trait]
impl<B: Backend> ModerationStore for SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    for<'r> AnnotationRow: FromRow<'r, B::Row>,
    for<'r> FlagRow: FromRow<'r, B::Row>,
    for<'r> ModerationRow: FromRow<'r, B::Row>,
    for<'r> (String, bool): FromRow<'r, B::Row>,
    for<'r> (i64,): FromRow<'r, B::Row>,
    for<'r> (String,): FromRow<'r, B::Row>,
    for<'a> &'a str: Bind<B>,
    for<'a> Option<&'a str>: Encode<'a, B> + Type<B>,
    for<'a> Json<&'a [String]>: Bind<B>,
    i64: Bind<B>,
    Option<i64>: Bind<B>,
    bool: Bind<B>,
{
    async fn flag(&self, flag: &Flag) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO annotation_flags (annotation, flagger, reason, created)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(flag.annotation.as_str())
        .bind(flag.flagger.as_str())
        .bind(flag.reason.as_str())
        .bind(timestamp(flag.created).as_str())
        .execute(&self.pool)
        .await
        .map_err(|e| {
            conflict(e, || {
                format!("a flag by {} on {}", flag.flagger, flag.annotation)
            })
        })?;
        Ok(())
    }

    async fn set_hidden(
        &self,
        id: &str,
        hidden: bool,
        moderator: &str,
        at: OffsetDateTime,
    ) -> Result<Moderated, StoreError> {
        let mut tx = self.pool.begin_with(B::BEGIN_READ_THEN_WRITE).await?;
        let found: Option<(String, bool)> =
            sqlx::query_as("SELECT article, hidden FROM annotations WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let article = match found {
            None => return Ok(Moderated::Missing),
            Some((_, was)) if was == hidden => return Ok(Moderated::Already),
            Some((article, _)) => article,
        };
        // A hide is a change like an edit: the essay's next revision carries it to every
        // page and live reader.
        let revision = Self::bump_revision(&mut tx, &article).await?;
        sqlx::query("UPDATE annotations SET hidden = $1, revision = $2 WHERE id = $3")
            .bind(hidden)
            .bind(revision)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO annotation_moderations (annotation, moderator, hidden, at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(moderator)
        .bind(hidden)
        .bind(timestamp(at).as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Moderated::Done(revision))
    }

    async fn moderation_queue(&self, limit: usize) -> Result<Vec<Flagged>, StoreError> {
        let rows: Vec<AnnotationRow> = sqlx::query_as(concat!(
            "SELECT ",
            annotation_columns!("CAST(via AS TEXT) AS via", "CAST(tags AS TEXT) AS tags"),
            " FROM annotations LEFT JOIN (
                SELECT annotation, COUNT(*) AS flags, MAX(created) AS latest
                FROM annotation_flags GROUP BY annotation
             ) AS f ON f.annotation = annotations.id
             WHERE creator <> '' AND (hidden OR f.flags IS NOT NULL)
             ORDER BY COALESCE(f.flags, 0) DESC, COALESCE(f.latest, '') DESC, id
             LIMIT $1"
        ))
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        let notes = to_annotations(rows)?;
        if notes.is_empty() {
            return Ok(Vec::new());
        }
        let of_notes = |select: &str, order: &str| {
            let mut sql = QueryBuilder::<B>::new(select);
            sql.push(" WHERE annotation IN (");
            let mut ids = sql.separated(", ");
            for note in &notes {
                ids.push_bind(note.id.as_str());
            }
            sql.push(") ORDER BY ").push(order);
            sql
        };
        let mut flags = of_notes(
            "SELECT annotation, flagger, reason, created FROM annotation_flags",
            "created, flagger",
        );
        let flags: Vec<FlagRow> = flags.build_query_as().fetch_all(&self.pool).await?;
        let mut moderations = of_notes(
            "SELECT annotation, moderator, hidden, at FROM annotation_moderations",
            "seq",
        );
        let moderations: Vec<ModerationRow> =
            moderations.build_query_as().fetch_all(&self.pool).await?;
        let mut queue: Vec<Flagged> = notes
            .into_iter()
            .map(|annotation| Flagged {
                annotation,
                flags: Vec::new(),
                moderations: Vec::new(),
            })
            .collect();
        let position = |queue: &[Flagged], id: &str| {
            queue
                .iter()
                .position(|f| f.annotation.id == id)
                .ok_or_else(|| StoreError::Corrupt(format!("a moderation of unlisted {id}")))
        };
        for row in flags {
            let at = position(&queue, &row.annotation)?;
            queue[at].flags.push(Flag {
                created: stored_time("flag", &row.created)?,
                annotation: row.annotation,
                flagger: row.flagger,
                reason: row.reason,
            });
        }
        for row in moderations {
            let at = position(&queue, &row.annotation)?;
            queue[at].moderations.push(Moderation {
                at: stored_time("moderation", &row.at)?,
                moderator: row.moderator,
                hidden: row.hidden,
            });
        }
        Ok(queue)
    }
}
