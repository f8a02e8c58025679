//! Every store call timed, for `gloss_store_query_duration_seconds{operation}`: a wrapper
//! around the store that forwards each method and records how long it took under the method's
//! name.
//!
//! A wrapper rather than a timer in each of `SqlStore`'s methods: it is one file, it is put
//! around the store only when metrics are on (with them off the store is not touched at all),
//! and the compiler keeps it whole, since a method added to a trait and not forwarded here is
//! an error rather than a query nobody times. What it costs is one more boxed future per
//! call, next to a database round trip.

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use time::OffsetDateTime;

use super::{
    Account, AccountStore, AnnotationStore, ApiToken, Changes, Feed, Flag, Flagged, Group,
    GroupStore, Guarded, LimitStore, Member, Membership, Moderated, ModerationRecord,
    ModerationStore, NotesOf, Page, Query, Session, Share, ShareStore, SiteStore, Store,
    StoreError, SyncReport, TokenInfo, User, Withdrawn,
};
use crate::annotation::Annotation;

/// The store, each call of it timed.
pub struct Timed(Arc<dyn Store>);

/// `store` with each of its calls timed.
pub fn timed(store: Arc<dyn Store>) -> Arc<dyn Store> {
    Arc::new(Timed(store))
}

fn record(operation: &'static str, started: Instant) {
    metrics::histogram!("gloss_store_query_duration_seconds", "operation" => operation)
        .record(started.elapsed());
}

/// Implements `$store` for [`Timed`], each listed method forwarded and timed under its own
/// name; `$untimed` are forwarded as they are.
macro_rules! timed {
    (
        $store:ident {
            $(async fn $method:ident(&self $(, $arg:ident: $type:ty)* $(,)?) -> $answer:ty;)*
        }
        $($untimed:item)*
    ) => {
        #[async_trait]
        impl $store for Timed {
            $(
                async fn $method(&self $(, $arg: $type)*) -> $answer {
                    let started = Instant::now();
                    let answer = self.0.$method($($arg),*).await;
                    record(stringify!($method), started);
                    answer
                }
            )*
            $($untimed)*
        }
    };
}

timed! {
    AnnotationStore {
        async fn sync_editorial(&self, article: &str, notes: &[Annotation])
            -> Result<SyncReport, StoreError>;
        async fn annotation(&self, id: &str) -> Result<Option<Annotation>, StoreError>;
        async fn query(&self, query: &Query, viewer: Option<&str>) -> Result<Page, StoreError>;
        async fn public_notes(&self, of: &NotesOf, limit: usize)
            -> Result<Vec<Annotation>, StoreError>;
        async fn all(&self) -> Result<Vec<Annotation>, StoreError>;
        async fn create(&self, annotation: &Annotation) -> Result<i64, StoreError>;
        async fn update(&self, annotation: &Annotation, seen: Option<OffsetDateTime>)
            -> Result<Guarded, StoreError>;
        async fn delete(&self, id: &str, seen: Option<OffsetDateTime>)
            -> Result<Guarded, StoreError>;
        async fn revision(&self, article: &str) -> Result<i64, StoreError>;
        async fn changes_since(&self, article: &str, since: i64) -> Result<Changes, StoreError>;
        async fn ping(&self) -> Result<(), StoreError>;
    }
    fn feed(&self) -> Option<Feed> {
        self.0.feed()
    }
}

timed! {
    AccountStore {
        async fn create_user(&self, user: &User) -> Result<(), StoreError>;
        async fn user(&self, username: &str) -> Result<Option<User>, StoreError>;
        async fn create_session(
            &self,
            token_hash: &str,
            username: &str,
            csrf: &str,
            expires: OffsetDateTime,
        ) -> Result<(), StoreError>;
        async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError>;
        async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
        async fn create_token(&self, token_hash: &str, username: &str) -> Result<(), StoreError>;
        async fn token_user(&self, token_hash: &str) -> Result<Option<User>, StoreError>;
        async fn set_password(&self, username: &str, password_hash: &str)
            -> Result<(), StoreError>;
        async fn end_sessions(&self, username: &str, except: Option<&str>)
            -> Result<Vec<String>, StoreError>;
        async fn revoke_tokens(&self, username: &str, except: Option<&str>)
            -> Result<Vec<String>, StoreError>;
        async fn tokens(&self, username: &str) -> Result<Vec<TokenInfo>, StoreError>;
        async fn revoke_token(&self, username: &str, id: &str)
            -> Result<Option<String>, StoreError>;
        async fn visit_account(&self, username: &str, at: OffsetDateTime)
            -> Result<Option<OffsetDateTime>, StoreError>;
        async fn replies_to(&self, username: &str, limit: usize)
            -> Result<Vec<Annotation>, StoreError>;
        async fn delete_user(&self, username: &str) -> Result<Vec<Withdrawn>, StoreError>;
    }
}

