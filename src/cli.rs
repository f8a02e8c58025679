//! The operator's commands beside serving: accounts, backups, export and import (a whole
//! site, or Hypothesis's annotations).

use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use anyhow::{Context, bail};
use serde_json::Value;

use crate::accounts::{check_password, check_username, hash_password, new_token};
use crate::annotation::jsonld::Urls;
use crate::import::{UNCLAIMED, hypothesis};
use crate::library::Library;
use crate::site;
use crate::store::{self, Role, Store, StoreError, User};

async fn open(database_url: &str) -> anyhow::Result<std::sync::Arc<dyn Store>> {
    store::connect(database_url)
        .await
        .with_context(|| format!("cannot open the database {database_url}"))
}

/// The first line piped in, or a new password when nothing is (and so it must be printed).
fn password_from_stdin() -> anyhow::Result<(String, bool)> {
    if std::io::stdin().is_terminal() {
        return Ok((new_token()[..24].to_string(), true));
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    Ok((input.lines().next().unwrap_or("").to_string(), false))
}

/// Creates an account; prints the generated password when none was piped in.
pub async fn add_user(name: &str, editor: bool, database_url: &str) -> anyhow::Result<()> {
    let (password, generated) = password_from_stdin()?;
    check_username(name).map_err(|e| anyhow::anyhow!("{e}"))?;
    check_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let role = if editor { Role::Editor } else { Role::Reader };
    let user = User {
        username: name.to_string(),
        role,
        password_hash: hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    let store = open(database_url).await?;
    match store.create_user(&user).await {
        Err(StoreError::Conflict(_)) => bail!("the username {name:?} is taken"),
        other => other?,
    }
    println!("created {} {name}", role.as_str());
    if generated {
        println!("password: {password}");
    }
    Ok(())
}

/// Gives an account an import made its first password. An account that has one is its
/// owner's already and is refused, so claiming cannot take an account over.
pub async fn claim_user(name: &str, database_url: &str) -> anyhow::Result<()> {
    let (password, generated) = password_from_stdin()?;
    check_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let store = open(database_url).await?;
    let user = store
        .user(name)
        .await?
        .with_context(|| format!("there is no account {name:?}"))?;
    if user.password_hash != UNCLAIMED {
        bail!("the account {name:?} has a password already: only imported accounts are claimed");
    }
    let hash = hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    store.set_password(&user.username, &hash).await?;
    println!("claimed {}", user.username);
    if generated {
        println!("password: {password}");
    }
    Ok(())
}

/// Every annotation and the site's other records (see `site`), as one AnnotationCollection.
pub async fn export(
    database_url: &str,
    public_url: &str,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    let store = open(database_url).await?;
    let urls = Urls {
        base: public_url.trim_end_matches('/').to_string(),
    };
    let collection = site::export(store.as_ref(), &urls).await?;
    let text = serde_json::to_string_pretty(&collection)? + "\n";
    match out {
        Some(path) => write_whole(path, &text)?,
        None => write!(std::io::stdout(), "{text}")?,
    }
    Ok(())
}

/// Writes `text` to a temporary sibling of `path` and renames it into place, so a failed
/// write never leaves half a file under `path`.
fn write_whole(path: &Path, text: &str) -> anyhow::Result<()> {
    let partial = crate::backup::partial_path(path);
    let written = std::fs::write(&partial, text).and_then(|()| std::fs::rename(&partial, path));
    if written.is_err() {
        std::fs::remove_file(&partial).ok();
    }
    written.with_context(|| format!("cannot write {}", path.display()))
}

/// Reads an export back, keeping ids, names, hashes and times; skips what is present already
/// and says, kind by kind, what it wrote.
pub async fn import(database_url: &str, file: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let value: Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))?;
    let in_file = |e: anyhow::Error| anyhow::anyhow!("{}: {e:#}", file.display());
    // Read whole before the database is opened: a bad file changes nothing.
    let site = site::read(&value).map_err(in_file)?;
    let store = open(database_url).await?;
    let report = site::import(store.as_ref(), &site).await.map_err(in_file)?;
    print!("{report}");
    Ok(())
}

/// Copies a live SQLite database to `out` (see `backup`) and says what it copied.
pub async fn backup(database_url: &str, out: &Path, force: bool) -> anyhow::Result<()> {
    let copied = crate::backup::backup(database_url, out, force).await?;
    println!("backed up {database_url} to {}: {copied}", out.display());
    Ok(())
}

/// Reads Hypothesis's annotations of the essay `slug` and prints what became of each.
pub async fn import_hypothesis(
    database_url: &str,
    articles: &Path,
    slug: &str,
    file: &Path,
) -> anyhow::Result<()> {
    let library = Library::load(articles)?;
    let article = library
        .article(slug)
        .with_context(|| format!("there is no essay {slug:?} in {}", articles.display()))?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let value: Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))?;
    let store = open(database_url).await?;
    let report = hypothesis::import(store.as_ref(), article, &value)
        .await
        .with_context(|| format!("importing {}", file.display()))?;
    print!("{report}");
    Ok(())
}
