//! The accounts and shares half of the store contract.

use std::sync::Arc;

use gloss::annotation::{TextPosition, TextQuote, TextTarget};
use gloss::store::{Role, Share, Store, StoreError, User};
use time::{Duration, OffsetDateTime};

use super::t;

fn user(username: &str, role: Role) -> User {
    User {
        username: username.to_string(),
        role,
        password_hash: format!("$argon2id$hash-of-{username}"),
    }
}

pub async fn usernames_are_unique_whatever_their_case(store: Arc<dyn Store>) {
    let alice = user("Alice", Role::Editor);
    store.create_user(&alice).await.unwrap();
    let err = store
        .create_user(&user("aLICE", Role::Reader))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    for spelling in ["Alice", "alice", "ALICE"] {
        let found = store.user(spelling).await.unwrap();
        assert_eq!(
            found.as_ref(),
            Some(&alice),
            "as spelled at sign-up: {spelling}"
        );
    }
    assert_eq!(store.user("bob").await.unwrap(), None);
    let bob = user("bob", Role::Reader);
    store.create_user(&bob).await.unwrap();
    assert_eq!(store.user("Bob").await.unwrap(), Some(bob));
}

pub async fn sessions_live_until_they_expire_or_are_deleted(store: Arc<dyn Store>) {
    let alice = user("Alice", Role::Reader);
    store.create_user(&alice).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let sessions = [
        ("live", "Alice", now + Duration::days(1)),
        ("expired", "Alice", now - Duration::seconds(1)),
        ("typed", "alice", now + Duration::days(1)),
    ];
    for (token, username, expires) in sessions {
        let csrf = format!("csrf-{token}");
        store
            .create_session(token, username, &csrf, expires)
            .await
            .unwrap();
    }
    let live = store
        .session("live")
        .await
        .unwrap()
        .expect("a live session");
    assert_eq!(
        (live.user, live.csrf.as_str()),
        (alice.clone(), "csrf-live")
    );
    assert!(store.session("expired").await.unwrap().is_none());
    let typed = store.session("typed").await.unwrap().expect("any case");
    assert_eq!(typed.user, alice);
    assert!(store.session("unknown").await.unwrap().is_none());

    store.delete_session("live").await.unwrap();
    assert!(store.session("live").await.unwrap().is_none());
    assert!(store.session("typed").await.unwrap().is_some());
    store.delete_session("unknown").await.unwrap();
}

pub async fn api_tokens_name_their_user(store: Arc<dyn Store>) {
    let alice = user("Alice", Role::Editor);
    store.create_user(&alice).await.unwrap();
    store.create_user(&user("bob", Role::Reader)).await.unwrap();
    store.create_token("token-a", "Alice").await.unwrap();
    store.create_token("token-b", "ALICE").await.unwrap();
    assert_eq!(
        store.token_user("token-a").await.unwrap(),
        Some(alice.clone())
    );
    assert_eq!(store.token_user("token-b").await.unwrap(), Some(alice));
    assert_eq!(store.token_user("unknown").await.unwrap(), None);
}

pub async fn shares_round_trip_and_codes_are_unique(store: Arc<dyn Store>) {
    let share = Share {
        code: "aB3dE5".to_string(),
        article: "essay".to_string(),
        target: TextTarget {
            quote: TextQuote {
                exact: "pressure on Russia".to_string(),
                prefix: "“more ".to_string(),
                suffix: String::new(),
            },
            position: TextPosition {
                start: 3473,
                end: 3491,
            },
        },
        created: t(0) + Duration::nanoseconds(987_654_321),
    };
    store.create_share(&share).await.unwrap();
    assert_eq!(store.share("aB3dE5").await.unwrap(), Some(share.clone()));
    assert_eq!(
        store.share("ab3de5").await.unwrap(),
        None,
        "codes match exactly"
    );

    let taken = Share {
        article: "other".to_string(),
        ..share.clone()
    };
    let err = store.create_share(&taken).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert_eq!(store.share("aB3dE5").await.unwrap(), Some(share));
}

pub async fn rate_limit_counters_count_per_bucket_and_window(store: Arc<dyn Store>) {
    assert_eq!(store.hit("share:1.2.3.4", 600).await.unwrap(), 1);
    assert_eq!(store.hit("share:1.2.3.4", 600).await.unwrap(), 2);
    assert_eq!(
        store.hit("share:5.6.7.8", 600).await.unwrap(),
        1,
        "buckets count apart"
    );
    assert_eq!(
        store.hit("share:1.2.3.4", 660).await.unwrap(),
        1,
        "a new window starts at one"
    );
    store.forget_limits_before(650).await.unwrap();
    assert_eq!(
        store.hit("share:5.6.7.8", 600).await.unwrap(),
        1,
        "forgotten buckets start over"
    );
    assert_eq!(
        store.hit("share:1.2.3.4", 660).await.unwrap(),
        2,
        "current ones are kept"
    );
}
