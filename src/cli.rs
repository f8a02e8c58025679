//! The operator's commands beside serving: accounts, export and import (Gloss's own
//! collections and Hypothesis's annotations).

use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::accounts::{check_password, check_username, hash_password, new_token};
use crate::annotation::jsonld::{self, CONTEXT, DraftTarget, Urls};
use crate::annotation::{Annotation, Target, TextPosition, TextTarget};
use crate::import::{UNCLAIMED, hypothesis};
use crate::library::Library;
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

/// Every annotation as one AnnotationCollection whose first page holds them all.
pub async fn export(
    database_url: &str,
    public_url: &str,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    let store = open(database_url).await?;
    let urls = Urls {
        base: public_url.trim_end_matches('/').to_string(),
    };
    let items: Vec<Value> = store
        .all()
        .await?
        .iter()
        .map(|a| {
            let mut item = jsonld::to_jsonld(a, &urls);
            // The moderators' hide, which the API never shows, is kept for a restore.
            if a.hidden {
                item["hidden"] = json!(true);
            }
            item
        })
        .collect();
    let id = format!("{}/annotations/", urls.base);
    let collection = json!({
        "@context": CONTEXT,
        "id": id,
        "type": "AnnotationCollection",
        "label": "Every annotation in Gloss",
        "total": items.len(),
        "first": {
            "id": format!("{id}?page=0"),
            "type": "AnnotationPage",
            "partOf": id,
            "startIndex": 0,
            "items": items,
        },
    });
    let text = serde_json::to_string_pretty(&collection)?;
    match out {
        Some(path) => std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => writeln!(std::io::stdout(), "{text}")?,
    }
    Ok(())
}

/// Reads an exported collection, keeping ids, creators and times; skips ids already present.
pub async fn import(database_url: &str, file: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let value: Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))?;
    let items = value
        .pointer("/first/items")
        .or_else(|| value.get("items"))
        .or(Some(&value))
        .and_then(Value::as_array)
        .with_context(|| format!("{}: expected an AnnotationCollection", file.display()))?;
    let mut annotations = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let annotation = from_export(item, &annotations)
            .map_err(|e| anyhow::anyhow!("{}: item {}: {e}", file.display(), i + 1))?;
        annotations.push(annotation);
    }
    annotations.sort_by_key(|a| (a.created, matches!(a.target, Target::Reply(_))));
    let store = open(database_url).await?;
    let (mut imported, mut skipped) = (0, 0);
    for annotation in &annotations {
        match store.create(annotation).await {
            Ok(_) => imported += 1,
            Err(StoreError::Conflict(_)) => skipped += 1,
            Err(err) => return Err(err).with_context(|| format!("importing {}", annotation.id)),
        }
    }
    println!("imported {imported} annotations, skipped {skipped} already present");
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

fn from_export(item: &Value, earlier: &[Annotation]) -> Result<Annotation, String> {
    let draft = jsonld::from_jsonld(item)?;
    let p = jsonld::provenance(item)?;
    let essay = |path: &str| {
        path.strip_prefix("/articles/")
            .map(str::to_string)
            .ok_or(format!("target {path:?} is not an essay"))
    };
    let (article, target) = match draft.target {
        DraftTarget::Page { path } => (essay(&path)?, Target::Page),
        DraftTarget::Text {
            path,
            quote,
            position,
        } => {
            let slug = essay(&path)?;
            let quote = quote.ok_or("an imported annotation needs its TextQuoteSelector")?;
            let position = position.unwrap_or(TextPosition { start: 0, end: 0 });
            (slug, Target::Text(TextTarget { quote, position }))
        }
        DraftTarget::Reply(parent) => {
            let article = earlier
                .iter()
                .find(|a| a.id == parent)
                .map(|a| a.article.clone())
                .ok_or(format!(
                    "reply to {parent}, which comes later or not at all"
                ))?;
            (article, Target::Reply(parent))
        }
    };
    Ok(Annotation {
        id: p.id,
        identities: draft.identities,
        article,
        creator: p.creator,
        editorial: p.editorial,
        motivation: draft.motivation,
        body: draft.body,
        entity: draft.entity,
        tags: draft.tags,
        visibility: draft.visibility,
        group: draft.audience,
        target,
        hidden: item.get("hidden") == Some(&Value::Bool(true)),
        created: p.created,
        modified: p.modified,
    })
}
