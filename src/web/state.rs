//! The application state: made without I/O, so tests can build it and call the router.

use std::ops::Deref;
use std::sync::Arc;

use arc_swap::{ArcSwap, Guard};

use super::catalog::Catalog;
use super::plumbing::signed_in::SignedIn;
use super::reading::cache::PageCache;
use crate::config::Config;
use crate::library::Library;
use crate::live::Live;
use crate::store::Store;

/// What every request can reach. Handlers clone it, so it is one reference count: see
/// [`AppState::for_thread`].
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

#[derive(Clone)]
pub struct Shared {
    /// The library with its essays' caches, as last loaded: see [`AppState::catalog`].
    pub catalog: Arc<ArcSwap<Catalog>>,
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    /// This thread's pages: see [`PageCache`].
    pub pages: Arc<PageCache>,
    /// Who this thread's recent credentials belong to: see [`SignedIn`].
    pub signed_in: Arc<SignedIn>,
    pub live: Arc<Live>,
}

impl AppState {
    pub fn new(
        library: Library,
        store: Arc<dyn Store>,
        live: Arc<Live>,
        config: Config,
    ) -> AppState {
        AppState::from(Shared {
            catalog: Arc::new(ArcSwap::from_pointee(Catalog::new(library))),
            store,
            config: Arc::new(config),
            pages: Arc::new(PageCache::default()),
            signed_in: Arc::new(SignedIn::default()),
            live,
        })
    }

    /// The library and its essays as last loaded. A request takes it once and keeps it, so
    /// everything it shows comes from one version of the library even if a reload swaps in
    /// another meanwhile.
    pub fn catalog(&self) -> Guard<Arc<Catalog>> {
        self.catalog.load()
    }

    /// The library as last loaded, for requests that need nothing else of the catalog.
    pub fn library(&self) -> Arc<Library> {
        Arc::clone(&self.catalog.load().library)
    }

    /// The state for one serving thread: under a reference count of its own, since every
    /// request clones the state and threads sharing one count would fight over it; and with
    /// pages and credentials of its own.
    pub fn for_thread(&self) -> AppState {
        AppState::from(Shared {
            pages: Arc::new(PageCache::default()),
            signed_in: Arc::new(SignedIn::default()),
            ..Shared::clone(&self.0)
        })
    }
}

impl From<Shared> for AppState {
    fn from(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
