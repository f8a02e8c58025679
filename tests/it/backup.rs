//! `gloss backup` (the real binary): a copy of a SQLite database taken while writers write,
//! which holds every write acknowledged before it began, whole, and serves; and its refusals.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gloss::annotation::{
    Annotation, Motivation, Target, TextPosition, TextQuote, TextTarget, Visibility,
};
use sqlx::{Connection, SqliteConnection};
use time::OffsetDateTime;

use crate::support::*;

fn note(id: String, writer: usize) -> Annotation {
    let now = OffsetDateTime::now_utc();
    Annotation {
        id,
        identities: Default::default(),
        article: ESSAY.to_string(),
        creator: format!("writer{writer}"),
        editorial: false,
        motivation: Motivation::Commenting,
        body: Some(format!("Written by writer {writer}.")),
        entity: None,
        tags: vec!["storm".to_string()],
        visibility: Visibility::Public,
        group: None,
        target: Target::Text(TextTarget {
            quote: TextQuote {
                exact: "Why not?".to_string(),
                prefix: String::new(),
                suffix: String::new(),
            },
            position: TextPosition { start: 0, end: 8 },
        }),
        hidden: false,
        created: now,
        modified: now,
    }
}

async fn backup(args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_gloss"))
        .arg("backup")
        .args(args)
        .output()
        .await
        .unwrap()
}

async fn integrity(file: &Path) -> Vec<String> {
    let url = format!("sqlite://{}", file.display());
    let mut db = SqliteConnection::connect(&url).await.unwrap();
    sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut db)
        .await
        .unwrap()
}

/// What is beside the files a test made: nothing half-written may be.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_during_a_write_storm_holds_every_acknowledged_write_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    let copy = dir.path().join("copy.db");
    let store = gloss::store::connect(&url).await.unwrap();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let (store, acknowledged, stop) = (store.clone(), acknowledged.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let id = format!("storm-{writer}-{n}");
                    store.create(&note(id.clone(), writer)).await.unwrap();
                    acknowledged.lock().unwrap().push(id);
                    n += 1;
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged.lock().unwrap().len() < 200 {
        assert!(Instant::now() < deadline, "the writers write");
        tokio::task::yield_now().await;
    }

    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let output = backup(&["--database-url", &url, "--out", copy.to_str().unwrap()]).await;
    let during = acknowledged.lock().unwrap().len() - before.len();
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(during > 0, "the writers went on during the backup");

    assert_eq!(integrity(&copy).await, ["ok"]);
    let copy_url = format!("sqlite://{}", copy.display());
    let copied = gloss::store::connect(&copy_url)
        .await
        .unwrap()
        .all()
        .await
        .unwrap();
    assert!(
        said.contains(&format!(" {} annotations, 0 accounts", copied.len())),
        "{said}"
    );
    let ids: std::collections::HashSet<&str> = copied.iter().map(|a| a.id.as_str()).collect();
    let missing: Vec<&String> = before
        .iter()
        .filter(|id| !ids.contains(id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "acknowledged before, not copied: {missing:?}"
    );
    for annotation in &copied {
        assert_eq!(
            store.annotation(&annotation.id).await.unwrap().as_ref(),
            Some(annotation),
            "copied whole"
        );
    }

    let served = gloss::serve::prepare(&serve_args(&repo_articles(), &copy_url))
        .await
        .unwrap();
    let router = gloss::build_router(served);
    for id in [before.first().unwrap(), before.last().unwrap()] {
        let reply = get(
            &router,
            &format!("/annotations/{id}"),
            "application/ld+json",
        )
        .await;
        assert_eq!(reply.status, 200, "{id} is served from the copy");
        assert!(reply.body.contains("Written by writer"), "{}", reply.body);
    }
    assert!(
        !names_in(dir.path()).iter().any(|n| n.contains("partial")),
        "{:?}",
        names_in(dir.path())
    );
}

#[tokio::test]
async fn a_backup_refuses_an_existing_file_without_force_and_postgresql() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    gloss::store::connect(&url).await.unwrap();
    let existing = dir.path().join("existing.db");
    std::fs::write(&existing, "keep me").unwrap();
    let out = existing.to_str().unwrap();

    let refused = backup(&["--database-url", &url, "--out", out]).await;
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("exists already") && said.contains("--force"),
        "{said}"
    );
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");

    let forced = backup(&["--database-url", &url, "--out", out, "--force"]).await;
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    assert_eq!(integrity(&existing).await, ["ok"]);
    let itself = dir.path().join("site.db");
    let onto_itself = backup(&[
        "--database-url",
        &url,
        "--out",
        itself.to_str().unwrap(),
        "--force",
    ])
    .await;
    assert!(
        !onto_itself.status.success(),
        "a database is not replaced by its own copy"
    );
    let said = String::from_utf8_lossy(&onto_itself.stderr);
    assert!(said.contains("is the database being backed up"), "{said}");
    let served = dir.path().join("served.db");
    std::fs::write(&served, "in use").unwrap();
    std::fs::write(dir.path().join("served.db-wal"), "its log").unwrap();
    let onto_served = backup(&[
        "--database-url",
        &url,
        "--out",
        served.to_str().unwrap(),
        "--force",
    ])
    .await;
    assert!(
        !onto_served.status.success(),
        "a database in use is not replaced"
    );
    assert_eq!(std::fs::read_to_string(&served).unwrap(), "in use");

    let postgres = backup(&[
        "--database-url",
        "postgres://gloss@127.0.0.1:1/gloss",
        "--out",
        dir.path().join("pg.db").to_str().unwrap(),
    ])
    .await;
    assert!(!postgres.status.success());
    let said = String::from_utf8_lossy(&postgres.stderr);
    assert!(said.contains("pg_dump --format=custom"), "{said}");

    let missing = format!("sqlite://{}", dir.path().join("missing.db").display());
    let nothing = backup(&[
        "--database-url",
        &missing,
        "--out",
        dir.path().join("of-nothing.db").to_str().unwrap(),
    ])
    .await;
    assert!(
        !nothing.status.success(),
        "a mistyped database is no backup"
    );
    let names = names_in(dir.path());
    assert!(
        !names.iter().any(|n| n.contains("partial")
            || ["pg.db", "missing.db", "of-nothing.db"].contains(&n.as_str())),
        "nothing half-written, and no new database made: {names:?}"
    );
}
