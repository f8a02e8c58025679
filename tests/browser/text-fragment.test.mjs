// Text fragments made elsewhere (#:~:text=...): landing on one marks the passage with the
// page's own mark for a shared passage and brings it into view, and Copy link still offers one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DESKTOP, READING_PATH, assertNoErrors, launchBrowser, openPage, startServer,
} from './support.mjs';

let browser;
let server;
before(async () => {
  browser = await launchBrowser();
  server = await startServer();
}, { timeout: 60_000 });
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The marked words and whether the first mark is within the viewport, once there is a mark. */
async function marked(page) {
  await page.waitForSelector('mark[data-share]');
  return page.evaluate(() => {
    const marks = [...document.querySelectorAll('mark[data-share]')];
    const r = marks[0].getBoundingClientRect();
    return { text: marks.map((m) => m.textContent).join(''), inView: r.top >= 0 && r.bottom <= innerHeight };
  });
}

test('a text fragment from another site marks its passage and brings it into view', { timeout: 60_000 }, async () => {
  // Start and end with context, as Chromium's "Copy link to highlight" writes them; the comma
  // and the apostrophe percent-encoded. Far down the essay, so landing must scroll.
  const fragment = '#:~:text=Whatever%20the%20reason%2C-,Witkoff%20is%20prolonging,peace.,-His%20call';
  const { page, errors } = await openPage(browser, server.url(`${READING_PATH}${fragment}`), {
    contextOptions: DESKTOP,
  });
  assert.deepEqual(await marked(page), {
    text: 'Witkoff is prolonging the conflict. He is not promoting peace.',
    inView: true,
  });
  assertNoErrors(errors, fragment);
  await page.context().close();
});

test('a text fragment whose words are not in the essay, or that does not decode, marks nothing', { timeout: 60_000 }, async () => {
  for (const fragment of ['#:~:text=not%20in%20this%20essay', '#:~:text=Pay%ZZattention']) {
    const { page, errors } = await openPage(browser, server.url(`${READING_PATH}${fragment}`), {
      contextOptions: DESKTOP,
    });
    // The module that reads the fragment has been fetched and run.
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/textfragment.')));
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done())));
    assert.equal(await page.locator('mark[data-share]').count(), 0, fragment);
    assertNoErrors(errors, fragment);
    await page.context().close();
  }
});
