// Gloss: select a passage of the essay, then Annotate, Highlight or Copy link, from the toolbar
// by the selection or by the keys A, H and C. Signed out, Annotate and Highlight log in first
// and carry on after.
import { refresh } from "./fragments.js";
import { EDGE, article, clamp, editorOpen, make, reader, root, slug } from "./page.js";
import { MAX_QUOTE, passageAgain, selectedPassage } from "./passage.js";
import { annotation, api, targetOf } from "./server.js";
import { say } from "./toast.js";

/** What a reader chose before logging in, kept for the page they come back to. */
const PENDING = "gloss:pending";
const TOOLS = { a: "Annotate", h: "Highlight", c: "Copy link" };
// The toolbar lives outside the article, so it never joins the plain text.
const bar = make("div", { className: "sel-bar", hidden: true }, Object.entries(TOOLS).map(([key, name], i) =>
  `<button type="button" data-tool="${key}" aria-keyshortcuts="${key}" title="${name} (${key.toUpperCase()})" tabindex="${i ? -1 : 0}">${name}</button>`).join(""));
bar.setAttribute("role", "toolbar");
bar.setAttribute("aria-label", "Selection");
if (article) document.body.append(bar);
/** The passage the toolbar acts on, while it shows. */
let chosen = null;
let selectionTimer = 0;
let warned = false;
let pointer = "mouse";
document.addEventListener("pointerdown", (event) => { pointer = event.pointerType; }, true);
const touchy = () => pointer === "touch" || matchMedia("(pointer: coarse)").matches;

/** The editor is fetched only when a signed-in reader first opens it. */
async function openEditor(...args) {
  try {
    (await import("./editor.js")).openEditor(...args);
  } catch {
    say("Could not load the editor. Check your connection and try again.", true);
  }
}

function hideBar() {
  bar.hidden = true;
  chosen = null;
}

/** Above the selection's first line; below its last on phones, clear of the native menu and handles. */
function placeBar(range) {
  const lines = [...range.getClientRects()].filter((line) => line.width && line.height);
  const first = lines[0] || range.getBoundingClientRect();
  const last = lines.at(-1) || first;
  bar.hidden = false;
  const { offsetWidth: width, offsetHeight: height } = bar;
  const below = touchy() || first.top < height + 2 * EDGE;
  const line = below ? last : first;
  let top = below ? last.bottom + (touchy() ? 28 : EDGE) : first.top - height - EDGE;
  if (last.bottom > 0 && first.top < root.clientHeight) top = clamp(top, root.clientHeight - height);
  bar.style.left = `${Math.round(clamp((line.left + line.right - width) / 2, root.clientWidth - width) + scrollX)}px`;
  bar.style.top = `${Math.round(top + scrollY)}px`;
}

function update() {
  clearTimeout(selectionTimer);
  selectionTimer = 0;
  const passage = editorOpen() ? null : selectedPassage();
  if (passage?.tooLong && !warned) say(`Select at most ${MAX_QUOTE.toLocaleString("en")} characters to annotate.`, true);
  warned = !!passage?.tooLong;
  if (!passage || passage.tooLong) return hideBar();
  chosen = passage;
  placeBar(passage.range);
}

document.addEventListener("selectionchange", () => {
  clearTimeout(selectionTimer);
  selectionTimer = setTimeout(update, 150);
});
addEventListener("resize", () => chosen && placeBar(chosen.range));
bar.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
bar.addEventListener("click", (event) => event.target.dataset?.tool && act(event.target.dataset.tool));
bar.addEventListener("keydown", (event) => { // arrow keys move along the toolbar
  const step = { ArrowRight: 1, ArrowLeft: 2 }[event.key];
  const buttons = [...bar.children];
  const next = step && buttons[(buttons.indexOf(document.activeElement) + step) % 3];
  if (!next) return;
  for (const button of buttons) button.tabIndex = button === next ? 0 : -1;
  next.focus();
});

document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (!article || event.ctrlKey || event.metaKey || event.altKey || editorOpen() || target.isContentEditable || target.closest?.("input, textarea, select")) return;
  const key = event.key.toLowerCase();
  if (selectionTimer && key in TOOLS) update(); // typed before the debounce ran out
  if (bar.hidden) return;
  if (event.key === "Escape") hideBar();
  else if (key in TOOLS && !event.repeat) {
    event.preventDefault();
    act(key);
  }
});

function act(tool) {
  const passage = chosen;
  if (!passage) return;
  hideBar();
  if (tool === "c") copyLink(passage);
  else if (!reader()) toLogin(passage, tool);
  else if (tool === "a") openEditor({ kind: "annotate", passage, quote: passage.exact }, passage.range);
  else highlight(passage);
}

/** Copies a short link to the passage; it also carries a text fragment for browsers that use one. */
async function copyLink(passage) {
  try {
    const { link } = await (await api("POST", "/api/shares", { target: targetOf(passage) })).json();
    await navigator.clipboard.writeText(link);
    say("Link copied");
  } catch (err) {
    say(err.status ? err.message : "Could not copy the link.", true);
  }
}

async function highlight(passage) {
  try {
    await api("POST", "/annotations/", annotation("highlighting", [], targetOf(passage), "private"));
    getSelection().removeAllRanges();
    await refresh();
    say("Highlighted");
  } catch (err) {
    say(err.message, true);
  }
}

function toLogin({ exact, prefix, suffix, start, end, block }, tool) {
  try {
    sessionStorage.setItem(PENDING, JSON.stringify({ tool, slug, exact, prefix, suffix, start, end, t: Date.now() }));
  } catch { /* no storage: the reader selects again after logging in */ }
  location.assign(`/login?next=${encodeURIComponent(`${location.pathname}#${block}`)}`);
}

// Back from logging in: select the passage again, then carry on (after the scroll to #block,
// which would take focus from the editor).
function resume() {
  let job;
  try {
    job = JSON.parse(sessionStorage.getItem(PENDING));
  } catch { /* nothing pending */ }
  if (job?.slug !== slug || !reader() || !article) return;
  sessionStorage.removeItem(PENDING);
  if (Date.now() - job.t > 36e5) return;
  const found = passageAgain(job);
  if (!found) return say("The passage you selected is no longer in the essay.", true);
  getSelection().removeAllRanges();
  getSelection().addRange(found.range.cloneRange());
  found.range.startContainer.parentElement.scrollIntoView({ block: "center" });
  if (job.tool === "a") openEditor({ kind: "annotate", passage: found, quote: job.exact }, found.range);
  else highlight(found);
}
if (document.readyState === "complete") resume();
else addEventListener("load", () => setTimeout(resume), { once: true });
