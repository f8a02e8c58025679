//! What goes with a deleted account: its notes, each through the change feed as a normal
//! delete, except those other readers replied to, which stay as placeholders.

use sqlx::types::Json;
use sqlx::{Encode, Executor, FromRow, Type};
use time::OffsetDateTime;

use super::row::timestamp;
use super::{Backend, Bind, SqlStore, StoreError, Withdrawn};

impl<B: Backend> SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    for<'r> (i64,): FromRow<'r, B::Row>,
    for<'r> (String,): FromRow<'r, B::Row>,
    for<'r> (String, String, String, Option<String>): FromRow<'r, B::Row>,
    for<'a> &'a str: Bind<B>,
    for<'a> Option<&'a str>: Encode<'a, B> + Type<B>,
    for<'a> Json<&'a [String]>: Bind<B>,
    i64: Bind<B>,
    Option<i64>: Bind<B>,
    bool: Bind<B>,
{
    /// Takes every note of `username` off its essay, in the transaction `tx`: one revision per
    /// essay, a tombstone per note deleted, a placeholder per note others replied to.
    pub(super) async fn withdraw_notes(
        tx: &mut B::Connection,
        username: &str,
    ) -> Result<Vec<Withdrawn>, StoreError> {
        // Parents before their replies, so a reply deleted with its parent is passed over.
        let notes: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT article, id, visibility, group_id FROM annotations WHERE creator = $1
             ORDER BY article, reply_to IS NOT NULL, created, id",
        )
        .bind(username)
        .fetch_all(&mut *tx)
        .await?;
        let mut withdrawn = Vec::with_capacity(notes.len());
        let mut essay: Option<(String, i64)> = None;
        for (article, id, visibility, group) in notes {
            let revision = match &essay {
                Some((slug, revision)) if *slug == article => *revision,
                _ => {
                    let revision = Self::bump_revision(tx, &article).await?;
                    essay = Some((article.clone(), revision));
                    revision
                }
            };
            let placeholder = Self::others_replied(tx, &id, username).await?;
            let gone = if placeholder {
                Self::blank(tx, &id, revision).await?;
                true
            } else {
                Self::remove(tx, &article, &id, None, revision).await?
            };
            if gone {
                withdrawn.push(Withdrawn {
                    article,
                    id,
                    revision,
                    public: visibility == "public" && group.is_none(),
                    group,
                    placeholder,
                });
            }
        }
        Ok(withdrawn)
    }

    /// Whether anyone but `username` wrote in the thread under `id`.
    async fn others_replied(
        tx: &mut B::Connection,
        id: &str,
        username: &str,
    ) -> Result<bool, StoreError> {
        let others: i64 = sqlx::query_scalar(
            "WITH RECURSIVE tree (id) AS (
                SELECT id FROM annotations WHERE reply_to = $1
                UNION SELECT a.id FROM annotations AS a JOIN tree ON a.reply_to = tree.id
            ) SELECT COUNT(*) FROM annotations
              WHERE id IN (SELECT id FROM tree) AND creator <> $2",
        )
        .bind(id)
        .bind(username)
        .fetch_one(&mut *tx)
        .await?;
        Ok(others > 0)
    }

    /// Leaves of a note only its place: no creator, words, tags, entity or other identities,
    /// and no flags or record of its moderation, which went with its words.
    async fn blank(tx: &mut B::Connection, id: &str, revision: i64) -> Result<(), StoreError> {
        for moderation in [
            "DELETE FROM annotation_flags WHERE annotation = $1",
            "DELETE FROM annotation_moderations WHERE annotation = $1",
        ] {
            sqlx::query(moderation).bind(id).execute(&mut *tx).await?;
        }
        sqlx::query(
            "UPDATE annotations SET creator = '', body = NULL, entity = NULL, tags = '[]',
             canonical = NULL, via = '[]', modified = $1, revision = $2 WHERE id = $3",
        )
        .bind(timestamp(OffsetDateTime::now_utc()).as_str())
        .bind(revision)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}
