// Gloss: landing on a text fragment (#:~:text=[prefix-,]start[,end][,-suffix]) that a browser
// or another site made: the passage is marked as a shared one is, and scrolled into view, in
// every browser. Loaded only when the address carries one. Browsers hide the directive from
// location.hash; the navigation's own URL keeps it where they allow.
import { article } from "./page.js";
import { plainText } from "./passage.js";

const url = performance.getEntriesByType("navigation")[0]?.name || location.href;
const directive = url.split(":~:")[1]?.split("&").find((d) => d.startsWith("text="));

/** The directive's terms, each percent-decoded: commas and dashes inside terms are encoded. */
function terms(value) {
  const parts = value.split(",").map((part) => part.trim());
  const prefix = parts[0]?.endsWith("-") ? parts.shift().slice(0, -1) : "";
  const suffix = parts.length > 1 && parts.at(-1).startsWith("-") ? parts.pop().slice(1) : "";
  const [start, end = ""] = parts.map(decodeURIComponent);
  return { prefix: decodeURIComponent(prefix), start, end, suffix: decodeURIComponent(suffix) };
}

/** UTF-16 offsets [from, to) of the passage in `text`, matched as browsers do: whatever the
 * case, the prefix and suffix next to it but for white space. */
function find(text, { prefix, start, end, suffix }) {
  const lower = text.toLowerCase();
  for (let at = lower.indexOf(start.toLowerCase()); start && at >= 0; at = lower.indexOf(start.toLowerCase(), at + 1)) {
    if (prefix && !lower.slice(0, at).trimEnd().endsWith(prefix.toLowerCase())) continue;
    let to = at + start.length;
    if (end) {
      const last = lower.indexOf(end.toLowerCase(), to);
      if (last < 0) return null;
      to = last + end.length;
    }
    if (suffix && !lower.slice(to).trimStart().startsWith(suffix.toLowerCase())) continue;
    return [at, to];
  }
  return null;
}

/** Marks each text node's part of [from, to) with the page's mark for a shared passage. */
function mark({ nodes }, from, to) {
  const marks = [];
  let before = 0;
  for (const node of nodes) {
    const [a, b] = [Math.max(from - before, 0), Math.min(to - before, node.length)];
    before += node.length;
    if (a >= b) continue;
    const range = document.createRange();
    range.setStart(node, a);
    range.setEnd(node, b);
    const el = Object.assign(document.createElement("mark"), { className: "shared" });
    el.dataset.share = "text-fragment";
    range.surroundContents(el);
    marks.push(el);
  }
  return marks;
}

/** The passage's offsets, or null: none found, or a directive that does not decode. */
function located(plain) {
  try {
    return find(plain.text, terms(directive.slice(5)));
  } catch {
    return null;
  }
}

if (article && directive && !article.querySelector("mark[data-share]")) {
  const plain = plainText();
  const found = located(plain);
  if (found) {
    const [first] = mark(plain, ...found);
    first.tabIndex = -1;
    first.scrollIntoView({ block: "center" });
    first.focus({ preventScroll: true });
  }
}
