//! Which store errors mean the database is away for now (a server restarting, a disk full or
//! read-only), rather than a request the database refused or a fault in Gloss: those are
//! answered 503 with a time to retry, and nothing was written.

use sqlx::error::DatabaseError;

use super::StoreError;

/// SQLite's primary result codes for a database that cannot be reached or written now: busy
/// past the timeout, locked, read-only, a failed read or write, full, cannot be opened.
const SQLITE_AWAY: [i32; 6] = [5, 6, 8, 10, 13, 14];

/// PostgreSQL's SQLSTATEs for the same: a server shutting down, starting or in recovery,
/// out of disk, memory or connections, or a read-only standby. Class 08 (connection
/// exceptions) is matched as a class.
const POSTGRES_AWAY: [&str; 7] = [
    "57P01", "57P02", "57P03", "53100", "53200", "53300", "25006",
];

impl StoreError {
    /// Whether the database is unavailable for the moment, so the same request may succeed
    /// when retried later.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(err) => sqlx_unavailable(err),
            StoreError::Migration(_)
            | StoreError::Corrupt(_)
            | StoreError::Conflict(_)
            | StoreError::UnsupportedUrl(_) => false,
        }
    }
}

fn sqlx_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(err) => database_unavailable(err.as_ref()),
        _ => false,
    }
}

fn database_unavailable(err: &dyn DatabaseError) -> bool {
    let Some(code) = err.code() else {
        return false;
    };
    if err
        .try_downcast_ref::<sqlx::sqlite::SqliteError>()
        .is_some()
    {
        // Extended codes keep the primary code in their low byte.
        return code
            .parse::<i32>()
            .is_ok_and(|code| SQLITE_AWAY.contains(&(code & 0xff)));
    }
    code.starts_with("08") || POSTGRES_AWAY.contains(&code.as_ref())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

    use super::*;

    #[test]
    fn a_lost_connection_is_unavailability_and_a_missing_row_is_not() {
        let lost = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert!(StoreError::Database(sqlx::Error::Io(lost)).is_unavailable());
        assert!(StoreError::Database(sqlx::Error::PoolTimedOut).is_unavailable());
        assert!(!StoreError::Database(sqlx::Error::RowNotFound).is_unavailable());
        assert!(!StoreError::Conflict("an annotation".into()).is_unavailable());
    }

    #[tokio::test]
    async fn writing_a_read_only_sqlite_file_is_unavailability_and_bad_sql_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gloss.db");
        let url = format!("sqlite://{}", path.display());
        let writable = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .connect_with(writable)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE notes (body TEXT)")
            .execute(&pool)
            .await
            .unwrap();
        let bad = sqlx::query("SELECT nothing FROM nowhere")
            .execute(&pool)
            .await
            .unwrap_err();
        assert!(!StoreError::Database(bad).is_unavailable());

        let read_only = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .read_only(true);
        let pool = SqlitePoolOptions::new()
            .connect_with(read_only)
            .await
            .unwrap();
        let refused = sqlx::query("INSERT INTO notes VALUES ('a note')")
            .execute(&pool)
            .await
            .unwrap_err();
        assert!(StoreError::Database(refused).is_unavailable());
    }
}
