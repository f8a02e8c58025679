//! Pages kept ready to send: each rendered once per revision of its essay and compressed once,
//! so a cached view costs a lookup and a copy of bytes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;

use super::essays::Drawn;
use crate::render::Show;
use crate::web::plumbing::auth::Memberships;
use crate::web::plumbing::encoded::Encoded;

/// Held while one reader's page is made.
pub type Turn = Arc<tokio::sync::Mutex<()>>;

/// A signed-in reader: their name, their session's CSRF token, which their page carries, and
/// their groups, whose notes it shows (see `Viewer::page_reader`).
pub type Reader = (String, String, Memberships);

/// How many signed-in readers' pages a thread keeps of one essay (gzipped, some 20 KB each,
/// with the blocks drawn for them): past that it forgets them all, which costs each of those readers
/// one page put together anew.
const READERS_KEPT: usize = 512;

/// How long a signed-in reader's page may be sent again after others wrote: under a stream
/// of writes, each reader's page is made a few times a second rather than at every write, and
/// others' writes show that much later (their own, at once).
const FRESH_FOR: Duration = Duration::from_millis(250);

/// Which page of an essay: the edition of its text (see `Essay::edition`) and the store
/// revision of its notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub edition: u64,
    pub revision: i64,
}

/// A signed-in reader's page as last made: gzipped, of a layer at a version, when, and what
/// was drawn for it.
struct ReaderPage {
    show: Show,
    version: Version,
    made: Instant,
    gzip: Option<Bytes>,
    drawn: Arc<Drawn>,
}

/// One essay's pages for signed-out readers, by layer (`Show::index`), each with its version.
type Layers = [Option<(Version, Encoded)>; Show::EVERY.len()];

/// Reading pages ready to send, by essay, each of one store revision: for signed-out readers
/// whole and compressed three ways, by layer; for signed-in readers as they last had it,
/// gzipped. Each serving thread keeps its own, so a cached view touches no memory another
/// thread writes. Everything is filed by essay first, so a lookup by slug and reader copies
/// neither.
#[derive(Default)]
pub struct PageCache {
    pages: Mutex<HashMap<String, Layers>>,
    /// By essay, then by reader and session.
    readers: Mutex<HashMap<String, HashMap<Reader, ReaderPage>>>,
    /// One page made at a time for each reader: their requests that come meanwhile wait for
    /// it rather than each making it again.
    turns: Mutex<HashMap<String, HashMap<Reader, Turn>>>,
}

impl PageCache {
    /// The essay's page for signed-out readers of a layer at this version, if it was kept.
    pub fn get(&self, slug: &str, show: Show, version: Version) -> Option<Encoded> {
        let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        match pages.get(slug)?.get(show.index())? {
            Some((kept, page)) if *kept == version => Some(page.clone()),
            _ => None,
        }
    }

    pub fn put(&self, slug: &str, show: Show, version: Version, page: Encoded) {
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        let layers = match pages.get_mut(slug) {
            Some(layers) => layers,
            None => pages.entry(slug.to_string()).or_default(),
        };
        layers[show.index()] = Some((version, page));
    }

    /// A signed-in reader's page of a layer, gzipped (`reader` is their name and session):
    /// the one made at `version`, or one of its text made from an older revision within the
    /// last `FRESH_FOR` that shows what they wrote (`needed`).
    pub fn reader(
        &self,
        slug: &str,
        reader: &Reader,
        show: Show,
        version: Version,
        needed: i64,
    ) -> Option<Bytes> {
        let readers = self.readers.lock().unwrap_or_else(|e| e.into_inner());
        readers
            .get(slug)?
            .get(reader)
            .filter(|page| page.show == show && page.version.edition == version.edition)
            .filter(|page| {
                page.version.revision == version.revision
                    || (page.version.revision >= needed && page.made.elapsed() < FRESH_FOR)
            })
            .and_then(|page| page.gzip.clone())
    }

    /// What was last drawn for a reader, to draw their next page from.
    pub fn drawn(&self, slug: &str, reader: &Reader) -> Option<Arc<Drawn>> {
        let readers = self.readers.lock().unwrap_or_else(|e| e.into_inner());
        let page = readers.get(slug)?.get(reader)?;
        Some(Arc::clone(&page.drawn))
    }

    /// The reader's turn to have their page made.
    pub fn turn(&self, slug: &str, reader: &Reader) -> Turn {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        let turns = of_essay(&mut turns, slug);
        match turns.get(reader) {
            Some(turn) => Arc::clone(turn),
            None => Arc::clone(turns.entry(reader.clone()).or_default()),
        }
    }

    /// Keeps what was drawn for a reader, and their page gzipped if it was made, with the
    /// layer and version it was `made` of.
    pub fn put_reader(
        &self,
        slug: &str,
        reader: Reader,
        (show, version): (Show, Version),
        gzip: Option<Bytes>,
        drawn: Drawn,
    ) {
        let page = ReaderPage {
            show,
            version,
            made: Instant::now(),
            gzip,
            drawn: Arc::new(drawn),
        };
        let mut readers = self.readers.lock().unwrap_or_else(|e| e.into_inner());
        of_essay(&mut readers, slug).insert(reader, page);
    }

    /// Keeps what was drawn for a reader's fragments: the page made for them before holds
    /// as it would have.
    pub fn put_drawn(&self, slug: &str, reader: Reader, drawn: Drawn) {
        let drawn = Arc::new(drawn);
        let mut readers = self.readers.lock().unwrap_or_else(|e| e.into_inner());
        let readers = of_essay(&mut readers, slug);
        match readers.get_mut(&reader) {
            Some(page) => page.drawn = drawn,
            None => {
                let page = ReaderPage {
                    show: Show::default(),
                    version: Version {
                        edition: 0,
                        revision: 0,
                    },
                    made: Instant::now(),
                    gzip: None,
                    drawn,
                };
                readers.insert(reader, page);
            }
        }
    }
}

/// One essay's readers, forgotten all at once when too many to keep.
fn of_essay<'a, T>(
    essays: &'a mut HashMap<String, HashMap<Reader, T>>,
    slug: &str,
) -> &'a mut HashMap<Reader, T> {
    if !essays.contains_key(slug) {
        essays.insert(slug.to_string(), HashMap::new());
    }
    let readers = essays.get_mut(slug).expect("inserted above");
    if readers.len() >= READERS_KEPT {
        readers.clear();
    }
    readers
}
