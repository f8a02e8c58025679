// Reading page on a phone: no sideways scroll, notes hidden behind their toggles.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  PHONE, READING_PATH, assertNoErrors, essayTextBoxes, fmtBox, launchBrowser, openPage, overlaps,
  shownSidenotes, startServer, waitShown,
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

// With isMobile, Chromium zooms out to fit a too-wide page, and window.innerWidth
// grows with it; so the width to stay within is also capped at the device width.
const scrollState = (page) =>
  page.evaluate((deviceWidth) => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: Math.min(window.innerWidth, document.documentElement.clientWidth, deviceWidth),
  }), PHONE.viewport.width);

/** The id of the sidenote that a .note-ref toggles: the first .sidenote after it. */
const noteIdFor = (ref) =>
  ref.evaluate((label) => {
    const notes = [...document.querySelectorAll('article.essay .sidenote')];
    return notes.find((n) => label.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING)?.id ?? null;
  });

test('at 390×844 nothing scrolls sideways and no sidenote shows by default', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser, server.url(READING_PATH), { contextOptions: PHONE });
  const { scrollWidth, innerWidth } = await scrollState(page);
  assert.ok(scrollWidth <= innerWidth, `page scrolls sideways: scrollWidth ${scrollWidth} > innerWidth ${innerWidth}`);
  const notes = await shownSidenotes(page);
  assert.deepEqual(notes.map((n) => n.id), [], 'no sidenote is visible before its toggle is tapped');
  assert.ok(await page.locator('article.essay .note-ref').count() > 0, 'the essay has .note-ref toggles');
  assertNoErrors(errors, READING_PATH);
});

test('tapping a note reference reveals its note inside the viewport, overlapping no text', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPage(browser, server.url(READING_PATH), { contextOptions: PHONE });
  const refs = page.locator('article.essay .note-ref');
  const count = Math.min(await refs.count(), 3);
  assert.ok(count > 0, 'the essay has .note-ref toggles');

  for (let i = 0; i < count; i++) {
    const ref = refs.nth(i);
    const noteId = await noteIdFor(ref);
    assert.ok(noteId, `.note-ref #${i + 1} is followed by a .sidenote with an id`);
    await ref.tap();
    await waitShown(page, `[id="${noteId}"]`);
    const box = await page.locator(`[id="${noteId}"]`).evaluate((el, deviceWidth) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, viewport: Math.min(window.innerWidth, document.documentElement.clientWidth, deviceWidth) };
    }, PHONE.viewport.width);
    assert.ok(
      box.left >= -0.5 && box.right <= box.viewport + 0.5,
      `revealed sidenote #${noteId} spans x ${Math.round(box.left)}…${Math.round(box.right)}, outside the ${box.viewport}px viewport`,
    );
  }

  const { scrollWidth, innerWidth } = await scrollState(page);
  assert.ok(scrollWidth <= innerWidth, `with notes open the page scrolls sideways: scrollWidth ${scrollWidth} > innerWidth ${innerWidth}`);

  // Paragraph text (line by line, per block) and revealed notes: no two of them overlap.
  const notes = (await shownSidenotes(page)).map((n) => ({ name: `sidenote #${n.id}`, boxes: [n] }));
  assert.ok(notes.length >= count, `expected ${count} revealed sidenotes, saw ${notes.length}`);
  const text = (await essayTextBoxes(page)).map((b) => ({ name: `text of ${b.block}`, boxes: b.boxes }));
  const items = [...notes, ...text];
  const clashes = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      for (const a of items[i].boxes) {
        const b = items[j].boxes.find((other) => overlaps(a, other));
        if (b) {
          clashes.push(`${items[i].name} ${fmtBox(a)} overlaps ${items[j].name} ${fmtBox(b)}`);
          break;
        }
      }
    }
  }
  assert.deepEqual(clashes, [], 'revealed notes and essay text must not overlap');
  assertNoErrors(errors, READING_PATH);
});
