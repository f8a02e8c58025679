// Gloss: progressive enhancement for every page. Everything works without it; each module
// owns one behaviour. What only annotators use is fetched for signed-in readers alone.
import "./cards.js";
import "./fragments.js";
import { reader } from "./page.js";
import "./toolbar.js";

document.documentElement.classList.add("js");
if (reader()) import("./actions.js");
