// Gloss: requests to the server, and the W3C annotations they carry.
import { $, slug } from "./page.js";

const ANNO = "http://www.w3.org/ns/anno.jsonld";
const csrf = () => $('meta[name="gloss-csrf"]')?.content || document.cookie.match(/(?:^|; *)gloss_csrf=([^;]*)/)?.[1] || "";

/** The answer to a request; a failure throws Error(the problem's detail) with .status. */
export async function api(method, url, body, headers = {}) {
  if (method !== "GET") headers["X-CSRF-Token"] = csrf();
  if (body) headers["Content-Type"] = `application/ld+json; profile="${ANNO}"`;
  let response;
  try {
    response = await fetch(url, { method, headers, body: body && JSON.stringify(body), credentials: "same-origin" });
  } catch {
    throw new Error("Could not reach the server. Check your connection and try again.");
  }
  if (response.ok) return response;
  const problem = await response.json().catch(() => ({}));
  throw Object.assign(new Error(problem.detail || problem.title || `The server answered ${response.status}.`), { status: response.status });
}

/** A note's bodies: its Markdown text, then one per tag. */
export const bodies = (text, tags) => [
  ...(text ? [{ type: "TextualBody", value: text, format: "text/markdown", purpose: "commenting" }] : []),
  ...tags.map((value) => ({ type: "TextualBody", value, purpose: "tagging" })),
];

export const annotation = (motivation, body, target, visibility = "public") =>
  ({ "@context": ANNO, type: "Annotation", motivation, ...(body.length && { body }), target, visibility });

/** The target of a passage of this essay: its quote and its place. */
export const targetOf = (passage) => ({
  source: `/articles/${slug}`,
  selector: [
    { type: "TextQuoteSelector", exact: passage.exact, prefix: passage.prefix, suffix: passage.suffix },
    { type: "TextPositionSelector", start: passage.start, end: passage.end },
  ],
});
