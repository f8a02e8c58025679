//! `gloss import --format hypothesis`: a Hypothesis search answer or export, into one essay.
//!
//! Each note keeps its Hypothesis id (as `hypothesis-{id}`), so importing a file again adds
//! nothing; its author becomes an account named `NAME@AUTHORITY` that cannot log in until it
//! is claimed; its passage is found in the essay by its quote, as Gloss re-anchors its own.

mod shape;
#[cfg(test)]
mod tests;
mod translate;

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::{Report, Skip, UNCLAIMED};
use crate::annotation::{Annotation, Target};
use crate::library::Article;
use crate::store::{Role, Store, StoreError, User};
use translate::{Placed, translate};

pub use translate::{account, gloss_id};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("expected Hypothesis annotations: {{\"rows\": [...]}} or an array of them")]
    NotHypothesis,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Imports every annotation of `file` into the essay `article`; what went where, and why some
/// did not.
pub async fn import(
    store: &dyn Store,
    article: &Article,
    file: &Value,
) -> Result<Report, ImportError> {
    let mut report = Report::default();
    let mut rows = Vec::new();
    for row in shape::rows(file).ok_or(ImportError::NotHypothesis)? {
        match row {
            Ok(row) => rows.push(row),
            Err(why) => report.skip(Skip::Unreadable(why)),
        }
    }
    // A reply names its thread from the top, so fewer references come first: every note
    // before its replies, as the store wants.
    rows.sort_by(|a, b| (a.references.len(), &a.created).cmp(&(b.references.len(), &b.created)));
    let mut import = Import {
        store,
        report,
        essays: HashMap::new(),
        authors: HashSet::new(),
    };
    for row in &rows {
        match translate(row, &article.slug, &article.document.text) {
            Ok((annotation, placed)) => import.write(annotation, placed).await?,
            Err(why) => import.report.skip(why),
        }
    }
    Ok(import.report)
}

/// What one import has done so far.
struct Import<'a> {
    store: &'a dyn Store,
    report: Report,
    /// The essay of each note imported, or found imported before, by its Gloss id.
    essays: HashMap<String, String>,
    /// The authors whose accounts are known to exist.
    authors: HashSet<String>,
}

impl Import<'_> {
    async fn write(&mut self, mut note: Annotation, placed: Placed) -> Result<(), StoreError> {
        if let Target::Reply(parent) = &note.target {
            match self.essay_of(parent).await? {
                Some(essay) => note.article = essay,
                None => {
                    self.report.skip(Skip::Unthreaded);
                    return Ok(());
                }
            }
        }
        note.creator = self.author(&note.creator).await?;
        match self.store.create(&note).await {
            Ok(_) => match placed {
                Placed::Anchored => self.report.anchored += 1,
                Placed::Orphaned => self.report.orphaned += 1,
                Placed::Page => self.report.page_notes += 1,
                Placed::Reply => self.report.replies += 1,
            },
            Err(StoreError::Conflict(_)) => self.report.skip(Skip::AlreadyImported),
            Err(err) => return Err(err),
        }
        self.essays.insert(note.id, note.article);
        Ok(())
    }

    /// The essay a reply's note is on, if that note is in the store.
    async fn essay_of(&self, id: &str) -> Result<Option<String>, StoreError> {
        if let Some(essay) = self.essays.get(id) {
            return Ok(Some(essay.clone()));
        }
        Ok(self.store.annotation(id).await?.map(|a| a.article))
    }

    /// The account of an author, as the store spells it, made (unclaimed) when it is new.
    async fn author(&mut self, name: &str) -> Result<String, StoreError> {
        if self.authors.contains(name) {
            return Ok(name.to_string());
        }
        let username = match self.store.user(name).await? {
            Some(user) => user.username,
            None => {
                let user = User {
                    username: name.to_string(),
                    role: Role::Reader,
                    password_hash: UNCLAIMED.to_string(),
                };
                self.store.create_user(&user).await?;
                self.report.accounts.push(user.username.clone());
                user.username
            }
        };
        self.authors.insert(username.clone());
        Ok(username)
    }
}
