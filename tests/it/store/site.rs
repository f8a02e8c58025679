//! The site's records beside its annotations, in the store contract: what the app writes is
//! listed whole, and what is written back is listed as it was, once.

use std::sync::Arc;

use gloss::annotation::{TextPosition, TextQuote, TextTarget};
use gloss::store::{
    Account, ApiToken, Flag, Group, Member, Membership, Moderation, ModerationRecord, Role, Share,
    Store, User,
};

use super::annotations::comment;
use super::t;

fn account(username: &str, role: Role, seconds: i64) -> Account {
    Account {
        user: User {
            username: username.to_string(),
            role,
            password_hash: format!("$argon2id$hash-of-{username}"),
        },
        created: t(seconds),
        replies_seen: (role == Role::Reader).then(|| t(seconds + 50)),
    }
}

fn token(hash: &str, username: &str, seconds: i64) -> ApiToken {
    ApiToken {
        hash: hash.to_string(),
        username: username.to_string(),
        created: t(seconds),
    }
}

fn membership(group: &str, username: &str, seconds: i64) -> Membership {
    Membership {
        group: group.to_string(),
        member: Member {
            username: username.to_string(),
            joined: t(seconds),
        },
    }
}

fn share(code: &str) -> Share {
    Share {
        code: code.to_string(),
        article: "essay".to_string(),
        target: TextTarget {
            quote: TextQuote {
                exact: "Witkoff".to_string(),
                prefix: "Steve ".to_string(),
                suffix: " spoke".to_string(),
            },
            position: TextPosition { start: 6, end: 13 },
        },
        created: t(30),
    }
}

fn record(annotation: &str, hidden: bool, seconds: i64) -> ModerationRecord {
    ModerationRecord {
        annotation: annotation.to_string(),
        moderation: Moderation {
            moderator: "eve".to_string(),
            hidden,
            at: t(seconds),
        },
    }
}

/// Writes one of everything the way the app does, and lists it back.
pub async fn what_the_app_writes_is_listed_whole(store: Arc<dyn Store>) {
    for (name, role) in [("ann", Role::Reader), ("eve", Role::Editor)] {
        let user = account(name, role, 0).user;
        store.create_user(&user).await.unwrap();
    }
    store
        .create_token("hash-of-anns-token", "ann")
        .await
        .unwrap();
    let group = Group {
        id: "g1".to_string(),
        name: "Class".to_string(),
        description: "Reading together".to_string(),
        creator: "ann".to_string(),
        invite: "code".to_string(),
        created: t(10),
    };
    store.create_group(&group).await.unwrap();
    assert!(store.join("g1", "code", "eve").await.unwrap());
    store
        .create(&comment("n1", "ann", "A note.", t(20)))
        .await
        .unwrap();
    store.create_share(&share("s1")).await.unwrap();
    let flag = Flag {
        annotation: "n1".to_string(),
        flagger: "eve".to_string(),
        reason: "Rude".to_string(),
        created: t(40),
    };
    store.flag(&flag).await.unwrap();
    store.set_hidden("n1", true, "eve", t(50)).await.unwrap();
    store.set_hidden("n1", false, "eve", t(60)).await.unwrap();

    let accounts = store.accounts().await.unwrap();
    let listed: Vec<(&str, Role, bool)> = accounts
        .iter()
        .map(|a| {
            (
                a.user.username.as_str(),
                a.user.role,
                a.replies_seen.is_some(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [("ann", Role::Reader, false), ("eve", Role::Editor, false)]
    );
    assert_eq!(accounts[0].user.password_hash, "$argon2id$hash-of-ann");
    let tokens = store.api_tokens().await.unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(
        (tokens[0].hash.as_str(), tokens[0].username.as_str()),
        ("hash-of-anns-token", "ann")
    );
    assert_eq!(store.all_groups().await.unwrap(), [group]);
    let members: Vec<(String, String)> = store
        .memberships()
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.group, m.member.username))
        .collect();
    assert_eq!(
        members,
        [
            ("g1".to_string(), "ann".to_string()),
            ("g1".to_string(), "eve".to_string())
        ]
    );
    assert_eq!(store.all_shares().await.unwrap(), [share("s1")]);
    assert_eq!(store.all_flags().await.unwrap(), [flag]);
    assert_eq!(
        store.moderation_records().await.unwrap(),
        [record("n1", true, 50), record("n1", false, 60)],
        "in the order they were done"
    );
}

/// Writes records back as an import does: each is listed as it was, and a second write adds
/// nothing.
pub async fn records_written_back_are_listed_as_they_were_once(store: Arc<dyn Store>) {
    let accounts = [
        account("ann", Role::Reader, 0),
        account("eve", Role::Editor, 1),
    ];
    let tokens = [token("hash-a", "ann", 2), token("hash-b", "eve", 3)];
    let group = Group {
        id: "g1".to_string(),
        name: "Class".to_string(),
        description: String::new(),
        creator: "eve".to_string(),
        invite: "code".to_string(),
        created: t(4),
    };
    let memberships = [membership("g1", "eve", 4), membership("g1", "ann", 5)];
    let records = [record("n1", true, 7), record("n1", true, 9)];
    for _ in 0..2 {
        for a in &accounts {
            let _ = store.add_account(a).await;
        }
        for t in &tokens {
            let _ = store.add_api_token(t).await;
        }
        let _ = store.add_group(&group).await;
        for m in &memberships {
            store.add_membership(m).await.unwrap();
        }
        let _ = store.create(&comment("n1", "ann", "A note.", t(6))).await;
        for r in &records {
            store.add_moderation_record(r).await.unwrap();
        }
    }
    assert_eq!(store.accounts().await.unwrap(), accounts);
    assert!(
        store.add_account(&accounts[0]).await.is_err(),
        "a name taken"
    );
    assert!(store.add_api_token(&tokens[0]).await.is_err(), "a token");
    assert!(store.add_group(&group).await.is_err(), "an id taken");
    assert!(!store.add_membership(&memberships[1]).await.unwrap());
    assert!(!store.add_moderation_record(&records[0]).await.unwrap());

    assert_eq!(store.api_tokens().await.unwrap(), tokens);
    assert_eq!(
        store.token_user("hash-b").await.unwrap().unwrap(),
        accounts[1].user,
        "a token written back signs its owner in"
    );
    assert_eq!(store.all_groups().await.unwrap(), [group]);
    assert_eq!(store.memberships().await.unwrap(), memberships);
    let joined: Vec<String> = store
        .members("g1")
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.username)
        .collect();
    assert_eq!(
        joined,
        ["eve", "ann"],
        "longest-standing first, as they were"
    );
    assert_eq!(store.moderation_records().await.unwrap(), records);
}
