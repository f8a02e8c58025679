//! Users, sessions and API tokens in PostgreSQL.
//!
//! Names are compared with lower() on both sides, which the unique index on lower(username)
//! serves; sessions and tokens store the name as the user spelled it at sign-up, so a login
//! typed in another case still satisfies the foreign key.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::PostgresStore;
use crate::store::row::{UserRow, conflict, timestamp};
use crate::store::{AccountStore, Session, StoreError, User};

#[async_trait]
impl AccountStore for PostgresStore {
    async fn create_user(&self, user: &User) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO users (username, password_hash, role, created)
             VALUES ($1, $2, $3, $4::timestamptz)",
        )
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
        let row: Option<UserRow> = sqlx::query_as(
            "SELECT username, password_hash, role FROM users WHERE lower(username) = lower($1)",
        )
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
        sqlx::query(
            "INSERT INTO sessions (token_hash, username, csrf, expires)
             VALUES ($1, (SELECT username FROM users WHERE lower(username) = lower($2)), $3,
                     $4::timestamptz)",
        )
        .bind(token_hash)
        .bind(username)
        .bind(csrf)
        .bind(timestamp(expires))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        // The app's clock decides expiry, as on SQLite, rather than the server's now().
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT u.username, u.password_hash, u.role, s.csrf FROM sessions s
             JOIN users u ON u.username = s.username
             WHERE s.token_hash = $1 AND s.expires > $2::timestamptz",
        )
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
        sqlx::query(
            "INSERT INTO api_tokens (token_hash, username, created)
             VALUES ($1, (SELECT username FROM users WHERE lower(username) = lower($2)),
                     $3::timestamptz)",
        )
        .bind(token_hash)
        .bind(username)
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
