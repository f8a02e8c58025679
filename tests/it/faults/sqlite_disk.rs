//! A SQLite file that cannot be written for a while, its disk full or the file made
//! read-only under the server: writes are refused with a 503 and a time to retry, reading goes
//! on, writing comes back once the disk can take it, and the file stays sound.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use axum::Router;
use sqlx::Connection;

use crate::support::*;

/// A tmpfs of `megabytes`, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(test: &str, megabytes: u32) -> Option<SmallDisk> {
        if !super::is_root() {
            super::cannot_run(test, "mounting a small disk needs root");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|status| status.success());
        if !mounted {
            super::cannot_run(test, "this machine does not let a tmpfs be mounted");
            return None;
        }
        Some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Files made immutable (no process, root included, may write them), made writable again
/// when dropped.
struct Immutable(Vec<PathBuf>);

impl Immutable {
    fn set(files: Vec<PathBuf>) -> Option<Immutable> {
        let done = Command::new("chattr")
            .arg("+i")
            .args(&files)
            .status()
            .is_ok_and(|status| status.success());
        done.then_some(Immutable(files))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").args(&self.0).status();
    }
}

async fn write(router: &Router, token: &str, n: usize) -> Reply {
    let note = comment(
        "Why not?",
        &format!("Note {n}, with some words to take some room."),
    );
    send(
        router,
        "POST",
        "/annotations/",
        &[("authorization", token)],
        Some(&note),
    )
    .await
}

/// Writes until one is refused, which must be a 503 telling the writer to retry; the ids of
/// those written before it.
async fn write_until_refused(router: &Router, token: &str, written: &mut Vec<String>) {
    for n in 0..2000 {
        let reply = write(router, token, n).await;
        if reply.status == 201 {
            written.push(id_of(&reply));
            continue;
        }
        assert_eq!(reply.status, 503, "{}", reply.body);
        assert_eq!(reply.headers["content-type"], "application/problem+json");
        assert!(reply.headers.contains_key("retry-after"));
        assert!(
            reply.json()["detail"]
                .as_str()
                .unwrap()
                .contains("try again")
        );
        return;
    }
    panic!("2,000 writes and none refused");
}

/// What is left: the page served, every acknowledged note there, writing back, the file sound.
async fn all_is_well(router: &Router, token: &str, written: &[String], file: &Path) {
    let page = get(router, &format!("/articles/{ESSAY}"), "text/html").await;
    assert_eq!(page.status, 200);
    let reply = write(router, token, 9999).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    for id in written {
        let reply = get(router, &format!("/annotations/{id}"), "application/ld+json").await;
        assert_eq!(reply.status, 200, "{id} was acknowledged and lost");
    }
    let mut db = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(check, "ok");
}

#[tokio::test]
async fn a_full_disk_refuses_writes_with_503_and_loses_nothing() {
    let test = "a_full_disk_refuses_writes_with_503_and_loses_nothing";
    let Some(disk) = SmallDisk::mount(test, 16) else {
        return;
    };
    let file = disk.path().join("gloss.db");
    let mut args = serve_args(&repo_articles(), &format!("sqlite://{}", file.display()));
    args.write_limit = 0;
    let router = gloss::build_router(gloss::serve::prepare(&args).await.unwrap());
    let token = reader_token(&router, "writer").await;
    let mut written = Vec::new();
    assert_eq!(write(&router, &token, 0).await.status, 201);

    let filler = disk.path().join("filler");
    let mut fill = std::fs::File::create(&filler).unwrap();
    while fill.write_all(&[0; 64 * 1024]).is_ok() {}
    drop(fill);
    write_until_refused(&router, &token, &mut written).await;
    let page = get(&router, &format!("/articles/{ESSAY}"), "text/html").await;
    assert_eq!(page.status, 200, "reading goes on while the disk is full");

    std::fs::remove_file(&filler).unwrap();
    all_is_well(&router, &token, &written, &file).await;
}

#[tokio::test]
async fn a_file_made_read_only_refuses_writes_with_503_and_loses_nothing() {
    let test = "a_file_made_read_only_refuses_writes_with_503_and_loses_nothing";
    if !super::is_root() {
        return super::cannot_run(test, "making a file immutable needs root");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gloss.db");
    let mut args = serve_args(&repo_articles(), &format!("sqlite://{}", file.display()));
    args.write_limit = 0;
    let router = gloss::build_router(gloss::serve::prepare(&args).await.unwrap());
    let token = reader_token(&router, "writer").await;
    let mut written = Vec::new();
    let first = write(&router, &token, 0).await;
    written.push(id_of(&first));

    let wal = dir.path().join("gloss.db-wal");
    let Some(read_only) = Immutable::set(vec![file.clone(), wal]) else {
        return super::cannot_run(
            test,
            "the temporary directory's file system has no chattr +i",
        );
    };
    write_until_refused(&router, &token, &mut written).await;
    let page = get(&router, &format!("/articles/{ESSAY}"), "text/html").await;
    assert_eq!(
        page.status, 200,
        "reading goes on while the file is read-only"
    );

    drop(read_only);
    all_is_well(&router, &token, &written, &file).await;
}
