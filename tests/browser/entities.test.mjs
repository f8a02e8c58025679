// Navigation: the essay list, mentions leading to entity pages, "Read in context"
// links back into the essay, the timeline, and the 404 page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DESKTOP, FIRST_SLUG, READING_PATH, assertNoErrors, launchBrowser, openPage, startServer,
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

test('the front page lists the essays with links to their reading pages', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser, server.url('/'), { contextOptions: DESKTOP });
  const hrefs = await page.locator('a[href^="/articles/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.includes(`/articles/${FIRST_SLUG}`), `expected a link to /articles/${FIRST_SLUG}, saw ${JSON.stringify(hrefs)}`);
  await page.locator(`a[href="/articles/${FIRST_SLUG}"]`).first().click();
  await page.waitForURL(`**/articles/${FIRST_SLUG}`);
  assert.equal(await page.locator('article.essay').count(), 1, 'the reading page has one article.essay');
  assertNoErrors(errors, '/ and the reading page');
});

test('following a mention opens the entity page, whose "Read in context" links land on existing ids', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser, server.url(READING_PATH), { contextOptions: DESKTOP });
  const link = page.locator('article.essay a.mention-link[data-entity="steve-witkoff"]').first();
  assert.equal(await link.getAttribute('href'), '/people/steve-witkoff', 'the Witkoff mention links to /people/steve-witkoff');
  await link.click();
  await page.waitForURL('**/people/steve-witkoff');

  const h1 = (await page.locator('h1').first().textContent()).replace(/\s+/g, ' ').trim();
  assert.match(h1, /Steve Witkoff/, `the entity page's h1 names the person, saw ${JSON.stringify(h1)}`);

  const contexts = await page
    .getByRole('link', { name: /read in context/i })
    .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(contexts.length > 0, 'the entity page has "Read in context" links');
  for (const href of contexts) {
    assert.match(href, /^\/articles\/[^/#]+#.+$/, `"Read in context" link ${href} points to /articles/{slug}#{id}`);
  }

  // Each target id exists inside the essay on its reading page (one visit per essay).
  const bySlugPath = new Map();
  for (const href of contexts) {
    const [p, id] = href.split('#');
    if (!bySlugPath.has(p)) bySlugPath.set(p, new Set());
    bySlugPath.get(p).add(decodeURIComponent(id));
  }
  for (const [p, ids] of bySlugPath) {
    const reading = await openPage(browser, server.url(p), { contextOptions: DESKTOP });
    const missing = await reading.page.evaluate((wanted) => wanted.filter((id) => {
      const el = document.getElementById(id);
      return !el || !el.closest('article.essay') || el.closest('[data-aside]');
    }), [...ids]);
    assert.deepEqual(missing, [], `ids linked from "Read in context" that are not essay blocks on ${p}`);
    assertNoErrors(reading.errors, p);
    await reading.context.close();
  }

  // Following the first link lands on the reading page with its target in view.
  const first = contexts[0];
  await page.getByRole('link', { name: /read in context/i }).first().click();
  await page.waitForURL((u) => `${u.pathname}${u.hash}` === first);
  const target = decodeURIComponent(first.split('#')[1]);
  await page.locator(`[id="${target}"]`).waitFor({ state: 'visible' });
  const inView = await page.locator(`[id="${target}"]`).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight;
  });
  assert.ok(inView, `after following ${first}, the target block is scrolled into view`);
  assertNoErrors(errors, 'the entity page');
});

test('an event mention leads to an event page with a heading', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser, server.url(READING_PATH), { contextOptions: DESKTOP });
  const events = page.locator('article.essay a.mention-link[href^="/events/"]');
  assert.ok(await events.count() > 0, 'the essay mentions at least one event (a.mention-link to /events/…)');
  const href = await events.first().getAttribute('href');
  const eventPage = await openPage(browser, server.url(href), { contextOptions: DESKTOP });
  const h1 = (await eventPage.page.locator('h1').first().textContent()).trim();
  assert.ok(h1.length > 0, `${href} has a non-empty h1`);
  assertNoErrors(eventPage.errors, href);
  assertNoErrors(errors, READING_PATH);
});

test('an organisation mention leads to its page, which lists what it published', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser, server.url(READING_PATH), { contextOptions: DESKTOP });
  const link = page.locator('article.essay a.mention-link[href="/organisations/bloomberg"]');
  assert.equal(await link.count(), 1, 'the essay names Bloomberg once, linked to /organisations/bloomberg');
  assert.equal((await link.textContent()).trim(), 'Bloomberg');
  await link.click();
  await page.waitForURL('**/organisations/bloomberg');
  assert.equal((await page.locator('h1').first().textContent()).trim(), 'Bloomberg');
  const events = page.locator('section.related', { has: page.getByRole('heading', { name: 'Events' }) });
  assert.ok(
    await events.locator('a[href="/events/witkoff-ushakov-call-leak"]').isVisible(),
    'the Bloomberg page lists the publication of the recorded call under "Events"',
  );
  assertNoErrors(errors, '/organisations/bloomberg');
});

test('the Budapest summit reads as announced and called off, never as held', { timeout: 60_000 }, async () => {
  const summit = await openPage(browser, server.url('/events/budapest-summit'), { contextOptions: DESKTOP });
  const status = (await summit.page.locator('.entity-status').innerText()).trim();
  assert.match(status, /^Called off October 22, 2025\. It was never held\.$/, `the event page says it was called off, saw ${JSON.stringify(status)}`);
  assert.match((await summit.page.locator('.entity-date').innerText()).trim(), /^Announced October 16, 2025$/);
  assertNoErrors(summit.errors, '/events/budapest-summit');

  const { page, errors } = await openPage(browser, server.url('/timeline'), { contextOptions: DESKTOP });
  const days = await page.locator('.timeline-item').evaluateAll((items) => items
    .filter((item) => item.querySelector('h2 a[href="/events/budapest-summit"]'))
    .map((item) => ({
      date: item.querySelector('time').getAttribute('datetime'),
      status: item.querySelector('.timeline-status')?.innerText.trim() ?? '',
    })));
  assert.deepEqual(days.map((d) => d.date), ['2025-10-16', '2025-10-22'], 'the summit is on the timeline on the day it was announced and the day it was called off');
  assert.match(days[0].status, /^Announced; called off on October 22, 2025/);
  assert.match(days[1].status, /^Called off\./);
  assertNoErrors(errors, '/timeline');
});

test('the timeline page answers with a heading', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser, server.url('/timeline'), { contextOptions: DESKTOP });
  assert.ok((await page.locator('h1').first().textContent()).trim().length > 0, '/timeline has a non-empty h1');
  assertNoErrors(errors, '/timeline');
});

test('an unknown path gets a readable 404 page', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser, server.url('/no-such-page'), { contextOptions: DESKTOP, expectedStatus: 404 });
  assert.ok((await page.locator('h1').first().textContent()).trim().length > 0, 'the 404 page has a non-empty h1');
  assertNoErrors(errors, 'the 404 page');

  const unknownPerson = await openPage(browser, server.url('/people/no-such-person'), { contextOptions: DESKTOP, expectedStatus: 404 });
  assert.ok((await unknownPerson.page.locator('h1').first().textContent()).trim().length > 0, '/people/no-such-person is a 404 page with an h1');
  assertNoErrors(unknownPerson.errors, '/people/no-such-person');
});
