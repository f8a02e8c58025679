//! Where annotations and accounts live: traits written once, and one implementation of them
//! for both databases, each of which supplies what its SQL spells differently (`Backend`).

mod accounts;
mod annotations;
mod backend;
mod feed;
mod groups;
mod limits;
mod moderation;
mod outage;
mod postgres;
mod row;
mod shares;
mod site;
mod sqlite;
mod timed;
mod withdraw;

use std::sync::Arc;

use async_trait::async_trait;
use sqlx::{Database, Pool};
use time::OffsetDateTime;

use crate::annotation::{Annotation, TextTarget};

use backend::{Backend, Bind};
pub use feed::{Feed, Hearing};
pub use postgres::PostgresStore;
pub use site::{Account, ApiToken, Membership, ModerationRecord, SiteStore};
pub use sqlite::SqliteStore;
pub use timed::timed;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    #[error("{0} already exists")]
    Conflict(String),
    #[error("unsupported database URL {0:?}: use sqlite://FILE or postgres://USER@HOST/DATABASE")]
    UnsupportedUrl(String),
}

/// What loading the editors' notes changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub inserted: usize,
    pub updated: usize,
    pub deleted: usize,
    pub unchanged: usize,
}

/// What changed on an essay after a revision, private annotations included.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// The essay's revision these changes bring a reader up to (0 when nothing was ever written).
    pub revision: i64,
    /// Annotations created or changed after `since`, as they are now, oldest revision first.
    pub written: Vec<Annotation>,
    /// Ids deleted after `since` (and not written again since), the replies deleted with their
    /// parent included: were the parent written again (as an import may), a reader holding
    /// one of them could not tell it went.
    pub deleted: Vec<String>,
}

/// Which annotations to list, and which page of them.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub article: Option<String>,
    /// Every word must occur in the body, the quote or a tag (case-insensitive).
    pub text: Option<String>,
    pub tag: Option<String>,
    pub creator: Option<String>,
    /// Only the notes of this group.
    pub group: Option<String>,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub items: Vec<Annotation>,
    /// How many match in all pages.
    pub total: usize,
}

/// Whose public notes a feed follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotesOf {
    /// Those on the essay with this slug.
    Article(String),
    /// Those written by this user.
    Creator(String),
    /// Those carrying this tag.
    Tag(String),
}

/// The outcome of a write guarded by the version the writer last saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guarded {
    /// Written; the essay's revision after the write.
    Done(i64),
    /// The annotation changed since (or is gone).
    Stale,
}

#[async_trait]
pub trait AnnotationStore: Send + Sync + 'static {
    /// Makes the editorial annotations of `article` exactly `notes`: inserts new ones, updates
    /// changed ones (keeping their creation time), deletes ones no longer in the files.
    async fn sync_editorial(
        &self,
        article: &str,
        notes: &[Annotation],
    ) -> Result<SyncReport, StoreError>;

    async fn annotation(&self, id: &str) -> Result<Option<Annotation>, StoreError>;

    /// How other instances on this database hear of writes, where there can be any.
    fn feed(&self) -> Option<Feed>;

    /// Annotations `viewer` may see that match `query`, newest first, one page of them.
    async fn query(&self, query: &Query, viewer: Option<&str>) -> Result<Page, StoreError>;

    /// The newest public notes of `of`, at most `limit`, newest first: replies included,
    /// highlights (which have no body) and private notes left out.
    async fn public_notes(&self, of: &NotesOf, limit: usize)
    -> Result<Vec<Annotation>, StoreError>;

    /// Every annotation, private ones too, oldest first (for export).
    async fn all(&self) -> Result<Vec<Annotation>, StoreError>;

    /// Stores a new annotation; the essay's revision after.
    async fn create(&self, annotation: &Annotation) -> Result<i64, StoreError>;

    /// Replaces an annotation if it was last modified at `seen` (any version when `None`).
    /// An annotation stays on its essay: one naming another essay is `Stale`.
    async fn update(
        &self,
        annotation: &Annotation,
        seen: Option<OffsetDateTime>,
    ) -> Result<Guarded, StoreError>;

    /// Deletes an annotation and its replies if it was last modified at `seen`.
    async fn delete(&self, id: &str, seen: Option<OffsetDateTime>) -> Result<Guarded, StoreError>;

    /// A number that grows whenever an annotation on `article` is written.
    async fn revision(&self, article: &str) -> Result<i64, StoreError>;

    /// What changed on `article` after revision `since`, read in one consistent snapshot:
    /// `since = 0` gives every annotation of the essay. Served by an index on
    /// (article, revision), so its cost follows the number of changes, not of annotations.
    async fn changes_since(&self, article: &str, since: i64) -> Result<Changes, StoreError>;

    /// Whether the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Reader,
    Editor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub username: String,
    pub role: Role,
    pub password_hash: String,
}

