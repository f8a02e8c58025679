// Gloss: progressive enhancement for reading pages. Everything works without it.
// Cards: hover delay, keyboard focus, Escape, kept inside the viewport.
const root = document.documentElement;
root.classList.add("js");

const OPEN_DELAY = 250;
const CLOSE_DELAY = 200;
const EDGE = 8;
let open = null;
let openTimer = 0;
let closeTimer = 0;

const mentionOf = (el) => (el instanceof Element ? el.closest(".mention") : null);

function close() {
  if (!open) return;
  const card = open.querySelector(".card");
  if (card) {
    card.style.transform = "";
    card.classList.remove("card-above");
  }
  open.classList.remove("card-open");
  open = null;
}

function show(mention) {
  clearTimeout(openTimer);
  clearTimeout(closeTimer);
  if (open === mention) return;
  close();
  const card = mention.querySelector(".card");
  if (!card) return;
  open = mention;
  mention.classList.add("card-open");
  place(mention.querySelector(".mention-link") || mention, card);
}

function place(anchor, card) {
  const vw = root.clientWidth;
  const vh = root.clientHeight;
  const r = card.getBoundingClientRect();
  let dx = 0;
  if (r.right > vw - EDGE) dx = vw - EDGE - r.right;
  if (r.left + dx < EDGE) dx = EDGE - r.left;
  if (dx) card.style.transform = `translateX(${Math.round(dx)}px)`;
  if (r.bottom > vh - EDGE) {
    const a = anchor.getBoundingClientRect();
    if (a.top > r.height + 2 * EDGE || a.top > vh - a.bottom) card.classList.add("card-above");
  }
}

document.addEventListener("pointerover", (e) => {
  if (e.pointerType === "touch") return;
  const m = mentionOf(e.target);
  if (!m || !m.querySelector(".card")) return;
  clearTimeout(openTimer);
  if (m === open) clearTimeout(closeTimer);
  else openTimer = setTimeout(() => show(m), OPEN_DELAY);
});

document.addEventListener("pointerout", (e) => {
  if (e.pointerType === "touch") return;
  const m = mentionOf(e.target);
  if (!m || (e.relatedTarget instanceof Node && m.contains(e.relatedTarget))) return;
  if (m === open) closeTimer = setTimeout(close, CLOSE_DELAY);
  else clearTimeout(openTimer);
});

document.addEventListener("focusin", (e) => {
  const t = e.target;
  if (!(t instanceof Element) || !t.matches(".mention-link")) return;
  let keyboard = true;
  try { keyboard = t.matches(":focus-visible"); } catch { /* old browser: treat as keyboard */ }
  const m = t.closest(".mention");
  if (keyboard && m) show(m);
});

document.addEventListener("focusout", (e) => {
  const m = mentionOf(e.target);
  if (!m || m !== open) return;
  if (e.relatedTarget instanceof Node && m.contains(e.relatedTarget)) return;
  close();
});

document.addEventListener("keydown", (e) => {
  if (e.key !== "Escape") return;
  clearTimeout(openTimer);
  const m = open;
  if (!m) return;
  close();
  if (m.contains(document.activeElement)) {
    const link = m.querySelector(".mention-link");
    if (link) link.focus();
  }
});

window.addEventListener("resize", close);

// ---------------------------------------------------------------------------
// Annotating: select a passage, then Annotate, Highlight or Copy link.
// Selectors count code points in the plain text: the article's text minus [data-aside].
const article = document.querySelector("article.essay");
const slug = article?.dataset.slug || location.pathname.split("/").pop();
const MAX = 5000;
const PENDING = "gloss:pending";
const ANNO = "http://www.w3.org/ns/anno.jsonld";
const enc = encodeURIComponent;
const $ = (sel, from = document) => from.querySelector(sel);
const user = () => $('meta[name="gloss-user"]');
const csrf = () => $('meta[name="gloss-csrf"]')?.content || document.cookie.match(/(?:^|; *)gloss_csrf=([^;]*)/)?.[1] || "";
const cpLen = (s) => s.length - (s.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g) || []).length;
const clamp = (v, max) => Math.max(EDGE, Math.min(v, max - EDGE));
const make = (tag, props, html) => Object.assign(document.createElement(tag), props, html && { innerHTML: html });
let pointer = "mouse";
document.addEventListener("pointerdown", (e) => { pointer = e.pointerType; }, true);
const touchy = () => pointer === "touch" || matchMedia("(pointer: coarse)").matches;

