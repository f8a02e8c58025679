//! A whole site in one file, to move it to another database: its annotations as a W3C
//! AnnotationCollection, and what else it keeps (accounts, API tokens, groups, share links,
//! flags and moderation records) in the collection's one extra member, `gloss`, which W3C
//! readers pass over.

mod import;
mod records;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::annotation::jsonld::{self, CONTEXT, Urls};
use crate::store::{Store, StoreError};
pub use import::{Count, Report, Site, import, read};
use records::{
    AccountRecord, FlagRecord, GroupRecord, MemberRecord, ModerationEntry, ShareRecord,
    TokenRecord, VERSION,
};

/// Every annotation, private and hidden ones too, and the site's other records, as one
/// AnnotationCollection whose first page holds every annotation.
pub async fn export(store: &dyn Store, urls: &Urls) -> Result<Value, StoreError> {
    let items: Vec<Value> = store
        .all()
        .await?
        .iter()
        .map(|a| {
            let mut item = jsonld::to_jsonld(a, urls);
            // The moderators' hide, which the API never shows, is kept for a restore.
            if a.hidden {
                item["hidden"] = json!(true);
            }
            item
        })
        .collect();
    let mut members: BTreeMap<String, Vec<MemberRecord>> = BTreeMap::new();
    for membership in store.memberships().await? {
        members
            .entry(membership.group)
            .or_default()
            .push(membership.member.into());
    }
    let groups: Vec<GroupRecord> = store
        .all_groups()
        .await?
        .into_iter()
        .map(|group| {
            let of_group = members.remove(&group.id).unwrap_or_default();
            GroupRecord::new(group, of_group)
        })
        .collect();
    let accounts: Vec<AccountRecord> = store
        .accounts()
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let tokens: Vec<TokenRecord> = store
        .api_tokens()
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let shares: Vec<ShareRecord> = store
        .all_shares()
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let flags: Vec<FlagRecord> = store
        .all_flags()
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let moderations: Vec<ModerationEntry> = store
        .moderation_records()
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let id = format!("{}/annotations/", urls.base);
    Ok(json!({
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
        "gloss": {
            "version": VERSION,
            "accounts": accounts,
            "apiTokens": tokens,
            "groups": groups,
            "shares": shares,
            "flags": flags,
            "moderations": moderations,
        },
    }))
}
