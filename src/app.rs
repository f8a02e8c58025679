//! The application state and the router: no I/O here, so tests can build it and call it.

use std::sync::Arc;

use axum::Router;

use crate::config::Config;
use crate::library::Library;
use crate::live::Live;
use crate::store::Store;
use crate::web;
use crate::web::PageCache;

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

pub fn build_router(state: AppState) -> Router {
    web::router(state)
}