/// An API token as its owner sees it: the token itself is not kept, so never shown again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The start of the token's hash: names it without giving it away.
    pub id: String,
    pub created: OffsetDateTime,
}

/// A note that went with its account, as the change feed and live readers must hear of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawn {
    pub article: String,
    pub id: String,
    /// The essay's revision after the account's notes went.
    pub revision: i64,
    pub public: bool,
    /// The group whose members alone saw it.
    pub group: Option<String>,
    /// Kept as a placeholder, without its creator or words, because other readers replied.
    pub placeholder: bool,
}

/// A signed-in browser: its user and the token its forms and scripts must send back.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
}

#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    /// Fails with `Conflict` when the name is taken (names compare case-insensitively).
    async fn create_user(&self, user: &User) -> Result<(), StoreError>;

    async fn user(&self, username: &str) -> Result<Option<User>, StoreError>;

    async fn create_session(
        &self,
        token_hash: &str,
        username: &str,
        csrf: &str,
        expires: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// The live session with this token, if it has not expired.
    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError>;

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    async fn create_token(&self, token_hash: &str, username: &str) -> Result<(), StoreError>;

    async fn token_user(&self, token_hash: &str) -> Result<Option<User>, StoreError>;

    async fn set_password(&self, username: &str, password_hash: &str) -> Result<(), StoreError>;

    /// Ends the user's sessions but `except`; the token hashes of those ended.
    async fn end_sessions(
        &self,
        username: &str,
        except: Option<&str>,
    ) -> Result<Vec<String>, StoreError>;

    /// Revokes the user's API tokens but `except`; the token hashes of those revoked.
    async fn revoke_tokens(
        &self,
        username: &str,
        except: Option<&str>,
    ) -> Result<Vec<String>, StoreError>;

    /// The user's API tokens, newest first.
    async fn tokens(&self, username: &str) -> Result<Vec<TokenInfo>, StoreError>;

    /// Revokes the user's token `id` (see [`TokenInfo`]); its hash, or `None` if the user has
    /// no such token.
    async fn revoke_token(&self, username: &str, id: &str) -> Result<Option<String>, StoreError>;

    /// Records a visit of the user's account page at `at`; the previous visit's time.
    async fn visit_account(
        &self,
        username: &str,
        at: OffsetDateTime,
    ) -> Result<Option<OffsetDateTime>, StoreError>;

    /// Other readers' public replies to the user's notes, newest first, at most `limit`.
    async fn replies_to(&self, username: &str, limit: usize)
    -> Result<Vec<Annotation>, StoreError>;

    /// Deletes the user, their sessions, tokens, memberships and notes. A note that other
    /// readers replied to stays as a placeholder (no creator, no words) so their replies keep
    /// their place. A group they created passes to its longest-standing other member, or goes
    /// with its notes when it has none.
    async fn delete_user(&self, username: &str) -> Result<Vec<Withdrawn>, StoreError>;
}

/// A link to a passage: the essay and the passage's selectors, under a short code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    pub code: String,
    pub article: String,
    pub target: TextTarget,
    pub created: OffsetDateTime,
}

#[async_trait]
pub trait ShareStore: Send + Sync + 'static {
    /// Fails with `Conflict` when the code is taken.
    async fn create_share(&self, share: &Share) -> Result<(), StoreError>;

    async fn share(&self, code: &str) -> Result<Option<Share>, StoreError>;
}

#[async_trait]
pub trait LimitStore: Send + Sync + 'static {
    /// Counts a request in `bucket` for the window starting at `window_start` (seconds since
    /// the epoch) and returns the count so far in that window; a bucket keeps one window.
    async fn hit(&self, bucket: &str, window_start: i64) -> Result<u32, StoreError>;

    /// Forgets buckets whose window started before `cutoff`.
    async fn forget_limits_before(&self, cutoff: i64) -> Result<(), StoreError>;
}

