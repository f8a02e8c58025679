//! Users, sessions and API tokens.
//!
//! Names compare case-insensitively (`Backend::NAMED`); sessions and tokens keep the name as
//! spelled at sign-up, so a login typed in another case still satisfies their foreign keys.
//! Statements that match a name or write a time are formatted with the database's spelling of
//! them each time they run, which is at sign-up, at sign-in, for a new API token and when the
//! app does not remember a session: never per annotation.

use async_trait::async_trait;
use sqlx::{AssertSqlSafe, Executor, FromRow};
use time::OffsetDateTime;

use super::row::{UserRow, conflict, timestamp};
use super::{AccountStore, Backend, Bind, Session, SqlStore, StoreError, User};

#[async_trait]
impl<B: Backend> AccountStore for SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    for<'r> UserRow: FromRow<'r, B::Row>,
    for<'r> (String, String, String, String): FromRow<'r, B::Row>,
    for<'a> &'a str: Bind<B>,
    String: Bind<B>,
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
}
