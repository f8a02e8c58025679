//! The application state and the router: no I/O here, so tests can build it and call it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;

use crate::config::Config;
use crate::library::Library;
use crate::live::Live;
use crate::store::Store;
use crate::web;

#[derive(Clone)]
pub struct AppState {
    pub library: Arc<Library>,
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub pages: Arc<PageCache>,
    pub live: Arc<Live>,
}

impl AppState {
    pub fn new(
        library: Library,
        store: Arc<dyn Store>,
        live: Arc<Live>,
        config: Config,
    ) -> AppState {
        AppState {
            library: Arc::new(library),
            store,
            config: Arc::new(config),
            pages: Arc::new(PageCache::default()),
            live,
        }
    }
}

/// Rendered reading pages for signed-out readers, by essay, valid for one store revision.
#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<String, (i64, Bytes)>>,
}

impl PageCache {
    pub fn get(&self, slug: &str, revision: i64) -> Option<Bytes> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(slug)
            .filter(|(r, _)| *r == revision)
            .map(|(_, html)| html.clone())
    }

    pub fn put(&self, slug: &str, revision: i64, html: Bytes) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert(slug.to_string(), (revision, html));
    }
}

pub fn build_router(state: AppState) -> Router {
    web::router(state)
}
