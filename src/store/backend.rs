//! What the store needs of a database beyond sqlx's driver: the few things its SQL spells
//! differently. Everything else is written once, with `$n` placeholders, which SQLite binds by
//! number as PostgreSQL does.

use sqlx::{Database, Encode, IntoArguments, QueryBuilder, Type};

use super::Feed;

/// A database the store runs on.
pub trait Backend: Database<Arguments: IntoArguments<Self>> {
    /// Begins a transaction that reads a row and then writes on what it read.
    const BEGIN_READ_THEN_WRITE: &'static str;
    /// Begins a transaction whose reads all see one snapshot.
    const BEGIN_SNAPSHOT: &'static str;
    /// Locks the editorial notes of the essay `$1` until commit, where instances starting
    /// together could otherwise each insert the same new notes.
    const LOCK_SYNC: Option<&'static str>;
    /// Follows a text parameter bound for one of the accounts' time columns: the cast it needs
    /// where they are not text.
    const TIME: &'static str;
    /// Picks the user named `$1`, whatever the case, by the index on names.
    const NAMED: &'static str;
    /// The creation time of an account or an API token (their column `created`) as RFC 3339
    /// text, to read back.
    const CREATED: &'static str;

    /// How instances sharing this database hear of each other's writes, if they can share it.
    fn feed(pool: &sqlx::Pool<Self>) -> Option<Feed>;

    /// How many rows a statement wrote, which sqlx's traits do not say.
    fn rows_affected(result: &Self::QueryResult) -> u64;

    /// Appends a condition: the annotation has the tag.
    fn push_tagged(sql: &mut QueryBuilder<Self>, tag: &str);

    /// Appends a condition: the annotation's body, quote or a tag matches `pattern` (LIKE, `\`
    /// escaping), ignoring case.
    fn push_matching(sql: &mut QueryBuilder<Self>, pattern: &str);
}

/// A Rust value that `B` binds as a parameter: code generic over the database names sqlx's
/// bounds for every type it binds, and this names them once.
pub trait Bind<B: Database>: for<'q> Encode<'q, B> + Type<B> {}

impl<B: Database, T: for<'q> Encode<'q, B> + Type<B>> Bind<B> for T {}