/** The essay's text nodes in order, and their text joined. */
function plain() {
  const nodes = [];
  const { SHOW_ELEMENT, SHOW_TEXT, FILTER_ACCEPT, FILTER_REJECT, FILTER_SKIP } = NodeFilter;
  const walker = document.createTreeWalker(article, SHOW_ELEMENT | SHOW_TEXT, (n) =>
    n.nodeType === 3 ? FILTER_ACCEPT : n.hasAttribute("data-aside") ? FILTER_REJECT : FILTER_SKIP);
  for (let n; (n = walker.nextNode());) nodes.push(n);
  return { nodes, text: nodes.map((n) => n.data).join("") };
}

/** UTF-16 offset in the plain text of the boundary point (node, offset), wherever it is. */
function offsetOf(nodes, node, offset) {
  const point = document.createRange();
  point.setStart(node, offset);
  let n = 0;
  for (const t of nodes) {
    if (t === node) return n + offset;
    if (point.comparePoint(t, 0) > 0) break;
    n += t.length;
  }
  return n;
}

/** The passage at UTF-16 offsets [s, e): its Range, block id and selectors. */
function passage({ nodes, text }, s, e) {
  const range = document.createRange();
  let n = 0;
  for (const t of nodes) {
    if (s >= n && s < n + t.length) range.setStart(t, s - n);
    if (e > n && e <= n + t.length) range.setEnd(t, e - n);
    n += t.length;
  }
  let block = range.startContainer;
  while (block.parentNode && block.parentNode !== article) block = block.parentNode;
  const start = cpLen(text.slice(0, s));
  return {
    range, start, end: start + cpLen(text.slice(s, e)), exact: text.slice(s, e),
    prefix: [...text.slice(Math.max(0, s - 64), s)].slice(-32).join(""),
    suffix: [...text.slice(e, e + 64)].slice(0, 32).join(""),
    block: (block.id ? block : block.nextElementSibling)?.id || "",
  };
}

/** The selection as a passage; null when there is nothing to annotate. */
function selected() {
  const sel = getSelection();
  if (!article || dialog?.open || !sel.rangeCount || sel.isCollapsed) return null;
  const r = sel.getRangeAt(0);
  if (!r.intersectsNode(article)) return null;
  const p = plain();
  let s = offsetOf(p.nodes, r.startContainer, r.startOffset);
  let e = offsetOf(p.nodes, r.endContainer, r.endOffset);
  while (s < e && /\s/.test(p.text[s])) s++;
  while (e > s && /\s/.test(p.text[e - 1])) e--;
  if (s >= e) return null;
  return cpLen(p.text.slice(s, e)) > MAX ? { tooLong: true } : passage(p, s, e);
}

// The toolbar lives outside the article, so it never joins the plain text.
const TOOLS = { a: "Annotate", h: "Highlight", c: "Copy link" };
const bar = make("div", { className: "sel-bar", hidden: true }, Object.entries(TOOLS).map(([k, name], i) =>
  `<button type="button" data-tool="${k}" aria-keyshortcuts="${k}" title="${name} (${k.toUpperCase()})" tabindex="${i ? -1 : 0}">${name}</button>`).join(""));
bar.setAttribute("role", "toolbar");
bar.setAttribute("aria-label", "Selection");
const toast = make("div", { className: "gloss-toast" }, '<p role="status"></p><p role="alert"></p>');
if (article) document.body.append(bar, toast);
let current = null;
let selTimer = 0;
let toastTimer = 0;
let warned = false;

/** A short message in the status region, or in the alert region when `error`. */
function say(message, error) {
  const [status, alert] = toast.children;
  clearTimeout(toastTimer);
  status.textContent = error ? "" : message;
  alert.textContent = error ? message : "";
  toastTimer = setTimeout(() => { status.textContent = alert.textContent = ""; }, 6000);
}

function hideBar() {
  bar.hidden = true;
  current = null;
}

/** Above the selection's first line; below its last on phones, clear of the native menu and handles. */
function placeBar(range) {
  const rects = [...range.getClientRects()].filter((r) => r.width && r.height);
  const first = rects[0] || range.getBoundingClientRect();
  const last = rects.at(-1) || first;
  bar.hidden = false;
  const { offsetWidth: w, offsetHeight: h } = bar;
  const below = touchy() || first.top < h + 2 * EDGE;
  const line = below ? last : first;
  let top = below ? last.bottom + (touchy() ? 28 : EDGE) : first.top - h - EDGE;
  if (last.bottom > 0 && first.top < root.clientHeight) top = clamp(top, root.clientHeight - h);
  bar.style.left = `${Math.round(clamp((line.left + line.right - w) / 2, root.clientWidth - w) + scrollX)}px`;
  bar.style.top = `${Math.round(top + scrollY)}px`;
}

