//! The essays as readers read them: the list of essays, an essay's page with its notes, and
//! the fragments the page swaps in after a change; and what keeps those pages ready to send.

pub mod cache;
pub mod essays;
pub mod fragments;
mod frame;
pub mod index;
mod layers;
pub mod page;
mod version;
