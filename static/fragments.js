// Gloss: the page kept up to date in place, after the reader's own changes and, live, after
// everyone else's. The server re-renders the paragraphs whose notes changed; they are swapped
// in, then the notes on the whole essay, the orphaned notes and the notes for print.
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

async function swapFragments() {
  // A paragraph opened with all its notes stays open.
  const query = new URLSearchParams();
  const notes = new URLSearchParams(location.search).get("notes");
  if (notes) query.set("notes", notes);
  if (announced) query.set("revision", announced);
  const data = await (await api("GET", `/articles/${encodeURIComponent(slug)}/fragments?${query}`, null, { Accept: "application/json" })).json();
  closeCard();
  const active = document.activeElement;
  let home = null;
  for (const block of data.blocks || []) {
    const old = document.getElementById(block.id);
    const fresh = old && old.dataset.v !== block.v && parse(block.html);
    if (!fresh) continue;
    if (old.contains(active)) home = fresh;
    swapIn(old, fresh);
  }
  for (const [selector, html] of [["section.page-notes", data.page_notes], ["section.orphans", data.orphans], ["section.print-notes", data.footnotes]]) {
    const fresh = html && parse(html);
    if (fresh) swapIn($(selector), fresh);
    else $(selector)?.remove();
  }
  if (home && !active.isConnected) { // focus was in a swapped block: find its twin
    const { action, annotation: id = "" } = active.dataset;
    focusOn((active.id && document.getElementById(active.id)) ||
      (action && $(`[data-action="${action}"][data-annotation="${CSS.escape(id)}"]`)) || home);
  }
}

// Live: other readers' notes appear, change and vanish as they are made. EventSource
// reconnects by itself (sending the last revision it saw), also after a server restarts.
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
    for (const type of ["created", "updated", "deleted", "resync"]) live.addEventListener(type, catchUp);
    live.addEventListener("error", () => {
      if (live.readyState === EventSource.CLOSED) setTimeout(() => listen(Math.max(since, announced)), 5000);
    });
  };
  listen(Number(article.dataset.revision) || 0);
}