function update() {
  clearTimeout(selTimer);
  selTimer = 0;
  const p = selected();
  if (p?.tooLong && !warned) say(`Select at most ${MAX.toLocaleString("en")} characters to annotate.`, true);
  warned = !!p?.tooLong;
  if (!p || p.tooLong) return hideBar();
  current = p;
  placeBar(p.range);
}

document.addEventListener("selectionchange", () => {
  clearTimeout(selTimer);
  selTimer = setTimeout(update, 150);
});
window.addEventListener("resize", () => current && placeBar(current.range));
bar.addEventListener("mousedown", (e) => e.preventDefault()); // keep the selection
bar.addEventListener("click", (e) => e.target.dataset?.tool && act(e.target.dataset.tool));
bar.addEventListener("keydown", (e) => { // arrow keys move along the toolbar
  const step = { ArrowRight: 1, ArrowLeft: 2 }[e.key];
  const buttons = [...bar.children];
  const next = step && buttons[(buttons.indexOf(document.activeElement) + step) % 3];
  if (!next) return;
  for (const b of buttons) b.tabIndex = b === next ? 0 : -1;
  next.focus();
});

document.addEventListener("keydown", (e) => {
  const t = e.target;
  if (!article || e.ctrlKey || e.metaKey || e.altKey || dialog?.open || t.isContentEditable || t.closest?.("input, textarea, select")) return;
  const key = e.key.toLowerCase();
  if (selTimer && key in TOOLS) update(); // typed before the debounce ran out
  if (bar.hidden) return;
  if (e.key === "Escape") hideBar();
  else if (key in TOOLS && !e.repeat) {
    e.preventDefault();
    act(key);
  }
});

function act(tool) {
  const p = current;
  if (!p) return;
  hideBar();
  if (tool === "c") copyLink(p);
  else if (!user()) toLogin(p, tool);
  else if (tool === "a") openEditor({ kind: "annotate", p, quote: p.exact }, p.range);
  else highlight(p);
}

/** Copies a short link to the passage; it also carries a text fragment for browsers that use one. */
async function copyLink(p) {
  try {
    const { link } = await (await api("POST", "/api/shares", { target: targetOf(p) })).json();
    await navigator.clipboard.writeText(link);
    say("Link copied");
  } catch (err) {
    say(err.status ? err.message : "Could not copy the link.", true);
  }
}

