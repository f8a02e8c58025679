//! The integration tests, one crate: each module tests one part of Gloss from outside, through
//! `build_router(..).oneshot(..)`, the store's interface or the library's, with the helpers in
//! `support`.

mod support;

mod access;
mod account;
mod accounts;
mod backup;
mod blocks;
mod cache;
mod cors;
mod crowded;
mod encoding;
mod export;
mod faults;
mod feeds;
mod groups;
mod http;
mod hypothesis_cli;
mod layers;
mod library;
mod limits;
mod live;
mod metrics;
mod moderation;
mod openapi;
mod page_notes;
mod previews;
mod protocol;
mod reanchor;
mod reload;
mod reload_cli;
mod render;
mod request_log;
mod shares;
mod site_move;
mod snapshots;
mod store;
mod w3c_conformance;
