// Gloss: progressive enhancement for every page. Everything works without it; each module
// owns one behaviour. What only annotators use is fetched for signed-in readers alone.
import "./cards.js";
import "./fragments.js";
import { reader } from "./page.js";
import "./toolbar.js";

document.documentElement.classList.add("js");
if (reader()) import("./actions.js");
// A passage another site linked to with a text fragment (#:~:text=, which browsers hide from
// location.hash): marked by a module of its own, loaded only then.
if (performance.getEntriesByType("navigation")[0]?.name.includes(":~:text=")) import("./textfragment.js");
