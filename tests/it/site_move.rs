//! Moving a whole site between SQLite and PostgreSQL with `gloss export` and `gloss import`
//! (the real binary): everything comes across, and the readers' passwords and API tokens
//! work on the new database.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use axum::Router;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use gloss::store::Store;

use crate::store::{Fresh, postgres_fresh};
use crate::support::*;

/// The tokens of the site's readers and what was made on it.
struct Site {
    ann: String,
    bob: String,
    group_note: String,
    share: String,
}

/// A reader and an editor, a group of two with a note, public and private notes, a reply, a
/// page note, a hidden note, a flag and a share link.
async fn build_site(state: &gloss::AppState, router: &Router) -> Site {
    let ann = reader_token(router, "ann").await;
    let bob = reader_token(router, "bob").await;
    let eve = editor_token(state, router, "eve").await;
    let group = send(
        router,
        "POST",
        "/api/groups",
        &[("authorization", &ann)],
        Some(&json!({"name": "Class", "description": "Thursday's reading"})),
    )
    .await
    .json();
    let joined = send(
        router,
        "POST",
        group["invite"].as_str().unwrap(),
        &[("authorization", &bob)],
        None,
    )
    .await;
    assert_eq!(joined.status, 200, "{}", joined.body);
    let mut in_group = comment("Why not?", "For the class.");
    in_group["audience"] = json!(format!(
        "http://gloss.test/groups/{}",
        group["id"].as_str().unwrap()
    ));
    let group_note = id_of(&create(router, &ann, &in_group).await);
    let public = create(
        router,
        &ann,
        &comment("Let me back up and explain.", "Public."),
    )
    .await
    .json();
    let mut private = comment("Putin followed it.", "Mine alone.");
    private["visibility"] = json!("private");
    create(router, &ann, &private).await;
    let reply =
        json!({"motivation": "replying", "bodyValue": "An answer.", "target": public["id"]});
    create(router, &bob, &reply).await;
    let page = id_of(&create(router, &bob, &page_note("On the whole.")).await);
    let rude = id_of(&create(router, &bob, &comment("Why not?", "Rude.")).await);
    let hidden = send(
        router,
        "POST",
        &format!("/annotations/{rude}/hidden"),
        &[("authorization", &eve)],
        None,
    )
    .await;
    assert_eq!(hidden.status, 204, "{}", hidden.body);
    let flagged = send(
        router,
        "POST",
        &format!("/annotations/{page}/flags"),
        &[("authorization", &ann)],
        Some(&json!({"reason": "Off topic."})),
    )
    .await;
    assert_eq!(flagged.status, 201, "{}", flagged.body);
    let share = send(
        router,
        "POST",
        "/api/shares",
        &[],
        Some(&json!({"target": {
            "source": format!("http://gloss.test/articles/{ESSAY}"),
            "selector": [{"type": "TextQuoteSelector", "exact": "Let me back up and explain."}]
        }})),
    )
    .await;
    assert_eq!(share.status, 201, "{}", share.body);
    Site {
        ann,
        bob,
        group_note,
        share: share.json()["url"].as_str().unwrap().to_string(),
    }
}

fn gloss(args: &[&str], file: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "gloss {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// PostgreSQL keeps the accounts' times to the microsecond.
fn same_instant(a: OffsetDateTime, b: OffsetDateTime) -> bool {
    (a - b).abs() < Duration::microseconds(1)
}

/// Everything `from` holds is in `to`, as it was.
async fn assert_same_site(from: &Arc<dyn Store>, to: &Arc<dyn Store>) {
    assert_eq!(to.all().await.unwrap(), from.all().await.unwrap());
    let (before, after) = (from.accounts().await.unwrap(), to.accounts().await.unwrap());
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(a.user, b.user, "name, role and password hash");
        assert!(same_instant(a.created, b.created), "{a:?} {b:?}");
        assert_eq!(a.replies_seen, b.replies_seen);
    }
    let (before, after) = (
        from.api_tokens().await.unwrap(),
        to.api_tokens().await.unwrap(),
    );
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&a.hash, &a.username), (&b.hash, &b.username));
        assert!(same_instant(a.created, b.created), "{a:?} {b:?}");
    }
    assert_eq!(
        to.all_groups().await.unwrap(),
        from.all_groups().await.unwrap()
    );
    assert_eq!(
        to.memberships().await.unwrap(),
        from.memberships().await.unwrap()
    );
    assert_eq!(
        to.all_shares().await.unwrap(),
        from.all_shares().await.unwrap()
    );
    assert_eq!(
        to.all_flags().await.unwrap(),
        from.all_flags().await.unwrap()
    );
    assert_eq!(
        to.moderation_records().await.unwrap(),
        from.moderation_records().await.unwrap()
    );
}

