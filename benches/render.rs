//! Render timings for the reading page, in-process so the numbers are the server's own work:
//! the first (uncached) render of an essay, a cached response, and anchoring.
//! Run with `scripts/bench` (or `cargo bench --bench render`).

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;

use gloss::anchor;
use gloss::annotation::{Annotation, Motivation, Target, Visibility};
use gloss::app::{AppState, Shared};
use gloss::config::ServeArgs;
use gloss::library::Library;
use gloss::web::{Essays, PageCache};

const ESSAY: &str = "witkoff-takes-russias-side";

fn args() -> ServeArgs {
    ServeArgs {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: "sqlite::memory:".into(),
        articles: concat!(env!("CARGO_MANIFEST_DIR"), "/articles").into(),
        public_url: None,
        behind_proxy: false,
        write_limit: 120,
        threads: 1,
    }
}

async fn get_page(router: Router) -> usize {
    let request = Request::get(format!("/articles/{ESSAY}"))
        .body(Body::empty())
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert!(response.status().is_success());
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .len()
}

fn report(name: &str, iterations: u32, elapsed: Duration) {
    let per = elapsed / iterations;
    println!(
        "{name:<44} {:>10.1} µs/op  ({iterations} runs)",
        per.as_secs_f64() * 1e6
    );
}

/// A reader's public comment on one of a few sentences of the essay.
fn reader_note(library: &Library, i: usize) -> Annotation {
    let text = &library.article(ESSAY).unwrap().document.text;
    let sentences = [
        "Why not?",
        "Let me back up and explain.",
        "Putin followed it.",
    ];
    let exact = sentences[i % sentences.len()];
    let at = text.char_of(text.as_str().find(exact).unwrap());
    let now = time::OffsetDateTime::now_utc();
    Annotation {
        id: format!("bench-{i:04}"),
        article: ESSAY.into(),
        creator: format!("reader{}", i % 50),
        editorial: false,
        motivation: Motivation::Commenting,
        body: Some(format!("Note {i} on *this* passage.")),
        entity: None,
        tags: vec!["bench".into()],
        visibility: Visibility::Public,
        target: Target::Text(anchor::describe(text, at..at + exact.chars().count())),
        created: now,
        modified: now,
    }
}

/// The app with nothing rendered or cached: every essay is anchored and rendered anew.
fn uncached(state: &AppState) -> AppState {
    let slugs = state.library.articles().iter().map(|a| a.slug.as_str());
    AppState::from(Shared {
        pages: Arc::new(PageCache::default()),
        essays: Arc::new(Essays::new(slugs)),
        ..Shared::clone(state)
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let started = Instant::now();
    let library = Library::load(&args().articles).unwrap();
    report(
        "load articles/ (parse, mentions, notes)",
        1,
        started.elapsed(),
    );

    let state = gloss::serve::prepare(&args()).await.unwrap();
    let router = gloss::build_router(state.clone());
    let bytes = get_page(router.clone()).await;
    println!("page size (uncompressed): {bytes} bytes");

    let runs = 300;
    let started = Instant::now();
    for _ in 0..runs {
        black_box(get_page(gloss::build_router(uncached(&state))).await);
    }
    report(
        "GET essay, uncached (query, anchor, render)",
        runs,
        started.elapsed(),
    );

    let runs = 5_000;
    let started = Instant::now();
    for _ in 0..runs {
        black_box(get_page(router.clone()).await);
    }
    report("GET essay, cached", runs, started.elapsed());

    let readers_notes: Vec<Annotation> = (0..1_000).map(|i| reader_note(&library, i)).collect();
    let started = Instant::now();
    for note in &readers_notes {
        state.store.create(note).await.unwrap();
    }
    report(
        "store 1,000 annotations (SQLite, in memory)",
        1_000,
        started.elapsed(),
    );
    let runs = 50;
    let started = Instant::now();
    for _ in 0..runs {
        black_box(get_page(gloss::build_router(uncached(&state))).await);
    }
    report(
        "GET essay with 1,000 annotations, uncached",
        runs,
        started.elapsed(),
    );

    let essay = state.essays.get(ESSAY).unwrap();
    let runs = 200;
    let mut rendered = 0;
    let started = Instant::now();
    for i in 0..runs {
        let revision = state
            .store
            .create(&reader_note(&library, 1_000 + i))
            .await
            .unwrap();
        rendered += essay.at_least(&state, revision).await.unwrap().rendered;
    }
    report(
        "one more note: catch up, re-render, compress",
        runs as u32,
        started.elapsed(),
    );
    println!(
        "blocks re-rendered per note: {}",
        rendered as f64 / runs as f64
    );

    let article = library.article(ESSAY).unwrap();
    let notes: Vec<_> = article
        .notes
        .iter()
        .map(|n| gloss::serve::editorial_annotation(article, n, time::OffsetDateTime::now_utc()))
        .collect();
    let annotations: Vec<_> = notes.iter().cycle().take(10_000).cloned().collect();
    let anchored = |annotations: &[gloss::annotation::Annotation]| {
        annotations
            .iter()
            .filter(|a| match &a.target {
                Target::Text(t) => anchor::anchor(&article.document.text, t).is_some(),
                Target::Reply(_) => false,
            })
            .count()
    };
    let started = Instant::now();
    let placed = anchored(&annotations);
    report(
        "anchor 10,000 annotations (by position)",
        1,
        started.elapsed(),
    );
    assert_eq!(placed, 10_000);

    let shifted: Vec<_> = annotations
        .iter()
        .map(|a| {
            let mut a = a.clone();
            if let Target::Text(t) = &mut a.target {
                t.position.start += 7;
                t.position.end += 7;
            }
            a
        })
        .collect();
    let started = Instant::now();
    let placed = anchored(&shifted);
    report(
        "anchor 10,000 annotations (moved: by quote)",
        1,
        started.elapsed(),
    );
    assert_eq!(placed, 10_000);
}
