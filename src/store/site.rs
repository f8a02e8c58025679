//! Everything a site keeps beside its annotations, listed whole and written back as it was:
//! what `gloss export` carries to another database and `gloss import` restores there.
//! Sessions and rate limits stay behind: they are a running site's, not its readers'.

use async_trait::async_trait;
use sqlx::{AssertSqlSafe, Encode, Executor, FromRow, Type};
use time::OffsetDateTime;

use super::moderation::{FlagRow, ModerationRow, stored_time};
use super::row::{GroupRow, ShareRow, UserRow, conflict, timestamp};
use super::{Backend, Bind, Flag, Group, Member, Moderation, Share, SqlStore, StoreError, User};

/// An account as a move carries it: the password's hash, the role and its times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub user: User,
    pub created: OffsetDateTime,
    /// When they last opened their account page: replies written since are unread.
    pub replies_seen: Option<OffsetDateTime>,
}

/// An API token as it is stored: its hash, never the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub hash: String,
    pub username: String,
    pub created: OffsetDateTime,
}

/// A reader's membership of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub group: String,
    pub member: Member,
}

/// One hide or unhide of the note `annotation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModerationRecord {
    pub annotation: String,
    pub moderation: Moderation,
}

#[async_trait]
pub trait SiteStore: Send + Sync + 'static {
    /// Every account, by name.
    async fn accounts(&self) -> Result<Vec<Account>, StoreError>;

    /// Stores an account as it was; `Conflict` when the name is taken.
    async fn add_account(&self, account: &Account) -> Result<(), StoreError>;

    /// Every API token, by owner and creation.
    async fn api_tokens(&self) -> Result<Vec<ApiToken>, StoreError>;

    /// Stores a token's hash for its owner; `Conflict` when the hash is there already.
    async fn add_api_token(&self, token: &ApiToken) -> Result<(), StoreError>;

    /// Every group, by id.
    async fn all_groups(&self) -> Result<Vec<Group>, StoreError>;

    /// Stores a group as it was, without members (its creator's membership is one of them);
    /// `Conflict` when the id is taken.
    async fn add_group(&self, group: &Group) -> Result<(), StoreError>;

    /// Every membership, by group, then longest-standing first.
    async fn memberships(&self) -> Result<Vec<Membership>, StoreError>;

    /// Makes a member of a group from the time they joined; `false` when they are one already.
    async fn add_membership(&self, membership: &Membership) -> Result<bool, StoreError>;

    /// Every share link, by code.
    async fn all_shares(&self) -> Result<Vec<Share>, StoreError>;

    /// Every flag, oldest first.
    async fn all_flags(&self) -> Result<Vec<Flag>, StoreError>;

    /// Every hide and unhide, in the order they were done.
    async fn moderation_records(&self) -> Result<Vec<ModerationRecord>, StoreError>;

    /// Records a hide or unhide as it was done; `false` when the same one is recorded already.
    async fn add_moderation_record(&self, record: &ModerationRecord) -> Result<bool, StoreError>;
}

#[derive(Debug, FromRow)]
struct AccountRow {
    username: String,
    password_hash: String,
    role: String,
    created: String,
    replies_seen: Option<String>,
}

#[derive(Debug, FromRow)]
struct TokenRow {
    token_hash: String,
    username: String,
    created: String,
}

#[derive(Debug, FromRow)]
struct MembershipRow {
    group_id: String,
    username: String,
    joined: String,
}

