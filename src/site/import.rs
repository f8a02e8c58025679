//! Reading an export back into a database: the whole file is read and checked first, so a bad
//! item stops the import before anything is written; then each kind is written in the order
//! their references need (accounts, groups and members, annotations, shares, flags), and what
//! is present already is passed over, so importing twice adds nothing.

use std::fmt;

use anyhow::{Context, anyhow, bail};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::records::{
    AccountRecord, FlagRecord, GroupRecord, ModerationEntry, ShareRecord, TokenRecord, VERSION,
};
use crate::annotation::jsonld::{self, DraftTarget};
use crate::annotation::{Annotation, Target, TextPosition, TextTarget};
use crate::store::{
    Account, ApiToken, Flag, Group, Membership, ModerationRecord, Share, Store, StoreError,
};

/// How many of one kind were written, and how many were there already.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    pub imported: usize,
    pub present: usize,
}

/// What an import wrote, kind by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub accounts: Count,
    pub api_tokens: Count,
    pub groups: Count,
    pub memberships: Count,
    pub annotations: Count,
    pub shares: Count,
    pub flags: Count,
    pub moderations: Count,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds = [
            ("accounts", self.accounts),
            ("API tokens", self.api_tokens),
            ("groups", self.groups),
            ("group memberships", self.memberships),
            ("annotations", self.annotations),
            ("share links", self.shares),
            ("flags", self.flags),
            ("moderation records", self.moderations),
        ];
        for (kind, count) in kinds {
            writeln!(
                f,
                "imported {} {kind}, skipped {} already present",
                count.imported, count.present
            )?;
        }
        Ok(())
    }
}

/// Everything an export holds, read and checked, each with its place in the file.
#[derive(Default)]
pub struct Site {
    accounts: Vec<(String, Account)>,
    tokens: Vec<(String, ApiToken)>,
    groups: Vec<(String, Group)>,
    memberships: Vec<(String, Membership)>,
    annotations: Vec<(String, Annotation)>,
    shares: Vec<(String, Share)>,
    flags: Vec<(String, Flag)>,
    moderations: Vec<(String, ModerationRecord)>,
}

/// Writes what an export held into `store`, skipping what is there already.
pub async fn import(store: &dyn Store, site: &Site) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let conflict_is_present = |result: Result<(), StoreError>| match result {
        Ok(()) => Ok(true),
        Err(StoreError::Conflict(_)) => Ok(false),
        Err(err) => Err(err),
    };
    report.accounts = write_each(&site.accounts, async |a| {
        conflict_is_present(store.add_account(a).await)
    })
    .await?;
    report.api_tokens = write_each(&site.tokens, async |t| {
        conflict_is_present(store.add_api_token(t).await)
    })
    .await?;
    report.groups = write_each(&site.groups, async |g| {
        conflict_is_present(store.add_group(g).await)
    })
    .await?;
    report.memberships =
        write_each(&site.memberships, async |m| store.add_membership(m).await).await?;
    report.annotations = write_each(&site.annotations, async |a| {
        conflict_is_present(store.create(a).await.map(drop))
    })
    .await?;
    report.shares = write_each(&site.shares, async |s| {
        conflict_is_present(store.create_share(s).await)
    })
    .await?;
    report.flags = write_each(&site.flags, async |f| {
        conflict_is_present(store.flag(f).await)
    })
    .await?;
    report.moderations = write_each(&site.moderations, async |m| {
        store.add_moderation_record(m).await
    })
    .await?;
    Ok(report)
}

/// Writes each item with `add`, which says whether it was new.
async fn write_each<T>(
    items: &[(String, T)],
    add: impl AsyncFn(&T) -> Result<bool, StoreError>,
) -> anyhow::Result<Count> {
    let mut count = Count::default();
    for (place, item) in items {
        if add(item)
            .await
            .with_context(|| format!("importing {place}"))?
        {
            count.imported += 1;
        } else {
            count.present += 1;
        }
    }
    Ok(count)
}

/// Reads and checks an export (its parsed JSON) whole. An export of annotations alone, as
/// older versions wrote, holds its annotations.
pub fn read(file: &Value) -> anyhow::Result<Site> {
    let items = file
        .pointer("/first/items")
        .or_else(|| file.get("items"))
        .or(Some(file))
        .and_then(Value::as_array)
        .context("expected an AnnotationCollection")?;
    let mut site = Site::default();
    let mut annotations: Vec<(usize, Annotation)> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let annotation = from_export(item, &annotations)
            .map_err(|e| anyhow!("annotation item {}: {e}", i + 1))?;
        annotations.push((i + 1, annotation));
    }
    // Parents before their replies.
    annotations.sort_by_key(|(_, a)| (a.created, matches!(a.target, Target::Reply(_))));
    site.annotations = annotations
        .into_iter()
        .map(|(n, a)| (format!("annotation item {n} ({})", a.id), a))
        .collect();
    let Some(gloss) = file.get("gloss") else {
        return Ok(site);
    };
    let version = gloss.get("version").and_then(Value::as_u64);
    match version {
        Some(v) if v <= u64::from(VERSION) => {}
        Some(v) => {
            bail!("gloss.version {v} is newer than this Gloss reads ({VERSION}): upgrade it")
        }
        None => bail!("gloss.version is missing: expected a number"),
    }
    site.accounts = records(gloss, "accounts", |r: AccountRecord| {
        (r.username.clone(), r.into())
    })?;
    site.tokens = records(gloss, "apiTokens", |r: TokenRecord| {
        (r.username.clone(), r.into())
    })?;
    for (place, group) in records(gloss, "groups", |r: GroupRecord| (r.id.clone(), r))? {
        let (group, members) = group.split();
        site.memberships.extend(members.into_iter().map(|m| {
            let place = format!("{place}, member {}", m.member.username);
            (place, m)
        }));
        site.groups.push((place, group));
    }
    site.shares = records(gloss, "shares", |r: ShareRecord| (r.code.clone(), r.into()))?;
    site.flags = records(gloss, "flags", |r: FlagRecord| {
        (format!("by {} on {}", r.flagger, r.annotation), r.into())
    })?;
    site.moderations = records(gloss, "moderations", |r: ModerationEntry| {
        (r.annotation.clone(), r.into())
    })?;
    Ok(site)
}

/// The items of `gloss.{kind}`, each with its place in the file (the item's number and what
/// `name` says of it).
fn records<R: DeserializeOwned, T>(
    gloss: &Value,
    kind: &str,
    name: impl Fn(R) -> (String, T),
) -> anyhow::Result<Vec<(String, T)>> {
    let Some(list) = gloss.get(kind) else {
        return Ok(Vec::new());
    };
    let list = list
        .as_array()
        .with_context(|| format!("gloss.{kind} is not a list"))?;
    list.iter()
        .enumerate()
        .map(|(i, item)| {
            let record =
                R::deserialize(item).map_err(|e| anyhow!("gloss.{kind} item {}: {e}", i + 1))?;
            let (what, value) = name(record);
            Ok((format!("gloss.{kind} item {} ({what})", i + 1), value))
        })
        .collect()
}

fn from_export(item: &Value, earlier: &[(usize, Annotation)]) -> Result<Annotation, String> {
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
                .find(|(_, a)| a.id == parent)
                .map(|(_, a)| a.article.clone())
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
