// Gloss: an edited essay taken into the open page. An edit may add, remove or move blocks;
// the rest, and what has focus in them, are left alone, and the reader stays where they were
// reading. Loaded only when an edit comes: most readers never need it.
import { article, parse } from "./page.js";

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

/** Makes the essay's blocks those of `blocks`, in their order: adds those the page lacks
 * (dispatching `swapped` on each), removes those it no longer has and moves any whose place
 * changed, leaving the rest (and what has focus in them) alone. Returns what scrolls the reader
 * back to where they were reading, once the changed blocks are swapped in too. */
export function reshape(blocks, swapped) {
  const tops = place();
  const wanted = new Set(blocks.map((block) => block.id));
  for (const old of [...article.children]) if (!wanted.has(old.id)) old.remove();
  let previous = null;
  for (const block of blocks) {
    const el = document.getElementById(block.id) || parse(block.html);
    const added = !el.isConnected;
    if (added || el.previousElementSibling !== previous) previous ? previous.after(el) : article.prepend(el);
    if (added) el.dispatchEvent(new Event(swapped, { bubbles: true }));
    previous = el;
  }
  // The line between blocks is part of the essay's text that passages are counted in.
  for (const node of [...article.childNodes]) if (node.nodeType !== Node.ELEMENT_NODE) node.remove();
  for (const block of [...article.children].slice(1)) block.before("\n");
  return () => keep(tops);
}