function toLogin({ exact, prefix, suffix, start, end, block }, tool) {
  try {
    sessionStorage.setItem(PENDING, JSON.stringify({ tool, slug, exact, prefix, suffix, start, end, t: Date.now() }));
  } catch { /* no storage: the reader selects again after logging in */ }
  location.assign(`/login?next=${enc(`${location.pathname}#${block}`)}`);
}

// ---------------------------------------------------------------------------
// The server. A failed request throws Error(problem detail) with .status.
async function api(method, url, body, headers = {}) {
  if (method !== "GET") headers["X-CSRF-Token"] = csrf();
  if (body) headers["Content-Type"] = `application/ld+json; profile="${ANNO}"`;
  let res;
  try {
    res = await fetch(url, { method, headers, body: body && JSON.stringify(body), credentials: "same-origin" });
  } catch {
    throw new Error("Could not reach the server. Check your connection and try again.");
  }
  if (res.ok) return res;
  const problem = await res.json().catch(() => ({}));
  throw Object.assign(new Error(problem.detail || problem.title || `The server answered ${res.status}.`), { status: res.status });
}

const bodies = (text, tags) => [
  ...(text ? [{ type: "TextualBody", value: text, format: "text/markdown", purpose: "commenting" }] : []),
  ...tags.map((value) => ({ type: "TextualBody", value, purpose: "tagging" })),
];
const annotation = (motivation, body, target, visibility = "public") =>
  ({ "@context": ANNO, type: "Annotation", motivation, ...(body.length && { body }), target, visibility });
const targetOf = (p) => ({
  source: `/articles/${slug}`,
  selector: [
    { type: "TextQuoteSelector", exact: p.exact, prefix: p.prefix, suffix: p.suffix },
    { type: "TextPositionSelector", start: p.start, end: p.end },
  ],
});
const parse = (html) => {
  const t = document.createElement("template");
  t.innerHTML = html;
  return t.content.firstElementChild;
};
const focusOn = (el) => {
  if (el.tabIndex < 0 && !el.hasAttribute("tabindex")) el.tabIndex = -1;
  el.focus();
};

/** Swap in the re-rendered blocks that changed, then the orphans and print notes. One at a
 * time, in order: an older answer arriving last would bring back a note just deleted. */
let refreshed = Promise.resolve();
function refresh() {
  const next = refreshed.then(swapFragments);
  refreshed = next.catch(() => {});
  return next;
}

// The newest revision a live event announced: the fragments fetched for it must show it.
let announced = 0;

async function swapFragments() {
  // A paragraph opened with all its notes stays open.
  const query = new URLSearchParams();
  const notes = new URLSearchParams(location.search).get("notes");
  if (notes) query.set("notes", notes);
  if (announced) query.set("revision", announced);
  const data = await (await api("GET", `/articles/${enc(slug)}/fragments?${query}`, null, { Accept: "application/json" })).json();
  close();
  const active = document.activeElement;
  let home = null;
  for (const b of data.blocks || []) {
    const old = document.getElementById(b.id);
    const fresh = old && old.dataset.v !== b.v && parse(b.html);
    if (!fresh) continue;
    if (old.contains(active)) home = fresh;
    addActions(fresh);
    old.replaceWith(fresh);
  }
  for (const [sel, html] of [["section.orphans", data.orphans], ["section.print-notes", data.footnotes]]) {
    const old = $(sel);
    const fresh = html && parse(html);
    if (fresh) addActions(fresh);
    if (old) fresh ? old.replaceWith(fresh) : old.remove();
    else if (fresh) ($("section.orphans") || article).after(fresh);
  }
  if (home && !active.isConnected) { // focus was in a swapped block: find its twin
    const { action, annotation: id = "" } = active.dataset;
    focusOn((active.id && document.getElementById(active.id)) ||
      (action && $(`[data-action="${action}"][data-annotation="${CSS.escape(id)}"]`)) || home);
  }
}

/** Focus a note just saved, opening it from its number on phones. */
function reveal(id) {
  const note = document.getElementById(`note-${id}`);
  if (!note) return;
  const toggle = document.getElementById(`toggle-${(note.closest(".sidenote[id^='note-']") || note).id.slice(5)}`);
  if (toggle) toggle.checked = true;
  note.dispatchEvent(new Event("gloss:reveal", { bubbles: true }));
  focusOn(note);
}

async function highlight(p) {
  try {
    await api("POST", "/annotations/", annotation("highlighting", [], targetOf(p), "private"));
    getSelection().removeAllRanges();
    await refresh();
    say("Highlighted");
  } catch (err) {
    say(err.message, true);
  }
}

// ---------------------------------------------------------------------------
// The editor: one modal <dialog> for a new note, an edit or a reply.
let dialog = null;
let mode = null;
const EDITOR = `<form><h2 id="editor-title"></h2><blockquote class="editor-quote"></blockquote>
<label for="editor-body">Note (Markdown)</label>
<textarea id="editor-body" name="body" rows="5" required aria-describedby="editor-hint"></textarea>
<small class="editor-hint" id="editor-hint">Markdown. Ctrl+Enter or ⌘+Enter saves.</small>
<p class="editor-more"><label for="editor-tags">Tags (comma-separated)</label><input id="editor-tags" name="tags" autocomplete="off">
<label class="editor-check"><input type="checkbox" name="private"> Private (only you can see it)</label></p>
<div class="editor-alert" role="alert"></div>
<p class="editor-buttons"><button type="submit">Save</button> <button type="button" value="cancel">Cancel</button></p></form>`;

function editor() {
  if (dialog) return dialog;
  dialog = make("dialog", { className: "editor" }, EDITOR);
  dialog.setAttribute("aria-labelledby", "editor-title");
  document.body.append(dialog);
  const form = dialog.firstChild;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    save();
  });
  form.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  $("[value=cancel]", form).onclick = () => dialog.close();
  dialog.addEventListener("close", () => CSS.highlights?.delete("gloss"));
  return dialog;
}

