//! Start-up and shutdown: load the library, open the store, bring the editors' notes into it,
//! then serve until SIGINT or SIGTERM, reloading the library on SIGHUP (`reload.rs`).

use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;
use time::OffsetDateTime;

use tokio::net::{TcpListener, TcpSocket};
use tokio::runtime::Runtime;
use tokio::sync::watch;

use crate::anchor;
use crate::annotation::{Annotation, EDITORS, Motivation, Target, Visibility};
use crate::config::{Config, ServeArgs};
use crate::library::{Article, EditorialNote, Library};
use crate::live::Live;
use crate::prometheus;
use crate::store::{self, AnnotationStore};
use crate::web::{self, AppState};

mod connections;
pub mod reload;
mod streams;

/// How often live streams get a comment, so that proxies see them alive (deploy/nginx.conf
/// counts on one at least every 15 s).
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(15);

use connections::serve_until;

/// Loads everything the app needs; any broken article or note stops start-up here.
pub async fn prepare(args: &ServeArgs) -> anyhow::Result<AppState> {
    let library = Library::load(&args.articles)
        .with_context(|| format!("cannot load the articles in {}", args.articles.display()))?;
    let store = store::connect(&args.database_url)
        .await
        .with_context(|| format!("cannot open the database {}", args.database_url))?;
    let store = if prometheus::on() {
        store::timed(store)
    } else {
        store
    };
    sync_editorial(library.articles(), store.as_ref()).await?;
    let live = match store.feed() {
        Some(feed) => Live::shared(feed)
            .await
            .context("cannot listen for other instances' writes")?,
        None => Live::local(),
    };
    Ok(AppState::new(library, store, live, Config::from_args(args)))
}

/// An editorial note as the annotation the store keeps, anchored to the essay's text; `now`
/// stamps it when it is new or changed.
pub fn editorial_annotation(
    article: &Article,
    note: &EditorialNote,
    now: OffsetDateTime,
) -> Annotation {
    Annotation {
        id: note.annotation_id(&article.slug),
        identities: Default::default(),
        article: article.slug.clone(),
        creator: EDITORS.to_string(),
        editorial: true,
        motivation: Motivation::Describing,
        body: Some(note.body.clone()),
        entity: note.entity.clone(),
        tags: Vec::new(),
        visibility: Visibility::Public,
        group: None,
        target: Target::Text(anchor::describe(&article.document.text, note.range.clone())),
        hidden: false,
        created: now,
        modified: now,
    }
}

/// Makes the store's editorial notes of `articles` match their files: idempotent, so restarts
/// change nothing.
pub async fn sync_editorial(
    articles: &[Arc<Article>],
    store: &dyn AnnotationStore,
) -> anyhow::Result<()> {
    let now = OffsetDateTime::now_utc();
    for article in articles {
        let notes: Vec<_> = article
            .notes
            .iter()
            .map(|n| editorial_annotation(article, n, now))
            .collect();
        let report = store
            .sync_editorial(&article.slug, &notes)
            .await
            .with_context(|| format!("cannot store the notes of {}", article.slug))?;
        tracing::info!(
            article = %article.slug,
            inserted = report.inserted,
            updated = report.updated,
            deleted = report.deleted,
            unchanged = report.unchanged,
            "editorial notes loaded"
        );
    }
    Ok(())
}

/// Anchors and renders every essay before the first reader comes, so none waits for it.
async fn render_essays(state: &AppState) -> anyhow::Result<()> {
    let catalog = state.catalog.load_full();
    for article in catalog.library.articles() {
        let started = std::time::Instant::now();
        let essay = catalog
            .essays
            .get(&article.slug)
            .context("every essay has a page cache")?;
        let page = essay
            .at_least(state, 0)
            .await
            .map_err(|e| anyhow::anyhow!("cannot render {}: {e}", article.slug))?;
        tracing::info!(
            article = %article.slug,
            annotations = page.annotated.len(),
            milliseconds = started.elapsed().as_millis() as u64,
            "page ready"
        );
    }
    Ok(())
}

/// Learns each essay's revision from the live events of every instance, so a page shows
/// another instance's public note as soon as it is announced rather than within the second
/// in which a learnt revision is trusted.
async fn learn_revisions(state: AppState) {
    let mut events = state.live.subscribe();
    loop {
        match events.recv().await {
            Ok(event) => state
                .catalog()
                .revisions
                .saw(&event.article, event.revision),
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
}

/// Serves with one single-threaded runtime per core, all accepting from one socket. A
/// connection stays on the thread that accepted it, with no hand-offs or wake-ups between
/// threads: on a cached page those cost more than the page itself. Store and live hub are shared.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let threads = match args.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    let main = single_threaded()?;
    // Before anything is loaded, so that start-up is measured too.
    let metrics = args
        .metrics_addr
        .map(|addr| -> anyhow::Result<_> {
            let handle = prometheus::install()?;
            let listener = main
                .block_on(TcpListener::bind(addr))
                .with_context(|| format!("cannot listen for metrics on {addr}"))?;
            Ok((listener, handle))
        })
        .transpose()?;
    let state = main.block_on(prepare(&args))?;
    main.block_on(render_essays(&state))?;
    let first = listen(&main, args.addr)?;
    let reloads = {
        let _context = main.enter();
        reload::Triggers::listen(&args.articles, args.watch)?
    };
    let addr = first.local_addr()?;
    tracing::info!(threads, "listening on http://{addr}");
    let (stop, stopping) = watch::channel(false);
    if let Some((listener, handle)) = metrics {
        tracing::info!("metrics on http://{}/metrics", listener.local_addr()?);
        let stopping = stopping.clone();
        main.spawn(async move {
            if let Err(err) = prometheus::serve(listener, handle, stopping).await {
                tracing::error!(error = %err, "the metrics listener stopped");
            }
        });
    }
    let others = (1..threads)
        .map(|i| {
            let runtime = single_threaded()?;
            let listener = listen(&runtime, addr)?;
            let (router, stopping) = (web::router(state.for_thread()), stopping.clone());
            Ok(std::thread::Builder::new()
                .name(format!("gloss-serve-{i}"))
                .spawn(move || runtime.block_on(serve_until(listener, router, stopping)))?)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let live = state.live.clone();
    let learning = state.clone();
    let reloading = (state.clone(), args.articles.clone());
    main.block_on(async move {
        tokio::spawn(learn_revisions(learning));
        tokio::spawn(reloads.serve(reloading.0, reloading.1));
        live.keep_alive(KEEP_ALIVE);
        tokio::spawn(async move {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing requests, closing live streams");
            live.close();
            let _ = stop.send(true);
        });
        let served = serve_until(first, web::router(state.for_thread()), stopping).await;
        // The database connections this runtime opened serve the other threads too: keep it
        // running until they have drained.
        let drained = tokio::task::spawn_blocking(move || {
            others.into_iter().try_for_each(|thread| {
                thread
                    .join()
                    .map_err(|_| anyhow::anyhow!("a serving thread panicked"))?
            })
        })
        .await?;
        served.and(drained)
    })?;
    tracing::info!("stopped");
    Ok(())
}

fn single_threaded() -> std::io::Result<Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// A socket for one runtime. Every thread has its own on the same address, so the kernel
/// spreads new connections evenly over them rather than to whichever thread wakes first.
fn listen(runtime: &Runtime, addr: SocketAddr) -> anyhow::Result<TcpListener> {
    let _context = runtime.enter();
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.set_reuseport(true)?;
    socket
        .bind(addr)
        .with_context(|| format!("cannot listen on {addr}"))?;
    Ok(socket.listen(1024)?)
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing a SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
