// Gloss: margin notes beside their passages. Without this module the server's notes float in
// the margin on wide screens and open under the line on phones; with it, on wide screens each
// note stands by its passage's line, in number order, none over another. Where a paragraph has
// more notes than its margin holds, notes show compact (number and gist) and open in place,
// pushing their neighbours down; those that fit nowhere wait behind a button. Notes the
// reader's layer hides take no place.
import { article, notesBeside } from "./page.js";

const GAP = 6;
// How far below its passage a note may be pushed before others are made compact. Under the
// 120 px readers are promised, so a note that settles a few pixels lower still keeps it.
const NEAR = 96;
const all = (sel, from = article) => [...from.querySelectorAll(sel)];
const idOf = (note) => note.id.slice(5);
const noteOf = (id) => document.getElementById(`note-${id}`)?.closest(".sidenote");
const marksOf = (id) => all(`.note-mark[data-annotation="${CSS.escape(id)}"]`);
const blockOf = (el) => {
  while (el.parentElement !== article) el = el.parentElement;
  return el;
};
const expand = (el, on) => el.setAttribute("aria-expanded", on);
const shown = (el) => el.getClientRects().length > 0;
let items = [];
let opened = null;
let pinned = false;
let timer = 0;
let frame = 0;
// Blocks whose overflow button was pressed: their hidden notes show, pushing what follows.
const unfolded = new WeakSet();
// The note last brought to the reader: it keeps its place by its passage over readers' notes.
let kept = null;

/** The button a compact note shows: its number and a line of it, an entity's name and role. */
function gist(note) {
  const old = note.querySelector(":scope > .note-gist");
  if (old) return old;
  const card = note.querySelector(".note-entity") && marksOf(idOf(note))[0]?.closest(".mention")?.querySelector(".card");
  const line = card
    ? `${card.querySelector(".card-name")?.textContent}, ${card.querySelector(".card-role")?.textContent}`
    : [note.querySelector(".note-author")?.textContent, note.querySelector(".note-body")?.textContent].filter(Boolean).join(": ");
  const b = Object.assign(document.createElement("button"), {
    type: "button", className: "note-gist",
    innerHTML: '<span class="visually-hidden">Note </span><span class="gist-num"></span> <span class="gist-text"></span>',
  });
  b.lastChild.textContent = line;
  expand(b, false);
  note.prepend(b);
  return b;
}

/** The button after a paragraph's notes that shows those its margin has no room for. */
function moreOf(block) {
  let b = block.querySelector(":scope > .margin-more");
  if (!b) {
    b = Object.assign(document.createElement("button"), { type: "button", className: "margin-more" });
    b.dataset.aside = "";
    block.append(b);
  }
  return b;
}

function place() {
  cancelAnimationFrame(frame);
  frame = 0;
  const notes = all(".sidenote[id^='note-']");
  for (const note of notes) note.classList.remove("is-compact", "is-over");
  const on = notesBeside() && notes.length > 0;
  article.classList.toggle("notes-placed", on);
  article.style.paddingBottom = "";
  items = [];
  // Blocks swapped in for new notes bring fresh twins of the open note and the kept one.
  if (opened && !opened.isConnected) opened = noteOf(idOf(opened));
  if (kept && !kept.isConnected) kept = noteOf(idOf(kept));
  // An open note makes room only while it is open: the notes at rest are placed without it.
  opened?.classList.remove("is-open");
  if (!on) return shut();
  const origin = article.getBoundingClientRect().top;
  // Notes, "more notes" links and overflow buttons in the order they stand in the page.
  for (const el of all(".sidenote[id^='note-'], .more-notes, .layer-more").filter(shown)) {
    const block = blockOf(el);
    const last = items.at(-1);
    if (last && last.block !== block) items.push({ el: moreOf(last.block), block: last.block });
    let mark = null;
    if (el.matches(".sidenote")) {
      gist(el);
      const marks = marksOf(idOf(el));
      mark = marks.find((m) => block.contains(m)) || marks[0];
    }
    items.push({ el, block, mark });
  }
  const last = items.at(-1);
  if (last) items.push({ el: moreOf(last.block), block: last.block });
  for (const it of items) {
    it.want = (it.mark || it.block).getBoundingClientRect().top - origin;
    it.full = it.el.offsetHeight;
  }
  for (const it of items) if (it.mark) it.el.classList.add("is-compact");
  for (const it of items) it.small = it.mark ? it.el.offsetHeight : it.full;
  solve();
  if (opened?.classList.contains("is-compact")) {
    opened.classList.add("is-open");
    expand(gist(opened), true);
  } else shut();
  restack();
}

