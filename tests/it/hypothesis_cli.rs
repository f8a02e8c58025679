//! `gloss import --format hypothesis` and `gloss user claim`, run as an operator runs them.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use gloss::build_router;
use serde_json::json;

use crate::support::{ESSAY, PASSWORD, repo_articles, send, serve_args};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/it/fixtures/hypothesis-search.json"
);

fn gloss(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn import(url: &str) -> String {
    let articles = repo_articles();
    let output = gloss(
        &[
            "import",
            "--format",
            "hypothesis",
            "--article",
            ESSAY,
            "--articles",
            articles.to_str().unwrap(),
            "--database-url",
            url,
            FIXTURE,
        ],
        "",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_import_reports_where_each_note_went_and_a_second_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("gloss.db").display());
    let first = import(&url);
    assert!(
        first.contains(
            "imported 8: 4 anchored, 1 orphaned (their words are not in the essay; listed under \
             it), 1 on the whole essay, 2 replies"
        ),
        "{first}"
    );
    assert!(
        first.contains("skipped 2: 1 hidden by its moderators, 1 replies to a note not imported"),
        "{first}"
    );
    assert!(first.contains("made 3 accounts"), "{first}");
    let second = import(&url);
    assert!(second.starts_with("imported 0:"), "{second}");
    assert!(second.contains("8 already imported"), "{second}");
    assert!(!second.contains("made"), "{second}");

    let unknown = gloss(
        &[
            "import",
            "--format",
            "hypothesis",
            "--article",
            "no-such-essay",
            "--database-url",
            &url,
            FIXTURE,
        ],
        "",
    );
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no essay \"no-such-essay\""));
}

#[tokio::test]
async fn an_imported_author_logs_in_once_claimed_and_an_account_is_claimed_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("gloss.db").display());
    import(&url);
    let state = gloss::serve::prepare(&serve_args(&repo_articles(), &url))
        .await
        .unwrap();
    let router = build_router(state);
    let author = "marta_k@hypothes.is";
    let log_in = async |password: &str| {
        let credentials = json!({"username": author, "password": password});
        send(&router, "POST", "/api/tokens", &[], Some(&credentials))
            .await
            .status
    };
    assert_eq!(
        log_in("").await,
        401,
        "no password opens an unclaimed account"
    );
    assert_eq!(log_in(PASSWORD).await, 401);

    let claim = |name: &str| {
        gloss(
            &["user", "claim", name, "--database-url", &url],
            &format!("{PASSWORD}\n"),
        )
    };
    let claimed = claim(author);
    assert!(
        claimed.status.success(),
        "{}",
        String::from_utf8_lossy(&claimed.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&claimed.stdout).trim(),
        "claimed marta_k@hypothes.is"
    );
    assert_eq!(log_in(PASSWORD).await, 201);

    let again = claim(author);
    assert!(!again.status.success(), "a claimed account is its owner's");
    assert!(String::from_utf8_lossy(&again.stderr).contains("has a password already"));
    assert!(!claim("nobody@hypothes.is").status.success());
}
