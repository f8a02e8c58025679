//! Users, sessions and API tokens.
//!
//! Names compare case-insensitively (`Backend::NAMED`); sessions and tokens keep the name as
//! spelled at sign-up, so a login typed in another case still satisfies their foreign keys.
//! Statements that match a name or write a time are formatted with the database's spelling of
//! them each time they run, which is at sign-up, at sign-in, for a new API token and when the
//! app does not remember a session: never per annotation.

use async_trait::async_trait;
use sqlx::types::Json;
use sqlx::{AssertSqlSafe, Encode, Executor, FromRow, Type};
use time::OffsetDateTime;

use super::moderation::veiled;
use super::row::{
    AnnotationRow, UserRow, annotation_columns, conflict, parse_timestamp, timestamp,
    to_annotations,
};
use super::{
    AccountStore, Backend, Bind, Session, SqlStore, StoreError, TokenInfo, User, Withdrawn,
};
use crate::annotation::Annotation;

/// How many hex digits of a token's hash name it to its owner.
const TOKEN_ID_DIGITS: usize = 16;

#[async_trait]
impl<B: Backend> AccountStore for SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    for<'r> UserRow: FromRow<'r, B::Row>,
    for<'r> (String, String, String, String): FromRow<'r, B::Row>,
    for<'r> (String, String, String): FromRow<'r, B::Row>,
    for<'r> (String, String, String, Option<String>): FromRow<'r, B::Row>,
    for<'r> (String, String): FromRow<'r, B::Row>,
    for<'r> (String,): FromRow<'r, B::Row>,
    for<'r> (Option<String>,): FromRow<'r, B::Row>,
    for<'r> (i64,): FromRow<'r, B::Row>,
    for<'r> AnnotationRow: FromRow<'r, B::Row>,
    for<'a> &'a str: Bind<B>,
    for<'a> Option<&'a str>: Encode<'a, B> + Type<B>,
    for<'a> Json<&'a [String]>: Bind<B>,
    String: Bind<B>,
    i64: Bind<B>,
    Option<i64>: Bind<B>,
    bool: Bind<B>,
{
    async fn create_user(&self, user: &User) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO users (username, password_hash, role, created)
             VALUES ($1, $2, $3, $4{time})",
            time = B::TIME
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(&user.username)
            .bind(&user.password_hash)
            .bind(user.role.as_str())
            .bind(timestamp(OffsetDateTime::now_utc()))
            .execute(&self.pool)
            .await
            .map_err(|e| conflict(e, || format!("the username {:?}", user.username)))?;
        Ok(())
    }

    async fn user(&self, username: &str) -> Result<Option<User>, StoreError> {
        let sql = format!(
            "SELECT username, password_hash, role FROM users WHERE {named}",
            named = B::NAMED
        );
        let row: Option<UserRow> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        row.map(UserRow::into_user).transpose()
    }

    async fn create_session(
        &self,
        token_hash: &str,
        username: &str,
        csrf: &str,
        expires: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO sessions (username, token_hash, csrf, expires)
             VALUES ((SELECT username FROM users WHERE {named}), $2, $3, $4{time})",
            named = B::NAMED,
            time = B::TIME
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(username)
            .bind(token_hash)
            .bind(csrf)
            .bind(timestamp(expires))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        // The app's clock decides expiry, rather than the database's.
        let sql = format!(
            "SELECT u.username, u.password_hash, u.role, s.csrf FROM sessions s
             JOIN users u ON u.username = s.username
             WHERE s.token_hash = $1 AND s.expires > $2{time}",
            time = B::TIME
        );
        let row: Option<(String, String, String, String)> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(token_hash)
            .bind(timestamp(OffsetDateTime::now_utc()))
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(username, password_hash, role, csrf)| {
            let user = UserRow {
                username,
                password_hash,
                role,
            }
            .into_user()?;
            Ok(Session { user, csrf })
        })
        .transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_token(&self, token_hash: &str, username: &str) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO api_tokens (username, token_hash, created)
             VALUES ((SELECT username FROM users WHERE {named}), $2, $3{time})",
            named = B::NAMED,
            time = B::TIME
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(username)
            .bind(token_hash)
            .bind(timestamp(OffsetDateTime::now_utc()))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn token_user(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = sqlx::query_as(
            "SELECT u.username, u.password_hash, u.role FROM api_tokens t
             JOIN users u ON u.username = t.username WHERE t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(UserRow::into_user).transpose()
    }

    async fn set_password(&self, username: &str, password_hash: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2")
            .bind(password_hash)
            .bind(username)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn end_sessions(
        &self,
        username: &str,
        except: Option<&str>,
    ) -> Result<Vec<String>, StoreError> {
        let ended = sqlx::query_scalar(
            "DELETE FROM sessions WHERE username = $1 AND ($2 IS NULL OR token_hash <> $2)
             RETURNING token_hash",
        )
        .bind(username)
        .bind(except)
        .fetch_all(&self.pool)
        .await?;
        Ok(ended)
    }

    async fn revoke_tokens(
        &self,
        username: &str,
        except: Option<&str>,
    ) -> Result<Vec<String>, StoreError> {
        let revoked = sqlx::query_scalar(
            "DELETE FROM api_tokens WHERE username = $1 AND ($2 IS NULL OR token_hash <> $2)
             RETURNING token_hash",
        )
        .bind(username)
        .bind(except)
        .fetch_all(&self.pool)
        .await?;
        Ok(revoked)
    }

    async fn tokens(&self, username: &str) -> Result<Vec<TokenInfo>, StoreError> {
        let sql = format!(
            "SELECT token_hash, {created} FROM api_tokens WHERE username = $1
             ORDER BY created DESC, token_hash",
            created = B::CREATED
        );
        let rows: Vec<(String, String)> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(username)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|(hash, created)| {
                let created = parse_timestamp(&created).ok_or_else(|| {
                    StoreError::Corrupt(format!("a token's creation time {created:?}"))
                })?;
                Ok(TokenInfo {
                    id: hash[..TOKEN_ID_DIGITS.min(hash.len())].to_string(),
                    created,
                })
            })
            .collect()
    }

    async fn revoke_token(&self, username: &str, id: &str) -> Result<Option<String>, StoreError> {
        if id.len() != TOKEN_ID_DIGITS || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let revoked: Option<String> = sqlx::query_scalar(
            "DELETE FROM api_tokens WHERE username = $1 AND substr(token_hash, 1, 16) = $2
             RETURNING token_hash",
        )
        .bind(username)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(revoked)
    }

    async fn visit_account(
        &self,
        username: &str,
        at: OffsetDateTime,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let seen: Option<Option<String>> =
            sqlx::query_scalar("SELECT replies_seen FROM users WHERE username = $1")
                .bind(username)
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query("UPDATE users SET replies_seen = $1 WHERE username = $2")
            .bind(timestamp(at))
            .bind(username)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(seen.flatten().as_deref().and_then(parse_timestamp))
    }

    async fn replies_to(
        &self,
        username: &str,
        limit: usize,
    ) -> Result<Vec<Annotation>, StoreError> {
        let rows: Vec<AnnotationRow> = sqlx::query_as(concat!(
            "SELECT ",
            annotation_columns!("CAST(via AS TEXT) AS via", "CAST(tags AS TEXT) AS tags"),
            " FROM annotations WHERE visibility = 'public' AND creator <> $1 AND creator <> ''
             AND reply_to IN (SELECT id FROM annotations WHERE creator = $1)
             AND (group_id IS NULL
                  OR group_id IN (SELECT group_id FROM memberships WHERE username = $1))
             AND id NOT IN (",
            veiled!(),
            ")
             ORDER BY created DESC, id DESC LIMIT $2"
        ))
        .bind(username)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        to_annotations(rows)
    }

    async fn delete_user(&self, username: &str) -> Result<Vec<Withdrawn>, StoreError> {
        let mut tx = self.pool.begin_with(B::BEGIN_READ_THEN_WRITE).await?;
        let mut withdrawn = Self::withdraw_notes(&mut tx, username).await?;
        withdrawn.extend(Self::hand_over_groups(&mut tx, username).await?);
        // Sessions and tokens go with the user (ON DELETE CASCADE).
        sqlx::query("DELETE FROM users WHERE username = $1")
            .bind(username)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(withdrawn)
    }
}
