//! The essays as readers read them: the list of essays, an essay's page with its notes, and
//! the fragments the page swaps in after a change; and what keeps those pages ready to send.

pub mod essays;
pub mod frame;
pub mod layers;
pub mod page;
