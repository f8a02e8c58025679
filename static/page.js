// Gloss: what every script needs to know about the page it runs on.
export const root = document.documentElement;
/** The essay, on reading pages; null elsewhere. */
export const article = document.querySelector("article.essay");
export const slug = article?.dataset.slug || location.pathname.split("/").pop();
/** The least room kept between a floating box and the viewport's edge, in pixels. */
export const EDGE = 8;

export const $ = (selector, from = document) => from.querySelector(selector);
export const make = (tag, props, html) => Object.assign(document.createElement(tag), props, html && { innerHTML: html });
export const clamp = (value, max) => Math.max(EDGE, Math.min(value, max - EDGE));
/** The signed-in reader's name, or undefined. */
export const reader = () => $('meta[name="gloss-user"]')?.content;
/** The note editor's dialog while it is open: keys and live updates leave the page alone. */
export const editorOpen = () => $("dialog.editor[open]");

/** Whether notes stand in the margin beside the text: the stylesheet says so, at whatever width
 * it chooses, by setting --notes-beside. */
export const notesBeside = () => getComputedStyle(root).getPropertyValue("--notes-beside").trim() === "1";

/** The first element of an HTML snippet. */
export function parse(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content.firstElementChild;
}

export function focusOn(el) {
  if (el.tabIndex < 0 && !el.hasAttribute("tabindex")) el.tabIndex = -1;
  el.focus();
}
