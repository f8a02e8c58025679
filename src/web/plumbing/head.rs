//! What every page's `<head>` and site header need: its title and description, the assets it
//! links, and who is signed in, so that every page names the reader the same way.

use super::auth::Viewer;
use crate::web::assets::Assets;

/// What every page's `<head>` and header need.
pub struct Head {
    pub title: String,
    pub description: String,
    pub assets: &'static Assets,
    /// The signed-in user's name.
    pub user: Option<String>,
    /// The session's CSRF token, for the log-out form and scripts.
    pub csrf: Option<String>,
    /// Whether the user is an editor, for the page's script to offer what editors may do.
    pub editor: bool,
    /// The groups the user belongs to, by id and name: where they may post a note.
    pub groups: Vec<(String, String)>,
}

impl Head {
    pub fn new(title: &str, description: &str) -> Head {
        Head {
            title: title.to_string(),
            description: description.to_string(),
            assets: Assets::get(),
            user: None,
            csrf: None,
            editor: false,
            groups: Vec::new(),
        }
    }

    pub fn for_viewer(title: &str, description: &str, viewer: &Viewer) -> Head {
        Head {
            user: viewer.username().map(str::to_string),
            csrf: viewer.csrf.clone(),
            editor: viewer.is_editor(),
            groups: viewer
                .groups
                .iter()
                .map(|(id, name)| (id.to_string(), name.to_string()))
                .collect(),
            ..Head::new(title, description)
        }
    }
}