/** Which notes show in full, which compact and which not at all: every note shown within NEAR
 * of its passage, as many as can be in full. Each round makes compact the note whose room
 * helps most among those pushing the first note that is too low or, when none can give room,
 * hides a note: the nearest reader's note in the way, else that note; then each compact note
 * that can be in full again is. */
function solve() {
  // 0: in full, 1: compact, 2: hidden (an overflow button: not needed)
  const state = items.map((it) => (!it.mark && it.el.matches(".margin-more") ? 2 : 0));
  const tops = [];
  const low = () => {
    let y = -Infinity;
    items.forEach((it, i) => {
      tops[i] = Math.max(it.want, y);
      if (state[i] < 2) y = tops[i] + (state[i] ? it.small : it.full) + GAP;
    });
    return items.findIndex((it, k) => it.mark && state[k] < 2 && !it.late && tops[k] - it.want > NEAR);
  };
  for (let i; (i = low()) >= 0;) {
    let best = -1;
    for (let j = i - 1; j >= 0 && (state[j + 1] === 2 || tops[j + 1] > items[j + 1].want); j--) {
      const it = items[j];
      if (state[j] === 0 && it.mark && it.full > it.small && (best < 0 || it.full - it.small > items[best].full - items[best].small)) best = j;
    }
    if (best >= 0) {
      state[best] = 1;
      continue;
    }
    // No room left: a reader's note in the way stands aside before an editor's note does.
    let h = i;
    for (let j = i; j >= 0 && (j === i || state[j + 1] === 2 || tops[j + 1] > items[j + 1].want); j--) {
      if (items[j].mark && state[j] < 2 && !items[j].late && items[j].el !== kept && !items[j].el.matches(".editorial")) {
        h = j;
        break;
      }
    }
    i = h;
    const it = items[i];
    const more = items.findIndex((m) => m.block === it.block && m.el.matches(".margin-more"));
    if (unfolded.has(it.block)) {
      it.late = true;
      state[i] ||= 1;
    } else state[i] = 2;
    if (state[more] === 2) {
      state[more] = 0;
      items[more].el.hidden = false;
      items[more].full = items[more].small = items[more].el.offsetHeight;
    }
  }
  state.forEach((v, j) => {
    if (v !== 1 || items[j].late) return;
    state[j] = 0;
    if (low() >= 0) state[j] = 1;
  });
  items.forEach((it, i) => {
    if (it.mark) {
      it.el.classList.toggle("is-compact", state[i] === 1);
      it.el.classList.toggle("is-over", state[i] === 2);
    } else if (it.el.matches(".margin-more")) {
      const hidden = items.filter((n, k) => n.block === it.block && n.mark && (state[k] === 2 || n.late)).length;
      // A paragraph that leaves readers' notes out has one word for all it does not show: its
      // link to them all counts those without room here too.
      const crowd = it.block.querySelector(":scope > .more-notes[data-more]");
      if (crowd && shown(crowd) && !unfolded.has(it.block)) {
        const n = Number(crowd.dataset.more) + hidden;
        crowd.textContent = `${n} more ${n === 1 ? "note" : "notes"} on this paragraph`;
        it.el.hidden = true;
        return;
      }
      it.el.hidden = state[i] === 2;
      it.el.textContent = unfolded.has(it.block) ? "Fewer notes here" : `${hidden} more ${hidden === 1 ? "note" : "notes"} here`;
      expand(it.el, unfolded.has(it.block));
    }
  });
}

