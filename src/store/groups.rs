//! Groups, their members, and what goes with a group: its notes, each through the change feed
//! as a normal delete.

use async_trait::async_trait;
use sqlx::types::Json;
use sqlx::{Encode, Executor, FromRow, Type};
use time::OffsetDateTime;

use super::moderation::veiled;
use super::row::{
    AnnotationRow, GroupRow, annotation_columns, conflict, timestamp, to_annotations,
};
use super::{Backend, Bind, Group, GroupStore, Member, SqlStore, StoreError, Withdrawn};
use crate::annotation::Annotation;

/// The group columns in `GroupRow` order.
const GROUP_COLUMNS: &str = "g.id, g.name, g.description, g.creator, g.invite, g.created";

impl<B: Backend> SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    for<'r> (i64,): FromRow<'r, B::Row>,
    for<'r> (String,): FromRow<'r, B::Row>,
    for<'r> (String, String): FromRow<'r, B::Row>,
    for<'a> &'a str: Bind<B>,
    for<'a> Option<&'a str>: Encode<'a, B> + Type<B>,
    for<'a> Json<&'a [String]>: Bind<B>,
    i64: Bind<B>,
    Option<i64>: Bind<B>,
    bool: Bind<B>,
{
    /// Deletes every note of group `id`, in the transaction `tx`: one revision per essay, a
    /// tombstone per note, so cached pages and live readers drop them as any delete.
    pub(super) async fn withdraw_group_notes(
        tx: &mut B::Connection,
        id: &str,
    ) -> Result<Vec<Withdrawn>, StoreError> {
        // Parents before their replies, so a reply deleted with its parent is passed over.
        let notes: Vec<(String, String)> = sqlx::query_as(
            "SELECT article, id FROM annotations WHERE group_id = $1
             ORDER BY article, reply_to IS NOT NULL, created, id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let mut withdrawn = Vec::with_capacity(notes.len());
        let mut essay: Option<(String, i64)> = None;
        for (article, note) in notes {
            let revision = match &essay {
                Some((slug, revision)) if *slug == article => *revision,
                _ => {
                    let revision = Self::bump_revision(tx, &article).await?;
                    essay = Some((article.clone(), revision));
                    revision
                }
            };
            if Self::remove(tx, &article, &note, None, revision).await? {
                withdrawn.push(Withdrawn {
                    article,
                    id: note,
                    revision,
                    public: false,
                    group: Some(id.to_string()),
                    placeholder: false,
                });
            }
        }
        Ok(withdrawn)
    }

    /// Deletes the group and its memberships, its notes first, in the transaction `tx`.
    pub(super) async fn remove_group(
        tx: &mut B::Connection,
        id: &str,
    ) -> Result<Vec<Withdrawn>, StoreError> {
        let withdrawn = Self::withdraw_group_notes(tx, id).await?;
        // Memberships go with the group (ON DELETE CASCADE).
        sqlx::query("DELETE FROM groups WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Ok(withdrawn)
    }

    /// What becomes of the groups `username` created as their account goes, in the
    /// transaction `tx`: each passes to its longest-standing other member, or goes with its
    /// notes when it has none. Their memberships go too.
    pub(super) async fn hand_over_groups(
        tx: &mut B::Connection,
        username: &str,
    ) -> Result<Vec<Withdrawn>, StoreError> {
        let created: Vec<String> =
            sqlx::query_scalar("SELECT id FROM groups WHERE creator = $1 ORDER BY id")
                .bind(username)
                .fetch_all(&mut *tx)
                .await?;
        let mut withdrawn = Vec::new();
        for id in created {
            let heir: Option<String> = sqlx::query_scalar(
                "SELECT username FROM memberships WHERE group_id = $1 AND username <> $2
                 ORDER BY joined, username LIMIT 1",
            )
            .bind(id.as_str())
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?;
            match heir {
                Some(heir) => {
                    sqlx::query("UPDATE groups SET creator = $1 WHERE id = $2")
                        .bind(heir.as_str())
                        .bind(id.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
                None => withdrawn.extend(Self::remove_group(tx, &id).await?),
            }
        }
        sqlx::query("DELETE FROM memberships WHERE username = $1")
            .bind(username)
            .execute(&mut *tx)
            .await?;
        Ok(withdrawn)
    }
}

#[async_trait]
impl<B: Backend> GroupStore for SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    for<'r> GroupRow: FromRow<'r, B::Row>,
    for<'r> AnnotationRow: FromRow<'r, B::Row>,
    for<'r> (i64,): FromRow<'r, B::Row>,
    for<'r> (String,): FromRow<'r, B::Row>,
    for<'r> (String, String): FromRow<'r, B::Row>,
    for<'a> &'a str: Bind<B>,
    for<'a> Option<&'a str>: Encode<'a, B> + Type<B>,
    for<'a> Json<&'a [String]>: Bind<B>,
    String: Bind<B>,
    i64: Bind<B>,
    Option<i64>: Bind<B>,
    bool: Bind<B>,
{
    async fn create_group(&self, group: &Group) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let created = timestamp(group.created);
        sqlx::query(
            "INSERT INTO groups (id, name, description, creator, invite, created)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(group.id.as_str())
        .bind(group.name.as_str())
        .bind(group.description.as_str())
        .bind(group.creator.as_str())
        .bind(group.invite.as_str())
        .bind(created.as_str())
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict(e, || format!("the group {}", group.id)))?;
        sqlx::query("INSERT INTO memberships (group_id, username, joined) VALUES ($1, $2, $3)")
            .bind(group.id.as_str())
            .bind(group.creator.as_str())
            .bind(created.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn group(&self, id: &str) -> Result<Option<Group>, StoreError> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.id = $1");
        let row: Option<GroupRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(GroupRow::into_group).transpose()
    }

    async fn groups_of(&self, username: &str) -> Result<Vec<Group>, StoreError> {
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM groups g
             JOIN memberships m ON m.group_id = g.id
             WHERE m.username = $1 ORDER BY g.name, g.id"
        );
        let rows: Vec<GroupRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(username)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(GroupRow::into_group).collect()
    }

    async fn members(&self, id: &str) -> Result<Vec<Member>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT username, joined FROM memberships WHERE group_id = $1
             ORDER BY joined, username",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(username, joined)| {
                let joined = super::row::parse_timestamp(&joined).ok_or_else(|| {
                    StoreError::Corrupt(format!("membership of {username} in {id}: joined"))
                })?;
                Ok(Member { username, joined })
            })
            .collect()
    }

    async fn is_member(&self, id: &str, username: &str) -> Result<bool, StoreError> {
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships WHERE group_id = $1 AND username = $2",
        )
        .bind(id)
        .bind(username)
        .fetch_one(&self.pool)
        .await?;
        Ok(found > 0)
    }

    async fn join(&self, id: &str, invite: &str, username: &str) -> Result<bool, StoreError> {
        let joined = timestamp(OffsetDateTime::now_utc());
        // Joining twice keeps the first time, which decides who inherits the group.
        let result = sqlx::query(
            "INSERT INTO memberships (group_id, username, joined)
             SELECT id, $3, $4 FROM groups WHERE id = $1 AND invite = $2
             ON CONFLICT (group_id, username) DO NOTHING",
        )
        .bind(id)
        .bind(invite)
        .bind(username)
        .bind(joined.as_str())
        .execute(&self.pool)
        .await?;
        if B::rows_affected(&result) == 1 {
            return Ok(true);
        }
        let valid: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM groups WHERE id = $1 AND invite = $2")
                .bind(id)
                .bind(invite)
                .fetch_one(&self.pool)
                .await?;
        Ok(valid > 0)
    }

    async fn leave(&self, id: &str, username: &str) -> Result<bool, StoreError> {
        let result = sqlx::query("DELETE FROM memberships WHERE group_id = $1 AND username = $2")
            .bind(id)
            .bind(username)
            .execute(&self.pool)
            .await?;
        Ok(B::rows_affected(&result) == 1)
    }

    async fn describe_group(
        &self,
        id: &str,
        name: &str,
        description: &str,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE groups SET name = $1, description = $2 WHERE id = $3")
            .bind(name)
            .bind(description)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(B::rows_affected(&result) == 1)
    }

    async fn delete_group(&self, id: &str) -> Result<Vec<Withdrawn>, StoreError> {
        let mut tx = self.pool.begin_with(B::BEGIN_READ_THEN_WRITE).await?;
        let withdrawn = Self::remove_group(&mut tx, id).await?;
        tx.commit().await?;
        Ok(withdrawn)
    }

    async fn group_notes(&self, id: &str, limit: usize) -> Result<Vec<Annotation>, StoreError> {
        let rows: Vec<AnnotationRow> = sqlx::query_as(concat!(
            "SELECT ",
            annotation_columns!("CAST(via AS TEXT) AS via", "CAST(tags AS TEXT) AS tags"),
            " FROM annotations WHERE group_id = $1 AND creator <> ''
             AND id NOT IN (",
            veiled!(),
            ")
             ORDER BY created DESC, id DESC LIMIT $2"
        ))
        .bind(id)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        to_annotations(rows)
    }

    async fn group_note_count(&self, id: &str) -> Result<usize, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM annotations WHERE group_id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        Ok(count as usize)
    }

    async fn created_group_of(&self, annotation: &str, username: &str) -> Result<bool, StoreError> {
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM annotations a JOIN groups g ON g.id = a.group_id
             WHERE a.id = $1 AND g.creator = $2",
        )
        .bind(annotation)
        .bind(username)
        .fetch_one(&self.pool)
        .await?;
        Ok(found > 0)
    }
}