/** Show a problem in the editor; `retry` adds a button to load the note again. */
function problem(message, retry) {
  const box = $(".editor-alert", dialog);
  box.textContent = message;
  if (retry) box.append(" ", make("button", { type: "button", textContent: "Reload the note", onclick: retry }));
}

/** Open the editor (a draft survives Cancel). `near`, a Range or Element, anchors it on wide screens. */
function openEditor(m, near, fill) {
  const d = editor();
  const f = d.firstChild.elements;
  const key = m.kind + (m.id || m.parent || `${m.p.start}-${m.p.end}`);
  if (d.dataset.key !== key || fill) d.firstChild.reset();
  d.dataset.key = key;
  mode = m;
  problem("");
  $("h2", d).textContent = { annotate: "Annotate", edit: "Edit note", reply: "Reply" }[m.kind];
  const quote = $(".editor-quote", d);
  quote.textContent = m.quote || "";
  quote.hidden = !m.quote;
  $(".editor-more", d).hidden = m.kind === "reply" || m.reply;
  if (fill) {
    f.body.value = fill.text;
    f.tags.value = fill.tags.join(", ");
    f.private.checked = fill.private;
  }
  // Focus in the form drops the selection: keep the passage lit while the editor is open.
  if (m.p && window.Highlight) CSS.highlights.set("gloss", new Highlight(m.p.range));
  if (!d.open) d.showModal();
  const r = near?.isConnected !== false && matchMedia("(min-width: 1000px)").matches && near?.getBoundingClientRect();
  d.classList.toggle("is-anchored", r?.height > 0);
  if (r?.height > 0) { // a passage: beside the column if there is room; else below or above it
    const { offsetWidth: w, offsetHeight: h } = d;
    const vh = root.clientHeight;
    let left = article.getBoundingClientRect().right + 24;
    let top = r.top - 24;
    if (!(near instanceof Range) || left + w > root.clientWidth - EDGE) {
      left = r.left;
      top = r.bottom + 12 + h < vh - EDGE ? r.bottom + 12 : r.top - h - 12;
    }
    d.style.top = `${Math.round(clamp(top, vh - h))}px`;
    d.style.left = `${Math.round(clamp(left, root.clientWidth - w))}px`;
  }
  f.body.focus();
}

