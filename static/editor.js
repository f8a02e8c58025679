// Gloss: the editor, one modal <dialog> for a new note, an edit or a reply.
import { refresh } from "./fragments.js";
import { $, EDGE, article, clamp, editorOpen, focusOn, make, notesBeside, root, slug } from "./page.js";
import { annotation, api, bodies, targetOf } from "./server.js";
import { say } from "./toast.js";

const FORM = `<form><h2 id="editor-title"></h2><blockquote class="editor-quote"></blockquote>
<label for="editor-body">Note (Markdown)</label>
<textarea id="editor-body" name="body" rows="5" required aria-describedby="editor-hint"></textarea>
<small class="editor-hint" id="editor-hint">Markdown. Ctrl+Enter or ⌘+Enter saves.</small>
<p class="editor-more"><label for="editor-tags">Tags (comma-separated)</label><input id="editor-tags" name="tags" autocomplete="off">
<label for="editor-audience">Post to</label><select id="editor-audience" name="audience"><option value="public">Public</option><option value="private">Only me</option></select></p>
<div class="editor-alert" role="alert"></div>
<p class="editor-buttons"><button type="submit">Save</button> <button type="button" value="cancel">Cancel</button></p></form>`;

let dialog = null;
/** What the open editor is for: { kind: "annotate", passage } | { kind: "page" } (a note on
 * the whole essay) | { kind: "edit", id, anno, etag, reply } | { kind: "reply", parent }, each
 * with the quote it shows. */
let task = null;

/** The reader's groups, which the server names in the page's head: `{ id, name }` each. */
const groups = () => [...document.querySelectorAll('meta[name="gloss-group"]')].map((meta) => {
  const space = meta.content.indexOf(" ");
  return { id: meta.content.slice(0, space), name: meta.content.slice(space + 1) };
});

function editor() {
  if (dialog) return dialog;
  dialog = make("dialog", { className: "editor" }, FORM);
  const audience = dialog.firstChild.elements.audience;
  for (const { id, name } of groups()) audience.append(make("option", { value: `group:${id}`, textContent: `${name} (group)` }));
  dialog.setAttribute("aria-labelledby", "editor-title");
  document.body.append(dialog);
  const form = dialog.firstChild;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  $("[value=cancel]", form).onclick = () => dialog.close();
  dialog.addEventListener("close", () => CSS.highlights?.delete("gloss"));
  return dialog;
}

/** Shows a problem in the editor; `retry` adds a button to load the note again. */
function problem(message, retry) {
  const box = $(".editor-alert", dialog);
  box.textContent = message;
  if (retry) box.append(" ", make("button", { type: "button", textContent: "Reload the note", onclick: retry }));
}

/** Opens the editor for `what` (a draft survives Cancel). `near`, a Range or an Element,
 * anchors it when notes stand beside the text; `fill` gives a note's text, tags and audience. */
export function openEditor(what, near, fill) {
  editor();
  const fields = dialog.firstChild.elements;
  const key = what.kind + (what.id || what.parent || (what.passage ? `${what.passage.start}-${what.passage.end}` : ""));
  if (dialog.dataset.key !== key || fill) dialog.firstChild.reset();
  dialog.dataset.key = key;
  task = what;
  problem("");
  $("h2", dialog).textContent = { annotate: "Annotate", page: "Note on the whole essay", edit: "Edit note", reply: "Reply" }[what.kind];
  const quote = $(".editor-quote", dialog);
  quote.textContent = what.quote || "";
  quote.hidden = !what.quote;
  $(".editor-more", dialog).hidden = what.kind === "reply" || what.reply;
  if (fill) {
    fields.body.value = fill.text;
    fields.tags.value = fill.tags.join(", ");
    // A group the reader has left keeps its notes: editing one leaves it there.
    if (![...fields.audience.options].some((option) => option.value === fill.audience)) {
      fields.audience.append(make("option", { value: fill.audience, textContent: "Its group" }));
    }
    fields.audience.value = fill.audience;
  }
  // Focus in the form drops the selection: keep the passage lit while the editor is open.
  if (what.passage && window.Highlight) CSS.highlights.set("gloss", new Highlight(what.passage.range));
  if (!dialog.open) dialog.showModal();
  const at = near?.isConnected !== false && notesBeside() && near?.getBoundingClientRect();
  dialog.classList.toggle("is-anchored", at?.height > 0);
  if (at?.height > 0) { // a passage: beside the column if there is room; else below or above it
    const { offsetWidth: width, offsetHeight: height } = dialog;
    const viewport = root.clientHeight;
    let left = article.getBoundingClientRect().right + 24;
    let top = at.top - 24;
    if (!(near instanceof Range) || left + width > root.clientWidth - EDGE) {
      left = at.left;
      top = at.bottom + 12 + height < viewport - EDGE ? at.bottom + 12 : at.top - height - 12;
    }
    dialog.style.top = `${Math.round(clamp(top, viewport - height))}px`;
    dialog.style.left = `${Math.round(clamp(left, root.clientWidth - width))}px`;
  }
  fields.body.focus();
}