/** Each shown item at its passage, or just below the one before it. */
function restack() {
  const shown = items.filter((it) => it.el.offsetParent);
  const heights = shown.map((it) => it.el.offsetHeight);
  let y = -Infinity;
  shown.forEach((it, i) => {
    const top = Math.max(it.want, y);
    it.el.style.top = `${top}px`;
    y = top + heights[i] + GAP;
  });
  const room = y - article.clientHeight + (parseFloat(article.style.paddingBottom) || 0);
  article.style.paddingBottom = room > 0 ? `${room}px` : "";
}

const schedule = () => {
  if (!frame) frame = requestAnimationFrame(place);
};

function open(note, pin) {
  clearTimeout(timer);
  if (!note.classList.contains("is-compact")) return;
  pinned = pin || (pinned && note === opened);
  if (note === opened) return;
  shut();
  opened = note;
  note.classList.add("is-open");
  expand(gist(note), true);
  restack();
}

function shut() {
  clearTimeout(timer);
  const note = opened;
  if (!note) return;
  opened = null;
  pinned = false;
  note.classList.remove("is-open");
  expand(gist(note), false);
  if (items.length) restack();
}

/** Brings a note to the reader: shown, opened if compact, or opened under its line on phones. */
function reach(note) {
  if (!note) return;
  if (!article.classList.contains("notes-placed")) {
    const toggle = document.getElementById(`toggle-${idOf(note)}`);
    if (toggle) toggle.checked = !toggle.checked;
    return;
  }
  kept = note;
  if (note.classList.contains("is-over")) place();
  if (note.classList.contains("is-over")) {
    unfolded.add(blockOf(note));
    place();
  }
  open(note, true);
}

/** A link to a note: the note open, and it and its passage in view together. */
function arrive() {
  const id = decodeURIComponent(location.hash.slice(1));
  const note = id.startsWith("note-") ? document.getElementById(id)?.closest(".sidenote") : null;
  if (!note || !article.contains(note)) return;
  // Reached here when the notes are placed, and shown by the layers' script if hidden.
  note.dispatchEvent(new Event("gloss:reveal", { bubbles: true }));
  if (!article.classList.contains("notes-placed")) document.getElementById(`toggle-${idOf(note)}`).checked = true;
  // Once placed anew for a paragraph the layer hid.
  requestAnimationFrame(() => {
    const mark = marksOf(idOf(note))[0];
    const top = Math.min(...[note, mark].filter(shown).map((el) => el.getBoundingClientRect().top));
    scrollBy(0, top - innerHeight / 4);
  });
}

// Lighting: a note and its passage light up together under the pointer or the focus.
function light(e, on) {
  const t = e.target instanceof Element && e.target.closest(".sidenote[id^='note-'], .note-mark[data-annotation]");
  if (!t || (e.relatedTarget instanceof Node && t.contains(e.relatedTarget))) return;
  const id = t.dataset.annotation || idOf(t);
  for (const el of [noteOf(id), ...marksOf(id)]) el?.classList.toggle("is-linked", on);
}

/** Marks that open their note from the keyboard: one per note the layer shows, and none in or
 * around a link or another passage (controls may not nest). */
function markable() {
  const done = new Set();
  for (const mark of all(".note-mark[data-annotation]")) {
    const id = mark.dataset.annotation;
    // The note's number, which the layer hides with the note: it follows the note's toggle.
    const ref = document.getElementById(`toggle-${id}`)?.nextElementSibling;
    const on = !done.has(id) && !mark.parentElement.closest("a, .note-mark") && !mark.querySelector("a, button, input, .note-mark") && !!noteOf(id) && !!ref && shown(ref);
    if (on) {
      done.add(id);
      mark.tabIndex = 0;
      mark.setAttribute("role", "button");
      mark.setAttribute("aria-controls", `note-${id}`);
    } else if (mark.hasAttribute("role")) {
      for (const a of ["tabindex", "role", "aria-controls"]) mark.removeAttribute(a);
    }
  }
}