/// A reader's flag on a note: why they think the moderators should look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub annotation: String,
    pub flagger: String,
    pub reason: String,
    pub created: OffsetDateTime,
}

/// One hide (`hidden`) or unhide of a note, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderation {
    pub moderator: String,
    pub hidden: bool,
    pub at: OffsetDateTime,
}

/// A note in the moderators' queue: its flags, oldest first, and every hide and unhide of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Flagged {
    pub annotation: Annotation,
    pub flags: Vec<Flag>,
    pub moderations: Vec<Moderation>,
}

/// The outcome of hiding a note or showing it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderated {
    /// Done and recorded; the essay's revision after.
    Done(i64),
    /// It was so already: nothing changed, nothing recorded.
    Already,
    /// There is no such note.
    Missing,
}

#[async_trait]
pub trait ModerationStore: Send + Sync + 'static {
    /// Fails with `Conflict` when the reader flagged the note already.
    async fn flag(&self, flag: &Flag) -> Result<(), StoreError>;

    /// Hides the note (or shows it again), recording who did it and when: a write on its
    /// essay, which the change feed carries like an edit.
    async fn set_hidden(
        &self,
        id: &str,
        hidden: bool,
        moderator: &str,
        at: OffsetDateTime,
    ) -> Result<Moderated, StoreError>;

    /// The notes flagged or hidden, at most `limit`: the most flagged first, then those
    /// flagged most recently.
    async fn moderation_queue(&self, limit: usize) -> Result<Vec<Flagged>, StoreError>;
}

/// A class or a newsroom annotating together: its members alone see the notes posted to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Short, random and safe in a URL: `/groups/{id}`.
    pub id: String,
    pub name: String,
    pub description: String,
    /// Who made it (or inherited it): they may rename it, remove members and delete it.
    pub creator: String,
    /// The code in the invite link, `/groups/{id}/join/{invite}`.
    pub invite: String,
    pub created: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub username: String,
    pub joined: OffsetDateTime,
}

#[async_trait]
pub trait GroupStore: Send + Sync + 'static {
    /// Stores a new group with its creator as its first member; `Conflict` when the id is taken.
    async fn create_group(&self, group: &Group) -> Result<(), StoreError>;

    async fn group(&self, id: &str) -> Result<Option<Group>, StoreError>;

    /// The groups `username` belongs to, by name.
    async fn groups_of(&self, username: &str) -> Result<Vec<Group>, StoreError>;

    /// The group's members, longest-standing first.
    async fn members(&self, id: &str) -> Result<Vec<Member>, StoreError>;

    async fn is_member(&self, id: &str, username: &str) -> Result<bool, StoreError>;

    /// Makes `username` a member if `invite` is the group's code (a member already stays one);
    /// `false` when there is no such group or the code is wrong.
    async fn join(&self, id: &str, invite: &str, username: &str) -> Result<bool, StoreError>;

    /// Ends a membership; `false` when there was none. The member's notes stay in the group.
    async fn leave(&self, id: &str, username: &str) -> Result<bool, StoreError>;

    /// Renames and describes the group; `false` when there is no such group.
    async fn describe_group(
        &self,
        id: &str,
        name: &str,
        description: &str,
    ) -> Result<bool, StoreError>;

    /// Deletes the group, its memberships and its notes, each note through the change feed.
    async fn delete_group(&self, id: &str) -> Result<Vec<Withdrawn>, StoreError>;

    /// The group's newest notes, replies included, at most `limit`.
    async fn group_notes(&self, id: &str, limit: usize) -> Result<Vec<Annotation>, StoreError>;

    /// How many notes deleting the group would take with it.
    async fn group_note_count(&self, id: &str) -> Result<usize, StoreError>;

    /// Whether `username` created the group the annotation was posted to: such a creator may
    /// moderate the group's notes.
    async fn created_group_of(&self, annotation: &str, username: &str) -> Result<bool, StoreError>;
}

/// The store on the database `B`.
pub struct SqlStore<B: Database> {
    pool: Pool<B>,
}

/// Everything the app keeps in its database.
pub trait Store:
    AnnotationStore + AccountStore + GroupStore + ShareStore + LimitStore + ModerationStore + SiteStore
{
}

impl<T> Store for T where
    T: AnnotationStore
        + AccountStore
        + GroupStore
        + ShareStore
        + LimitStore
        + ModerationStore
        + SiteStore
{
}

/// Opens (and migrates) the store a URL names.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}
