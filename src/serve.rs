//! Start-up and shutdown: load the library, open the store, bring the editors' notes into it,
//! then serve until SIGINT or SIGTERM.

use anyhow::Context;
use time::OffsetDateTime;
use tokio::net::TcpListener;

use crate::app::{AppState, build_router};
use crate::config::{Config, ServeArgs};
use crate::library::Library;
use crate::live::Live;
use crate::store::{self, AnnotationStore};

/// Loads everything the app needs; any broken article or note stops start-up here.
pub async fn prepare(args: &ServeArgs) -> anyhow::Result<AppState> {
    let library = Library::load(&args.articles)
        .with_context(|| format!("cannot load the articles in {}", args.articles.display()))?;
    let store = store::connect(&args.database_url)
        .await
        .with_context(|| format!("cannot open the database {}", args.database_url))?;
    sync_editorial(&library, store.as_ref()).await?;
    let live = if args.database_url.starts_with("postgres") {
        Live::postgres(&args.database_url)
            .await
            .context("cannot listen for live updates on PostgreSQL")?
    } else {
        Live::local()
    };
    Ok(AppState::new(library, store, live, Config::from_args(args)))
}

/// Makes the store's editorial notes match the files: idempotent, so restarts change nothing.
pub async fn sync_editorial(library: &Library, store: &dyn AnnotationStore) -> anyhow::Result<()> {
    let now = OffsetDateTime::now_utc();
    for article in library.articles() {
        let notes: Vec<_> = article
            .notes
            .iter()
            .map(|n| n.to_annotation(&article.slug, now))
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

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let state = prepare(&args).await?;
    let listener = TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    tracing::info!("listening on http://{addr}");
    let live = state.live.clone();
    let app = build_router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing requests, closing live streams");
            live.close();
        })
        .await?;
    tracing::info!("stopped");
    Ok(())
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