#[async_trait]
impl<B: Backend> SiteStore for SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    for<'r> AccountRow: FromRow<'r, B::Row>,
    for<'r> TokenRow: FromRow<'r, B::Row>,
    for<'r> GroupRow: FromRow<'r, B::Row>,
    for<'r> MembershipRow: FromRow<'r, B::Row>,
    for<'r> ShareRow: FromRow<'r, B::Row>,
    for<'r> FlagRow: FromRow<'r, B::Row>,
    for<'r> ModerationRow: FromRow<'r, B::Row>,
    for<'a> &'a str: Bind<B>,
    for<'a> Option<&'a str>: Encode<'a, B> + Type<B>,
    bool: Bind<B>,
{
    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let sql = format!(
            "SELECT username, password_hash, role, {created} AS created, replies_seen
             FROM users ORDER BY username",
            created = B::CREATED
        );
        let rows: Vec<AccountRow> = sqlx::query_as(AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|row| {
                let of = format!("account {}", row.username);
                let created = stored_time(&of, &row.created)?;
                let replies_seen = match &row.replies_seen {
                    Some(at) => Some(stored_time(&of, at)?),
                    None => None,
                };
                let user = UserRow {
                    username: row.username,
                    password_hash: row.password_hash,
                    role: row.role,
                }
                .into_user()?;
                Ok(Account {
                    user,
                    created,
                    replies_seen,
                })
            })
            .collect()
    }

    async fn add_account(&self, account: &Account) -> Result<(), StoreError> {
        let user = &account.user;
        let sql = format!(
            "INSERT INTO users (username, password_hash, role, created, replies_seen)
             VALUES ($1, $2, $3, $4{time}, $5)",
            time = B::TIME
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(user.username.as_str())
            .bind(user.password_hash.as_str())
            .bind(user.role.as_str())
            .bind(timestamp(account.created).as_str())
            .bind(account.replies_seen.map(timestamp).as_deref())
            .execute(&self.pool)
            .await
            .map_err(|e| conflict(e, || format!("the username {:?}", user.username)))?;
        Ok(())
    }

    async fn api_tokens(&self) -> Result<Vec<ApiToken>, StoreError> {
        let sql = format!(
            "SELECT token_hash, username, {created} AS created FROM api_tokens
             ORDER BY username, created, token_hash",
            created = B::CREATED
        );
        let rows: Vec<TokenRow> = sqlx::query_as(AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|row| {
                let of = format!("an API token of {}", row.username);
                Ok(ApiToken {
                    created: stored_time(&of, &row.created)?,
                    hash: row.token_hash,
                    username: row.username,
                })
            })
            .collect()
    }

    async fn add_api_token(&self, token: &ApiToken) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO api_tokens (token_hash, username, created) VALUES ($1, $2, $3{time})",
            time = B::TIME
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(token.hash.as_str())
            .bind(token.username.as_str())
            .bind(timestamp(token.created).as_str())
            .execute(&self.pool)
            .await
            .map_err(|e| conflict(e, || format!("an API token of {}", token.username)))?;
        Ok(())
    }

    async fn all_groups(&self) -> Result<Vec<Group>, StoreError> {
        let rows: Vec<GroupRow> = sqlx::query_as(
            "SELECT id, name, description, creator, invite, created FROM groups ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(GroupRow::into_group).collect()
    }

    async fn add_group(&self, group: &Group) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO groups (id, name, description, creator, invite, created)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(group.id.as_str())
        .bind(group.name.as_str())
        .bind(group.description.as_str())
        .bind(group.creator.as_str())
        .bind(group.invite.as_str())
        .bind(timestamp(group.created).as_str())
        .execute(&self.pool)
        .await
        .map_err(|e| conflict(e, || format!("the group {}", group.id)))?;
        Ok(())
    }

    async fn memberships(&self) -> Result<Vec<Membership>, StoreError> {
        let rows: Vec<MembershipRow> = sqlx::query_as(
            "SELECT group_id, username, joined FROM memberships
             ORDER BY group_id, joined, username",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                let of = format!("membership of {} in {}", row.username, row.group_id);
                Ok(Membership {
                    member: Member {
                        joined: stored_time(&of, &row.joined)?,
                        username: row.username,
                    },
                    group: row.group_id,
                })
            })
            .collect()
    }

    async fn add_membership(&self, membership: &Membership) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO memberships (group_id, username, joined) VALUES ($1, $2, $3)
             ON CONFLICT (group_id, username) DO NOTHING",
        )
        .bind(membership.group.as_str())
        .bind(membership.member.username.as_str())
        .bind(timestamp(membership.member.joined).as_str())
        .execute(&self.pool)
        .await?;
        Ok(B::rows_affected(&result) == 1)
    }

    async fn all_shares(&self) -> Result<Vec<Share>, StoreError> {
        let rows: Vec<ShareRow> = sqlx::query_as(
            "SELECT code, article, exact, prefix, suffix, pos_start, pos_end, created
             FROM shares ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(ShareRow::into_share).collect()
    }

    async fn all_flags(&self) -> Result<Vec<Flag>, StoreError> {
        let rows: Vec<FlagRow> = sqlx::query_as(
            "SELECT annotation, flagger, reason, created FROM annotation_flags
             ORDER BY created, annotation, flagger",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                let of = format!("a flag by {} on {}", row.flagger, row.annotation);
                Ok(Flag {
                    created: stored_time(&of, &row.created)?,
                    annotation: row.annotation,
                    flagger: row.flagger,
                    reason: row.reason,
                })
            })
            .collect()
    }

    async fn moderation_records(&self) -> Result<Vec<ModerationRecord>, StoreError> {
        let rows: Vec<ModerationRow> = sqlx::query_as(
            "SELECT annotation, moderator, hidden, at FROM annotation_moderations ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                let of = format!("a moderation of {}", row.annotation);
                Ok(ModerationRecord {
                    moderation: Moderation {
                        at: stored_time(&of, &row.at)?,
                        moderator: row.moderator,
                        hidden: row.hidden,
                    },
                    annotation: row.annotation,
                })
            })
            .collect()
    }

    async fn add_moderation_record(&self, record: &ModerationRecord) -> Result<bool, StoreError> {
        // The record has no key but its whole self: the same hide at the same time by the same
        // moderator is the one recorded already.
        let m = &record.moderation;
        let at = timestamp(m.at);
        let result = sqlx::query(
            "INSERT INTO annotation_moderations (annotation, moderator, hidden, at)
             SELECT $1, $2, $3, $4 WHERE NOT EXISTS (
                SELECT 1 FROM annotation_moderations
                WHERE annotation = $1 AND moderator = $2 AND hidden = $3 AND at = $4
             )",
        )
        .bind(record.annotation.as_str())
        .bind(m.moderator.as_str())
        .bind(m.hidden)
        .bind(at.as_str())
        .execute(&self.pool)
        .await?;
        Ok(B::rows_affected(&result) == 1)
    }
}
