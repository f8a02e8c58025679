// Hover cards on mentions: pointer, keyboard, Escape, and the CSS-only path without JavaScript.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DESKTOP, READING_PATH, assertNoErrors, isShown, launchBrowser, openPage, startServer, waitShown,
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

/** The selector of the card that a mention link describes (its aria-describedby). */
async function cardOf(link) {
  const id = await link.getAttribute('aria-describedby');
  assert.ok(id, 'a .mention-link has aria-describedby naming its card');
  const selector = `[id="${id}"]`;
  const isCard = await link.page().locator(selector).evaluate((el) => el.matches('.card[role="tooltip"]')).catch(() => false);
  assert.ok(isCard, `aria-describedby="${id}" names a .card with role="tooltip"`);
  return selector;
}

/** A point on the page away from the mention and its card, to move the pointer to. */
async function pointAwayFrom(page, selectors) {
  return page.evaluate((sels) => {
    const boxes = sels.map((s) => document.querySelector(s).getBoundingClientRect());
    const candidates = [[5, 5], [innerWidth - 5, 5], [5, innerHeight - 5], [innerWidth - 5, innerHeight - 5]];
    const inside = ([x, y]) => boxes.some((b) => x >= b.left - 20 && x <= b.right + 20 && y >= b.top - 20 && y <= b.bottom + 20);
    return candidates.find((p) => !inside(p)) ?? candidates[0];
  }, selectors);
}

test('hovering a mention shows its card, and moving away hides it', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser, server.url(READING_PATH), { contextOptions: DESKTOP });
  const link = page.locator('article.essay .mention-link').first();
  const card = await cardOf(link);
  assert.equal(await isShown(page, card), false, `${card} is hidden before any hover`);

  await link.hover();
  await waitShown(page, card, true);

  const linkId = await link.getAttribute('aria-describedby');
  const [x, y] = await pointAwayFrom(page, [card, `[aria-describedby="${linkId}"]`]);
  await page.mouse.move(x, y);
  await waitShown(page, card, false);
  assertNoErrors(errors, READING_PATH);
});

test('keyboard focus on a mention shows its card; Escape hides it and keeps focus', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser, server.url(READING_PATH), { contextOptions: DESKTOP });
  const focusedIsMention = () => page.evaluate(() => document.activeElement?.matches('.mention-link') ?? false);
  let presses = 0;
  while (!(await focusedIsMention())) {
    assert.ok(presses < 150, 'pressing Tab 150 times never focused a .mention-link');
    await page.keyboard.press('Tab');
    presses++;
  }
  const id = await page.evaluate(() => document.activeElement.getAttribute('aria-describedby'));
  assert.ok(id, 'the focused .mention-link has aria-describedby');
  const card = `[id="${id}"]`;
  await waitShown(page, card, true);

  await page.keyboard.press('Escape');
  await waitShown(page, card, false);
  const stillFocused = await page.evaluate((cardId) => {
    const el = document.activeElement;
    return el?.matches('.mention-link') && el.getAttribute('aria-describedby') === cardId;
  }, id);
  assert.ok(stillFocused, 'after Escape, focus stays on the mention link');
  assertNoErrors(errors, READING_PATH);
});

test('without JavaScript, hovering a mention still shows its card (CSS only)', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser, server.url(READING_PATH), {
    contextOptions: { ...DESKTOP, javaScriptEnabled: false },
  });
  const link = page.locator('article.essay .mention-link').first();
  const card = await cardOf(link);
  assert.equal(await isShown(page, card), false, `${card} is hidden before any hover`);
  await link.hover();
  await waitShown(page, card, true);
  assertNoErrors(errors, READING_PATH);
});