if (article) {
  document.addEventListener("mouseover", (e) => light(e, true));
  document.addEventListener("mouseout", (e) => light(e, false));
  document.addEventListener("focusin", (e) => light(e, true));
  document.addEventListener("focusout", (e) => light(e, false));

  document.addEventListener("pointerover", (e) => {
    const note = e.pointerType !== "touch" && e.target.closest?.(".notes-placed .is-compact");
    if (note === opened) clearTimeout(timer);
    else if (note) {
      clearTimeout(timer);
      timer = setTimeout(() => open(note), 200);
    }
  });
  document.addEventListener("pointerout", (e) => {
    const note = e.target.closest?.(".is-compact");
    if (!note || (e.relatedTarget instanceof Node && note.contains(e.relatedTarget))) return;
    clearTimeout(timer);
    if (note === opened && !pinned && !note.contains(document.activeElement)) timer = setTimeout(shut, 300);
  });
  document.addEventListener("pointerdown", (e) => {
    if (opened && !opened.contains(e.target) && e.target.closest?.(".note-mark")?.dataset.annotation !== idOf(opened)) shut();
  });
  document.addEventListener("focusin", (e) => {
    const note = e.target.closest?.(".notes-placed .sidenote");
    if (note) open(note);
  });
  document.addEventListener("focusout", (e) => {
    if (opened?.contains(e.target) && !pinned && !(e.relatedTarget instanceof Node && opened.contains(e.relatedTarget))) shut();
  });
  document.addEventListener("click", (e) => {
    const t = e.target instanceof Element ? e.target : null;
    const button = t?.closest(".note-gist, .margin-more");
    const mark = t?.closest(".note-mark[data-annotation]");
    const ref = t?.closest(".notes-placed .note-ref");
    if (button?.matches(".margin-more")) {
      const block = blockOf(button);
      if (unfolded.has(block)) unfolded.delete(block);
      else unfolded.add(block);
      place();
    } else if (button) {
      const note = button.parentElement;
      if (note === opened && pinned) shut();
      else open(note, true);
    } else if (ref) {
      e.preventDefault();
      reach(noteOf(ref.htmlFor.slice(7)));
    } else if (mark && !mark.closest("a") && getSelection().isCollapsed) {
      reach(noteOf(mark.dataset.annotation));
    }
  });
  document.addEventListener("keydown", (e) => {
    const mark = e.target.closest?.(".note-mark[role=button]");
    if (mark && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      reach(noteOf(mark.dataset.annotation));
    } else if (e.key === "Escape" && opened) {
      const back = opened.contains(document.activeElement) && gist(opened);
      shut();
      if (back) back.focus();
    }
  });

  // Placed again whenever the text may have moved: a new width, a font come in, blocks swapped
  // in for new notes (before the page's script reveals a note just saved, so it is found beside
  // its words).
  new ResizeObserver(schedule).observe(article);
  addEventListener("resize", schedule);
  document.fonts?.addEventListener("loadingdone", schedule);
  const moved = () => {
    markable();
    place();
  };
  new MutationObserver(moved).observe(article, { childList: true });
  // A layer chosen, a paragraph's hidden notes opened or shut.
  new MutationObserver(moved).observe(article.parentElement, { attributes: true, attributeFilter: ["data-show", "data-reveal"], subtree: true });
  addEventListener("hashchange", arrive);
  // The page's script reveals a note just saved; one that fits nowhere must come out first.
  document.addEventListener("gloss:reveal", (e) => article.classList.contains("notes-placed") && reach(e.target.closest(".sidenote")));
  markable();
  place();
  if (location.hash) (document.readyState === "complete" ? arrive() : addEventListener("load", arrive, { once: true }));
}