async function save() {
  const what = task;
  const fields = dialog.firstChild.elements;
  const text = fields.body.value.trim();
  const replying = what.kind === "reply" || what.reply;
  const tags = replying ? [] : [...new Set(fields.tags.value.split(",").map((tag) => tag.trim().replace(/^#/, "")).filter(Boolean))];
  const choice = what.reply ? (what.anno.visibility === "private" ? "private" : "public") : what.kind === "reply" ? "public" : fields.audience.value;
  const visibility = choice === "private" ? "private" : "public";
  // A group's note names the group; a reply goes where its parent is, which the server knows.
  const audience = choice.startsWith("group:") ? `/groups/${choice.slice(6)}` : undefined;
  const submit = $("[type=submit]", dialog);
  if (submit.disabled) return; // Ctrl+Enter while saving
  problem("");
  submit.disabled = true;
  let id = what.id;
  try {
    if (what.kind === "edit") {
      const edited = { ...what.anno, body: bodies(text, tags), visibility, audience };
      if (what.reply) edited.audience = what.anno.audience;
      if (!edited.audience) delete edited.audience;
      await api("PUT", `/annotations/${encodeURIComponent(id)}`, edited, what.etag ? { "If-Match": what.etag } : {});
    } else {
      const json = what.kind === "reply"
        ? annotation("replying", bodies(text, []), `/annotations/${what.parent}`)
        : { ...annotation("commenting", bodies(text, tags), what.passage ? targetOf(what.passage) : `/articles/${slug}`, visibility), ...(audience && { audience }) };
      id = decodeURIComponent(String((await (await api("POST", "/annotations/", json)).json()).id).split("/").pop());
    }
  } catch (err) {
    if (err.status === 412) problem(`Someone changed this note meanwhile. ${err.message}`, () => editNote(id));
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

/** Focuses a note just saved, opening it from its number on phones. */
function reveal(id) {
  const note = document.getElementById(`note-${id}`);
  if (!note) return;
  const toggle = document.getElementById(`toggle-${(note.closest(".sidenote[id^='note-']") || note).id.slice(5)}`);
  if (toggle) toggle.checked = true;
  note.dispatchEvent(new Event("gloss:reveal", { bubbles: true }));
  focusOn(note);
}

/** Opens the editor on a note, fetched for its Markdown, tags, visibility and ETag. */
export async function editNote(id, near) {
  try {
    const response = await api("GET", `/annotations/${encodeURIComponent(id)}`, null, { Accept: "application/ld+json" });
    const anno = await response.json();
    const items = [].concat(anno.body || []);
    openEditor({
      kind: "edit", id, anno, etag: response.headers.get("ETag"), reply: anno.motivation === "replying",
      quote: [].concat(anno.target?.selector || []).find((selector) => selector.type === "TextQuoteSelector")?.exact,
    }, near, {
      text: items.find((body) => body.purpose === "commenting")?.value || "",
      tags: items.filter((body) => body.purpose === "tagging").map((body) => body.value),
      audience: anno.audience ? `group:${anno.audience.split("/").pop()}` : anno.visibility,
    });
  } catch (err) {
    if (editorOpen()) problem(err.message);
    else say(err.message, true);
  }
}
