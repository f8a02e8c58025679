// Gloss: the card of a person, event, organisation or place, shown on hover after a short
// delay or on keyboard focus, closed by Escape, kept inside the viewport.
import { EDGE, root } from "./page.js";

const OPEN_DELAY = 250;
const CLOSE_DELAY = 200;
/** The mention whose card is open. */
let opened = null;
let openTimer = 0;
let closeTimer = 0;

const mentionOf = (el) => (el instanceof Element ? el.closest(".mention") : null);

export function closeCard() {
  if (!opened) return;
  const card = opened.querySelector(".card");
  if (card) {
    card.style.transform = "";
    card.classList.remove("card-above");
  }
  opened.classList.remove("card-open");
  opened = null;
}

function show(mention) {
  clearTimeout(openTimer);
  clearTimeout(closeTimer);
  if (opened === mention) return;
  closeCard();
  const card = mention.querySelector(".card");
  if (!card) return;
  opened = mention;
  mention.classList.add("card-open");
  keepInView(mention.querySelector(".mention-link") || mention, card);
}

/** Moves the card sideways into the viewport, and above its mention if it has no room below. */
function keepInView(anchor, card) {
  const width = root.clientWidth;
  const height = root.clientHeight;
  const box = card.getBoundingClientRect();
  let shift = 0;
  if (box.right > width - EDGE) shift = width - EDGE - box.right;
  if (box.left + shift < EDGE) shift = EDGE - box.left;
  if (shift) card.style.transform = `translateX(${Math.round(shift)}px)`;
  if (box.bottom > height - EDGE) {
    const at = anchor.getBoundingClientRect();
    if (at.top > box.height + 2 * EDGE || at.top > height - at.bottom) card.classList.add("card-above");
  }
}

document.addEventListener("pointerover", (event) => {
  if (event.pointerType === "touch") return;
  const mention = mentionOf(event.target);
  if (!mention || !mention.querySelector(".card")) return;
  clearTimeout(openTimer);
  if (mention === opened) clearTimeout(closeTimer);
  else openTimer = setTimeout(() => show(mention), OPEN_DELAY);
});

document.addEventListener("pointerout", (event) => {
  if (event.pointerType === "touch") return;
  const mention = mentionOf(event.target);
  if (!mention || (event.relatedTarget instanceof Node && mention.contains(event.relatedTarget))) return;
  if (mention === opened) closeTimer = setTimeout(closeCard, CLOSE_DELAY);
  else clearTimeout(openTimer);
});

document.addEventListener("focusin", (event) => {
  const link = event.target;
  if (!(link instanceof Element) || !link.matches(".mention-link")) return;
  let keyboard = true;
  try { keyboard = link.matches(":focus-visible"); } catch { /* old browser: treat as keyboard */ }
  const mention = link.closest(".mention");
  if (keyboard && mention) show(mention);
});

document.addEventListener("focusout", (event) => {
  const mention = mentionOf(event.target);
  if (!mention || mention !== opened) return;
  if (event.relatedTarget instanceof Node && mention.contains(event.relatedTarget)) return;
  closeCard();
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  clearTimeout(openTimer);
  const mention = opened;
  if (!mention) return;
  closeCard();
  if (mention.contains(document.activeElement)) mention.querySelector(".mention-link")?.focus();
});

addEventListener("resize", closeCard);
