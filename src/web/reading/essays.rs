//! Each essay's page kept ready for every reader: its annotations anchored and filed by block,
//! each block rendered for a signed-out reader and compressed on its own, and the whole page
//! for signed-out readers. A change re-renders only the blocks it touches. Readers are served
//! the version at hand while a newer one is made; a reader's own view is that shared version
//! with their few blocks drawn over it.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use axum::body::Bytes;
use imbl::OrdSet;

use super::frame::{self, Frame, Preview};
use super::page_layer::Layer;
use crate::annotated::{Annotated, View};
use crate::document::BLOCK_SEPARATOR;
use crate::error::AppError;
use crate::library::{Article, Entity};
use crate::render::{self, Orphan, PageNote, RenderedBlock, Show};
use crate::store::Changes;
use crate::web::AppState;
use crate::web::plumbing::deflate::{self, Part, Piece, Run};
use crate::web::plumbing::encoded::Encoded;
use crate::web::plumbing::head::Head;

/// How many writers an essay remembers: past that it forgets them all, and a writer whose
/// client keeps no cookie sees their write within the second in which revisions are trusted.
const WRITERS_KEPT: usize = 10_000;

/// Every essay's cache, by slug: made at start, and again when the library is reloaded.
pub struct Essays {
    essays: HashMap<String, Arc<Essay>>,
}

impl Essays {
    pub fn new(essays: impl IntoIterator<Item = Arc<Essay>>) -> Essays {
        Essays {
            essays: essays
                .into_iter()
                .map(|essay| (essay.slug.clone(), essay))
                .collect(),
        }
    }

    pub fn get(&self, slug: &str) -> Option<&Arc<Essay>> {
        self.essays.get(slug)
    }
}

/// Numbers every essay's text as loaded, so that pages kept of an earlier text are told apart
/// from the new one's at the same store revision.
static EDITIONS: AtomicU64 = AtomicU64::new(1);

pub struct Essay {
    slug: String,
    /// The text its pages are drawn from, with the entities it names.
    article: Arc<Article>,
    entities: Arc<[Entity]>,
    edition: u64,
    current: RwLock<Option<Arc<Snapshot>>>,
    /// One catch-up at a time: those who need a newer version wait for it, then find it made.
    turn: tokio::sync::Mutex<()>,
    /// Whether a catch-up runs in the background already.
    catching_up: AtomicBool,
    /// The revision each reader last wrote through this instance, so their next view waits
    /// for it whether or not their client keeps the cookie that says so.
    writers: Mutex<HashMap<String, i64>>,
}

impl Essay {
    /// An essay with nothing drawn yet; `entities` are those its article's mentions index.
    pub fn new(article: Arc<Article>, entities: Arc<[Entity]>) -> Essay {
        Essay {
            slug: article.slug.clone(),
            article,
            entities,
            edition: EDITIONS.fetch_add(1, Ordering::Relaxed),
            current: RwLock::new(None),
            turn: tokio::sync::Mutex::new(()),
            catching_up: AtomicBool::new(false),
            writers: Mutex::default(),
        }
    }

    pub fn slug(&self) -> &str {
        &self.slug
    }

    pub fn article(&self) -> &Arc<Article> {
        &self.article
    }

    /// Which text of the essay this is: a reloaded essay that changed is another edition.
    pub fn edition(&self) -> u64 {
        self.edition
    }

    /// Notes that `user` wrote revision `revision` through this instance.
    pub fn wrote(&self, user: &str, revision: i64) {
        let mut writers = self.writers.lock().unwrap_or_else(|e| e.into_inner());
        if writers.len() >= WRITERS_KEPT {
            writers.clear();
        }
        let last = writers.entry(user.to_string()).or_default();
        *last = (*last).max(revision);
    }

    /// The last revision `user` wrote through this instance, if remembered.
    pub fn written_by(&self, user: &str) -> Option<i64> {
        let writers = self.writers.lock().unwrap_or_else(|e| e.into_inner());
        writers.get(user).copied()
    }

    /// The version at hand, if any was made yet.
    pub fn latest(&self) -> Option<Arc<Snapshot>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A version that shows at least `revision`, made now if the one at hand is older.
    pub async fn at_least(
        self: &Arc<Self>,
        state: &AppState,
        revision: i64,
    ) -> Result<Arc<Snapshot>, AppError> {
        match self.latest() {
            Some(snapshot) if snapshot.revision() >= revision => Ok(snapshot),
            _ => self.catch_up(state, revision).await,
        }
    }

