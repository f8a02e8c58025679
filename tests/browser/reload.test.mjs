// Publishing an edit while readers read: the server reloads the essay on SIGHUP, and a reader
// with the page open gets the new text in place, without a navigation, still at the passage
// they were reading.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  DESKTOP, READING_PATH, REPO_ROOT, assertNoErrors, launchBrowser, marginSettled, openPage, startServer,
} from './support.mjs';

const ESSAY_FILE = 'witkoff-takes-russias-side.md';
const PASSAGE = 'Instead, he became emotional and angry.';
const ABOVE = 'Pay attention to the dates, because the timing matters.';
const REWRITTEN = 'Pay close attention to the dates, because in this story the timing matters more than ' +
  'anything said on the calls: who spoke to whom, and in what order, is what shows whose side the ' +
  'envoy was on. Keep the calendar of that week in mind as you read what follows.';
const WAIT_MS = 15_000;

let browser;
let work;
before(async () => {
  browser = await launchBrowser();
  work = mkdtempSync(path.join(tmpdir(), 'gloss-reload-'));
  cpSync(path.join(REPO_ROOT, 'articles'), path.join(work, 'articles'), { recursive: true });
}, { timeout: 60_000 });
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Where the passage stands in the window, and how tall the essay's first block is. */
const measure = (page) => page.evaluate(({ passage }) => {
  const article = document.querySelector('article.essay');
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(passage);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + passage.length);
    return { passage: range.getBoundingClientRect().top, first: article.firstElementChild.getBoundingClientRect().height };
  }
  return null;
}, { passage: PASSAGE });

/** Waits, polling, until the page's essay holds `text`. */
async function waitForText(page, text) {
  const deadline = Date.now() + WAIT_MS;
  while (!(await page.evaluate((t) => document.querySelector('article.essay').textContent.includes(t), text))) {
    assert.ok(Date.now() < deadline, `the page never showed ${JSON.stringify(text)}`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // poll interval, not a wait for an effect
  }
}

// Chromium keeps the place by itself when content above it changes (CSS scroll anchoring);
// browsers without it (Safari) count on the page's script, which `none` stands in for.
for (const anchoring of ['auto', 'none']) test(`an edit above the passage a reader is at arrives in place, and the passage stays put (overflow-anchor: ${anchoring})`, { timeout: 90_000 }, async () => {
  const file = path.join(work, 'articles', ESSAY_FILE);
  const text = readFileSync(path.join(REPO_ROOT, 'articles', ESSAY_FILE), 'utf8');
  writeFileSync(file, text);
  const server = await startServer({
    articles: path.join(work, 'articles'),
    databaseUrl: `sqlite://${path.join(work, `gloss-${anchoring}.db`)}?mode=rwc`,
  });
  try {
    const { context, page, errors } = await openPage(browser, server.url(READING_PATH), { contextOptions: DESKTOP });
    await marginSettled(page);
    // The reader has scrolled to the passage, which stands a third of the way down the window.
    await page.evaluate(({ passage, anchoring }) => {
      document.scrollingElement.style.overflowAnchor = anchoring;
      const block = [...document.querySelectorAll('article.essay > [id]')].find((b) => b.textContent.includes(passage));
      window.scrollTo(0, window.scrollY + block.getBoundingClientRect().top - 300);
      window.notNavigated = true;
      // The reader's focus is on a name in the passage's paragraph, which the edit leaves alone.
      window.focused = block.querySelector('a.mention-link');
      window.focused.focus({ preventScroll: true });
    }, { passage: PASSAGE, anchoring });
    const before = await measure(page);
    assert.ok(before, 'the passage is on the page');

    assert.ok(text.includes(ABOVE));
    writeFileSync(file, text.replace(ABOVE, REWRITTEN));
    server.process.kill('SIGHUP');

    await waitForText(page, 'Keep the calendar of that week in mind');
    await marginSettled(page);
    const after = await measure(page);
    assert.equal(await page.evaluate(() => window.notNavigated), true, 'no navigation: the text was swapped in');
    assert.equal(await page.evaluate(() => window.focused.isConnected && document.activeElement === window.focused), true,
      'focus stays where the reader left it');
    assert.ok(after.first > before.first + 20,
      `the edit above made the first paragraph taller (${before.first} → ${after.first}), so keeping the place is needed`);
    assert.ok(Math.abs(after.passage - before.passage) <= 3,
      `the passage stayed where it was on screen: ${before.passage} → ${after.passage}`);
    assert.ok(!(await page.evaluate((t) => document.querySelector('article.essay').textContent.includes(t), ABOVE)),
      'the old sentence is gone');
    assertNoErrors(errors);
    await context.close();
  } finally {
    await server.stop();
  }
});
