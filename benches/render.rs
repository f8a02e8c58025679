//! Render timings for the reading page, in-process so the numbers are the server's own work:
//! loading the articles, the first (uncached) render of an essay and a cached response, one
//! more note, storing a note, and anchoring. `get_essay` runs with 0 and with 1,000 readers'
//! annotations stored. divan warms each one up and reports the spread of its samples.
//! Run with `scripts/bench` (or `cargo bench --bench render`).

use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::Router;
use axum::body::Body;
use axum::http::Request;
use divan::Bencher;
use http_body_util::BodyExt;
use tokio::runtime::Runtime;
use tower::ServiceExt;

use gloss::anchor;
use gloss::annotation::{Annotation, Motivation, Target, Visibility};
use gloss::config::ServeArgs;
use gloss::library::Library;
use gloss::web::catalog::Catalog;
use gloss::web::{AppState, PageCache, Shared};

const ESSAY: &str = "witkoff-takes-russias-side";

/// Readers' annotations stored before the page is asked for.
const READERS: [usize; 2] = [0, 1_000];

/// What readers comment on, in turn.
const SENTENCES: [&str; 3] = [
    "Why not?",
    "Let me back up and explain.",
    "Putin followed it.",
];

fn main() {
    let runtime = runtime();
    let bytes = runtime.block_on(async {
        let state = app(0).await;
        get_page(gloss::build_router(state)).await
    });
    println!("page size (uncompressed): {bytes} bytes");
    // divan has no counter for this, so it is measured once here rather than in `one_more_note`.
    let blocks = blocks_per_note(&runtime);
    println!("blocks re-rendered per note: {blocks:.2}");
    divan::main();
}

#[divan::bench]
fn load_articles(bencher: Bencher) {
    let articles = args().articles;
    bencher.bench_local(|| Library::load(&articles).unwrap());
}

mod get_essay {
    use super::*;

    /// Query, anchor, render every block, compress.
    #[divan::bench(args = READERS)]
    fn uncached(bencher: Bencher, readers: usize) {
        let runtime = runtime();
        let state = runtime.block_on(app(readers));
        bencher
            .with_inputs(|| gloss::build_router(uncached_app(&state)))
            .bench_local_refs(|router| runtime.block_on(get_page(router.clone())));
    }

    /// Through the whole router, to the page cache.
    #[divan::bench(args = READERS)]
    fn cached(bencher: Bencher, readers: usize) {
        let runtime = runtime();
        let router = gloss::build_router(runtime.block_on(app(readers)));
        runtime.block_on(get_page(router.clone()));
        bencher.bench_local(|| runtime.block_on(get_page(router.clone())));
    }
}

/// A reader's note on an essay already rendered with 1,000 others: store it, catch up,
/// re-render its block, join and compress the page. 200 notes, one a sample.
#[divan::bench(sample_count = 200)]
fn one_more_note(bencher: Bencher) {
    let runtime = runtime();
    let state = runtime.block_on(rendered_app(1_000));
    let mut next = 1_000;
    bencher
        .with_inputs(|| {
            next += 1;
            reader_note(&state.library(), next)
        })
        .bench_local_refs(|note| runtime.block_on(one_more(&state, note)));
}

/// One annotation stored in SQLite in memory; 1,000 samples, so the table grows to the
/// size the pages above are read with.
#[divan::bench(sample_count = 1_000)]
fn store_annotation(bencher: Bencher) {
    let runtime = runtime();
    let state = runtime.block_on(app(0));
    let mut next = 0;
    bencher
        .with_inputs(|| {
            next += 1;
            reader_note(&state.library(), next)
        })
        .bench_local_refs(|note| runtime.block_on(state.store.create(note)).unwrap());
}

mod anchor_10000 {
    use super::*;

    /// Every annotation found where its position says.
    #[divan::bench]
    fn by_position(bencher: Bencher) {
        anchor_editorial(bencher, 0);
    }

    /// Every annotation moved, so each is found by its quote.
    #[divan::bench]
    fn moved(bencher: Bencher) {
        anchor_editorial(bencher, 7);
    }
}

