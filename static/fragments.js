// Gloss: the page kept up to date in place, after the reader's own changes and, live, after
// everyone else's and after an edit of the essay itself. The server re-renders the paragraphs
// whose notes or words changed; they are swapped in (an edit may add, remove or move some:
// reshape.js), then the notes on the whole essay, the orphaned notes and the notes for print.
import { closeCard } from "./cards.js";
import { $, article, editorOpen, focusOn, parse, slug } from "./page.js";
import { api } from "./server.js";

/** Dispatched on each element swapped in, so scripts can add what the server does not draw. */
export const SWAPPED = "gloss:swapped";

const essay = `/articles/${encodeURIComponent(slug)}`;
let queue = Promise.resolve();
/** The newest revision the page showed or a live event announced: the fragments fetched
 * must show it. */
let announced = +article?.dataset.revision || 0;

/** Brings the page up to date. One update at a time, in order: an older answer arriving last
 * would bring back a note just deleted. */
export function refresh() {
  const next = queue.then(swapFragments);
  queue = next.catch(() => {});
  return next;
}

/** Puts `fresh` in the place of `old`; a section the page did not have goes after the essay. */
function swapIn(old, fresh) {
  if (old) old.replaceWith(fresh);
  else ($("section.orphans") || $("section.page-notes") || article).after(fresh);
  fresh.dispatchEvent(new Event(SWAPPED, { bubbles: true }));
}

/** Swaps in the blocks whose notes changed; returns the one that took the place of the block
 * holding `active`. */
function swapChanged(blocks, active) {
  let home;
  for (const block of blocks) {
    const old = document.getElementById(block.id);
    if (old.dataset.v === block.v) continue;
    const fresh = parse(block.html);
    if (old.contains(active)) home = fresh;
    swapIn(old, fresh);
  }
  return home;
}

async function swapFragments() {
  // A paragraph opened with all its notes stays open.
  const query = new URLSearchParams();
  const notes = new URLSearchParams(location.search).get("notes");
  if (notes) query.set("notes", notes);
  query.set("revision", announced);
  const data = await (await api("GET", `${essay}/fragments?${query}`, null, { Accept: "application/json" })).json();
  closeCard();
  const active = document.activeElement;
  const blocks = data.blocks || [];
  const ids = (list) => list.map((block) => block.id).join();
  // An edit of the essay adds, removes or moves blocks, which takes a module of its own.
  const keepPlace = ids(blocks) !== ids([...article.children]) && (await import("./reshape.js")).reshape(blocks, SWAPPED);
  const home = swapChanged(blocks, active);
  for (const [selector, html] of [["section.page-notes", data.page_notes], ["section.orphans", data.orphans], ["section.print-notes", data.footnotes]]) {
    const fresh = html && parse(html);
    if (fresh) swapIn($(selector), fresh);
    else $(selector)?.remove();
  }
  if (keepPlace) keepPlace();
  if (home && !active.isConnected) { // focus was in a swapped block: find its twin
    const { action, annotation: id = "" } = active.dataset;
    focusOn((active.id && document.getElementById(active.id)) ||
      (action && $(`[data-action="${action}"][data-annotation="${CSS.escape(id)}"]`)) || home);
  }
}

// Live: other readers' notes appear, change and vanish as they are made, and an edit of the
// essay replaces its text (`essay`). EventSource reconnects by itself (sending the last
// revision it saw), also after a server restarts.
if (article) {
  let soon = 0;
  const catchUp = (event) => {
    announced = Math.max(announced, +event?.lastEventId || 0);
    clearTimeout(soon);
    // Not under the reader's pen: the page moves once the editor closes.
    const open = editorOpen();
    if (open) return open.addEventListener("close", catchUp, { once: true });
    soon = setTimeout(() => refresh().catch(() => {}), 100);
  };
  const listen = () => {
    const live = new EventSource(`${essay}/live?since=${announced}`);
    for (const type of ["created", "updated", "deleted", "resync", "essay"]) live.addEventListener(type, catchUp);
    // A browser gives a stream up for good (readyState 2, closed) when it is answered with an
    // error (a proxy's 502 while servers restart, say): open it again a little later, from the
    // revision reached.
    live.onerror = () => live.readyState > 1 && setTimeout(listen, 5000);
  };
  listen();
}
