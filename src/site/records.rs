//! The `gloss` member of an export: the site's records beside its annotations, as JSON.
//! Times are RFC 3339; names and ids are the stored ones, so an annotation's bare id (the last
//! segment of its IRI) names it in flags and moderation records.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::annotation::{TextPosition, TextQuote, TextTarget};
use crate::store::{
    Account, ApiToken, Flag, Group, Member, Membership, Moderation, ModerationRecord, Role, Share,
    User,
};

/// The version of this member that `gloss export` writes; `gloss import` refuses later ones.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountRecord {
    pub username: String,
    pub role: RoleName,
    /// The argon2 hash, so the same password signs in after a move; empty for an account an
    /// import made and nobody has claimed yet.
    pub password_hash: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub replies_seen: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleName {
    Reader,
    Editor,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenRecord {
    /// The token's SHA-256 hash, as stored: the token itself is never kept.
    pub hash: String,
    pub username: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRecord {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub creator: String,
    pub invite: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// Longest-standing first, the creator among them.
    pub members: Vec<MemberRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberRecord {
    pub username: String,
    #[serde(with = "time::serde::rfc3339")]
    pub joined: OffsetDateTime,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareRecord {
    pub code: String,
    /// The essay's slug.
    pub article: String,
    pub quote: TextQuote,
    pub position: TextPosition,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlagRecord {
    pub annotation: String,
    pub flagger: String,
    pub reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModerationEntry {
    pub annotation: String,
    pub moderator: String,
    /// Hidden by this moderation, or shown again.
    pub hidden: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl From<Account> for AccountRecord {
    fn from(a: Account) -> AccountRecord {
        AccountRecord {
            role: match a.user.role {
                Role::Reader => RoleName::Reader,
                Role::Editor => RoleName::Editor,
            },
            username: a.user.username,
            password_hash: a.user.password_hash,
            created: a.created,
            replies_seen: a.replies_seen,
        }
    }
}

impl From<AccountRecord> for Account {
    fn from(r: AccountRecord) -> Account {
        Account {
            user: User {
                username: r.username,
                role: match r.role {
                    RoleName::Reader => Role::Reader,
                    RoleName::Editor => Role::Editor,
                },
                password_hash: r.password_hash,
            },
            created: r.created,
            replies_seen: r.replies_seen,
        }
    }
}

impl From<ApiToken> for TokenRecord {
    fn from(t: ApiToken) -> TokenRecord {
        TokenRecord {
            hash: t.hash,
            username: t.username,
            created: t.created,
        }
    }
}

impl From<TokenRecord> for ApiToken {
    fn from(r: TokenRecord) -> ApiToken {
        ApiToken {
            hash: r.hash,
            username: r.username,
            created: r.created,
        }
    }
}

impl GroupRecord {
    pub fn new(group: Group, members: Vec<MemberRecord>) -> GroupRecord {
        GroupRecord {
            id: group.id,
            name: group.name,
            description: group.description,
            creator: group.creator,
            invite: group.invite,
            created: group.created,
            members,
        }
    }

    /// The group, and its memberships.
    pub fn split(self) -> (Group, Vec<Membership>) {
        let memberships = self
            .members
            .into_iter()
            .map(|m| Membership {
                group: self.id.clone(),
                member: Member {
                    username: m.username,
                    joined: m.joined,
                },
            })
            .collect();
        let group = Group {
            id: self.id,
            name: self.name,
            description: self.description,
            creator: self.creator,
            invite: self.invite,
            created: self.created,
        };
        (group, memberships)
    }
}

impl From<Member> for MemberRecord {
    fn from(m: Member) -> MemberRecord {
        MemberRecord {
            username: m.username,
            joined: m.joined,
        }
    }
}

impl From<Share> for ShareRecord {
    fn from(s: Share) -> ShareRecord {
        ShareRecord {
            code: s.code,
            article: s.article,
            quote: s.target.quote,
            position: s.target.position,
            created: s.created,
        }
    }
}

impl From<ShareRecord> for Share {
    fn from(r: ShareRecord) -> Share {
        Share {
            code: r.code,
            article: r.article,
            target: TextTarget {
                quote: r.quote,
                position: r.position,
            },
            created: r.created,
        }
    }
}

impl From<Flag> for FlagRecord {
    fn from(f: Flag) -> FlagRecord {
        FlagRecord {
            annotation: f.annotation,
            flagger: f.flagger,
            reason: f.reason,
            created: f.created,
        }
    }
}

impl From<FlagRecord> for Flag {
    fn from(r: FlagRecord) -> Flag {
        Flag {
            annotation: r.annotation,
            flagger: r.flagger,
            reason: r.reason,
            created: r.created,
        }
    }
}

impl From<ModerationRecord> for ModerationEntry {
    fn from(r: ModerationRecord) -> ModerationEntry {
        ModerationEntry {
            annotation: r.annotation,
            moderator: r.moderation.moderator,
            hidden: r.moderation.hidden,
            at: r.moderation.at,
        }
    }
}

impl From<ModerationEntry> for ModerationRecord {
    fn from(e: ModerationEntry) -> ModerationRecord {
        ModerationRecord {
            annotation: e.annotation,
            moderation: Moderation {
                moderator: e.moderator,
                hidden: e.hidden,
                at: e.at,
            },
        }
    }
}
