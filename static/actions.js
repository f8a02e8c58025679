// Gloss: Reply, Edit, Delete and Flag on the notes this reader may act on. The server draws the
// same notes for every reader; who may do what is decided here, from each note's creator.
import { editNote, openEditor } from "./editor.js";
import { SWAPPED, refresh } from "./fragments.js";
import { $, make, reader } from "./page.js";
import { api } from "./server.js";
import { say } from "./toast.js";

function addActions(from) {
  const me = reader();
  if (!me) return;
  const editor = !!$('meta[name="gloss-editor"]');
  for (const note of from.querySelectorAll("[data-creator]")) {
    if (note.querySelector(":scope > .note-actions")) continue;
    const mine = note.dataset.creator === me;
    const buttons = [];
    if (!note.classList.contains("reply")) buttons.push(["reply", "Reply"]);
    if (mine && !note.hasAttribute("data-highlight")) buttons.push(["edit", "Edit"]);
    if (mine || editor) buttons.push(["delete", "Delete"]);
    if (!mine) buttons.push(["flag", "Flag"]);
    if (!buttons.length) continue;
    const actions = make("span", { className: "note-actions" });
    for (const [action, label] of buttons) {
      const button = make("button", { type: "button", className: "note-action", textContent: label });
      Object.assign(button.dataset, { action, annotation: note.id.slice("note-".length) });
      actions.append(button);
    }
    note.insertBefore(actions, note.querySelector(":scope > .replies"));
  }
}

/** A note on the whole essay is written in the editor rather than the section's plain form. */
function offerPageNote(from) {
  for (const button of from.querySelectorAll(".page-note-new")) {
    button.hidden = false;
    button.nextElementSibling.hidden = true;
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
    await api("DELETE", `/annotations/${encodeURIComponent(id)}`);
    await refresh();
    say("Deleted");
  } catch (err) {
    say(err.message, true);
  }
}

/** Flag asks why in a small form under the note, then tells the moderators. */
function flag(button, id) {
  const actions = button.closest(".note-actions");
  const open = actions.nextElementSibling?.matches(".flag-form") && actions.nextElementSibling;
  if (open) return open.querySelector("input").focus();
  const form = make("form", { className: "flag-form" });
  const input = make("input", { id: `flag-reason-${id}`, name: "reason", required: true, maxLength: 500, autocomplete: "off" });
  const label = make("label", { htmlFor: input.id, textContent: "Why should the moderators look at it?" });
  const send = make("button", { type: "submit", className: "note-action", textContent: "Send flag" });
  const cancel = make("button", { type: "button", className: "note-action", textContent: "Cancel" });
  const close = () => { form.remove(); button.focus(); };
  cancel.addEventListener("click", close);
  form.addEventListener("keydown", (event) => { if (event.key === "Escape") { event.stopPropagation(); close(); } });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", `/annotations/${encodeURIComponent(id)}/flags`, { reason: input.value });
      close();
      button.disabled = true;
      button.textContent = "Flagged";
      say("Flagged for the moderators");
    } catch (err) {
      say(err.message, true);
    }
  });
  form.append(label, input, send, cancel);
  actions.after(form);
  input.focus();
}

addActions(document);
offerPageNote(document);
document.addEventListener(SWAPPED, (event) => {
  addActions(event.target);
  offerPageNote(event.target);
});

document.addEventListener("click", (event) => {
  const pageNote = event.target.closest?.("button[data-action=page-note]");
  if (pageNote) return openEditor({ kind: "page" }, pageNote);
  const button = event.target.closest?.("button[data-action][data-annotation]");
  if (!button) return;
  const { action, annotation: id } = button.dataset;
  if (action === "edit") editNote(id, button);
  else if (action === "reply") openEditor({ kind: "reply", parent: id }, button);
  else if (action === "delete") remove(button, id);
  else if (action === "flag") flag(button, id);
});
