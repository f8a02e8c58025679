// With JavaScript off the reading page is still whole: the essay, the margin
// notes on a wide screen, and mention links that lead to entity pages.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DESKTOP, READING_PATH, assertNoErrors, launchBrowser, openPage, shownSidenotes, startServer,
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

test('without JavaScript the reading page shows the essay, its sidenotes and working entity links', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser, server.url(READING_PATH), {
    contextOptions: { ...DESKTOP, javaScriptEnabled: false },
  });
  const essay = page.locator('article.essay');
  await essay.waitFor({ state: 'visible' });
  const firstParagraph = essay.locator('p').first();
  await firstParagraph.waitFor({ state: 'visible' });
  const essayText = await essay.evaluate((article) => {
    const clone = article.cloneNode(true);
    clone.querySelectorAll('[data-aside]').forEach((el) => el.remove());
    return clone.textContent.replace(/\s+/g, ' ');
  });
  assert.ok(
    essayText.includes('Pay attention to the dates, because the timing matters.'),
    `the essay's text is on the page; it starts: ${JSON.stringify(essayText.slice(0, 200))}`,
  );

  const notes = await shownSidenotes(page);
  assert.ok(notes.length >= 6, `expected at least 6 visible sidenotes at 1440px without JavaScript, saw ${notes.length}`);

  const link = page.locator('article.essay a.mention-link').first();
  const href = await link.getAttribute('href');
  assert.match(href, /^\/(people|events)\/[^/]+$/, `a mention links to an entity page, saw ${href}`);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && new URL(r.url()).pathname === href),
    link.click(),
  ]);
  assert.equal(response.status(), 200, `${href} answers 200`);
  await page.waitForURL(`**${href}`);
  const h1 = (await page.locator('h1').first().textContent()).trim();
  assert.ok(h1.length > 0, `${href} shows an h1 without JavaScript`);
  assertNoErrors(errors, `${READING_PATH} and ${href}`);
});
