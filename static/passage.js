// Gloss: passages of the essay as the server counts them. Selectors count code points in the
// plain text: the article's text without its asides ([data-aside]).
import { article } from "./page.js";

/** The most code points a note may quote. */
export const MAX_QUOTE = 5000;

const codePoints = (text) => text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g) || []).length;

/** The essay's text nodes in order, and their text joined. */
export function plainText() {
  const nodes = [];
  const { SHOW_ELEMENT, SHOW_TEXT, FILTER_ACCEPT, FILTER_REJECT, FILTER_SKIP } = NodeFilter;
  const walker = document.createTreeWalker(article, SHOW_ELEMENT | SHOW_TEXT, (node) =>
    node.nodeType === 3 ? FILTER_ACCEPT : node.hasAttribute("data-aside") ? FILTER_REJECT : FILTER_SKIP);
  for (let node; (node = walker.nextNode());) nodes.push(node);
  return { nodes, text: nodes.map((node) => node.data).join("") };
}

/** UTF-16 offset in the plain text of the boundary point (node, offset), wherever it is. */
function offsetOf(nodes, node, offset) {
  const point = document.createRange();
  point.setStart(node, offset);
  let before = 0;
  for (const text of nodes) {
    if (text === node) return before + offset;
    if (point.comparePoint(text, 0) > 0) break;
    before += text.length;
  }
  return before;
}

/** The passage at UTF-16 offsets [from, to) of the plain text: its Range, block id and selectors. */
function passageAt({ nodes, text }, from, to) {
  const range = document.createRange();
  let before = 0;
  for (const node of nodes) {
    if (from >= before && from < before + node.length) range.setStart(node, from - before);
    if (to > before && to <= before + node.length) range.setEnd(node, to - before);
    before += node.length;
  }
  let block = range.startContainer;
  while (block.parentNode && block.parentNode !== article) block = block.parentNode;
  const start = codePoints(text.slice(0, from));
  return {
    range, start, end: start + codePoints(text.slice(from, to)), exact: text.slice(from, to),
    prefix: [...text.slice(Math.max(0, from - 64), from)].slice(-32).join(""),
    suffix: [...text.slice(to, to + 64)].slice(0, 32).join(""),
    block: (block.id ? block : block.nextElementSibling)?.id || "",
  };
}

/** The selection as a passage, trimmed of white space; { tooLong } past MAX_QUOTE; null when
 * nothing in the essay is selected. */
export function selectedPassage() {
  const selection = getSelection();
  if (!article || !selection.rangeCount || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!range.intersectsNode(article)) return null;
  const plain = plainText();
  let from = offsetOf(plain.nodes, range.startContainer, range.startOffset);
  let to = offsetOf(plain.nodes, range.endContainer, range.endOffset);
  while (from < to && /\s/.test(plain.text[from])) from++;
  while (to > from && /\s/.test(plain.text[to - 1])) to--;
  if (from >= to) return null;
  return codePoints(plain.text.slice(from, to)) > MAX_QUOTE ? { tooLong: true } : passageAt(plain, from, to);
}

/** The passage a reader chose before logging in, found again: at its place if the text there
 * is unchanged, else by its quote and context. Null when the essay no longer has it. */
export function passageAgain({ exact, prefix, suffix, start }) {
  const plain = plainText();
  let from = [...plain.text].slice(0, start).join("").length; // code points to UTF-16
  if (plain.text.slice(from, from + exact.length) !== exact) {
    const at = plain.text.indexOf(prefix + exact + suffix);
    from = at < 0 ? plain.text.indexOf(exact) : at + prefix.length;
  }
  return from < 0 ? null : passageAt(plain, from, from + exact.length);
}
