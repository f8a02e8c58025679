//! The font the pictures are set in, shipped in `assets/fonts/` with its licence (OFL.txt):
//! Charis SIL, one of the serifs the reading page asks for, so a preview reads like the page.

use std::sync::{Arc, LazyLock};

use resvg::usvg;

pub const REGULAR: &[u8] = include_bytes!("../../assets/fonts/CharisSIL-Regular.ttf");
pub const BOLD: &[u8] = include_bytes!("../../assets/fonts/CharisSIL-Bold.ttf");

/// The family name the SVG asks for.
pub const FAMILY: &str = "Charis SIL";

/// How SVG is read: with the shipped font alone, never the system's, so every machine draws
/// the same picture.
pub static OPTIONS: LazyLock<usvg::Options<'static>> = LazyLock::new(|| {
    let mut fonts = usvg::fontdb::Database::new();
    fonts.load_font_data(REGULAR.to_vec());
    fonts.load_font_data(BOLD.to_vec());
    usvg::Options {
        font_family: FAMILY.to_string(),
        fontdb: Arc::new(fonts),
        ..usvg::Options::default()
    }
});
