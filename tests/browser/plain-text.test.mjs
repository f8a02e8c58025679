// The plain text rule: with every [data-aside] element removed, the article is
// exactly the essay's text — no card, note or button text mixed in.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  DESKTOP, FIRST_SLUG, READING_PATH, REPO_ROOT, assertNoErrors, launchBrowser, openPage, startServer,
} from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
}, { timeout: 90_000 });
after(async () => {
  await browser?.close();
  await server?.stop();
});

const squash = (s) => s.replace(/\s+/g, ' ').trim();

/** The first paragraph of the essay's source, after the +++ front matter. */
function firstSourceParagraph() {
  const source = readFileSync(path.join(REPO_ROOT, 'articles', `${FIRST_SLUG}.md`), 'utf8');
  const body = source.replace(/^\+\+\+[\s\S]*?\n\+\+\+\s*\n/, '');
  return squash(body.split(/\n\s*\n/).find((p) => p.trim()));
}

test('the article minus [data-aside] is the essay text alone', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser, server.url(READING_PATH), { contextOptions: DESKTOP });
  const result = await page.evaluate(() => {
    const article = document.querySelector('article.essay');
    const clone = article.cloneNode(true);
    clone.querySelectorAll('[data-aside]').forEach((el) => el.remove());
    const leftovers = [...clone.querySelectorAll(
      '[role="tooltip"], [role="note"], .card, .sidenote, .note-ref, .note-toggle-input, button, input, label',
    )].map((el) => el.outerHTML.slice(0, 120));
    const firstCard = article.querySelector('.card')?.textContent ?? null;
    const firstNote = article.querySelector('.sidenote')?.textContent ?? null;
    return { text: clone.textContent, leftovers, firstCard, firstNote, asides: article.querySelectorAll('[data-aside]').length };
  });
  const text = squash(result.text);

  assert.ok(result.asides > 0, 'the article marks its non-essay parts with data-aside');
  assert.deepEqual(result.leftovers, [], 'cards, notes, toggles and buttons in the article all carry data-aside');
  assert.ok(
    text.includes('Pay attention to the dates, because the timing matters.'),
    `the plain text contains the essay's first sentence; it starts: ${JSON.stringify(text.slice(0, 300))}`,
  );
  const paragraph = firstSourceParagraph();
  assert.ok(
    text.includes(paragraph),
    `the plain text contains the essay's first paragraph unbroken (mentions and notes leave no trace):\n  expected: ${paragraph}\n  plain text starts: ${text.slice(0, paragraph.length + 200)}`,
  );
  assert.ok(result.firstCard, 'the essay has at least one .card');
  assert.ok(!text.includes(squash(result.firstCard)), `the first card's text appears in the plain text: ${JSON.stringify(squash(result.firstCard))}`);
  assert.ok(result.firstNote, 'the essay has at least one .sidenote');
  assert.ok(!text.includes(squash(result.firstNote)), `the first sidenote's text appears in the plain text: ${JSON.stringify(squash(result.firstNote))}`);
  assertNoErrors(errors, READING_PATH);
});