    /// The version at hand; if it is older than `revision`, a newer one is made in the
    /// background for the readers who come next.
    pub async fn at_hand(
        self: &Arc<Self>,
        state: &AppState,
        revision: i64,
    ) -> Result<Arc<Snapshot>, AppError> {
        let Some(snapshot) = self.latest() else {
            return self.catch_up(state, revision).await;
        };
        if snapshot.revision() < revision && !self.catching_up.swap(true, Ordering::AcqRel) {
            let (essay, state) = (Arc::clone(self), state.clone());
            tokio::spawn(async move {
                if let Err(err) = essay.catch_up(&state, revision).await {
                    tracing::error!(essay = %essay.slug, error = %err, "could not update the page");
                }
                essay.catching_up.store(false, Ordering::Release);
            });
        }
        Ok(snapshot)
    }

    async fn catch_up(
        self: &Arc<Self>,
        state: &AppState,
        revision: i64,
    ) -> Result<Arc<Snapshot>, AppError> {
        let _turn = self.turn.lock().await;
        let previous = self.latest();
        if let Some(snapshot) = &previous
            && snapshot.revision() >= revision
        {
            return Ok(Arc::clone(snapshot));
        }
        let since = previous.as_ref().map_or(0, |s| s.revision());
        let changes = state.store.changes_since(&self.slug, since).await?;
        if let Some(snapshot) = &previous
            && changes.revision <= since
        {
            // Asked for a revision the store has not reached: nothing to draw anew.
            return Ok(Arc::clone(snapshot));
        }
        let (article, entities) = (Arc::clone(&self.article), Arc::clone(&self.entities));
        let public_url = state.config.public_url.clone();
        // Rendering and compressing take the CPU for a while: off the thread that serves.
        let next = tokio::task::spawn_blocking(move || {
            Snapshot::next(previous.as_deref(), article, entities, changes, &public_url)
        })
        .await
        .map_err(|e| AppError::Internal(format!("rendering the page failed: {e}")))??;
        metrics::counter!("gloss_page_renders_total", "kind" => "version").increment(1);
        metrics::counter!("gloss_page_blocks_rendered_total").increment(next.rendered as u64);
        let next = Arc::new(next);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&next));
        tracing::debug!(essay = %self.slug, revision = next.revision(), blocks = next.rendered, "page updated");
        Ok(next)
    }
}

/// A block as everyone sees it who has no notes of their own in it, or as one reader does.
pub struct BlockPieces {
    /// Shared with the block's other compressions (after another version of the block before).
    pub rendered: Arc<RenderedBlock>,
    /// The block's HTML and the separator after it, compressed to follow the block before.
    pub(super) body: Piece,
    /// The same, compressed to follow anything: after a block drawn for one reader.
    pub(super) alone: Piece,
    /// Its notes as printed footnotes.
    pub(super) notes: Piece,
    /// Tells this version of the block from every other, without keeping them.
    serial: u64,
}

/// Counts every block ever drawn, so a block's version is known by number.
static SERIALS: AtomicU64 = AtomicU64::new(0);