/// The app's store is a pool on this runtime: one per benchmark, built before it is timed.
fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn args() -> ServeArgs {
    ServeArgs {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: "sqlite::memory:".into(),
        articles: concat!(env!("CARGO_MANIFEST_DIR"), "/articles").into(),
        public_url: None,
        behind_proxy: false,
        write_limit: 120,
        threads: 1,
        cors_origins: Vec::new(),
        slow_request_ms: 1000,
        watch: false,
        metrics_addr: None,
    }
}

/// The app on a store of its own in memory, with `readers` readers' annotations.
async fn app(readers: usize) -> AppState {
    let state = gloss::serve::prepare(&args()).await.unwrap();
    for i in 0..readers {
        state
            .store
            .create(&reader_note(&state.library(), i))
            .await
            .unwrap();
    }
    state
}

/// The app with its essay rendered, so one more note re-renders only what it touches.
async fn rendered_app(readers: usize) -> AppState {
    let state = app(readers).await;
    get_page(gloss::build_router(state.clone())).await;
    state
}

/// The app with nothing rendered or cached: every essay is anchored and rendered anew.
fn uncached_app(state: &AppState) -> AppState {
    let library = Library::load(&args().articles).unwrap();
    AppState::from(Shared {
        pages: Arc::new(PageCache::default()),
        catalog: Arc::new(ArcSwap::from_pointee(Catalog::new(library))),
        ..Shared::clone(state)
    })
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

/// Stores `note` and brings the essay up to it; the number of blocks that took.
async fn one_more(state: &AppState, note: &Annotation) -> usize {
    let revision = state.store.create(note).await.unwrap();
    let essay = Arc::clone(state.catalog().essays.get(ESSAY).unwrap());
    essay.at_least(state, revision).await.unwrap().rendered
}

/// Blocks re-rendered per note on average, over 100 notes on an essay with 1,000.
fn blocks_per_note(runtime: &Runtime) -> f64 {
    const NOTES: usize = 100;
    let rendered: usize = runtime.block_on(async {
        let state = rendered_app(1_000).await;
        let mut rendered = 0;
        for i in 0..NOTES {
            rendered += one_more(&state, &reader_note(&state.library(), 1_000 + i)).await;
        }
        rendered
    });
    // A note that re-renders nothing would make `one_more_note` time nothing worth knowing.
    assert!(rendered >= NOTES, "{rendered} blocks for {NOTES} notes");
    rendered as f64 / NOTES as f64
}

/// A reader's public comment on one of a few sentences of the essay.
fn reader_note(library: &Library, i: usize) -> Annotation {
    let text = &library.article(ESSAY).unwrap().document.text;
    let exact = SENTENCES[i % SENTENCES.len()];
    let at = text.char_of(text.as_str().find(exact).unwrap());
    let now = time::OffsetDateTime::now_utc();
    Annotation {
        id: format!("bench-{i:04}"),
        identities: Default::default(),
        article: ESSAY.into(),
        creator: format!("reader{}", i % 50),
        editorial: false,
        motivation: Motivation::Commenting,
        body: Some(format!("Note {i} on *this* passage.")),
        entity: None,
        tags: vec!["bench".into()],
        visibility: Visibility::Public,
        hidden: false,
        group: None,
        target: Target::Text(anchor::describe(text, at..at + exact.chars().count())),
        created: now,
        modified: now,
    }
}

/// Anchors the essay's editorial notes, repeated to 10,000, each moved `shift` characters on.
fn anchor_editorial(bencher: Bencher, shift: usize) {
    let library = Library::load(&args().articles).unwrap();
    let article = library.article(ESSAY).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let notes: Vec<_> = article
        .notes
        .iter()
        .map(|n| {
            let mut note = gloss::serve::editorial_annotation(article, n, now);
            if let Target::Text(t) = &mut note.target {
                t.position.start += shift;
                t.position.end += shift;
            }
            note
        })
        .collect();
    let annotations: Vec<_> = notes.iter().cycle().take(10_000).cloned().collect();
    let anchored = || {
        annotations
            .iter()
            .filter(|a| match &a.target {
                Target::Text(t) => anchor::anchor(&article.document.text, t).is_some(),
                Target::Reply(_) | Target::Page => false,
            })
            .count()
    };
    assert_eq!(anchored(), 10_000);
    bencher.bench_local(anchored);
}
