// Gloss: short messages for the reader, in a live region screen readers announce.
import { article, make } from "./page.js";

const toast = make("div", { className: "gloss-toast" }, '<p role="status"></p><p role="alert"></p>');
if (article) document.body.append(toast);
let timer = 0;

/** A short message in the status region, or in the alert region when `error`. */
export function say(message, error) {
  const [status, alert] = toast.children;
  clearTimeout(timer);
  status.textContent = error ? "" : message;
  alert.textContent = error ? message : "";
  timer = setTimeout(() => { status.textContent = alert.textContent = ""; }, 6000);
}
