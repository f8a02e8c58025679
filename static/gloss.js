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

// A sidenote under the pointer lights up its passage.
function link(e, on) {
  const note = e.target instanceof Element ? e.target.closest(".sidenote[id^='note-']") : null;
  if (!note || (e.relatedTarget instanceof Node && note.contains(e.relatedTarget))) return;
  const key = CSS.escape(note.id.slice(5));
  for (const mk of document.querySelectorAll(`.note-mark[data-annotation="${key}"]`)) {
    mk.classList.toggle("is-linked", on);
  }
}
document.addEventListener("mouseover", (e) => link(e, true));
document.addEventListener("mouseout", (e) => link(e, false));