async function save() {
  const m = mode;
  const f = dialog.firstChild.elements;
  const text = f.body.value.trim();
  const tags = m.kind === "reply" || m.reply ? [] : [...new Set(f.tags.value.split(",").map((t) => t.trim().replace(/^#/, "")).filter(Boolean))];
  const visibility = m.reply ? m.anno.visibility : m.kind !== "reply" && f.private.checked ? "private" : "public";
  const submit = $("[type=submit]", dialog);
  if (submit.disabled) return; // Ctrl+Enter while saving
  problem("");
  submit.disabled = true;
  let id = m.id;
  try {
    if (m.kind === "edit") {
      await api("PUT", `/annotations/${enc(id)}`, { ...m.anno, body: bodies(text, tags), visibility }, m.etag ? { "If-Match": m.etag } : {});
    } else {
      const json = m.kind === "reply"
        ? annotation("replying", bodies(text, []), `/annotations/${m.parent}`)
        : annotation("commenting", bodies(text, tags), targetOf(m.p), visibility);
      id = decodeURIComponent(String((await (await api("POST", "/annotations/", json)).json()).id).split("/").pop());
    }
  } catch (err) {
    if (err.status === 412) problem(`Someone changed this note meanwhile. ${err.message}`, () => edit(id));
    else problem(err.message);
    return;
  } finally {
    submit.disabled = false;
  }
  delete dialog.dataset.key; // saved: the next editor starts empty
  try {
    await refresh();
  } catch (err) {
    say(`Saved, but the page could not be updated: ${err.message}`, true);
  }
  dialog.close();
  getSelection().removeAllRanges();
  reveal(id);
}

/** Edit: fetch the note for its Markdown, tags, visibility and ETag. */
async function edit(id, near) {
  try {
    const res = await api("GET", `/annotations/${enc(id)}`, null, { Accept: "application/ld+json" });
    const anno = await res.json();
    const items = [].concat(anno.body || []);
    openEditor({
      kind: "edit", id, anno, etag: res.headers.get("ETag"), reply: anno.motivation === "replying",
      quote: [].concat(anno.target?.selector || []).find((s) => s.type === "TextQuoteSelector")?.exact,
    }, near, {
      text: items.find((b) => b.purpose === "commenting")?.value || "",
      tags: items.filter((b) => b.purpose === "tagging").map((b) => b.value),
      private: anno.visibility === "private",
    });
  } catch (err) {
    if (dialog?.open) problem(err.message);
    else say(err.message, true);
  }
}

/** Delete takes two presses: "Delete", then "Confirm delete". */
async function remove(button, id) {
  if (!button.classList.contains("is-confirming")) {
    const label = button.textContent;
    const undo = () => {
      clearTimeout(timer);
      button.removeEventListener("blur", undo);
      button.classList.remove("is-confirming");
      button.textContent = label;
    };
    const timer = setTimeout(undo, 6000);
    button.classList.add("is-confirming");
    button.textContent = "Confirm delete";
    button.addEventListener("blur", undo);
    return;
  }
  try {
    await api("DELETE", `/annotations/${enc(id)}`);
    await refresh();
    say("Deleted");
  } catch (err) {
    say(err.message, true);
  }
}

/** Reply, Edit and Delete on the notes this reader may act on. The server draws the same
 * notes for every reader; who may do what is decided here, from each note's creator. */
function addActions(from) {
  const me = user()?.content;
  if (!me) return;
  const editor = !!$('meta[name="gloss-editor"]');
  for (const note of from.querySelectorAll("[data-creator]")) {
    if (note.querySelector(":scope > .note-actions")) continue;
    const mine = note.dataset.creator === me;
    const buttons = [];
    if (!note.classList.contains("reply")) buttons.push(["reply", "Reply"]);
    if (mine && !note.hasAttribute("data-highlight")) buttons.push(["edit", "Edit"]);
    if (mine || editor) buttons.push(["delete", "Delete"]);
    if (!buttons.length) continue;
    const actions = make("span", { className: "note-actions" });
    for (const [action, label] of buttons) {
      const b = make("button", { type: "button", className: "note-action", textContent: label });
      Object.assign(b.dataset, { action, annotation: note.id.slice("note-".length) });
      actions.append(b);
    }
    note.insertBefore(actions, note.querySelector(":scope > .replies"));
  }
}
addActions(document);

document.addEventListener("click", (e) => {
  const b = e.target.closest?.("button[data-action][data-annotation]");
  const id = b?.dataset.annotation;
  if (!b) return;
  if (b.dataset.action === "edit") edit(id, b);
  else if (b.dataset.action === "reply") openEditor({ kind: "reply", parent: id }, b);
  else if (b.dataset.action === "delete") remove(b, id);
});

// Back from logging in: select the passage again, then carry on (after the scroll to #block,
// which would take focus from the editor).
function resume() {
  let job;
  try {
    job = JSON.parse(sessionStorage.getItem(PENDING));
  } catch { /* nothing pending */ }
  if (job?.slug !== slug || !user() || !article) return;
  sessionStorage.removeItem(PENDING);
  if (Date.now() - job.t > 36e5) return;
  const p = plain();
  const { exact, prefix, suffix } = job;
  let s = [...p.text].slice(0, job.start).join("").length; // code points to UTF-16
  if (p.text.slice(s, s + exact.length) !== exact) {
    const at = p.text.indexOf(prefix + exact + suffix);
    s = at < 0 ? p.text.indexOf(exact) : at + prefix.length;
  }
  if (s < 0) return say("The passage you selected is no longer in the essay.", true);
  const found = passage(p, s, s + exact.length);
  getSelection().removeAllRanges();
  getSelection().addRange(found.range.cloneRange());
  found.range.startContainer.parentElement.scrollIntoView({ block: "center" });
  if (job.tool === "a") openEditor({ kind: "annotate", p: found, quote: exact }, found.range);
  else highlight(found);
}
if (document.readyState === "complete") resume();
else addEventListener("load", () => setTimeout(resume), { once: true });

// Live: other readers' notes appear, change and vanish as they are made. EventSource
// reconnects by itself (sending the last revision it saw), also after a server restarts.
if (article && "EventSource" in window) {
  let soon = 0;
  const catchUp = (e) => {
    announced = Math.max(announced, Number(e?.lastEventId) || 0);
    clearTimeout(soon);
    if (dialog?.open) return dialog.addEventListener("close", catchUp, { once: true });
    soon = setTimeout(() => refresh().catch(() => {}), 100);
  };
  const live = new EventSource(`/articles/${enc(slug)}/live?since=${article.dataset.revision || 0}`);
  for (const type of ["created", "updated", "deleted", "resync"]) live.addEventListener(type, catchUp);
}
