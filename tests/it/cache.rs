//! The page cache as readers meet it: a write re-renders only the blocks it touches, a
//! private note reaches nobody else's bytes, a page joined from cached blocks equals one made
//! from scratch, and a writer sees their write at once on another instance.

use std::sync::Arc;

use crate::support::*;
use axum::Router;
use gloss::AppState;
use gloss::web::Snapshot;
use serde_json::{Value, json};

/// The essay's page as a token's owner (or a signed-out reader) gets it.
async fn page(router: &Router, token: Option<&str>) -> String {
    let mut headers = vec![("accept", "text/html")];
    if let Some(token) = token {
        headers.push(("authorization", token));
    }
    let reply = send(router, "GET", &format!("/articles/{ESSAY}"), &headers, None).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

/// The signed-out page once it shows `revision`: it is served the version at hand while a
/// newer one is made.
async fn page_at(router: &Router, revision: i64) -> String {
    let wanted = format!("data-revision=\"{revision}\"");
    for _ in 0..500 {
        let body = page(router, None).await;
        if body.contains(&wanted) {
            return body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    panic!("the signed-out page never reached revision {revision}");
}

fn latest(state: &AppState) -> Arc<Snapshot> {
    state.catalog().essays.get(ESSAY).unwrap().latest().unwrap()
}

fn private(mut note: Value) -> Value {
    note["visibility"] = json!("private");
    note
}

#[tokio::test]
async fn a_write_re_renders_only_the_blocks_it_touches() {
    let (state, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    page(&router, Some(&ann)).await;
    let blocks = latest(&state).blocks.len();
    assert!(blocks > 10, "the essay has {blocks} blocks");

    let note = create(&router, &ann, &comment("Why not?", "A note.")).await;
    page(&router, Some(&ann)).await;
    assert_eq!(latest(&state).rendered, 1, "one paragraph of {blocks}");

    let reply = json!({
        "type": "Annotation", "motivation": "replying", "bodyValue": "A reply.",
        "target": note.json()["id"],
    });
    create(&router, &ann, &reply).await;
    page(&router, Some(&ann)).await;
    assert_eq!(
        latest(&state).rendered,
        1,
        "a reply re-renders its note's paragraph"
    );

    let path = path_of(&note.json());
    let deleted = send(&router, "DELETE", &path, &[("authorization", &ann)], None).await;
    assert_eq!(deleted.status, 204);
    let body = page(&router, Some(&ann)).await;
    assert_eq!(latest(&state).rendered, 1);
    assert!(!body.contains("A reply."), "the reply went with its note");
}

#[tokio::test]
async fn a_private_note_reaches_no_one_else() {
    let (state, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let bob = reader_token(&router, "bob").await;
    let secret = "Ann's secret thought about the dates";
    let note = create(
        &router,
        &ann,
        &private(comment("responsible for prolonging the war", secret)),
    )
    .await;
    let id = id_of(&note);

    let hers = page(&router, Some(&ann)).await;
    assert!(hers.contains(secret), "ann sees her note");
    assert_eq!(
        gunzipped(&router, &ann).await,
        hers,
        "her gzipped page decodes to it"
    );
    assert_eq!(
        gunzipped(&router, &bob).await,
        page(&router, Some(&bob)).await,
        "bob, who sees what everyone sees, gets the shared page after a top of his own"
    );
    let revision = latest(&state).revision();
    for (who, body) in [
        ("a signed-out reader", page_at(&router, revision).await),
        ("bob", page(&router, Some(&bob)).await),
    ] {
        assert!(!body.contains(secret), "{who} got ann's private note");
        assert!(
            !body.contains(&id),
            "{who} got a mark of ann's private note"
        );
    }
    let fragments = send(
        &router,
        "GET",
        &format!("/articles/{ESSAY}/fragments"),
        &[("authorization", &bob)],
        None,
    )
    .await;
    assert!(!fragments.body.contains(secret) && !fragments.body.contains(&id));
}

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

const QUOTES: [&str; 8] = [
    "Pay attention to the dates",
    "Why not?",
    "Let me back up and explain.",
    "Ushakov gave Putin this advice.",
    "Putin followed it.",
    "He is not promoting peace.",
    "Tomahawks",
    "October 14",
];

/// Random creates (on passages and on the whole essay), edits, deletes, replies and
/// visibility changes by two readers.
async fn random_writes(router: &Router, tokens: &[String], seed: u64, count: usize) {
    let mut rng = Lcg(seed);
    let mut notes: Vec<Reply> = Vec::new();
    for i in 0..count {
        let who = &tokens[rng.below(tokens.len())];
        match (rng.below(6), notes.is_empty()) {
            (0..=2, _) | (_, true) => {
                let text = format!("Note {i}.");
                let mut note = match QUOTES.get(rng.below(QUOTES.len() + 1)) {
                    Some(quote) => comment(quote, &text),
                    None => page_note(&text),
                };
                if rng.below(3) == 0 {
                    note = private(note);
                }
                notes.push(create(router, who, &note).await);
            }
            (3, false) => {
                let parent = notes[rng.below(notes.len())].json()["id"].clone();
                let reply = json!({"type": "Annotation", "motivation": "replying",
                    "bodyValue": format!("Reply {i}."), "target": parent});
                let sent = send(
                    router,
                    "POST",
                    "/annotations/",
                    &[("authorization", who)],
                    Some(&reply),
                )
                .await;
                assert!(sent.status == 201 || sent.status == 404, "{}", sent.body);
            }
            (4, false) => {
                let k = rng.below(notes.len());
                let mut edited = notes[k].json();
                edited["body"] = json!([{"type": "TextualBody", "value": format!("Edited {i}."), "format": "text/markdown"}]);
                if rng.below(2) == 0 {
                    edited["visibility"] = json!(if rng.below(2) == 0 {
                        "private"
                    } else {
                        "public"
                    });
                }
                let owner = tokens.iter().find(|t| {
                    edited["creator"]["nickname"]
                        .as_str()
                        .is_some_and(|n| t.ends_with(n))
                });
                let by = owner.map_or(who.as_str(), |t| t.as_str());
                let put = send(
                    router,
                    "PUT",
                    &path_of(&edited),
                    &[("authorization", by)],
                    Some(&edited),
                )
                .await;
                if put.status == 200 {
                    notes[k] = put;
                }
            }
            _ => {
                let gone = notes.remove(rng.below(notes.len()));
                send(
                    router,
                    "DELETE",
                    &path_of(&gone.json()),
                    &[("authorization", who)],
                    None,
                )
                .await;
            }
        }
    }
}

#[tokio::test]
async fn pages_joined_from_blocks_equal_pages_made_from_scratch() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("gloss.db").display());
    let args = serve_args(&repo_articles(), &url);
    let kept = gloss::serve::prepare(&args).await.unwrap();
    let router = gloss::build_router(kept.clone());
    let tokens = [
        reader_token(&router, "ann").await,
        reader_token(&router, "bob").await,
    ];
    // Readers read between writes, so their pages are made from what was drawn for them
    // before; after each round, a fresh instance on the same database must agree.
    for seed in 1..=5 {
        random_writes(&router, &tokens, seed, 12).await;
        let revision = kept.store.revision(ESSAY).await.unwrap();
        let fresh = gloss::build_router(gloss::serve::prepare(&args).await.unwrap());
        assert_eq!(
            page_at(&router, revision).await,
            page_at(&fresh, revision).await
        );
        for token in &tokens {
            let plain = page(&router, Some(token)).await;
            assert_eq!(plain, page(&fresh, Some(token)).await, "after round {seed}");
            assert_eq!(
                gunzipped(&router, token).await,
                plain,
                "the joined gzip decodes to the page"
            );
        }
    }
    assert!(latest(&kept).annotated.len() > 10);
}

/// Two instances on one PostgreSQL database: a note written through one shows on the
/// writer's very next view through the other, which had just served the page before it.
#[tokio::test]
async fn a_writer_sees_their_write_at_once_on_another_instance() {
    let Some(database) =
        crate::store::Database::create("a_writer_sees_their_write_at_once_on_another_instance")
            .await
    else {
        return;
    };
    let args = serve_args(&repo_articles(), &database.url);
    let one = gloss::build_router(gloss::serve::prepare(&args).await.unwrap());
    let two = gloss::build_router(gloss::serve::prepare(&args).await.unwrap());

    let credentials = json!({"username": "ann", "password": PASSWORD});
    assert_eq!(
        send(&one, "POST", "/api/users", &[], Some(&credentials))
            .await
            .status,
        201
    );
    let login = send(&one, "GET", "/login", &[], None).await;
    let csrf_cookie = login.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = csrf_cookie.split_once('=').unwrap().1.to_string();
    let form = format!(
        "username=ann&password={}&csrf={csrf}",
        PASSWORD.replace(' ', "+")
    );
    let logged_in = post_form(&one, "/login", &csrf_cookie, &form).await;
    let session = logged_in
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with("gloss_session="))
        .expect("a session cookie");

    let before = send(
        &two,
        "GET",
        &format!("/articles/{ESSAY}"),
        &[("cookie", &session)],
        None,
    )
    .await;
    assert_eq!(before.status, 200);
    let page = send(
        &two,
        "GET",
        &format!("/articles/{ESSAY}"),
        &[("cookie", &session)],
        None,
    )
    .await;
    let session_csrf = page
        .body
        .split("name=\"gloss-csrf\" content=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let written = send(
        &one,
        "POST",
        "/annotations/",
        &[("cookie", &session), ("x-csrf-token", &session_csrf)],
        Some(&comment("Why not?", "Written through the first instance.")),
    )
    .await;
    assert_eq!(written.status, 201, "{}", written.body);
    let wrote = written.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let cookies = format!("{session}; {wrote}");
    let after = send(
        &two,
        "GET",
        &format!("/articles/{ESSAY}"),
        &[("cookie", &cookies)],
        None,
    )
    .await;
    assert!(
        after.body.contains("Written through the first instance."),
        "the second instance showed the page from before the write"
    );

    drop((one, two));

    database.passed().await;
}

/// The essay's page as a token's owner gets it with `Accept-Encoding: gzip`, decoded.
async fn gunzipped(router: &Router, token: &str) -> String {
    use axum::body::Body;
    use http_body_util::BodyExt;
    use std::io::Read;
    use tower::ServiceExt;
    let request = axum::http::Request::get(format!("/articles/{ESSAY}"))
        .header("authorization", token)
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let mut page = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut page)
        .expect("valid gzip");
    page
}

/// Each block of the fragments, by id: its `v` and its HTML.
async fn fragments(router: &Router, token: &str) -> Vec<(String, String, String)> {
    let path = format!("/articles/{ESSAY}/fragments");
    let reply = send(router, "GET", &path, &[("authorization", token)], None).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let blocks = reply.json()["blocks"].as_array().unwrap().clone();
    blocks
        .iter()
        .map(|b| {
            let field = |name: &str| b[name].as_str().unwrap().to_string();
            (field("id"), field("v"), field("html"))
        })
        .collect()
}

/// The page swaps a block only when its `data-v` differs from the fragment's `v`: a write
/// must change the `v` of the blocks it touches and of no other, or the page would replace
/// blocks a reader is using (a Delete awaiting its confirmation) at every live event.
#[tokio::test]
async fn fragments_name_each_block_by_the_version_it_carries() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let before = fragments(&router, &ann).await;
    for (id, v, html) in &before {
        assert!(
            html.contains(&format!("id=\"{id}\" data-v=\"{v}\"")),
            "block {id} carries its v {v}: {html}"
        );
    }
    create(&router, &ann, &private(comment("Why not?", "A note."))).await;
    let after = fragments(&router, &ann).await;
    let changed: Vec<&str> = before
        .iter()
        .zip(&after)
        .filter(|(was, is)| was.1 != is.1)
        .map(|(_, is)| is.0.as_str())
        .collect();
    assert_eq!(
        changed.len(),
        1,
        "only the noted paragraph changed: {changed:?}"
    );
    let noted = after.iter().find(|b| b.0 == changed[0]).unwrap();
    assert!(noted.2.contains("A note."), "{}", noted.2);
}

/// A signed-in reader's page may be sent again for a moment while others write, but what
/// they wrote shows on their very next view, and what others wrote within a second.
#[tokio::test]
async fn others_writes_reach_a_reader_within_a_second_and_their_own_at_once() {
    let (_, router) = app().await;
    let ann = reader_token(&router, "ann").await;
    let bob = reader_token(&router, "bob").await;
    assert!(!gunzipped(&router, &bob).await.contains("Ann wrote this."));
    create(&router, &ann, &comment("Why not?", "Ann wrote this.")).await;
    let written = std::time::Instant::now();
    while !gunzipped(&router, &bob).await.contains("Ann wrote this.") {
        assert!(
            written.elapsed() < std::time::Duration::from_secs(1),
            "ann's note is not on bob's page a second after she wrote it"
        );
        tokio::task::yield_now().await;
    }
    create(
        &router,
        &bob,
        &comment("Pay attention to the dates", "Bob's own."),
    )
    .await;
    assert!(gunzipped(&router, &bob).await.contains("Bob's own."));
}
