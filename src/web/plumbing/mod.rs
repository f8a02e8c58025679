//! HTTP plumbing: what the resources' handlers share and none of them owns. Who is asking
//! (`auth`, `signed_in`); which other origins may call the API (`cors`); what a request may
//! carry and how often (`body`, `limit`, `deadline`); each request's id and the log of those
//! that failed or were slow (`request_log`); how an answer is encoded and revalidated
//! (`encoded`, `deflate`, `conditional`); what every page's head and header show (`head`),
//! and errors as pages for browsers (`errors`); and what a write leaves for the reads after
//! it (`revisions`, `written`).
//!
//! Nothing here registers a route: a handler belongs to the resource whose address it
//! answers, in a module of its own beside this one.

pub mod auth;
pub mod body;
pub mod conditional;
pub mod cors;
pub mod deadline;
pub mod deflate;
pub mod encoded;
pub mod errors;
pub mod head;
pub mod limit;
pub mod request_log;
pub mod revisions;
pub mod signed_in;
pub mod written;