timed! {
    ShareStore {
        async fn create_share(&self, share: &Share) -> Result<(), StoreError>;
        async fn share(&self, code: &str) -> Result<Option<Share>, StoreError>;
    }
}

timed! {
    LimitStore {
        async fn hit(&self, bucket: &str, window_start: i64) -> Result<u32, StoreError>;
        async fn forget_limits_before(&self, cutoff: i64) -> Result<(), StoreError>;
    }
}

timed! {
    ModerationStore {
        async fn flag(&self, flag: &Flag) -> Result<(), StoreError>;
        async fn set_hidden(
            &self,
            id: &str,
            hidden: bool,
            moderator: &str,
            at: OffsetDateTime,
        ) -> Result<Moderated, StoreError>;
        async fn moderation_queue(&self, limit: usize) -> Result<Vec<Flagged>, StoreError>;
    }
}

timed! {
    GroupStore {
        async fn create_group(&self, group: &Group) -> Result<(), StoreError>;
        async fn group(&self, id: &str) -> Result<Option<Group>, StoreError>;
        async fn groups_of(&self, username: &str) -> Result<Vec<Group>, StoreError>;
        async fn members(&self, id: &str) -> Result<Vec<Member>, StoreError>;
        async fn is_member(&self, id: &str, username: &str) -> Result<bool, StoreError>;
        async fn join(&self, id: &str, invite: &str, username: &str) -> Result<bool, StoreError>;
        async fn leave(&self, id: &str, username: &str) -> Result<bool, StoreError>;
        async fn describe_group(&self, id: &str, name: &str, description: &str)
            -> Result<bool, StoreError>;
        async fn delete_group(&self, id: &str) -> Result<Vec<Withdrawn>, StoreError>;
        async fn group_notes(&self, id: &str, limit: usize)
            -> Result<Vec<Annotation>, StoreError>;
        async fn group_note_count(&self, id: &str) -> Result<usize, StoreError>;
        async fn created_group_of(&self, annotation: &str, username: &str)
            -> Result<bool, StoreError>;
    }
}

timed! {
    SiteStore {
        async fn accounts(&self) -> Result<Vec<Account>, StoreError>;
        async fn add_account(&self, account: &Account) -> Result<(), StoreError>;
        async fn api_tokens(&self) -> Result<Vec<ApiToken>, StoreError>;
        async fn add_api_token(&self, token: &ApiToken) -> Result<(), StoreError>;
        async fn all_groups(&self) -> Result<Vec<Group>, StoreError>;
        async fn add_group(&self, group: &Group) -> Result<(), StoreError>;
        async fn memberships(&self) -> Result<Vec<Membership>, StoreError>;
        async fn add_membership(&self, membership: &Membership) -> Result<bool, StoreError>;
        async fn all_shares(&self) -> Result<Vec<Share>, StoreError>;
        async fn all_flags(&self) -> Result<Vec<Flag>, StoreError>;
        async fn moderation_records(&self) -> Result<Vec<ModerationRecord>, StoreError>;
        async fn add_moderation_record(&self, record: &ModerationRecord)
            -> Result<bool, StoreError>;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::connect;
    use metrics_exporter_prometheus::PrometheusBuilder;

    /// Each call is recorded under its method's name, with a recorder of the test's own.
    #[test]
    fn each_call_is_timed_under_its_name() {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        metrics::with_local_recorder(&recorder, || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    let store = timed(connect("sqlite::memory:").await.unwrap());
                    assert_eq!(store.revision("essay").await.unwrap(), 0);
                    assert_eq!(store.revision("essay").await.unwrap(), 0);
                    assert!(store.user("nobody").await.unwrap().is_none());
                    assert_eq!(store.hit("bucket", 0).await.unwrap(), 1);
                    assert!(store.feed().is_none());
                });
        });
        let rendered = handle.render();
        for (operation, count) in [("revision", 2), ("user", 1), ("hit", 1)] {
            let line = format!(
                "gloss_store_query_duration_seconds_count{{operation=\"{operation}\"}} {count}\n"
            );
            assert!(rendered.contains(&line), "{line} in {rendered}");
        }
        assert!(!rendered.contains("operation=\"feed\""), "{rendered}");
    }
}
