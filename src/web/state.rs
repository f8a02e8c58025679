//! The application state: made without I/O, so tests can build it and call the router.

use std::ops::Deref;
use std::sync::Arc;

use super::plumbing::revisions::Revisions;
use super::plumbing::signed_in::SignedIn;
use super::reading::cache::PageCache;
use super::reading::essays::Essays;
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
    pub library: Arc<Library>,
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    /// This thread's pages: see [`PageCache`].
    pub pages: Arc<PageCache>,
    /// Who this thread's recent credentials belong to: see [`SignedIn`].
    pub signed_in: Arc<SignedIn>,
    pub revisions: Arc<Revisions>,
    /// Every essay's blocks, rendered and kept up to date, shared by all threads.
    pub essays: Arc<Essays>,
    pub live: Arc<Live>,
}

impl AppState {
    pub fn new(
        library: Library,
        store: Arc<dyn Store>,
        live: Arc<Live>,
        config: Config,
    ) -> AppState {
        let slugs = || library.articles().iter().map(|a| a.slug.as_str());
        let revisions = Revisions::new(slugs());
        let essays = Essays::new(slugs());
        AppState::from(Shared {
            library: Arc::new(library),
            store,
            config: Arc::new(config),
            pages: Arc::new(PageCache::default()),
            signed_in: Arc::new(SignedIn::default()),
            revisions: Arc::new(revisions),
            essays: Arc::new(essays),
            live,
        })
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