/// Builds a site on `from`, moves it to the empty `to`, and checks it there.
async fn move_site(from: &str, to: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("site.jsonld");
    let state = gloss::serve::prepare(&serve_args(&repo_articles(), from))
        .await
        .unwrap();
    let router = gloss::build_router(state.clone());
    let site = build_site(&state, &router).await;
    let shared = get_html(&router, &site.share).await;
    assert_eq!(shared.status, 303);

    let output = Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(["export", "--database-url", from])
        .output()
        .unwrap();
    assert!(output.status.success());
    let exported: Value = serde_json::from_slice(&output.stdout)
        .expect("standard output is the export alone, without log lines");
    assert_eq!(exported["gloss"]["version"], 1);
    std::fs::write(&file, &output.stdout).unwrap();
    let said = gloss(&["import", "--database-url", to], &file);
    let notes = state.store.all().await.unwrap().len();
    for line in [
        "imported 3 accounts, skipped 0".to_string(),
        "imported 3 API tokens, skipped 0".to_string(),
        "imported 1 groups, skipped 0".to_string(),
        "imported 2 group memberships, skipped 0".to_string(),
        format!("imported {notes} annotations, skipped 0"),
        "imported 1 share links, skipped 0".to_string(),
        "imported 1 flags, skipped 0".to_string(),
        "imported 1 moderation records, skipped 0".to_string(),
    ] {
        assert!(said.contains(&line), "{line:?} in {said}");
    }

    let moved = gloss::serve::prepare(&serve_args(&repo_articles(), to))
        .await
        .unwrap();
    assert_same_site(&state.store, &moved.store).await;
    let router = gloss::build_router(moved);
    let again = get_html(&router, &site.share).await;
    assert_eq!(again.status, 303, "the share link resolves");
    assert_eq!(again.headers["location"], shared.headers["location"]);

    let credentials = json!({"username": "ann", "password": PASSWORD});
    let logged_in = send(&router, "POST", "/api/tokens", &[], Some(&credentials)).await;
    assert_eq!(
        logged_in.status, 201,
        "the password works: {}",
        logged_in.body
    );
    let wrong = json!({"username": "ann", "password": "not the password 1"});
    let refused = send(&router, "POST", "/api/tokens", &[], Some(&wrong)).await;
    assert_eq!(refused.status, 401);
    let mine = send(
        &router,
        "GET",
        "/api/account/annotations",
        &[("authorization", &site.ann)],
        None,
    )
    .await;
    assert_eq!(mine.status, 200, "the old token works: {}", mine.body);
    assert_eq!(mine.json()["total"], 3);
    let group_note = format!("/annotations/{}", site.group_note);
    let member = send(
        &router,
        "GET",
        &group_note,
        &[("authorization", &site.bob)],
        None,
    )
    .await;
    assert_eq!(member.status, 200, "a member sees the group's note");
    assert_eq!(
        send(&router, "GET", &group_note, &[], None).await.status,
        404
    );
}

fn sqlite_in(dir: &Path, name: &str) -> String {
    format!("sqlite://{}", dir.join(name).display())
}

fn url_of(fresh: &Fresh) -> String {
    fresh.database.as_ref().unwrap().url.clone()
}

#[tokio::test]
async fn a_site_moves_from_sqlite_to_postgresql_whole() {
    let Some(postgres) = postgres_fresh().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    move_site(&sqlite_in(dir.path(), "site.db"), &url_of(&postgres)).await;
    postgres.passed().await;
}

#[tokio::test]
async fn a_site_moves_from_postgresql_to_sqlite_whole() {
    let Some(postgres) = postgres_fresh().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    move_site(&url_of(&postgres), &sqlite_in(dir.path(), "site.db")).await;
    postgres.passed().await;
}

/// An export's `gloss` member is read item by item: a bad one is named with its file.
#[test]
fn a_bad_item_is_named_with_its_file_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.jsonld");
    let export: Value = json!({
        "type": "AnnotationCollection",
        "first": {"type": "AnnotationPage", "items": []},
        "gloss": {"version": 1, "accounts": [
            {"username": "ann", "role": "reader", "passwordHash": "", "created": "2025-11-26T00:00:00Z"},
            {"username": "bob", "role": "owner", "passwordHash": "", "created": "2025-11-26T00:00:00Z"}
        ]}
    });
    std::fs::write(&file, export.to_string()).unwrap();
    let url = sqlite_in(dir.path(), "site.db");
    let output = Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(["import", "--database-url", &url])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains(&format!("{}: gloss.accounts item 2:", file.display())),
        "{said}"
    );
    assert!(said.contains("owner"), "{said}");
    assert!(
        !dir.path().join("site.db").exists(),
        "nothing is written, not even the database"
    );
}
