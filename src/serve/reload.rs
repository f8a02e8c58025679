//! Publishing an edit without a restart: on SIGHUP, and with `--watch` whenever a file in
//! `articles/` changes, the library is loaded anew. A broken file is refused and the old
//! library keeps serving; a good one has its editorial notes brought into the store, its
//! edited essays drawn anew (their annotations anchored to the new text), and is swapped in
//! whole; then the edited essays' readers on this instance are told to fetch them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};
use tokio::sync::mpsc;

use crate::library::{Article, Library, LoadError};
use crate::web::AppState;
use crate::web::catalog::{Catalog, Edits};

/// How long the folder must be quiet before a change is taken: an editor's save (a temporary
/// file written, renamed over the essay) is then one reload.
const SETTLE: Duration = Duration::from_millis(250);

/// What asks for a reload: SIGHUP, and with `--watch` the files. Made before the server says
/// it listens, so that a SIGHUP sent from then on reloads rather than ends the process.
pub struct Triggers {
    told: mpsc::Receiver<&'static str>,
    _watching: Option<Debouncer<RecommendedWatcher>>,
}

impl Triggers {
    /// Needs a runtime's context, where the signal is listened for.
    pub fn listen(articles: &Path, watch: bool) -> anyhow::Result<Triggers> {
        // Room for one: a trigger that comes while a reload waits is already served by it.
        let (tell, told) = mpsc::channel(1);
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut hangups = signal(SignalKind::hangup())?;
            let tell = tell.clone();
            tokio::spawn(async move {
                while hangups.recv().await.is_some() {
                    let _ = tell.try_send("SIGHUP");
                }
            });
        }
        let watching = if watch {
            Some(watch_folder(articles, tell)?)
        } else {
            None
        };
        Ok(Triggers {
            told,
            _watching: watching,
        })
    }

    /// Reloads `articles` each time it is told to, one reload at a time, until the server
    /// stops.
    pub async fn serve(mut self, state: AppState, articles: PathBuf) {
        while let Some(why) = self.told.recv().await {
            tracing::debug!(folder = %articles.display(), reason = why, "reloading the articles");
            // A refused library is logged where it is found wanting, and the old one serves on.
            let _ = reload(&state, &articles).await;
        }
    }
}

/// Calls for a reload when an essay, its notes or the entities change in `articles`; files
/// editors leave beside them (swap files, backups) are let be.
fn watch_folder(
    articles: &Path,
    tell: mpsc::Sender<&'static str>,
) -> anyhow::Result<Debouncer<RecommendedWatcher>> {
    let mut debouncer = new_debouncer(SETTLE, move |events: DebounceEventResult| match events {
        Ok(events) => {
            let library_file = |path: &Path| {
                path.extension()
                    .is_some_and(|ext| ext == "md" || ext == "toml")
            };
            if events.iter().any(|event| library_file(&event.path)) {
                let _ = tell.try_send("a file changed");
            }
        }
        Err(err) => tracing::warn!(error = %err, "watching the articles failed"),
    })?;
    debouncer
        .watcher()
        .watch(articles, RecursiveMode::NonRecursive)?;
    tracing::info!(folder = %articles.display(), "watching the articles for changes");
    Ok(debouncer)
}

/// Loads `articles` anew and serves it, unless a file in it is broken: that is logged with its
/// file and line, returned, and nothing changes, in memory or in the store.
pub async fn reload(state: &AppState, articles: &Path) -> Result<Edits, LoadError> {
    let folder = articles.to_path_buf();
    let loaded = tokio::task::spawn_blocking(move || Library::load(&folder))
        .await
        .unwrap_or_else(|e| Err(LoadError::new(articles, 0, format!("loading failed: {e}"))));
    let library = match loaded {
        Ok(library) => library,
        Err(err) => {
            tracing::error!(
                file = %err.file.display(),
                line = err.line,
                "the articles were not reloaded, the version before still serves: {err}"
            );
            return Err(err);
        }
    };
    let before = state.catalog.load_full();
    let (catalog, edits) = before.reloaded(library);
    if edits.is_empty() {
        tracing::info!(kept = edits.kept, "articles reloaded: nothing changed");
        return Ok(edits);
    }
    // The notes go into the store first, so the edited essays are drawn with them at once.
    let redrawn: HashSet<&str> = edits.redrawn().collect();
    let notes_of: Vec<Arc<Article>> = catalog
        .library
        .articles()
        .iter()
        .filter(|a| redrawn.contains(a.slug.as_str()))
        .cloned()
        .collect();
    if let Err(err) = super::sync_editorial(&notes_of, state.store.as_ref()).await {
        tracing::error!(
            error = format!("{err:#}"),
            "the edited essays' editorial notes were not stored; they will be at the next start"
        );
    }
    // Drawn before they are served, so that no reader waits for the new text: until the swap
    // they are served the old.
    let mut drawn = Vec::new();
    for slug in edits.redrawn() {
        if let Some(revision) = draw(state, &before, &catalog, slug).await {
            drawn.push((slug, revision));
        }
    }
    state.catalog.store(Arc::new(catalog));
    tracing::info!(
        changed = ?edits.changed,
        added = ?edits.added,
        removed = ?edits.removed,
        kept = edits.kept,
        "articles reloaded"
    );
    for (slug, revision) in drawn {
        state.live.essay_edited(slug, revision);
    }
    Ok(edits)
}

/// Draws an edited or new essay of `catalog` and lists the annotations the edit orphaned;
/// the revision drawn, unless it could not be (its first reader will draw it then).
async fn draw(state: &AppState, before: &Catalog, catalog: &Catalog, slug: &str) -> Option<i64> {
    let essay = catalog.essays.get(slug)?;
    let snapshot = match essay.at_least(state, 0).await {
        Ok(snapshot) => snapshot,
        Err(err) => {
            tracing::error!(article = slug, error = %err, "could not draw the edited essay");
            return None;
        }
    };
    let orphaned_before: HashSet<String> = before
        .essays
        .get(slug)
        .and_then(|essay| essay.latest())
        .map(|old| {
            old.annotated
                .orphans()
                .map(|e| e.annotation.id.clone())
                .collect()
        })
        .unwrap_or_default();
    let orphans: Vec<&str> = snapshot
        .annotated
        .orphans()
        .map(|e| e.annotation.id.as_str())
        .collect();
    let newly: Vec<&str> = orphans
        .iter()
        .copied()
        .filter(|id| !orphaned_before.contains(*id))
        .collect();
    if newly.is_empty() {
        tracing::info!(
            article = slug,
            annotations = snapshot.annotated.len(),
            orphans = orphans.len(),
            "edited essay drawn, every annotation that anchored still does"
        );
    } else {
        tracing::warn!(
            article = slug,
            annotations = snapshot.annotated.len(),
            orphans = orphans.len(),
            orphaned = newly.len(),
            ids = %newly.join(" "),
            "edited essay drawn: annotations whose words are gone are listed under it"
        );
    }
    Some(snapshot.revision())
}
