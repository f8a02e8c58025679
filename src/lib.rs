//! Gloss serves essays written in Markdown as reading pages whose people and events carry
//! notes in the margin and cards on hover.
//!
//! Data flows one way: `library` (files) and `store` (database) feed `anchor`, which feeds
//! `render`, which `web` returns.

/// Accounts' secrets: tokens, password hashing, the rules for names and passwords.
pub mod accounts;
/// W3C selectors to ranges of an essay's plain text and back: position, quote, fuzzy.
pub mod anchor;
/// An essay's annotations anchored and filed by block, kept up to date change by change.
pub mod annotated;
/// The annotation model, in the shape of the W3C Web Annotation model.
pub mod annotation;
/// Online copies of a live SQLite database.
pub mod backup;
/// The operator's commands: accounts, export, import.
pub mod cli;
/// The command line and the configuration it gives.
pub mod config;
/// An essay parsed once: blocks with stable ids, text runs, the plain text.
pub mod document;
/// One error type, answered as problem+json or as a readable page.
pub mod error;
/// Notes made with other annotation tools, brought into the store.
pub mod import;
/// Loading `articles/`: essays, entities, editorial notes.
pub mod library;
/// Live updates to every reader of an essay, on every instance.
pub mod live;
/// Link-preview pictures: a quoted passage and its essay drawn as a PNG.
pub mod preview;
/// Prometheus metrics for operators, served apart from the site with `--metrics-addr`.
pub mod prometheus;
/// A document and its anchored annotations drawn as HTML.
pub mod render;
/// Start-up: load, migrate, sync the editors' notes, serve until told to stop.
pub mod serve;
/// A whole site in one file: annotations and accounts, groups, shares, moderation.
pub mod site;
/// Where annotations live: one trait, a backend per database.
pub mod store;
/// HTTP: the application state, and a module per resource with its routes and handlers.
pub mod web;

pub use web::{AppState, router as build_router};
