// Gloss: Reply, Edit and Delete on the notes this reader may act on. The server draws the same
// notes for every reader; who may do what is decided here, from each note's creator.
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
});
