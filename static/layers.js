// Gloss: which notes the page shows. The server sends every note any layer shows, each with
// its data-kind, and the stylesheet hides what main's data-show leaves out; this module
// changes layer in place, remembers it in the cookie the server reads, and opens a
// paragraph's hidden notes where its margin says how many there are.
const main = document.querySelector("main[data-show]");
const form = document.querySelector("form.layers");
// Paragraphs opened by the reader, by id: opened again when the page swaps them for new ones.
const opened = new Set();

function reveal(block, on) {
  block.toggleAttribute("data-reveal", on);
  for (const more of block.querySelectorAll(":scope > .layer-more")) {
    more.dataset.says ||= more.innerHTML;
    if (on) more.textContent = "Hide these notes";
    else more.innerHTML = more.dataset.says;
    more.setAttribute("aria-expanded", on);
  }
}

if (main && form) {
  form.classList.add("is-live");
  form.addEventListener("change", (e) => {
    const show = e.target.value;
    main.dataset.show = show;
    const secure = location.protocol === "https:" ? "; secure" : "";
    document.cookie = `gloss_show=${show}; path=/; max-age=34560000; samesite=lax${secure}`;
    for (const id of opened) {
      const block = document.getElementById(id);
      if (block) reveal(block, false);
    }
    opened.clear();
    const url = new URL(location.href);
    if (url.searchParams.has("show")) {
      url.searchParams.delete("show");
      history.replaceState(history.state, "", url);
    }
  });
  document.addEventListener("click", (e) => {
    const more = e.target instanceof Element && e.target.closest(".layer-more");
    if (!more || e.button || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    const block = more.parentElement;
    const on = !block.hasAttribute("data-reveal");
    reveal(block, on);
    if (on) opened.add(block.id);
    else opened.delete(block.id);
  });
  // A note brought to the reader (one just saved, one a link points at) shows even where the
  // layer hides its kind: its paragraph opens.
  document.addEventListener("gloss:reveal", (e) => {
    const note = e.target.closest(".sidenote[id^='note-']");
    const ref = note && document.getElementById(`toggle-${note.id.slice(5)}`)?.nextElementSibling;
    const block = note?.closest(".essay > *");
    if (!ref || ref.getClientRects().length || !block) return;
    reveal(block, true);
    opened.add(block.id);
  });
  const article = main.querySelector("article.essay");
  if (article) {
    new MutationObserver(() => {
      for (const id of opened) {
        const block = document.getElementById(id);
        if (block && !block.hasAttribute("data-reveal")) reveal(block, true);
      }
    }).observe(article, { childList: true });
  }
}
