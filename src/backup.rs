//! `gloss backup`: a consistent copy of a live SQLite database, taken while the site serves.
//!
//! `VACUUM INTO` reads one snapshot (in WAL mode writers go on meanwhile) and writes it to a
//! new file. The copy is made beside the destination under a temporary name, checked, synced
//! and only then given the destination's name, so a backup that fails leaves nothing under it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, bail};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

/// What a backup copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub bytes: u64,
    pub annotations: i64,
    pub accounts: i64,
}

impl fmt::Display for Copied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.1} MB, {} annotations, {} accounts",
            self.bytes as f64 / 1_000_000.0,
            self.annotations,
            self.accounts
        )
    }
}

/// Copies the database `database_url` names to `out`; an existing `out` is replaced only when
/// `force` says so.
pub async fn backup(database_url: &str, out: &Path, force: bool) -> anyhow::Result<Copied> {
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        bail!(
            "gloss backup copies SQLite databases; back PostgreSQL up with pg_dump: \
             pg_dump --format=custom --file=FILE DATABASE_URL (README, \"Backups and moving \
             a site\")"
        );
    }
    if !database_url.starts_with("sqlite:") {
        bail!("unsupported database URL {database_url:?}: use sqlite://FILE");
    }
    // Never created: a mistyped path should fail, not back up a new empty database.
    let source = SqliteConnectOptions::from_str(database_url)?
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(5));
    if out.exists() {
        if !force {
            bail!(
                "{} exists already: pass --force to replace it",
                out.display()
            );
        }
        refuse_to_replace_a_live_database(source.get_filename(), out)?;
    }
    let mut db = SqliteConnection::connect_with(&source)
        .await
        .with_context(|| format!("cannot open the database {database_url}"))?;
    let partial = partial_path(out);
    let copied = copy(&mut db, &partial).await;
    db.close().await.ok();
    let finished = match copied {
        Ok(copied) => place(&partial, out, force).map(|()| copied),
        Err(err) => Err(err),
    };
    if finished.is_err() {
        // The copy never got the destination's name; what is left of it goes.
        std::fs::remove_file(&partial).ok();
    }
    finished
}

/// Replacing the database being copied, or one a server has open (its write-ahead log is
/// beside it), would lose what is written to it after: its writers keep the old file.
fn refuse_to_replace_a_live_database(source: &Path, out: &Path) -> anyhow::Result<()> {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(source, out) {
        bail!("{} is the database being backed up", out.display());
    }
    let mut wal = out.as_os_str().to_owned();
    wal.push("-wal");
    if Path::new(&wal).exists() {
        bail!(
            "{} has a write-ahead log beside it: is it a database in use? Not replaced",
            out.display()
        );
    }
    Ok(())
}

/// `out`'s temporary sibling, named after this process so two writers never share one.
pub(crate) fn partial_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// Writes the snapshot to `partial`, checks it and counts what it holds.
async fn copy(db: &mut SqliteConnection, partial: &Path) -> anyhow::Result<Copied> {
    let target = partial
        .to_str()
        .with_context(|| format!("{} is not a UTF-8 path", partial.display()))?;
    // A leftover of a backup that was killed would make VACUUM INTO refuse.
    std::fs::remove_file(partial).ok();
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&mut *db)
        .await
        .with_context(|| format!("cannot copy the database to {}", partial.display()))?;
    let options = SqliteConnectOptions::new()
        .filename(partial)
        .create_if_missing(false);
    let mut copy = SqliteConnection::connect_with(&options)
        .await
        .with_context(|| format!("cannot open the copy {}", partial.display()))?;
    let verdict: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut copy)
        .await?;
    if verdict != ["ok"] {
        bail!(
            "the copy {} fails its integrity check: {}",
            partial.display(),
            verdict.join("; ")
        );
    }
    let annotations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM annotations")
        .fetch_one(&mut copy)
        .await
        .context("the copy has no annotations table: is this Gloss's database?")?;
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut copy)
        .await
        .context("the copy has no users table: is this Gloss's database?")?;
    copy.close().await?;
    // VACUUM INTO leaves what it wrote to the operating system to flush.
    let file = std::fs::File::open(partial)?;
    file.sync_all()?;
    Ok(Copied {
        bytes: file.metadata()?.len(),
        annotations,
        accounts,
    })
}

/// Gives the checked copy `out`'s name: a rename, or without `force` a link, which fails
/// rather than replace a file made meanwhile.
fn place(partial: &Path, out: &Path, force: bool) -> anyhow::Result<()> {
    let named = if force {
        std::fs::rename(partial, out)
    } else {
        std::fs::hard_link(partial, out).and_then(|()| std::fs::remove_file(partial))
    };
    named.with_context(|| format!("cannot write {}", out.display()))?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The new name is durable once its folder is.
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}