impl BlockPieces {
    /// Block `index` as `view` sees it, to follow the block before it in `blocks`; with no
    /// blocks to follow, to follow anything.
    fn render(
        annotated: &Annotated,
        entities: &[Entity],
        index: usize,
        view: &View,
        blocks: &[Arc<BlockPieces>],
    ) -> Result<BlockPieces, AppError> {
        let rendered = render::block(annotated, entities, index, view);
        let last = index + 1 == annotated.article().document.blocks.len();
        let body = if last {
            rendered.html.clone()
        } else {
            format!("{}{BLOCK_SEPARATOR}", rendered.html)
        };
        let alone = Piece::new(body);
        Ok(BlockPieces {
            notes: Piece::new(frame::footnote_items(&rendered.footnotes)?),
            body: match before(blocks, index) {
                [] => alone.clone(),
                before => Piece::after(before, alone.html.clone()),
            },
            alone,
            rendered: Arc::new(rendered),
            serial: SERIALS.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// The same block compressed anew to follow another version of the block before it.
    fn after(&self, before: &[u8]) -> BlockPieces {
        BlockPieces {
            rendered: Arc::clone(&self.rendered),
            body: Piece::after(before, self.body.html.clone()),
            alone: self.alone.clone(),
            notes: self.notes.clone(),
            serial: self.serial,
        }
    }
}

/// The HTML that block `index` follows in the page, if it is a block.
fn before(blocks: &[Arc<BlockPieces>], index: usize) -> &[u8] {
    index
        .checked_sub(1)
        .and_then(|i| blocks.get(i))
        .map_or(&[], |b| &b.body.html)
}

/// Renders the blocks `which` names in place, in order, and compresses each block after one
/// of them anew, since its piece refers back to the block before.
fn redraw(
    blocks: &mut [Arc<BlockPieces>],
    which: &BTreeSet<usize>,
    annotated: &Annotated,
    entities: &[Entity],
) -> Result<(), AppError> {
    let everyone = View::default();
    for &i in which {
        blocks[i] = Arc::new(BlockPieces::render(
            annotated, entities, i, &everyone, blocks,
        )?);
        let next = i + 1;
        if next < blocks.len() && !which.contains(&next) {
            blocks[next] = Arc::new(blocks[next].after(&blocks[i].body.html));
        }
    }
    Ok(())
}

/// What was drawn for one reader, to draw their next page from: the blocks they see
/// otherwise than everyone, and each of their own blocks, with the versions of the shared
/// blocks each was worked out from. Whatever those have not changed is theirs as it was.
pub struct Drawn {
    overlay: BTreeSet<usize>,
    orphans_differ: bool,
    page_notes_differ: bool,
    /// The ids of everything the reader wrote, then of everything in each of their groups,
    /// when the overlay was worked out.
    own: Own,
    /// The shared blocks the overlay was worked out from, by index and serial.
    basis: Vec<(usize, u64)>,
    blocks: HashMap<usize, Theirs>,
}

/// The sets of ids a reader's overlay is worked out from: theirs, then their groups'.
type Own = Vec<Option<OrdSet<String>>>;

/// A block drawn for one reader, with the versions of the shared blocks it was drawn from.
type Theirs = (Vec<(usize, u64)>, Arc<BlockPieces>);

impl Drawn {
    /// Whether block `index` as drawn for the reader still holds in `snapshot`.
    fn reusable(&self, index: usize, snapshot: &Snapshot) -> bool {
        self.blocks
            .get(&index)
            .is_some_and(|(from, _)| unchanged(from, &snapshot.blocks))
    }

    fn still_holds(&self, snapshot: &Snapshot, own: &Own) -> bool {
        let same = |was: &Option<OrdSet<String>>, is: &Option<OrdSet<String>>| match (was, is) {
            (Some(was), Some(is)) => was.ptr_eq(is),
            (None, None) => true,
            _ => false,
        };
        let same_own =
            self.own.len() == own.len() && self.own.iter().zip(own).all(|(was, is)| same(was, is));
        same_own && unchanged(&self.basis, &snapshot.blocks)
    }
}

fn unchanged(versions: &[(usize, u64)], blocks: &[Arc<BlockPieces>]) -> bool {
    versions
        .iter()
        .all(|&(i, serial)| blocks.get(i).is_some_and(|b| b.serial == serial))
}

fn versions(
    indices: impl IntoIterator<Item = usize>,
    blocks: &[Arc<BlockPieces>],
) -> Vec<(usize, u64)> {
    indices.into_iter().map(|i| (i, blocks[i].serial)).collect()
}

/// One version of an essay's page.
pub struct Snapshot {
    pub annotated: Annotated,
    /// The entities its mentions name, by index.
    entities: Arc<[Entity]>,
    pub blocks: Vec<Arc<BlockPieces>>,
    pub orphans: Vec<Orphan>,
    pub page_notes: Vec<PageNote>,
    /// The whole page for signed-out readers, by layer in the order of `Show::EVERY`:
    /// everyone's notes made with the version, the other layers when first asked for.
    pages: [OnceLock<Encoded>; Show::EVERY.len()],
    /// The blocks as everyone sees them, compressed: a reader who sees every block so gets
    /// them between a top and a section of notes on the whole essay of their own.
    pub(super) shared_blocks: Run,
    /// What follows the notes on the whole essay and the orphans, compressed: the print
    /// notes and the page's end.
    pub(super) tail: Run,
    /// The page after its top for signed-out readers, which is the same whatever the layer.
    rest_html: Bytes,
    /// How many blocks were rendered to make this version from the one before.
    pub rendered: usize,
}

impl Snapshot {
    pub fn revision(&self) -> i64 {
        self.annotated.revision()
    }

    fn next(
        previous: Option<&Snapshot>,
        article: Arc<Article>,
        shared_entities: Arc<[Entity]>,
        changes: Changes,
        public_url: &str,
    ) -> Result<Snapshot, AppError> {
        let entities = &*shared_entities;
        let everyone = View::default();
        let (annotated, blocks, lists, rendered) = match previous {
            None => {
                let annotated = Annotated::with(article, changes.revision, changes.written);
                let count = annotated.article().document.blocks.len();
                let mut blocks = Vec::with_capacity(count);
                for i in 0..count {
                    let block = BlockPieces::render(&annotated, entities, i, &everyone, &blocks)?;
                    blocks.push(Arc::new(block));
                }
                (annotated, blocks, (None, None), count)
            }
            Some(previous) => {
                let mut annotated = previous.annotated.clone();
                let touched = annotated.apply(changes.revision, changes.written, &changes.deleted);
                let mut blocks = previous.blocks.clone();
                redraw(&mut blocks, &touched.blocks, &annotated, entities)?;
                let orphans = (!touched.orphans).then(|| previous.orphans.clone());
                let page_notes = (!touched.page_notes).then(|| previous.page_notes.clone());
                (
                    annotated,
                    blocks,
                    (orphans, page_notes),
                    touched.blocks.len(),
                )
            }
        };
        let (orphans, page_notes) = lists;
        let orphans = orphans.unwrap_or_else(|| render::orphans(&annotated, &everyone));
        let page_notes = page_notes.unwrap_or_else(|| render::page_notes(&annotated, &everyone));
        let article = annotated.article();
        let layer = Layer::shared(&blocks, &orphans, &page_notes);
        let frame = signed_out_frame(&layer, article, annotated.revision(), Show::All, public_url)?;
        let shared_blocks = Run::of(layer.block_pieces());
        let tail = Run::of(layer.tail(&frame));
        let html = layer.html(&frame);
        let rest_html = html.slice(frame.top.html.len()..);
        let gzip = deflate::gzip_parts(&[
            Part::One(&frame.top),
            Part::Run(&shared_blocks),
            Part::One(&frame.middle),
            Part::Run(&tail),
        ]);
        let page = Encoded::page(html, gzip);
        if previous.is_none() {
            page.make_brotli();
        }
        Ok(Snapshot {
            pages: std::array::from_fn(|i| {
                if i == Show::All.index() {
                    OnceLock::from(page.clone())
                } else {
                    OnceLock::new()
                }
            }),
            shared_blocks,
            tail,
            rest_html,
            rendered,
            annotated,
            entities: shared_entities,
            blocks,
            orphans,
            page_notes,
        })
    }

    /// The page for signed-out readers who chose `show`: the same blocks under a top that
    /// says which to show.
    pub fn signed_out(&self, show: Show, public_url: &str) -> Result<Encoded, AppError> {
        let kept = &self.pages[show.index()];
        if let Some(page) = kept.get() {
            metrics::counter!("gloss_page_cache_hits_total", "kind" => "signed_out").increment(1);
            return Ok(page.clone());
        }
        metrics::counter!("gloss_page_renders_total", "kind" => "signed_out").increment(1);
        let layer = Layer::shared(&self.blocks, &self.orphans, &self.page_notes);
        let article = self.annotated.article();
        let frame = signed_out_frame(&layer, article, self.revision(), show, public_url)?;
        let mut html = Vec::with_capacity(frame.top.html.len() + self.rest_html.len());
        html.extend_from_slice(&frame.top.html);
        html.extend_from_slice(&self.rest_html);
        let gzip = layer.gzip(&frame, self);
        Ok(kept
            .get_or_init(|| Encoded::page(Bytes::from(html), gzip))
            .clone())
    }

    /// The blocks and orphans as `view` sees them: these shared ones, with the few that differ
    /// for this reader (their own notes, a shared passage, a paragraph opened in full) drawn
    /// for them, or taken from what was `drawn` for them before where nothing it was drawn
    /// from has changed. Many blocks are drawn off the serving thread, so that a reader with
    /// notes all over the essay does not hold up the others it serves.
    pub async fn layer(
        self: &Arc<Self>,
        view: &View<'_>,
        drawn: Option<Arc<Drawn>>,
    ) -> Result<(Layer, Drawn), AppError> {
        let own: Own = std::iter::once(view.viewer.and_then(|v| self.annotated.ids_by(v)))
            .chain(view.groups.iter().map(|g| self.annotated.ids_in_group(g)))
            .collect();
        // Which blocks are the reader's is worked out again when any of them changed; each of
        // their blocks is drawn again only when what it was drawn from changed.
        let (overlay, orphans_differ, page_notes_differ) =
            match drawn.as_ref().filter(|d| d.still_holds(self, &own)) {
                Some(d) => (d.overlay.clone(), d.orphans_differ, d.page_notes_differ),
                None => {
                    let touched = self.annotated.overlay(view);
                    (touched.blocks, touched.orphans, touched.page_notes)
                }
            };
        let to_draw = overlay
            .iter()
            .filter(|&&i| !drawn.as_ref().is_some_and(|d| d.reusable(i, self)))
            .count();
        let plan = Plan {
            overlay,
            orphans_differ,
            page_notes_differ,
            own,
        };
        if to_draw <= DRAWN_IN_PLACE {
            return self.draw(view, plan, drawn.as_deref());
        }
        let snapshot = Arc::clone(self);
        let owned = OwnedView::from(view);
        tokio::task::spawn_blocking(move || {
            let view = owned.view();
            snapshot.draw(&view, plan, drawn.as_deref())
        })
        .await
        .map_err(|e| AppError::Internal(format!("drawing a reader's page failed: {e}")))?
    }

    fn draw(
        &self,
        view: &View,
        plan: Plan,
        before: Option<&Drawn>,
    ) -> Result<(Layer, Drawn), AppError> {
        let Plan {
            overlay,
            orphans_differ,
            page_notes_differ,
            own,
        } = plan;
        let mut blocks = self.blocks.clone();
        let mut kept = HashMap::new();
        for &i in &overlay {
            let theirs = match before.filter(|d| d.reusable(i, self)) {
                Some(d) => d.blocks[&i].clone(),
                None => {
                    metrics::counter!("gloss_page_blocks_rendered_total").increment(1);
                    let block = Arc::new(BlockPieces::render(
                        &self.annotated,
                        &self.entities,
                        i,
                        view,
                        &[],
                    )?);
                    let from = versions(block.rendered.drawn_from.iter().copied(), &self.blocks);
                    (from, block)
                }
            };
            blocks[i] = Arc::clone(&theirs.1);
            kept.insert(i, theirs);
        }
        let orphans = if orphans_differ {
            render::orphans(&self.annotated, view)
        } else {
            self.orphans.clone()
        };
        let alone = (0..blocks.len())
            .map(|i| overlay.contains(&i) || i.checked_sub(1).is_some_and(|p| overlay.contains(&p)))
            .collect();
        let page_notes = if page_notes_differ {
            render::page_notes(&self.annotated, view)
        } else {
            self.page_notes.clone()
        };
        let shared = overlay.is_empty() && !orphans_differ && !page_notes_differ;
        let drawn = Drawn {
            basis: versions(overlay.iter().copied(), &self.blocks),
            overlay,
            orphans_differ,
            page_notes_differ,
            own,
            blocks: kept,
        };
        let layer = Layer {
            blocks,
            orphans,
            page_notes,
            shared,
            alone,
        };
        Ok((layer, drawn))
    }
}

/// What a reader's layer is to hold: the blocks they see otherwise than everyone, whether
/// their orphans and page notes differ, and what they had written when that was worked out.
struct Plan {
    overlay: BTreeSet<usize>,
    orphans_differ: bool,
    page_notes_differ: bool,
    own: Own,
}

/// How many blocks a reader's page may need drawn for them before it is drawn off the
/// serving thread: a block takes a fraction of a millisecond, a thread hand-off about as much.
const DRAWN_IN_PLACE: usize = 2;

/// A [`View`] that owns what it names, to take to another thread.
struct OwnedView {
    viewer: Option<String>,
    groups: Vec<String>,
    focus: Option<String>,
    expanded: Option<String>,
    share: Option<(String, Range<usize>)>,
}

impl OwnedView {
    fn from(view: &View) -> OwnedView {
        OwnedView {
            viewer: view.viewer.map(str::to_string),
            groups: view.groups.to_vec(),
            focus: view.focus.map(str::to_string),
            expanded: view.expanded.map(str::to_string),
            share: view
                .share
                .clone()
                .map(|(code, range)| (code.to_string(), range)),
        }
    }

    fn view(&self) -> View<'_> {
        View {
            viewer: self.viewer.as_deref(),
            groups: &self.groups,
            focus: self.focus.as_deref(),
            expanded: self.expanded.as_deref(),
            share: self
                .share
                .as_ref()
                .map(|(code, range)| (code.as_str(), range.clone())),
        }
    }
}

/// The frame of the page for signed-out readers.
fn signed_out_frame(
    layer: &Layer,
    article: &Article,
    revision: i64,
    show: Show,
    public_url: &str,
) -> Result<Frame, AppError> {
    let preview = Preview::of(article, public_url);
    let head = Head::new(&article.meta.title, &article.meta.summary);
    layer.frame(head, article, &preview, None, revision, show)
}
