// Gloss: the page kept up to date in place, after the reader's own changes and, live, after
// everyone else's and after an edit of the essay itself. The server re-renders the paragraphs
// whose notes or words changed; they are swapped in (an edit may add, remove or move some),
// then the notes on the whole essay, the orphaned notes and the notes for print. The reader
// stays where they were reading.
import { closeCard } from "./cards.js";
import { $, article, editorOpen, focusOn, parse, slug } from "./page.js";
import { api } from "./server.js";

/** Dispatched on each element swapped in, so scripts can add what the server does not draw. */
export const SWAPPED = "gloss:swapped";

let queue = Promise.resolve();
/** The newest revision a live event announced: the fragments fetched for it must show it. */
let announced = 0;

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

/** Where the reader is: each block down to the one at the top of the window, with how far
 * below the window's top it stands. */
function place() {
  const tops = [];
  for (const block of article.children) {
    const { top, bottom } = block.getBoundingClientRect();
    tops.push([block.id, top]);
    if (bottom > 0) break;
  }
  return tops;
}

/** Scrolls back to `tops`: the block that was at the window's top where it was, or, if it is
 * gone, the nearest block before it that is still there. */
function keep(tops) {
  for (const [id, top] of tops.reverse()) {
    const block = id && document.getElementById(id);
    if (block && block.parentElement === article) return window.scrollBy(0, block.getBoundingClientRect().top - top);
  }
}

/** Swaps in the blocks that changed; after an edit, also adds the new ones, removes those gone
 * and moves any whose place changed, leaving the rest (and what has focus in them) alone.
 * Returns the block that took the place of the one holding `active`. */
function swapBlocks(blocks, active) {
  const wanted = new Set(blocks.map((block) => block.id));
  let home = null;
  let reshaped = false;
  for (const old of [...article.children]) {
    if (wanted.has(old.id)) continue;
    old.remove();
    reshaped = true;
  }
  let previous = null;
  for (const block of blocks) {
    let el = document.getElementById(block.id);
    if (el && el.dataset.v !== block.v) {
      const fresh = parse(block.html);
      if (el.contains(active)) home = fresh;
      swapIn(el, fresh);
      el = fresh;
    } else if (!el) {
      el = parse(block.html);
      previous ? previous.after(el) : article.prepend(el);
      el.dispatchEvent(new Event(SWAPPED, { bubbles: true }));
      reshaped = true;
    } else if (el.previousElementSibling !== previous) {
      previous ? previous.after(el) : article.prepend(el);
      reshaped = true;
    }
    previous = el;
  }
  // The line between blocks is part of the essay's text that passages are counted in.
  if (reshaped) {
    for (const node of [...article.childNodes]) if (node.nodeType !== Node.ELEMENT_NODE) node.remove();
    for (const block of [...article.children].slice(1)) block.before("\n");
  }
  return home;
}

async function swapFragments() {
  // A paragraph opened with all its notes stays open.
  const query = new URLSearchParams();
  const notes = new URLSearchParams(location.search).get("notes");
  if (notes) query.set("notes", notes);
  if (announced) query.set("revision", announced);
  const data = await (await api("GET", `/articles/${encodeURIComponent(slug)}/fragments?${query}`, null, { Accept: "application/json" })).json();
  closeCard();
  const active = document.activeElement;
  const tops = place();
  const home = swapBlocks(data.blocks || [], active);
  for (const [selector, html] of [["section.page-notes", data.page_notes], ["section.orphans", data.orphans], ["section.print-notes", data.footnotes]]) {
    const fresh = html && parse(html);
    if (fresh) swapIn($(selector), fresh);
    else $(selector)?.remove();
  }
  keep(tops);
  if (home && !active.isConnected) { // focus was in a swapped block: find its twin
    const { action, annotation: id = "" } = active.dataset;
    focusOn((active.id && document.getElementById(active.id)) ||
      (action && $(`[data-action="${action}"][data-annotation="${CSS.escape(id)}"]`)) || home);
  }
}

// Live: other readers' notes appear, change and vanish as they are made, and an edit of the
// essay replaces its text (`essay`). EventSource reconnects by itself (sending the last
// revision it saw), also after a server restarts.
if (article && "EventSource" in window) {
  let soon = 0;
  const catchUp = (event) => {
    announced = Math.max(announced, Number(event?.lastEventId) || 0);
    clearTimeout(soon);
    // Not under the reader's pen: the page moves once the editor closes.
    const open = editorOpen();
    if (open) return open.addEventListener("close", catchUp, { once: true });
    soon = setTimeout(() => refresh().catch(() => {}), 100);
  };
  // A browser gives a stream up for good when it is answered with an error (a proxy's 502
  // while servers restart, say): open it again a little later, from the revision reached.
  const listen = (since) => {
    const live = new EventSource(`/articles/${encodeURIComponent(slug)}/live?since=${since}`);
    for (const type of ["created", "updated", "deleted", "resync", "essay"]) live.addEventListener(type, catchUp);
    live.addEventListener("error", () => {
      if (live.readyState === EventSource.CLOSED) setTimeout(() => listen(Math.max(since, announced)), 5000);
    });
  };
  listen(Number(article.dataset.revision) || 0);
}
